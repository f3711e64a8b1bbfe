import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { AppConfig } from '../config/app-config';
import { TransactionRunner } from '../database/transaction-runner';
import { LOGGER } from '../logging/logging.module';
import { AdminService } from './admin.service';
import { User } from './user.entity';

/**
 * DESIGN.md: with BOOTSTRAP_ADMIN_TOKEN set and no admin yet, create an admin of a default
 * operator organisation holding that token. Once any admin exists this does nothing, so a leaked
 * bootstrap token cannot be replayed into a second admin after set-up.
 */
@Injectable()
export class BootstrapAdminService {
  constructor(
    private readonly config: AppConfig,
    private readonly tx: TransactionRunner,
    private readonly admin: AdminService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async run(): Promise<void> {
    const token = this.config.BOOTSTRAP_ADMIN_TOKEN;
    if (!token) return;
    const created = await this.tx.run(async (em) => {
      if ((await em.getRepository(User).countBy({ role: 'admin' })) > 0) return false;
      const actor = { system: 'bootstrap', orgId: null };
      const org = await this.admin.createOrganisation(actor, { name: 'Default operator', kind: 'operator', sector: 'other', operatorKind: 'cii' }, { isPlatform: true }, em);
      const user = await this.admin.createUser(actor, org.id, { name: 'Administrator', role: 'admin' }, em);
      await this.admin.issueToken(actor, user.id, { name: 'bootstrap' }, { em, token });
      return true;
    });
    this.logger.info({ created }, created ? 'bootstrap admin created from BOOTSTRAP_ADMIN_TOKEN' : 'an admin exists; BOOTSTRAP_ADMIN_TOKEN ignored');
  }
}
