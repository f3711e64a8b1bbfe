import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, useContext } from 'react';
import { api, setCsrfToken, unwrap, ApiError } from './client';
import { queryKeys } from './query-keys';
import { noteServerTime } from './server-clock';
import type { Schemas } from './client';

export type SessionView = Schemas['SessionView'];

function remember(session: SessionView): SessionView {
  setCsrfToken(session.csrfToken);
  noteServerTime(session.serverTime);
  return session;
}

/** The signed-in session, or null when there is none (401). Every page reads who the user is from here. */
export async function fetchSession(): Promise<SessionView | null> {
  try {
    return remember(await unwrap(api.GET('/api/v1/session')));
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) {
      setCsrfToken(undefined);
      return null;
    }
    throw err;
  }
}

export function useSession() {
  return useQuery({ queryKey: queryKeys.session, queryFn: fetchSession, staleTime: 5 * 60_000, retry: 1 });
}

/**
 * The full session the signed-in layout (app/AppLayout.tsx) was rendered with. Pages read it from here,
 * not from the query: at sign-out the query empties a moment before the gate takes the page away.
 */
export const SignedInSession = createContext<SessionView | null>(null);

/** Who is signed in, for any page behind the sign-in gate. */
export function useSignedInSession(): SessionView {
  const session = useContext(SignedInSession);
  if (!session) throw new Error('useSignedInSession outside the signed-in part of the console');
  return session;
}

export function useSignIn() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (body: { username: string; password: string; code?: string }) =>
      remember(await unwrap(api.POST('/api/v1/session', { body }))),
    onSuccess: (session) => qc.setQueryData(queryKeys.session, session),
  });
}

export function useChangePassword() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (body: { currentPassword: string; newPassword: string }) =>
      remember(await unwrap(api.POST('/api/v1/session/password', { body }))),
    onSuccess: (session) => qc.setQueryData(queryKeys.session, session),
  });
}

export function useStartTotp() {
  return useMutation({ mutationFn: () => unwrap(api.POST('/api/v1/session/totp')) });
}

export function useConfirmTotp() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (code: string) =>
      remember(await unwrap(api.POST('/api/v1/session/totp/confirm', { body: { code } }))),
    onSuccess: (session) => qc.setQueryData(queryKeys.session, session),
  });
}

/** Ends the session on the server, then forgets every cached answer (they belong to that user). */
export function useSignOut() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async () => {
      await unwrap(api.DELETE('/api/v1/session')).catch((err: unknown) => {
        // Already gone on the server: signed out all the same.
        if (!(err instanceof ApiError && err.status === 401)) throw err;
      });
    },
    onSuccess: () => {
      setCsrfToken(undefined);
      // The session query stays (the gate observes it and now shows the sign-in page); the rest goes.
      qc.setQueryData(queryKeys.session, null);
      qc.removeQueries({ predicate: (q) => q.queryKey[0] !== queryKeys.session[0] });
    },
  });
}
