import { BadRequestException, HttpException, HttpStatus, Inject, Injectable } from '@nestjs/common';
import {
  createHash,
  createHmac,
  createSecretKey,
  hkdfSync,
  randomBytes,
  timingSafeEqual,
  type KeyObject,
} from 'node:crypto';
import { DataSource, IsNull, type EntityManager } from 'typeorm';
import { AuditService } from '../audit';
import type { Principal, SystemActor } from '../auth';
import { badField, Clock, SecretBox, type OperatorKind, type OrgKind, type Role, type Sector } from '../common';
import { AppConfig, resolveKey, secretsBox } from '../config';
import { bool, sql, TransactionRunner } from '../database';
import { AuthThrottle, sourceKey, TooManyFailures, usernameKey } from './auth-throttle';
import { UserCredential } from './credential.entity';
import { endSessions, storePassword } from './credentials';
import { hashPassword, passwordProblem, verifyPassword } from './passwords';
import type {
  ChangePasswordDto,
  ConfirmTotpDto,
  Restriction,
  SessionView,
  SignInDto,
  TotpEnrolmentView,
} from './session.dto';
import { UserSession, type SessionEndReason } from './session.entity';
import { newTotpEnrolment, totpStep } from './totp';

/** The session cookie's name (the contract's). */
export const SESSION_COOKIE = 'lf_session';
/** The slide of the idle expiry is written at most this often per session. */
const SLIDE_EVERY_MS = 60_000;

const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

/** An answer of the session API with the machine code the console maps to its messages. */
export function sessionError(status: HttpStatus, code: string, message: string): HttpException {
  return new HttpException({ message, code }, status);
}

/** A person as the session code reads them: user, organisation and credential in one row. */
interface PersonRow {
  user_id: string;
  org_id: string;
  name: string;
  username: string | null;
  email: string | null;
  role: Role;
  service_account: number | boolean;
  org_name: string;
  org_kind: OrgKind;
  operator_kind: OperatorKind | null;
  sector: Sector;
  is_platform: number | boolean;
  require_two_factor: number | boolean;
  password_hash: string | null;
  must_change_password: number | boolean | null;
  totp_secret: string | null;
  totp_last_step: number | string | null;
  disabled_at: string | null;
}

interface SessionRow extends PersonRow {
  id: string;
  csrf_hash: string;
  last_seen_at: string;
  idle_expires_at: string;
  absolute_expires_at: string;
  ended_at: string | null;
  ended_reason: SessionEndReason | null;
}

const PERSON_COLUMNS =
  'u.id AS user_id, u.org_id, u.name, u.username, u.email, u.role, u.service_account, o.name AS org_name, ' +
  'o.kind AS org_kind, o.operator_kind, o.sector, o.is_platform, o.require_two_factor, c.password_hash, ' +
  'c.must_change_password, c.totp_secret, c.totp_last_step, u.disabled_at';
const PERSON_FROM =
  'FROM app_user u JOIN organisation o ON o.id = u.org_id LEFT JOIN user_credential c ON c.user_id = u.id';

/** A signed-in session as a request sees it (attached to the request by the guard). */
export interface ActiveSession {
  id: string;
  /** The cookie value this request carried (the CSRF token is derived from it). */
  cookie: string;
  csrfHash: string;
  principal: Principal;
  person: PersonRow;
  idleExpiresAt: string;
  absoluteExpiresAt: string;
}

export type SessionLookup =
  | { kind: 'active'; session: ActiveSession }
  | { kind: 'unknown' }
  | { kind: 'ended'; reason: SessionEndReason | null }
  | { kind: 'expired' };

/** Where a sign-in comes from, for the throttle, the session row and the audit trail. */
export interface ClientInfo {
  ip: string | undefined;
  userAgent: string | undefined;
}

