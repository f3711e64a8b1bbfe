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

export interface PlatformTokenResult {
  issued: IssuedTokenView;
  /** The platform organisation and its admin did not exist and were created now. */
  created: boolean;
  user: { id: string; name: string };
  /** Tokens of that admin revoked (with revokeOthers). */
  revoked: number;
}

export class PlatformAdminError extends Error {}

/** The platform organisation's admin as the bootstrap creates it. */
export async function createPlatformAdmin(admin: AdminService, actor: SystemActor, em: EntityManager): Promise<User> {
  const org = await admin.createOrganisation(
    actor,
    { name: 'Default operator', kind: 'operator', sector: 'other', operatorKind: 'cii' },
    { isPlatform: true },
    em,
  );
  return admin.createUser(actor, org.id, { name: 'Administrator', role: 'admin' }, em);
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
