import { IsNull, type EntityManager } from 'typeorm';
import { AuditService } from '../audit';
import { nowIso } from '../common';
import { TransactionRunner } from '../database';
import type { IssuedTokenView } from './admin.dto';
import { AdminService } from './admin.service';
import { ApiToken } from './api-token.entity';
import { Organisation } from './organisation.entity';
import type { SystemActor } from '../auth';
import { User } from './user.entity';
import { clearSecondFactor, endSessions, storePassword } from './credentials';
import { generatePassword, hashPassword } from './passwords';

export interface PlatformTokenResult {
  issued: IssuedTokenView;
  /** The platform organisation and its admin did not exist and were created now. */
  created: boolean;
  user: { id: string; name: string };
  /** Tokens of that admin revoked (with revokeOthers). */
  revoked: number;
}

export class PlatformAdminError extends Error {}

export interface PasswordResetResult {
  user: { id: string; name: string; username: string; orgId: string };
  password: string;
  sessionsEnded: number;
  secondFactorReset: boolean;
}

/**
 * A new initial password for the person with `username` (`lianfang admin reset-password`): the
 * way back in for whoever runs the service when the admin's password is lost. The person must
 * change it at the next sign-in; their console sessions end; with `resetSecondFactor` their
 * second factor is removed too (a lost phone). One audited transaction.
 */
export async function resetPasswordByUsername(
  deps: { tx: TransactionRunner; audit: AuditService },
  opts: { username: string; resetSecondFactor: boolean; actor: SystemActor },
): Promise<PasswordResetResult> {
  const username = opts.username.trim().toLowerCase();
  const password = generatePassword();
  const hash = await hashPassword(password);
  return deps.tx.run(async (em) => {
    let user = await em.getRepository(User).findOneBy({ username });
    if (!user && username === PLATFORM_ADMIN_USERNAME) {
      // An installation from before sign-in: its platform admin has no username yet; it gets `admin`.
      const platforms = await em.getRepository(Organisation).findBy({ isPlatform: true });
      user = platforms.length
        ? await em.getRepository(User).findOne({
            where: platforms.map((o) => ({ orgId: o.id, role: 'admin' as const, username: IsNull() })),
            order: { createdAt: 'ASC' },
          })
        : null;
      if (user) {
        await em.getRepository(User).update({ id: user.id }, { username });
        user.username = username;
      }
    }
    if (!user) throw new PlatformAdminError(`no user with the username ${username}`);
    if (user.serviceAccount) throw new PlatformAdminError(`${username} is a service account: it has no password`);
    const now = new Date();
    await storePassword(em, user.id, hash, true, now);
    const secondFactorReset = opts.resetSecondFactor ? await clearSecondFactor(em, user.id, now) : false;
    const sessionsEnded = await endSessions(em, deps.audit, { userId: user.id }, opts.actor, 'password-reset', now);
    await deps.audit.append(em, {
      actor: opts.actor,
      action: 'user.password-reset',
      orgId: user.orgId,
      payload: { userId: user.id, username, sessionsEnded },
    });
    if (opts.resetSecondFactor)
      await deps.audit.append(em, {
        actor: opts.actor,
        action: 'user.second-factor-reset',
        orgId: user.orgId,
        payload: { userId: user.id, wasEnrolled: secondFactorReset, sessionsEnded: 0 },
      });
    return {
      user: { id: user.id, name: user.name, username, orgId: user.orgId },
      password,
      sessionsEnded,
      secondFactorReset,
    };
  });
}

/** The console username of the platform admin the service creates. */
export const PLATFORM_ADMIN_USERNAME = 'admin';

/**
 * The platform organisation's admin as the bootstrap creates it, with the username `admin` (when
 * no one has it) and, when given, the hash of its initial password (to be changed at first sign-in).
 */
export async function createPlatformAdmin(
  admin: AdminService,
  actor: SystemActor,
  em: EntityManager,
  passwordHash: string | null = null,
): Promise<User> {
  const org = await admin.createOrganisation(
    actor,
    { name: 'Default operator', kind: 'operator', sector: 'other', operatorKind: 'cii' },
    { isPlatform: true },
    em,
  );
  const free = !(await em.getRepository(User).existsBy({ username: PLATFORM_ADMIN_USERNAME }));
  return admin.createUser(
    actor,
    org.id,
    { name: 'Administrator', role: 'admin', ...(free ? { username: PLATFORM_ADMIN_USERNAME } : {}) },
    em,
    free ? passwordHash : null,
  );
}

/**
 * A new token for a platform admin of an existing installation, in one audited transaction: the
 * way back in for whoever runs the service and lost the bootstrap token (`lianfang admin
 * reset-token`). With no platform organisation yet it creates one with its admin, as the
 * bootstrap would. `userId` picks one of several platform admins (default: the first created);
 * `revokeOthers` revokes that admin's other tokens.
 */
export async function issuePlatformToken(
  deps: { tx: TransactionRunner; admin: AdminService; audit: AuditService },
  opts: { userId?: string; name: string; revokeOthers: boolean; actor: SystemActor },
): Promise<PlatformTokenResult> {
  return deps.tx.run(async (em) => {
    const platforms = await em
      .getRepository(Organisation)
      .find({ where: { isPlatform: true }, order: { createdAt: 'ASC' } });
    let created = false;
    let user: User | null = null;
    if (opts.userId) {
      user = await em.getRepository(User).findOneBy({ id: opts.userId, role: 'admin' });
      if (!user || !platforms.some((o) => o.id === user!.orgId))
        throw new PlatformAdminError(`${opts.userId} is not an admin of the platform organisation`);
    } else if (platforms.length > 0) {
      user = await em.getRepository(User).findOne({
        where: platforms.map((o) => ({ orgId: o.id, role: 'admin' as const })),
        order: { createdAt: 'ASC' },
      });
      if (!user)
        user = await deps.admin.createUser(opts.actor, platforms[0]!.id, { name: 'Administrator', role: 'admin' }, em);
    } else {
      user = await createPlatformAdmin(deps.admin, opts.actor, em);
      created = true;
    }
    let revoked = 0;
    if (opts.revokeOthers) {
      const active = await em.getRepository(ApiToken).findBy({ userId: user.id, revokedAt: IsNull() });
      for (const t of active) {
        await em.getRepository(ApiToken).update({ id: t.id }, { revokedAt: nowIso() });
        await deps.audit.append(em, {
          actor: opts.actor,
          action: 'token.revoked',
          orgId: t.orgId,
          payload: { tokenId: t.id, prefix: t.prefix },
        });
        revoked++;
      }
    }
    const issued = await deps.admin.issueToken(opts.actor, user.id, { name: opts.name }, { em });
    return { issued, created, user: { id: user.id, name: user.name }, revoked };
  });
}
