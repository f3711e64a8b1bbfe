import {
  BadRequestException,
  ConflictException,
  ForbiddenException,
  Injectable,
  NotFoundException,
} from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager, In, IsNull } from 'typeorm';
import { AuditService } from '../audit';
import { DEPARTMENT_ROLES, OPERATOR_ROLES, SERVICE_ACCOUNT_ROLES, type Role, badField, nowIso } from '../common';
import { TransactionRunner } from '../database';
import { ApiToken } from './api-token.entity';
import type {
  CreateOrganisationDto,
  CreateTokenDto,
  CreateUserDto,
  EnrolmentView,
  IssuedTokenView,
  SharingSettingsDto,
  SharingSettingsView,
  TokenView,
  UpdateOrganisationDto,
  ResetPasswordDto,
  SecuritySettingsDto,
  UpdateUserDto,
  SecuritySettingsView,
  UserView,
} from './admin.dto';
import { UserCredential } from './credential.entity';
import { clearSecondFactor, endSessions, storePassword } from './credentials';
import { hashPassword, passwordProblem } from './passwords';
import { Enrolment } from './enrolment.entity';
import { Organisation } from './organisation.entity';
import { isSystemActor, type Actor, type Principal, type SystemActor } from '../auth';
import { generateSecret, newPrefix, TokenHasher } from './token-hash';
import { User } from './user.entity';

/** How long an enrolment code can be redeemed. */
export const ENROLMENT_TTL_MS = 72 * 3600_000;

/** A redemption that found nothing valid: counted as a failed authentication by the caller. */
export class EnrolmentRefused extends Error {}