export function principalOf(p: PersonRow, sessionId: string | null): Principal {
  return {
    tokenId: null,
    sessionId,
    userId: p.user_id,
    orgId: p.org_id,
    orgName: p.org_name,
    orgKind: p.org_kind,
    operatorKind: p.operator_kind,
    sector: p.sector,
    role: p.role,
    isPlatformAdmin: bool(p.is_platform) && p.role === 'admin',
  };
}

/** Two factors are needed for every admin and for everyone of an organisation that requires them. */
const twoFactorRequired = (p: PersonRow) => p.role === 'admin' || bool(p.require_two_factor);

/** What the session must do before it may use the rest of the API: the password first, then the second factor. */
export function restrictionOf(p: PersonRow): Restriction | null {
  if (bool(p.must_change_password)) return 'password-change-required';
  if (twoFactorRequired(p) && p.totp_secret === null) return 'second-factor-enrolment-required';
  return null;
}

/**
 * Console sessions: password (and TOTP) sign-in, the cookie's session row, its timeouts and
 * CSRF token, sign-out. The cookie holds 32 random bytes; the row's id is their SHA-256, so the
 * database alone signs no one in. The CSRF token is an HMAC of the cookie under a key derived
 * from SECRETS_KEY: the console reads it from the session answers (the cookie itself is
 * HttpOnly), the row keeps only its SHA-256, and GET /session can hand it out again after a
 * reload without storing it.
 *
 * Audit: `session.signed-in`, `session.sign-in-failed` (with the reason, never the password or
 * code), `session.signed-out`, `session.expired`. A failure for a known username is the person's
 * own entry (actor the user, in their organisation); for an unknown one the actor is
 * `system:sign-in`, without an organisation, and the attempted name is kept only as a SHA-256
 * (`attemptedUsernameSha256`), because what people type there is sometimes a password.
 */
@Injectable()
export class SessionService {
  private readonly csrfKey: KeyObject;
  private readonly box: SecretBox;
  private readonly idleMs: number;
  private readonly absoluteMs: number;

  constructor(
    private readonly dataSource: DataSource,
    private readonly tx: TransactionRunner,
    private readonly audit: AuditService,
    private readonly throttle: AuthThrottle,
    config: AppConfig,
    @Inject(Clock) private readonly clock: Clock,
  ) {
    const secrets = resolveKey(config.SECRETS_KEY, config.VAR_DIR, 'secrets.key');
    this.csrfKey = createSecretKey(Buffer.from(hkdfSync('sha256', secrets, Buffer.alloc(0), 'lianfang csrf v1', 32)));
    this.box = secretsBox(config);
    this.idleMs = config.SESSION_IDLE_MINUTES * 60_000;
    this.absoluteMs = config.SESSION_ABSOLUTE_HOURS * 3_600_000;
  }

  /** The sealed form of a TOTP secret, bound to its user so it cannot be copied to another row. */
  sealTotp(userId: string, secret: string): string {
    return this.box.seal(secret, `${userId}#totp`);
  }

  private openTotp(userId: string, sealed: string): string {
    return this.box.open(sealed, `${userId}#totp`);
  }

  csrfToken(cookie: string): string {
    return createHmac('sha256', this.csrfKey).update(cookie, 'utf8').digest('base64url');
  }

  /** True when `presented` (the X-CSRF-Token header) is the session's CSRF token. */
  csrfMatches(session: ActiveSession, presented: string | string[] | undefined): boolean {
    if (typeof presented !== 'string' || presented.length === 0 || presented.length > 200) return false;
    return timingSafeEqual(Buffer.from(sha256(presented), 'hex'), Buffer.from(session.csrfHash, 'hex'));
  }

  private async person(where: string, param: string, em?: EntityManager): Promise<PersonRow | null> {
    const rows = await sql<PersonRow>(
      em ?? this.dataSource.manager,
      `SELECT ${PERSON_COLUMNS} ${PERSON_FROM} ${where}`,
      [param],
    );
    return rows[0] ?? null;
  }

