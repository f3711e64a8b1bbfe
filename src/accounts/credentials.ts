import { IsNull, type EntityManager } from 'typeorm';
import type { AuditService } from '../audit';
import type { Actor } from '../auth';
import { UserCredential } from './credential.entity';
import { UserSession, type SessionEndReason } from './session.entity';

/**
 * Writes to a person's credentials and sessions shared by the session API, the admin API and the
 * admin CLI (which builds no Nest application), inside the caller's transaction.
 */

/** Stores a password hash for a user (creating their credential row), marking whether it must be changed. */
export async function storePassword(
  m: EntityManager,
  userId: string,
  passwordHash: string,
  mustChange: boolean,
  at: Date,
): Promise<void> {
  const repo = m.getRepository(UserCredential);
  const now = at.toISOString();
  const values = { passwordHash, mustChangePassword: mustChange, passwordChangedAt: now, updatedAt: now };
  if (await repo.existsBy({ userId })) await repo.update({ userId }, values);
  else
    await repo.insert({
      userId,
      ...values,
      totpSecret: null,
      totpPendingSecret: null,
      totpLastStep: null,
      totpEnrolledAt: null,
    });
}

/** Removes a person's second factor, confirmed or pending. Returns whether one was confirmed. */
export async function clearSecondFactor(m: EntityManager, userId: string, at: Date): Promise<boolean> {
  const repo = m.getRepository(UserCredential);
  const cred = await repo.findOneBy({ userId });
  if (!cred) return false;
  await repo.update(
    { userId },
    {
      totpSecret: null,
      totpPendingSecret: null,
      totpLastStep: null,
      totpEnrolledAt: null,
      updatedAt: at.toISOString(),
    },
  );
  return cred.totpSecret !== null;
}

const actionOf = (reason: SessionEndReason) =>
  reason === 'signed-out'
    ? 'session.signed-out'
    : reason === 'idle-timeout' || reason === 'absolute-timeout'
      ? 'session.expired'
      : 'session.ended';

/**
 * Ends the open sessions `which` names (one session, or every session of a user but `except`),
 * each audited (`session.signed-out`, `session.expired` or `session.ended`, with the reason).
 * Returns how many ended.
 */
export async function endSessions(
  m: EntityManager,
  audit: AuditService,
  which: { id: string } | { userId: string; except?: string },
  actor: Actor,
  reason: SessionEndReason,
  at: Date,
): Promise<number> {
  const repo = m.getRepository(UserSession);
  const open = await repo.findBy(
    'id' in which ? { id: which.id, endedAt: IsNull() } : { userId: which.userId, endedAt: IsNull() },
  );
  let ended = 0;
  for (const s of open) {
    if ('except' in which && s.id === which.except) continue;
    const res = await repo.update({ id: s.id, endedAt: IsNull() }, { endedAt: at.toISOString(), endedReason: reason });
    if (!res.affected) continue;
    await audit.append(m, {
      actor,
      action: actionOf(reason),
      orgId: s.orgId,
      payload: { sessionId: s.id, userId: s.userId, reason },
    });
    ended++;
  }
  return ended;
}