const toTokenView = (t: ApiToken): TokenView => ({
  id: t.id,
  userId: t.userId,
  orgId: t.orgId,
  role: t.role,
  name: t.name,
  prefix: t.prefix,
  createdAt: t.createdAt,
  revokedAt: t.revokedAt,
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

  async createOrganisation(
    actor: Actor,
    dto: CreateOrganisationDto,
    extra: { isPlatform?: boolean } = {},
    em?: EntityManager,
  ): Promise<Organisation> {
    if (dto.kind === 'department' && dto.operatorKind)
      throw new BadRequestException({
        message: 'operatorKind applies to operators only',
        details: [{ field: 'operatorKind', messages: ['operatorKind applies to operators only'] }],
      });
    if (dto.kind === 'operator' && dto.departmentKind)
      throw badField('departmentKind', 'departmentKind applies to departments only');
    const departmentKind = dto.kind === 'department' ? (dto.departmentKind ?? 'protection-department') : null;
    // These two receive reports by region: without one, no operator's report could ever reach them.
    if (departmentKind && departmentKind !== 'protection-department' && !dto.region)
      throw badField('region', `a ${departmentKind} needs the region it covers`);
    const work = async (m: EntityManager) => {
      const org = m.getRepository(Organisation).create({
        id: randomUUID(),
        name: dto.name,
        kind: dto.kind,
        sector: dto.sector,
        operatorKind: dto.operatorKind ?? null,
        departmentKind,
        region: dto.region ?? null,
        isPlatform: extra.isPlatform ?? false,
        requireTwoFactor: false,
        createdAt: nowIso(),
      });
      await m.getRepository(Organisation).insert(org);
      await this.audit.append(m, {
        actor,
        action: 'organisation.created',
        orgId: org.id,
        payload: { organisation: { ...org } },
      });
      return org;
    };
    return em ? work(em) : this.tx.run(work);
  }

  async updateOrganisation(actor: Principal, orgId: string, dto: UpdateOrganisationDto): Promise<Organisation> {
    return this.tx.run(async (m) => {
      const org = await m.getRepository(Organisation).findOneBy({ id: orgId });
      if (!org) throw new NotFoundException('Organisation not found');
      if (dto.departmentKind !== undefined && org.kind !== 'department')
        throw badField('departmentKind', 'departmentKind applies to departments only');
      if (dto.operatorKind !== undefined && org.kind !== 'operator')
        throw badField('operatorKind', 'operatorKind applies to operators only');
      if (dto.sector !== undefined && org.isPlatform)
        throw badField('sector', 'the platform organisation has no sector to change');
      const next = {
        departmentKind: dto.departmentKind ?? org.departmentKind,
        region: dto.region === undefined ? org.region : dto.region,
        sector: dto.sector ?? org.sector,
        operatorKind: dto.operatorKind ?? org.operatorKind,
      };
      if (next.departmentKind && next.departmentKind !== 'protection-department' && !next.region)
        throw badField('region', `a ${next.departmentKind} needs the region it covers`);
      await m.getRepository(Organisation).update({ id: orgId }, next);
      await this.audit.append(m, {
        actor,
        action: 'organisation.updated',
        orgId,
        payload: {
          before: {
            departmentKind: org.departmentKind,
            region: org.region,
            sector: org.sector,
            operatorKind: org.operatorKind,
          },
          after: next,
        },
      });
      return { ...org, ...next };
    });
  }

  async listUsers(p: Principal, orgId: string): Promise<UserView[]> {
    this.assertCanAdminister(p, orgId);
    await this.getOrg(orgId);
    const users = await this.dataSource.getRepository(User).find({ where: { orgId }, order: { createdAt: 'ASC' } });
    return this.userViews(this.dataSource.manager, users);
  }

  /** Users as admins see them: with whether they can sign in, never their credentials. */
  async userViews(m: EntityManager, users: User[]): Promise<UserView[]> {
    const creds = users.length
      ? await m.getRepository(UserCredential).findBy({ userId: In(users.map((u) => u.id)) })
      : [];
    const byUser = new Map(creds.map((c) => [c.userId, c]));
    return users.map((u) => ({
      id: u.id,
      orgId: u.orgId,
      name: u.name,
      email: u.email,
      role: u.role,
      serviceAccount: u.serviceAccount,
      username: u.username,
      hasPassword: !!byUser.get(u.id)?.passwordHash,
      twoFactorEnrolled: !!byUser.get(u.id)?.totpSecret,
      createdAt: u.createdAt,
      disabledAt: u.disabledAt ?? null,
    }));
  }

  /** createUser, answered as the admin API shows users. */
  async createUserView(actor: Principal, orgId: string, dto: CreateUserDto): Promise<UserView> {
    const passwordHash = await this.initialPasswordHash(dto);
    return this.tx.run(async (m) => {
      const user = await this.createUser(actor, orgId, dto, m, passwordHash);
      return (await this.userViews(m, [user]))[0]!;
    });
  }

  /**
   * The hash of a new person's initial password, after the checks that need no database: scrypt
   * runs before the transaction, not inside the write queue.
   */
  private async initialPasswordHash(dto: CreateUserDto): Promise<string | null> {
    if (dto.serviceAccount && dto.username !== undefined)
      throw badField('username', 'a service account has no username: it cannot sign in to the console');
    if (dto.serviceAccount && dto.initialPassword !== undefined)
      throw badField('initialPassword', 'a service account has no password: it cannot sign in to the console');
    if (dto.initialPassword === undefined) return null;
    if (dto.username === undefined) throw badField('initialPassword', 'initialPassword needs a username');
    const problem = passwordProblem('initialPassword', dto.initialPassword, dto.username);
    if (problem) throw badField('initialPassword', problem);
    return hashPassword(dto.initialPassword);
  }

  async createUser(
    actor: Actor,
    orgId: string,
    dto: CreateUserDto,
    em?: EntityManager,
    passwordHash: string | null = null,
  ): Promise<User> {
    if (!('system' in actor)) this.assertCanAdminister(actor, orgId);
    const work = async (m: EntityManager) => {
      const org = await m.getRepository(Organisation).findOneBy({ id: orgId });
      if (!org) throw new NotFoundException('Organisation not found');
      const allowed: readonly Role[] = org.kind === 'department' ? DEPARTMENT_ROLES : OPERATOR_ROLES;
      if (!allowed.includes(dto.role)) {
        const message = `role ${dto.role} does not exist in ${org.kind} organisations (allowed: ${allowed.join(', ')})`;
        throw new BadRequestException({ message, details: [{ field: 'role', messages: [message] }] });
      }
      const serviceAccount = dto.serviceAccount ?? false;
      if (serviceAccount && !(SERVICE_ACCOUNT_ROLES as readonly Role[]).includes(dto.role)) {
        const message =
          `a service account may hold only ` +
          `${SERVICE_ACCOUNT_ROLES.join(', ')}: an admin issues its ` +
          `tokens, so it must not hold a role that decides or signs off`;
        throw new BadRequestException({ message, details: [{ field: 'role', messages: [message] }] });
      }
      if (dto.username !== undefined) await this.assertUsernameFree(m, dto.username);
      const user = m.getRepository(User).create({
        id: randomUUID(),
        orgId,
        name: dto.name,
        email: dto.email ?? null,
        username: dto.username ?? null,
        role: dto.role,
        serviceAccount,
        createdAt: nowIso(),
        disabledAt: null,
      });
      await m.getRepository(User).insert(user);
      if (passwordHash !== null) await storePassword(m, user.id, passwordHash, true, new Date());
      // Whether a password was set, never the password or its hash.
      await this.audit.append(m, {
        actor,
        action: 'user.created',
        orgId,
        payload: { user: { ...user }, initialPassword: passwordHash !== null },
      });
      return user;
    };
    return em ? work(em) : this.tx.run(work);
  }

  /**
   * Issues a token for a user, with the user's role. The plain token is returned once.
   * Separation of duties: a person issues tokens only for themself or for a service account, so
   * an admin cannot act as a leader or commander (whose sign-off the draft/approve split relies
   * on). A person's first token comes from an enrolment code (issueEnrolment) they redeem
   * themselves. System actors (bootstrap, the admin reset command) are exempt.
   */
  async issueToken(
    actor: Actor,
    userId: string,
    dto: CreateTokenDto,
    opts: { em?: EntityManager; token?: string } = {},
  ): Promise<IssuedTokenView> {
    const work = async (m: EntityManager) => {
      const user = await m.getRepository(User).findOneBy({ id: userId });
      if (!user || (!isSystemActor(actor) && !actor.isPlatformAdmin && actor.orgId !== user.orgId))
        throw new NotFoundException('User not found');
      if (!isSystemActor(actor) && actor.userId !== user.id && !user.serviceAccount) {
        throw new ForbiddenException(
          `Tokens are issued only for yourself or for a service account; ${user.name} (${user.role}) is a person: ` +
            (`issue an enrolment code (POST /api/v1/admin/users/${user.id}` +
              `/enrolment) and let them redeem it for their own token`),
        );
      }
      // A supplied token (the bootstrap one) gets a handle of its own: none of it is ever listed.
      const { secret: token, prefix } =
        opts.token !== undefined ? { secret: opts.token, prefix: newPrefix() } : generateSecret();
      const row = m.getRepository(ApiToken).create({
        id: randomUUID(),
        orgId: user.orgId,
        userId: user.id,
        role: user.role,
        name: dto.name,
        tokenHash: this.hasher.hash(token),
        prefix,
        createdAt: nowIso(),
        revokedAt: null,
      });
      await m.getRepository(ApiToken).insert(row);
      // The audit entry names the token by id and prefix, never the token or its hash.
      await this.audit.append(m, {
        actor,
        action: 'token.issued',
        orgId: user.orgId,
        payload: { tokenId: row.id, userId: user.id, role: row.role, name: row.name, prefix: row.prefix },
      });
      return { ...toTokenView(row), token };
    };
    return opts.em ? work(opts.em) : this.tx.run(work);
  }

  /**
   * A one-time enrolment code for a person without an active token: they redeem it
   * (redeemEnrolment) for a token only they see. A new code ends the person's earlier ones. A
   * person who holds a token issues further tokens for themself (POST /api/v1/me/tokens); a code
   * for them would let the admin take a token in their name, so it needs their tokens revoked
   * first, which they notice.
   */
  async issueEnrolment(p: Principal, userId: string): Promise<EnrolmentView> {
    return this.tx.run(async (m) => {
      const user = await m.getRepository(User).findOneBy({ id: userId });
      if (!user || (!p.isPlatformAdmin && p.orgId !== user.orgId)) throw new NotFoundException('User not found');
      if (user.serviceAccount)
        throw new ConflictException(
          'A service account does not enrol: issue its token with POST /api/v1/admin/users/:userId/tokens',
        );
      const active = await m.getRepository(ApiToken).countBy({ userId: user.id, revokedAt: IsNull() });
      if (active > 0) {
        throw new ConflictException(
          `${user.name} holds ${active} active token(s) and issues ` +
            `further ones with POST /api/v1/me/tokens; revoke them first ` +
            `if they are lost`,
        );
      }
      const now = new Date();
      await m
        .getRepository(Enrolment)
        .update({ userId: user.id, redeemedAt: IsNull() }, { expiresAt: now.toISOString() });
      const { secret: code, prefix } = generateSecret('lfe');
      const row = m.getRepository(Enrolment).create({
        id: randomUUID(),
        orgId: user.orgId,
        userId: user.id,
        codeHash: this.hasher.hash(code),
        prefix,
        createdBy: p.userId,
        createdAt: now.toISOString(),
        expiresAt: new Date(now.getTime() + ENROLMENT_TTL_MS).toISOString(),
        redeemedAt: null,
        tokenId: null,
      });
      await m.getRepository(Enrolment).insert(row);
      await this.audit.append(m, {
        actor: p,
        action: 'enrolment.issued',
        orgId: user.orgId,
        payload: { enrolmentId: row.id, userId: user.id, role: user.role, prefix, expiresAt: row.expiresAt },
      });
      return { id: row.id, userId: user.id, orgId: user.orgId, prefix, code, expiresAt: row.expiresAt };
    });
  }

  /**
   * Redeems an enrolment code for the person's own token (public: the code is the credential).
   * Throws EnrolmentRefused, with one message for every reason, when the code is unknown, used,
   * expired or superseded.
   */
  async redeemEnrolment(code: string, tokenName: string, source: string): Promise<IssuedTokenView> {
    return this.tx.run(async (m) => {
      const row =
        code.length <= 200 ? await m.getRepository(Enrolment).findOneBy({ codeHash: this.hasher.hash(code) }) : null;
      if (!row || row.redeemedAt || row.expiresAt <= nowIso())
        throw new EnrolmentRefused('Unknown, used or expired enrolment code');
      const user = await m.getRepository(User).findOneByOrFail({ id: row.userId });
      const org = await m.getRepository(Organisation).findOneByOrFail({ id: row.orgId });
      const self: Principal = {
        tokenId: null,
        sessionId: null,
        userId: user.id,
        orgId: org.id,
        orgName: org.name,
        orgKind: org.kind,
        operatorKind: org.operatorKind,
        sector: org.sector,
        role: user.role,
        isPlatformAdmin: org.isPlatform && user.role === 'admin',
      };
      const issued = await this.issueToken(self, user.id, { name: tokenName }, { em: m });
      const redeemedAt = nowIso();
      const res = await m
        .getRepository(Enrolment)
        .update({ id: row.id, redeemedAt: IsNull() }, { redeemedAt, tokenId: issued.id });
      if (!res.affected) throw new EnrolmentRefused('Unknown, used or expired enrolment code');
      // The address it was redeemed from: if the person finds their code spent, this says by whom.
      await this.audit.append(m, {
        actor: self,
        action: 'enrolment.redeemed',
        orgId: org.id,
        payload: { enrolmentId: row.id, userId: user.id, tokenId: issued.id, prefix: issued.prefix, from: source },
      });
      return issued;
    });
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
        await this.audit.append(m, {
          actor: p,
          action: 'token.revoked',
          orgId: row.orgId,
          payload: { tokenId: row.id, prefix: row.prefix },
        });
      }
      return toTokenView(row);
    });
  }

  async getSharingSettings(p: Principal, orgId: string): Promise<SharingSettingsView> {
    this.assertCanAdminister(p, orgId);
    const org = await this.getOrg(orgId);
    return { orgId: org.id, internalHostPatterns: org.internalHostPatterns ?? [] };
  }

  /** Replaces the organisation's internal host naming patterns (validated by SharingSettingsDto). */
  async updateSharingSettings(p: Principal, orgId: string, dto: SharingSettingsDto): Promise<SharingSettingsView> {
    this.assertCanAdminister(p, orgId);
    return this.tx.run(async (m) => {
      const org = await m.getRepository(Organisation).findOneBy({ id: orgId });
      if (!org) throw new NotFoundException('Organisation not found');
      const patterns = [...new Set(dto.internalHostPatterns.map((x) => x.toLowerCase()))];
      const before = org.internalHostPatterns ?? [];
      await m.getRepository(Organisation).update({ id: orgId }, { internalHostPatterns: patterns });
      await this.audit.append(m, {
        actor: p,
        action: 'organisation.sharing-settings-updated',
        orgId,
        payload: { internalHostPatterns: { before, after: patterns } },
      });
      return { orgId, internalHostPatterns: patterns };
    });
  }

  /**
   * Sets a new initial password for a person (they must change it at their next sign-in) and ends
   * their console sessions. A person without a username (created before sign-in existed) gets the
   * one given here. Audited as user.password-reset, without the password.
   */
  async resetPassword(p: Principal | SystemActor, userId: string, dto: ResetPasswordDto): Promise<UserView> {
    const user = await this.dataSource.getRepository(User).findOneBy({ id: userId });
    if (!user || (!isSystemActor(p) && !p.isPlatformAdmin && p.orgId !== user.orgId))
      throw new NotFoundException('User not found');
    if (user.serviceAccount)
      throw new ConflictException('A service account has no password: it cannot sign in to the console');
    if (user.username === null && dto.username === undefined)
      throw badField('username', `${user.name} has no username yet: give one with the password`);
    if (user.username !== null && dto.username !== undefined && dto.username !== user.username)
      throw badField('username', `${user.name} already has the username ${user.username}`);
    const username = user.username ?? dto.username!;
    const problem = passwordProblem('initialPassword', dto.initialPassword, username);
    if (problem) throw badField('initialPassword', problem);
    const hash = await hashPassword(dto.initialPassword);
    return this.tx.run(async (m) => {
      if (user.username === null) {
        await this.assertUsernameFree(m, username);
        await m.getRepository(User).update({ id: user.id }, { username });
        user.username = username;
      }
      const now = new Date();
      await storePassword(m, user.id, hash, true, now);
      const ended = await endSessions(m, this.audit, { userId: user.id }, p, 'password-reset', now);
      await this.audit.append(m, {
        actor: p,
        action: 'user.password-reset',
        orgId: user.orgId,
        payload: { userId: user.id, username, sessionsEnded: ended },
      });
      return (await this.userViews(m, [user]))[0]!;
    });
  }

  /**
   * Removes a person's second factor (a lost phone): their sessions end, and at the next sign-in
   * they enrol a new one if they must have one. Audited as user.second-factor-reset.
   */
  async resetSecondFactor(p: Principal, userId: string): Promise<UserView> {
    return this.tx.run(async (m) => {
      const user = await m.getRepository(User).findOneBy({ id: userId });
      if (!user || (!p.isPlatformAdmin && p.orgId !== user.orgId)) throw new NotFoundException('User not found');
      const now = new Date();
      const had = await clearSecondFactor(m, user.id, now);
      const ended = await endSessions(m, this.audit, { userId: user.id }, p, 'second-factor-reset', now);
      await this.audit.append(m, {
        actor: p,
        action: 'user.second-factor-reset',
        orgId: user.orgId,
        payload: { userId: user.id, wasEnrolled: had, sessionsEnded: ended },
      });
      return (await this.userViews(m, [user]))[0]!;
    });
  }

  /**
   * Changes a user's role or disables / enables them. An admin changes neither their own role nor
   * disables themself: the organisation would lose the admin who could undo it. A new role applies
   * to the user's active tokens too (a token carries its holder's role). Disabling ends the user's
   * console sessions; their tokens are refused while disabled (not revoked, so enabling restores
   * them). Audited as user.updated with each change's before and after.
   */
  async updateUser(p: Principal, userId: string, dto: UpdateUserDto): Promise<UserView> {
    if (dto.role === undefined && dto.disabled === undefined)
      throw badField('role', 'give a new role or disabled (true or false)');
    return this.tx.run(async (m) => {
      const user = await m.getRepository(User).findOneBy({ id: userId });
      if (!user || (!p.isPlatformAdmin && p.orgId !== user.orgId)) throw new NotFoundException('User not found');
      if (user.id === p.userId && dto.role !== undefined && dto.role !== user.role)
        throw badField('role', 'you cannot change your own role; another admin can');
      if (user.id === p.userId && dto.disabled === true)
        throw badField('disabled', 'you cannot disable yourself; another admin can');
      const changes: Record<string, { before: unknown; after: unknown }> = {};
      const now = new Date();
      if (dto.role !== undefined && dto.role !== user.role) {
        const org = await m.getRepository(Organisation).findOneByOrFail({ id: user.orgId });
        const allowed: readonly Role[] = org.kind === 'department' ? DEPARTMENT_ROLES : OPERATOR_ROLES;
        if (!allowed.includes(dto.role))
          throw badField(
            'role',
            `role ${dto.role} does not exist in ${org.kind} organisations (allowed: ${allowed.join(', ')})`,
          );
        if (user.serviceAccount && !(SERVICE_ACCOUNT_ROLES as readonly Role[]).includes(dto.role))
          throw badField('role', `a service account may hold only ${SERVICE_ACCOUNT_ROLES.join(', ')}`);
        changes.role = { before: user.role, after: dto.role };
        user.role = dto.role;
        await m.getRepository(User).update({ id: user.id }, { role: dto.role });
        await m.getRepository(ApiToken).update({ userId: user.id, revokedAt: IsNull() }, { role: dto.role });
      }
      let sessionsEnded = 0;
      if (dto.disabled !== undefined && dto.disabled !== (user.disabledAt !== null)) {
        const disabledAt = dto.disabled ? now.toISOString() : null;
        changes.disabled = { before: user.disabledAt !== null, after: dto.disabled };
        user.disabledAt = disabledAt;
        await m.getRepository(User).update({ id: user.id }, { disabledAt });
        if (dto.disabled)
          sessionsEnded = await endSessions(m, this.audit, { userId: user.id }, p, 'user-disabled', now);
      }
      if (Object.keys(changes).length > 0)
        await this.audit.append(m, {
          actor: p,
          action: 'user.updated',
          orgId: user.orgId,
          payload: { userId: user.id, changes, sessionsEnded },
        });
      return (await this.userViews(m, [user]))[0]!;
    });
  }

  async updateSecuritySettings(p: Principal, orgId: string, dto: SecuritySettingsDto): Promise<SecuritySettingsView> {
    this.assertCanAdminister(p, orgId);
    return this.tx.run(async (m) => {
      const org = await m.getRepository(Organisation).findOneBy({ id: orgId });
      if (!org) throw new NotFoundException('Organisation not found');
      await m.getRepository(Organisation).update({ id: orgId }, { requireTwoFactor: dto.requireTwoFactor });
      await this.audit.append(m, {
        actor: p,
        action: 'organisation.security-updated',
        orgId,
        payload: { requireTwoFactor: { before: org.requireTwoFactor, after: dto.requireTwoFactor } },
      });
      return { orgId, requireTwoFactor: dto.requireTwoFactor };
    });
  }

  private async assertUsernameFree(m: EntityManager, username: string): Promise<void> {
    if (await m.getRepository(User).existsBy({ username })) {
      const message = `username ${username} is taken`;
      throw new ConflictException({ message, details: [{ field: 'username', messages: [message] }] });
    }
  }

  private async getOrg(orgId: string): Promise<Organisation> {
    const org = await this.dataSource.getRepository(Organisation).findOneBy({ id: orgId });
    if (!org) throw new NotFoundException('Organisation not found');
    return org;
  }
}
