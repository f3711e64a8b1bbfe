import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { AppConfig } from '../config';
import { TransactionRunner } from '../database';
import { LOGGER } from '../logging';
import { AdminService } from './admin.service';
import { createPlatformAdmin } from './platform-admin';
import { TokenService } from './token.service';
import { User } from './user.entity';

const PG_BOOTSTRAP_LOCK = 0x6c66_6274; // 'lfbt'

/** How to get a platform-admin token for an existing installation, as the log lines say it. */
export const RESET_TOKEN_HINT =
  'run `npx lianfang admin reset-token` (or `npm run cli -- admin ' +
  "reset-token`) with this service's DATABASE_URL, VAR_DIR and keys: it " +
  'prints a new platform-admin token';

/**
 * With BOOTSTRAP_ADMIN_TOKEN set and no admin yet, create an admin of a default (platform)
 * operator organisation holding that token. Once any admin exists the variable creates nothing,
 * so a leaked bootstrap token cannot be replayed into a second admin after set-up; but a value
 * that is not a platform admin's token is said so, with the way out, rather than ignored in
 * silence. Without it and without an admin, one line says how to create the first one.
 *
 * No token is ever written to the log: a generated first token would sit in every log store the
 * lines are shipped to. The reset command prints it in the terminal of whoever runs it.
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
    const outcome = await this.tx.run(async (em): Promise<'created' | 'admin-exists' | 'no-admin'> => {
      // Several processes starting at once with the same token: one creates the admin, the others then
      // find it (Postgres: they wait here for the first; SQLite runs one writer at a time anyway).
      if (em.connection.options.type === 'postgres')
        await em.query('SELECT pg_advisory_xact_lock($1)', [PG_BOOTSTRAP_LOCK]);
      if ((await em.getRepository(User).countBy({ role: 'admin' })) > 0) return 'admin-exists';
      if (!token) return 'no-admin';
      const actor = { system: 'bootstrap', orgId: null };
      const user = await createPlatformAdmin(this.admin, actor, em);
      await this.admin.issueToken(actor, user.id, { name: 'bootstrap' }, { em, token });
      return 'created';
    });
    if (outcome === 'created') {
      this.logger.info(
        "bootstrap admin created from BOOTSTRAP_ADMIN_TOKEN: use that value as the platform admin's bearer token",
      );
    } else if (outcome === 'no-admin') {
      this.logger.warn(
        `no admin exists yet: to create the platform admin, ` +
          `${RESET_TOKEN_HINT}; or restart with BOOTSTRAP_ADMIN_TOKEN ` +
          `set (24+ characters)`,
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
