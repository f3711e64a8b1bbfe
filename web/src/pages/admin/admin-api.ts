import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useSearchParams } from 'react-router';
import { api, unwrap, type Schemas } from '../../api/client';
import { useSignedInSession, type SessionView } from '../../api/session';

export type Organisation = Schemas['OrganisationView'];
export type User = Schemas['UserView'];
export type Token = Schemas['TokenView'];
export type IssuedToken = Schemas['IssuedTokenView'];
export type Subscription = Schemas['SubscriptionView'];
export type CreateSubscription = Schemas['CreateSubscriptionDto'];
export type UpdateSubscription = Schemas['UpdateSubscriptionDto'];
export type TestResult = Schemas['TestResultView'];
export type Recipient = Schemas['RecipientView'];
export type CreateRecipient = Schemas['CreateRecipientDto'];
export type UpdateRecipient = Schemas['UpdateRecipientDto'];
export type Role = User['role'];

/**
 * Query keys of the admin screens. Administration sends nothing on the live stream (README, Live updates),
 * so these keys name no live kind: each screen refetches after its own changes.
 */
export const adminKeys = {
  organisations: ['admin', 'organisations'] as const,
  users: (orgId: string) => ['admin', 'users', orgId] as const,
  tokens: (orgId: string) => ['admin', 'tokens', orgId] as const,
  subscriptions: ['admin', 'subscriptions'] as const,
  recipients: ['admin', 'recipients'] as const,
  audit: ['admin', 'audit'] as const,
};

export const OPERATOR_ROLES: Role[] = ['admin', 'leader', 'commander', 'responder', 'liaison', 'viewer'];
export const DEPARTMENT_ROLES: Role[] = ['admin', 'department-officer', 'viewer'];
export const SERVICE_ACCOUNT_ROLES: Role[] = ['responder', 'viewer'];
export const SECTORS = [
  'energy',
  'finance',
  'telecom',
  'transport',
  'water',
  'public-services',
  'e-government',
  'national-defense-industry',
  'healthcare',
  'other',
] as const;

export const isPlatformAdmin = (u: SessionView['user']) => u.role === 'admin' && u.isPlatformAdmin;

export function useOrganisations() {
  return useQuery({
    queryKey: adminKeys.organisations,
    queryFn: () => unwrap(api.GET('/api/v1/admin/organisations')),
  });
}

/**
 * The organisation the users and tokens screens show: the admin's own, or for a platform admin the one
 * chosen (?org=… in the address, so a link keeps it).
 */
export function useAdminOrg(): { orgId: string; setOrgId: (id: string) => void } {
  const { user } = useSignedInSession();
  const [params, setParams] = useSearchParams();
  const chosen = params.get('org');
  const orgId = isPlatformAdmin(user) && chosen ? chosen : user.orgId;
  return {
    orgId,
    setOrgId: (id) =>
      setParams(
        (p) => {
          p.set('org', id);
          return p;
        },
        { replace: true },
      ),
  };
}

export function useUsers(orgId: string) {
  return useQuery({
    queryKey: adminKeys.users(orgId),
    queryFn: () => unwrap(api.GET('/api/v1/admin/organisations/{orgId}/users', { params: { path: { orgId } } })),
  });
}

export function useTokens(orgId: string) {
  return useQuery({
    queryKey: adminKeys.tokens(orgId),
    queryFn: () => unwrap(api.GET('/api/v1/admin/organisations/{orgId}/tokens', { params: { path: { orgId } } })),
  });
}

/** A mutation that refetches the admin screens (users and tokens change together: a role follows into tokens). */
export function useAdminMutation<V, R>(fn: (v: V) => Promise<R>) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['admin'] }),
  });
}

export const userCalls = {
  create: (orgId: string, body: Schemas['CreateUserDto']) =>
    unwrap(api.POST('/api/v1/admin/organisations/{orgId}/users', { params: { path: { orgId } }, body })),
  update: (userId: string, body: Schemas['UpdateUserDto']) =>
    unwrap(api.PATCH('/api/v1/admin/users/{userId}', { params: { path: { userId } }, body })),
  resetPassword: (userId: string, body: Schemas['ResetPasswordDto']) =>
    unwrap(api.POST('/api/v1/admin/users/{userId}/password', { params: { path: { userId } }, body })),
  resetSecondFactor: (userId: string) =>
    unwrap(api.POST('/api/v1/admin/users/{userId}/second-factor/reset', { params: { path: { userId } } })),
  enrolment: (userId: string) =>
    unwrap(api.POST('/api/v1/admin/users/{userId}/enrolment', { params: { path: { userId } } })),
  issueToken: (userId: string, name: string) =>
    unwrap(api.POST('/api/v1/admin/users/{userId}/tokens', { params: { path: { userId } }, body: { name } })),
  issueOwnToken: (name: string) => unwrap(api.POST('/api/v1/me/tokens', { body: { name } })),
  revokeToken: (tokenId: string) =>
    unwrap(api.POST('/api/v1/admin/tokens/{tokenId}/revoke', { params: { path: { tokenId } } })),
  security: (orgId: string, requireTwoFactor: boolean) =>
    unwrap(
      api.PUT('/api/v1/admin/organisations/{orgId}/security', {
        params: { path: { orgId } },
        body: { requireTwoFactor },
      }),
    ),
};

export function useSubscriptions() {
  return useQuery({
    queryKey: adminKeys.subscriptions,
    queryFn: () => unwrap(api.GET('/api/v1/notification-subscriptions')),
  });
}

export const subscriptionCalls = {
  create: (body: CreateSubscription) => unwrap(api.POST('/api/v1/notification-subscriptions', { body })),
  update: (id: string, body: UpdateSubscription) =>
    unwrap(api.PATCH('/api/v1/notification-subscriptions/{id}', { params: { path: { id } }, body })),
  remove: (id: string) => unwrap(api.DELETE('/api/v1/notification-subscriptions/{id}', { params: { path: { id } } })),
  test: (id: string) => unwrap(api.POST('/api/v1/notification-subscriptions/{id}/test', { params: { path: { id } } })),
};

export function useRecipients(enabled: boolean) {
  return useQuery({
    queryKey: adminKeys.recipients,
    queryFn: () => unwrap(api.GET('/api/v1/report-recipients')),
    enabled,
  });
}

export const recipientCalls = {
  create: (body: CreateRecipient) => unwrap(api.POST('/api/v1/report-recipients', { body })),
  update: (id: string, body: UpdateRecipient) =>
    unwrap(api.PATCH('/api/v1/report-recipients/{id}', { params: { path: { id } }, body })),
};

export const organisationCalls = {
  create: (body: Schemas['CreateOrganisationDto']) => unwrap(api.POST('/api/v1/admin/organisations', { body })),
  update: (orgId: string, body: Schemas['UpdateOrganisationDto']) =>
    unwrap(api.PATCH('/api/v1/admin/organisations/{orgId}', { params: { path: { orgId } }, body })),
};
