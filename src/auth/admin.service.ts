import { BadRequestException, Injectable, NotFoundException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { DEPARTMENT_ROLES, OPERATOR_ROLES, type Role } from '../common/roles';
import { nowIso } from '../common/time';
import { TransactionRunner } from '../database/transaction-runner';
import { ApiToken } from './api-token.entity';
import type { CreateOrganisationDto, CreateTokenDto, CreateUserDto, IssuedTokenView, TokenView } from './admin.dto';
import { Organisation } from './organisation.entity';
import type { Actor, Principal } from './principal';
import { generateSecret, newPrefix, TokenHasher } from './token-hash';
import { User } from './user.entity';

const toTokenView = (t: ApiToken): TokenView => ({
  id: t.id, userId: t.userId, orgId: t.orgId, role: t.role, name: t.name, prefix: t.prefix, createdAt: t.createdAt, revokedAt: t.revokedAt,
});

/**
 * Organisations, users and tokens. Platform admins (admins of the bootstrap organisation) manage
 * every organisation; an organisation's own admin manages its users and tokens. An organisation the
 * caller may not administer is reported as not found, so its existence does not leak.
 */
@Injectable()
export class AdminService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly tx: TransactionRunner,
    private readonly audit: AuditService,
    private readonly hasher: TokenHasher,
  ) {}

  private assertCanAdminister(p: Principal, orgId: string): void {
    if (!p.isPlatformAdmin && p.orgId !== orgId) throw new NotFoundException('Organisation not found');
  }

  async listOrganisations(p: Principal): Promise<Organisation[]> {
    const repo = this.dataSource.getRepository(Organisation);
    return p.isPlatformAdmin ? repo.find({ order: { createdAt: 'ASC' } }) : repo.findBy({ id: p.orgId });
  }

  async createOrganisation(actor: Actor, dto: CreateOrganisationDto, extra: { isPlatform?: boolean } = {}, em?: EntityManager): Promise<Organisation> {
    if (dto.kind === 'department' && dto.operatorKind) throw new BadRequestException({ message: 'operatorKind applies to operators only', details: [{ field: 'operatorKind', messages: ['operatorKind applies to operators only'] }] });
    const work = async (m: EntityManager) => {
      const org = m.getRepository(Organisation).create({
        id: randomUUID(), name: dto.name, kind: dto.kind, sector: dto.sector, operatorKind: dto.operatorKind ?? null,
        isPlatform: extra.isPlatform ?? false, createdAt: nowIso(),
      });
      await m.getRepository(Organisation).insert(org);
      await this.audit.append(m, { actor, action: 'organisation.created', orgId: org.id, payload: { organisation: { ...org } } });
      return org;
    };
    return em ? work(em) : this.tx.run(work);
  }

  async listUsers(p: Principal, orgId: string): Promise<User[]> {
    this.assertCanAdminister(p, orgId);
    await this.getOrg(orgId);
    return this.dataSource.getRepository(User).find({ where: { orgId }, order: { createdAt: 'ASC' } });
  }

  async createUser(actor: Actor, orgId: string, dto: CreateUserDto, em?: EntityManager): Promise<User> {
    if (!('system' in actor)) this.assertCanAdminister(actor, orgId);
    const work = async (m: EntityManager) => {
      const org = await m.getRepository(Organisation).findOneBy({ id: orgId });
      if (!org) throw new NotFoundException('Organisation not found');
      const allowed: readonly Role[] = org.kind === 'department' ? DEPARTMENT_ROLES : OPERATOR_ROLES;
      if (!allowed.includes(dto.role)) {
        const message = `role ${dto.role} does not exist in ${org.kind} organisations (allowed: ${allowed.join(', ')})`;
        throw new BadRequestException({ message, details: [{ field: 'role', messages: [message] }] });
      }
      const user = m.getRepository(User).create({ id: randomUUID(), orgId, name: dto.name, email: dto.email ?? null, role: dto.role, createdAt: nowIso() });
      await m.getRepository(User).insert(user);
      await this.audit.append(m, { actor, action: 'user.created', orgId, payload: { user: { ...user } } });
      return user;
    };
    return em ? work(em) : this.tx.run(work);
  }

  /** Issues a token for a user, with the user's role. The plain token is returned once. */
  async issueToken(actor: Actor, userId: string, dto: CreateTokenDto, opts: { em?: EntityManager; token?: string } = {}): Promise<IssuedTokenView> {
    const work = async (m: EntityManager) => {
      const user = await m.getRepository(User).findOneBy({ id: userId });
      if (!user || (!('system' in actor) && !actor.isPlatformAdmin && actor.orgId !== user.orgId)) throw new NotFoundException('User not found');
      // A supplied token (the bootstrap one) gets a handle of its own: none of it is ever listed.
      const { secret: token, prefix } = opts.token !== undefined ? { secret: opts.token, prefix: newPrefix() } : generateSecret();
      const row = m.getRepository(ApiToken).create({
        id: randomUUID(), orgId: user.orgId, userId: user.id, role: user.role, name: dto.name,
        tokenHash: this.hasher.hash(token), prefix, createdAt: nowIso(), revokedAt: null,
      });
      await m.getRepository(ApiToken).insert(row);
      // The audit entry names the token by id and prefix, never the token or its hash.
      await this.audit.append(m, { actor, action: 'token.issued', orgId: user.orgId, payload: { tokenId: row.id, userId: user.id, role: row.role, name: row.name, prefix: row.prefix } });
      return { ...toTokenView(row), token };
    };
    return opts.em ? work(opts.em) : this.tx.run(work);
  }

  async listTokens(p: Principal, orgId: string): Promise<TokenView[]> {
    this.assertCanAdminister(p, orgId);
    await this.getOrg(orgId);
    const rows = await this.dataSource.getRepository(ApiToken).find({ where: { orgId }, order: { createdAt: 'ASC' } });
    return rows.map(toTokenView);
  }

  async revokeToken(p: Principal, tokenId: string): Promise<TokenView> {
    return this.tx.run(async (m) => {
      const row = await m.getRepository(ApiToken).findOneBy({ id: tokenId });
      if (!row || (!p.isPlatformAdmin && row.orgId !== p.orgId)) throw new NotFoundException('Token not found');
      if (!row.revokedAt) {
        row.revokedAt = nowIso();
        await m.getRepository(ApiToken).update({ id: row.id }, { revokedAt: row.revokedAt });
        await this.audit.append(m, { actor: p, action: 'token.revoked', orgId: row.orgId, payload: { tokenId: row.id, prefix: row.prefix } });
      }
      return toTokenView(row);
    });
  }

  private async getOrg(orgId: string): Promise<Organisation> {
    const org = await this.dataSource.getRepository(Organisation).findOneBy({ id: orgId });
    if (!org) throw new NotFoundException('Organisation not found');
    return org;
  }
}
