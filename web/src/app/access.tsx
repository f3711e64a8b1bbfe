import type { ReactNode } from 'react';
import { useSignedInSession, type SessionView } from '../api/session';

type User = SessionView['user'];

/** Who may open a part of the console: the same rule the API applies to its routes (organisation kind, role). */
export const ACCESS = {
  operator: (u: User) => u.orgKind === 'operator',
  department: (u: User) => u.orgKind === 'department',
  admin: (u: User) => u.role === 'admin',
} as const;

/**
 * Renders `children` only for a user `allow` admits, else `denied` (the not-found page): a department user
 * who types an operator page's address meets "not found", as the API would answer, not a page of errors.
 */
export function OnlyFor({
  allow,
  denied,
  children,
}: {
  allow: (u: User) => boolean;
  denied: ReactNode;
  children: ReactNode;
}) {
  const { user } = useSignedInSession();
  return <>{allow(user) ? children : denied}</>;
}