  /**
   * Signs a person in with username, password and (when enrolled) a TOTP code. Returns the new
   * cookie value and the session; throws 401 (invalid-credentials, second-factor-required,
   * invalid-second-factor) or 429 (too-many-failures, TooManyFailures with its Retry-After).
   */
  async signIn(dto: SignInDto, client: ClientInfo): Promise<{ cookie: string; view: SessionView }> {
    const username = dto.username.trim().toLowerCase();
    const source = sourceKey(client.ip);
    const userKey = usernameKey(username);
    const locked = await this.throttle.lockedOutFor(source, null, userKey);
    // Refusals during a lock-out are not audited one by one: anyone could grow the trail without
    // bound. The failure that started the lock-out is audited, with its length.
    if (locked > 0) throw new TooManyFailures(locked);

    const found = await this.person('WHERE u.username = ?', username);
    const person = found && !bool(found.service_account) && found.disabled_at === null ? found : null;
    const passwordOk = await verifyPassword(dto.password, person?.password_hash ?? null);
    if (!person || !passwordOk) {
      const detail = !found
        ? 'unknown-user'
        : bool(found.service_account)
          ? 'service-account'
          : found.disabled_at !== null
            ? 'disabled'
            : !person?.password_hash
              ? 'no-password'
              : 'wrong-password';
      return this.refuse(found, username, client, source, userKey, 'invalid-credentials', detail);
    }

    let step: number | null = null;
    if (person.totp_secret !== null) {
      if (dto.code === undefined || dto.code.trim() === '') {
        await this.recordFailure(person, username, client, 'second-factor-required', 'code missing', 0);
        throw sessionError(
          HttpStatus.UNAUTHORIZED,
          'second-factor-required',
          'Enter the code of your authenticator app',
        );
      }
      step = await totpStep(this.openTotp(person.user_id, person.totp_secret), dto.code.trim(), this.clock.now());
      const last = person.totp_last_step === null ? null : Number(person.totp_last_step);
      if (step === null)
        return this.refuse(person, username, client, source, userKey, 'invalid-second-factor', 'wrong-code');
      if (last !== null && step <= last)
        return this.refuse(person, username, client, source, userKey, 'invalid-second-factor', 'replayed-code');
    }

    const created = await this.tx.run(async (m) => {
      if (step !== null) {
        // Conditional, so two sign-ins racing with one code cannot both pass.
        const res = await m
          .createQueryBuilder()
          .update(UserCredential)
          .set({ totpLastStep: step })
          .where('user_id = :id AND (totp_last_step IS NULL OR totp_last_step < :step)', { id: person.user_id, step })
          .execute();
        if (!res.affected) return null;
      }
      return this.createSession(m, person, client, step !== null);
    });
    if (!created)
      return this.refuse(person, username, client, source, userKey, 'invalid-second-factor', 'replayed-code');
    await this.throttle.succeeded(userKey);
    return created;
  }

  private async createSession(
    m: EntityManager,
    person: PersonRow,
    client: ClientInfo,
    secondFactor: boolean,
  ): Promise<{ cookie: string; view: SessionView }> {
    const cookie = randomBytes(32).toString('base64url');
    const now = this.clock.now();
    const absolute = new Date(now.getTime() + this.absoluteMs);
    const row: UserSession = {
      id: sha256(cookie),
      userId: person.user_id,
      orgId: person.org_id,
      csrfHash: sha256(this.csrfToken(cookie)),
      createdAt: now.toISOString(),
      lastSeenAt: now.toISOString(),
      idleExpiresAt: new Date(Math.min(now.getTime() + this.idleMs, absolute.getTime())).toISOString(),
      absoluteExpiresAt: absolute.toISOString(),
      endedAt: null,
      endedReason: null,
      sourceAddress: (client.ip ?? 'unknown').slice(0, 64),
      userAgent: client.userAgent ? client.userAgent.slice(0, 400) : null,
    };
    await m.getRepository(UserSession).insert(row);
    const principal = principalOf(person, row.id);
    await this.audit.append(m, {
      actor: principal,
      action: 'session.signed-in',
      payload: {
        sessionId: row.id,
        username: person.username,
        secondFactor,
        restricted: restrictionOf(person),
        from: row.sourceAddress,
        userAgent: row.userAgent,
      },
    });
    const session: ActiveSession = {
      id: row.id,
      cookie,
      csrfHash: row.csrfHash,
      principal,
      person,
      idleExpiresAt: row.idleExpiresAt,
      absoluteExpiresAt: row.absoluteExpiresAt,
    };
    return { cookie, view: this.view(session) };
  }

