import type { OperatorKind, OrgKind, Role, Sector } from '../common';

/** Who is calling: resolved from the bearer token or the session cookie on every /api/v1 request. */
export interface Principal {
  /** The bearer token the request was made with; null for a console session. */
  tokenId: string | null;
  /** The console session (its id, the SHA-256 of the cookie) the request was made with; null for a token. */
  sessionId: string | null;
  userId: string;
  orgId: string;
  orgName: string;
  orgKind: OrgKind;
  operatorKind: OperatorKind | null;
  sector: Sector;
  role: Role;
  /** Admin of the bootstrap organisation: may administer every organisation. */
  isPlatformAdmin: boolean;
}

/** Timers and workers act as `system:<component>`; they are never a token holder. */
export interface SystemActor {
  system: string;
  orgId: string | null;
}

export type Actor = Principal | SystemActor;

export const isSystemActor = (a: Actor): a is SystemActor => 'system' in a;
