import { Inject, Injectable } from '@nestjs/common';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { EntityManager } from 'typeorm';
import { AppConfig } from '../config';
import { TransactionRunner } from '../database';
import { LOGGER } from '../logging';
import { AdminService } from './admin.service';
import { createPlatformAdmin, PLATFORM_ADMIN_USERNAME } from './platform-admin';
import { generatePassword, hashPassword } from './passwords';
import { TokenService } from './token.service';
import { User } from './user.entity';

const PG_BOOTSTRAP_LOCK = 0x6c66_6274; // 'lfbt'

/** How to get a platform-admin token for an existing installation, as the log lines say it. */
export const RESET_TOKEN_HINT =
  'run `npx lianfang admin reset-token` (or `npm run cli -- admin ' +
  "reset-token`) with this service's DATABASE_URL, VAR_DIR and keys: it " +
  'prints a new platform-admin token';

/** Where the first start leaves the platform admin's initial password, under VAR_DIR. */
export const INITIAL_PASSWORD_FILE = 'initial-admin-password';

/** The initial password in a file only this user can read (0600, also when it was there before). */
function writeInitialPassword(path: string, password: string): void {
  mkdirSync(join(path, '..'), { recursive: true, mode: 0o700 });
  writeFileSync(path, `${password}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
}

/**
 * With no admin yet, create the platform admin: an admin of a default (platform) operator
 * organisation with the console username `admin` and a generated initial password, written to
 * VAR_DIR/initial-admin-password (0600; the log line says where, never the password). It must be
 * changed at the first sign-in, and as an admin it must set up a second factor.
 *
 * With BOOTSTRAP_ADMIN_TOKEN set, that admin also holds the token. Once any admin exists the
 * variable creates nothing, so a leaked bootstrap token cannot be replayed into a second admin
 * after set-up; but a value that is not a platform admin's token is said so, with the way out,
 * rather than ignored in silence.
 *
 * No password or token is ever written to the log: it would sit in every log store the lines are
 * shipped to. The reset commands print theirs in the terminal of whoever runs them.
 */
@Injectable()
export class BootstrapAdminService {
  constructor(
    private readonly config: AppConfig,
    private readonly tx: TransactionRunner,
    private readonly admin: AdminService,
    private readonly tokens: TokenService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async run(): Promise<void> {
    const token = this.config.BOOTSTRAP_ADMIN_TOKEN;
    const noAdmin = async (em: EntityManager) => (await em.getRepository(User).countBy({ role: 'admin' })) === 0;
    // scrypt before the transaction, not inside the write queue; only when there is no admin.
    const password = (await this.tx.run(noAdmin)) ? generatePassword() : null;
    const hash = password === null ? null : await hashPassword(password);
    const passwordFile = join(this.config.VAR_DIR, INITIAL_PASSWORD_FILE);
    const outcome = await this.tx.run(async (em): Promise<{ created: boolean; withPassword: boolean }> => {
      // Several processes starting at once: one creates the admin, the others then find it (Postgres:
      // they wait here for the first; SQLite runs one writer at a time anyway).
      if (em.connection.options.type === 'postgres')
        await em.query('SELECT pg_advisory_xact_lock($1)', [PG_BOOTSTRAP_LOCK]);
      if (!(await noAdmin(em)) || hash === null) return { created: false, withPassword: false };
      const actor = { system: 'bootstrap', orgId: null };
      const user = await createPlatformAdmin(this.admin, actor, em, hash);
      if (token) await this.admin.issueToken(actor, user.id, { name: 'bootstrap' }, { em, token });
      // Written before the transaction commits: if it cannot be written, no admin is created
      // whose password nobody knows.
      if (user.username !== null) writeInitialPassword(passwordFile, password!);
      return { created: true, withPassword: user.username !== null };
    });
    if (outcome.created) {
      if (outcome.withPassword)
        this.logger.info(
          `platform admin created: sign in to the console as "${PLATFORM_ADMIN_USERNAME}" with the initial ` +
            `password in ${passwordFile} (readable by this user only); you will change it and set up an ` +
            `authenticator app at the first sign-in. For an API token, ${RESET_TOKEN_HINT}`,
        );
      if (token)
        this.logger.info(
          "bootstrap admin created from BOOTSTRAP_ADMIN_TOKEN: use that value as the platform admin's bearer token",
        );
    } else if (token && !(await this.tokens.authenticate(token))?.isPlatformAdmin) {
      this.logger.warn(
        `BOOTSTRAP_ADMIN_TOKEN ignored: an admin already exists and ` +
          `this value is not a platform admin's token (it only creates ` +
          `the first admin). For a new platform-admin token, ` +
          `${RESET_TOKEN_HINT}`,
      );
    }
  }
}