  /** Counts the failure, audits it, and throws 401 with `code` (or 429 when it started a lock-out). */
  private async refuse(
    found: PersonRow | null,
    username: string,
    client: ClientInfo,
    source: string,
    userKey: string,
    code: 'invalid-credentials' | 'invalid-second-factor',
    detail: string,
  ): Promise<never> {
    const lockout = await this.throttle.failed(source, null, userKey);
    await this.recordFailure(found, username, client, code, detail, lockout);
    if (lockout > 0) throw new TooManyFailures(lockout);
    throw code === 'invalid-credentials'
      ? sessionError(HttpStatus.UNAUTHORIZED, code, 'Unknown username or wrong password')
      : sessionError(HttpStatus.UNAUTHORIZED, code, 'Wrong or already used code');
  }

  private async recordFailure(
    found: PersonRow | null,
    username: string,
    client: ClientInfo,
    reason: string,
    detail: string,
    lockoutMs: number,
  ): Promise<void> {
    const system: SystemActor = { system: 'sign-in', orgId: null };
    await this.tx.run((m) =>
      this.audit.append(m, {
        actor: found ? principalOf(found, null) : system,
        action: 'session.sign-in-failed',
        payload: {
          reason,
          detail,
          ...(found ? { username: found.username } : { attemptedUsernameSha256: sha256(username) }),
          from: (client.ip ?? 'unknown').slice(0, 64),
          userAgent: client.userAgent ? client.userAgent.slice(0, 400) : null,
          ...(lockoutMs > 0 ? { lockedOutSeconds: Math.ceil(lockoutMs / 1000) } : {}),
        },
      }),
    );
  }

  /**
   * The session a cookie names, after its timeouts: an expired one is ended (and audited) here.
   * Slides the idle expiry, writing it at most once a minute.
   */
  async authenticate(cookie: string): Promise<SessionLookup> {
    if (cookie.length > 200) return { kind: 'unknown' };
    const id = sha256(cookie);
    const rows = await sql<SessionRow>(
      this.dataSource.manager,
      `SELECT s.id, s.csrf_hash, s.last_seen_at, s.idle_expires_at, s.absolute_expires_at, s.ended_at, ` +
        `s.ended_reason, ${PERSON_COLUMNS} FROM user_session s JOIN app_user u ON u.id = s.user_id ` +
        `JOIN organisation o ON o.id = u.org_id LEFT JOIN user_credential c ON c.user_id = u.id WHERE s.id = ?`,
      [id],
    );
    const row = rows[0];
    if (!row) return { kind: 'unknown' };
    if (row.ended_at !== null) return { kind: 'ended', reason: row.ended_reason };
    const now = this.clock.now();
    const nowIso = now.toISOString();
    if (nowIso >= row.absolute_expires_at || nowIso >= row.idle_expires_at) {
      const reason = nowIso >= row.absolute_expires_at ? 'absolute-timeout' : 'idle-timeout';
      await this.end(row.id, principalOf(row, row.id), reason);
      return { kind: 'expired' };
    }
    let idleExpiresAt = row.idle_expires_at;
    if (now.getTime() - Date.parse(row.last_seen_at) >= SLIDE_EVERY_MS) {
      idleExpiresAt = new Date(
        Math.min(now.getTime() + this.idleMs, Date.parse(row.absolute_expires_at)),
      ).toISOString();
      // Not audited: it is the session being used, which the requests' own entries show.
      await this.tx.run((m) =>
        m.getRepository(UserSession).update({ id: row.id, endedAt: IsNull() }, { lastSeenAt: nowIso, idleExpiresAt }),
      );
    }
    return {
      kind: 'active',
      session: {
        id: row.id,
        cookie,
        csrfHash: row.csrf_hash,
        principal: principalOf(row, row.id),
        person: row,
        idleExpiresAt,
        absoluteExpiresAt: row.absolute_expires_at,
      },
    };
  }

  /** Ends one session (audited) unless it has ended already. */
  async end(sessionId: string, actor: Principal | SystemActor, reason: SessionEndReason): Promise<void> {
    await this.tx.run((m) => endSessions(m, this.audit, { id: sessionId }, actor, reason, this.clock.now()));
  }

  /**
   * Changes the signed-in person's password. A wrong current password is a failed sign-in
   * (counted and audited: a stolen session must not become a way to guess the password) and a
   * 400 naming currentPassword. The person's other sessions end; this one stays.
   */
  async changePassword(s: ActiveSession, dto: ChangePasswordDto, client: ClientInfo): Promise<SessionView> {
    const person = s.person;
    const username = person.username ?? '';
    const source = sourceKey(client.ip);
    const userKey = usernameKey(username);
    const locked = await this.throttle.lockedOutFor(source, null, userKey);
    if (locked > 0) throw new TooManyFailures(locked);
    if (!(await verifyPassword(dto.currentPassword, person.password_hash))) {
      const lockout = await this.throttle.failed(source, null, userKey);
      await this.recordFailure(person, username, client, 'invalid-credentials', 'wrong-current-password', lockout);
      if (lockout > 0) throw new TooManyFailures(lockout);
      throw new BadRequestException({
        message: 'currentPassword is wrong',
        code: 'invalid-credentials',
        details: [{ field: 'currentPassword', messages: ['currentPassword is wrong'] }],
      });
    }
    const problem =
      passwordProblem('newPassword', dto.newPassword, person.username) ??
      (dto.newPassword === dto.currentPassword ? 'newPassword must not be the current password' : undefined);
    if (problem) throw badField('newPassword', problem);
    const hash = await hashPassword(dto.newPassword);
    await this.tx.run(async (m) => {
      const now = this.clock.now();
      await storePassword(m, person.user_id, hash, false, now);
      const ended = await endSessions(
        m,
        this.audit,
        { userId: person.user_id, except: s.id },
        s.principal,
        'password-changed',
        now,
      );
      await this.audit.append(m, {
        actor: s.principal,
        action: 'session.password-changed',
        payload: { userId: person.user_id, sessionId: s.id, otherSessionsEnded: ended },
      });
    });
    return this.refreshed(s);
  }

  /**
   * Starts (or starts again) the enrolment of a TOTP second factor: a new secret, kept sealed as
   * pending until a code of it confirms it. Refused while the password must be changed (that comes
   * first) and once a second factor is confirmed (an admin resets it; a session alone must not be
   * enough to swap a person's second factor).
   */
  async startTotp(s: ActiveSession): Promise<TotpEnrolmentView> {
    await this.assertMayEnrol(s);
    const enrolment = await newTotpEnrolment(s.person.username ?? s.person.user_id);
    const sealed = this.sealTotp(s.person.user_id, enrolment.secret);
    await this.tx.run(async (m) => {
      await m
        .getRepository(UserCredential)
        .update({ userId: s.person.user_id }, { totpPendingSecret: sealed, updatedAt: this.clock.now().toISOString() });
      await this.audit.append(m, {
        actor: s.principal,
        action: 'session.second-factor-enrolment-started',
        payload: { userId: s.person.user_id, sessionId: s.id },
      });
    });
    return enrolment;
  }

  /** Confirms the pending TOTP secret with a current code of it; from then on sign-ins need a code. */
  async confirmTotp(s: ActiveSession, dto: ConfirmTotpDto): Promise<SessionView> {
    await this.assertMayEnrol(s);
    const cred = await this.dataSource.getRepository(UserCredential).findOneBy({ userId: s.person.user_id });
    if (!cred?.totpPendingSecret)
      throw sessionError(
        HttpStatus.CONFLICT,
        'no-second-factor-enrolment',
        'No enrolment started: POST /api/v1/session/totp first',
      );
    const now = this.clock.now();
    const step = await totpStep(this.openTotp(s.person.user_id, cred.totpPendingSecret), dto.code.trim(), now);
    if (step === null) {
      await this.tx.run((m) =>
        this.audit.append(m, {
          actor: s.principal,
          action: 'session.second-factor-confirmation-failed',
          payload: { userId: s.person.user_id, sessionId: s.id },
        }),
      );
      throw new BadRequestException({
        message: 'code is not the current code of the new secret',
        code: 'invalid-second-factor',
        details: [{ field: 'code', messages: ['code is not the current code of the new secret'] }],
      });
    }
    await this.tx.run(async (m) => {
      const res = await m.getRepository(UserCredential).update(
        { userId: s.person.user_id, totpPendingSecret: cred.totpPendingSecret!, totpSecret: IsNull() },
        {
          totpSecret: cred.totpPendingSecret,
          totpPendingSecret: null,
          totpLastStep: step,
          totpEnrolledAt: now.toISOString(),
          updatedAt: now.toISOString(),
        },
      );
      if (!res.affected)
        throw sessionError(
          HttpStatus.CONFLICT,
          'no-second-factor-enrolment',
          'The enrolment changed meanwhile: start again',
        );
      await this.audit.append(m, {
        actor: s.principal,
        action: 'session.second-factor-enrolled',
        payload: { userId: s.person.user_id, sessionId: s.id },
      });
    });
    return this.refreshed(s);
  }

  private async assertMayEnrol(s: ActiveSession): Promise<void> {
    const person = (await this.person('WHERE u.id = ?', s.person.user_id)) ?? s.person;
    if (bool(person.must_change_password))
      throw sessionError(HttpStatus.FORBIDDEN, 'password-change-required', 'Change your password first');
    if (person.totp_secret !== null)
      throw sessionError(
        HttpStatus.CONFLICT,
        'second-factor-already-enrolled',
        'A second factor is already set up; an admin can reset it ' +
          '(POST /api/v1/admin/users/:userId/second-factor/reset)',
      );
  }

  /** The session again after a change to the person's credentials. */
  private async refreshed(s: ActiveSession): Promise<SessionView> {
    const person = await this.person('WHERE u.id = ?', s.person.user_id);
    return this.view({ ...s, person: person ?? s.person });
  }

  /** What the console shows of a session. */
  view(s: ActiveSession): SessionView {
    const p = s.person;
    return {
      user: {
        id: p.user_id,
        name: p.name,
        username: p.username ?? '',
        email: p.email,
        role: p.role,
        orgId: p.org_id,
        orgName: p.org_name,
        orgKind: p.org_kind,
        isPlatformAdmin: s.principal.isPlatformAdmin,
      },
      csrfToken: this.csrfToken(s.cookie),
      mustChangePassword: bool(p.must_change_password),
      twoFactor: { enrolled: p.totp_secret !== null, required: twoFactorRequired(p) },
      restricted: restrictionOf(p),
      idleExpiresAt: s.idleExpiresAt,
      absoluteExpiresAt: s.absoluteExpiresAt,
      serverTime: this.clock.now().toISOString(),
    };
  }

  /** The 401 for a cookie that names no usable session. */
  static refusal(lookup: Exclude<SessionLookup, { kind: 'active' }>): HttpException {
    const expired =
      lookup.kind === 'expired' ||
      (lookup.kind === 'ended' && (lookup.reason === 'idle-timeout' || lookup.reason === 'absolute-timeout'));
    return expired
      ? sessionError(HttpStatus.UNAUTHORIZED, 'session-expired', 'The session has expired; sign in again')
      : sessionError(HttpStatus.UNAUTHORIZED, 'no-session', 'Not signed in (no session, or it has ended)');
  }
}
