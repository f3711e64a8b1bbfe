import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit';
import {
  AdminService,
  issuePlatformToken,
  PlatformAdminError,
  resetPasswordByUsername,
  TokenHasher,
} from '../accounts';
import { ConfigError, loadConfig } from '../config';
import { checkKeyFingerprints, dataSourceOptions, KeyMismatchError, TransactionRunner } from '../database';
import { ENTITIES } from '../entities';
import type { CliIo } from './cli';

export const ADMIN_USAGE = `lianfang admin reset-token [--user <userId>] [--name <token name>] [--revoke-others]
lianfang admin reset-password <username> [--reset-second-factor]

  reset-token prints a new token for a platform admin of this installation (the first one created,
  or --user), creating the platform organisation and its admin if there is none; --revoke-others
  revokes that admin's other tokens.

  reset-password prints a new initial password for the person with that console username (for
  "admin" on an installation whose platform admin has no username yet, that admin gets it). They
  must change it at their next sign-in; their console sessions end. --reset-second-factor also
  removes their second factor (a lost phone), so they set up a new one.

  Both work on the database directly, not over HTTP: run them where the service runs, with the
  service's DATABASE_URL, VAR_DIR and, if set, SECRETS_KEY and AUDIT_KEY. The token or password
  alone goes to stdout, shown once. Audited as system:admin-cli.`;

/**
 * `lianfang admin …`: recovery commands for whoever runs the service (who can read its database
 * and keys anyway), for when no admin token is at hand. Loaded only for `admin`, so the HTTP
 * commands do not pay for TypeORM and the database driver.
 */
export async function runAdminCommand(args: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === 'help' || sub === '--help') {
    io.out(ADMIN_USAGE);
    return 0;
  }
  if (sub !== 'reset-token' && sub !== 'reset-password') {
    io.err(`${sub ? `unknown admin command ${sub}` : 'missing admin command'}\n\n${ADMIN_USAGE}`);
    return 2;
  }
  let values: {
    user?: string;
    name?: string;
    'revoke-others'?: boolean;
    'reset-second-factor'?: boolean;
    json?: boolean;
  };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: rest,
      allowPositionals: sub === 'reset-password',
      options:
        sub === 'reset-token'
          ? {
              user: { type: 'string' },
              name: { type: 'string' },
              'revoke-others': { type: 'boolean' },
              json: { type: 'boolean' },
            }
          : { 'reset-second-factor': { type: 'boolean' }, json: { type: 'boolean' } },
    }));
    if (sub === 'reset-password' && positionals.length !== 1) throw new Error('reset-password takes one username');
  } catch (err) {
    io.err(`${err instanceof Error ? err.message : String(err)}\n\n${ADMIN_USAGE}`);
    return 2;
  }
  let config;
  try {
    config = loadConfig(io.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      io.err(err.message);
      return 2;
    }
    throw err;
  }
  // Never create what the service should already have: a fresh key here would make a token the
  // service cannot check, and a fresh database would be someone else's installation.
  if (config.databaseKind === 'sqlite' && !existsSync(config.sqlitePath)) {
    io.err(
      `no database at ${config.sqlitePath}: run this with the ` +
        `service's DATABASE_URL and VAR_DIR (the service creates the ` +
        `database at its first start)`,
    );
    return 2;
  }
  for (const [variable, file] of [
    ['SECRETS_KEY', 'secrets.key'],
    ['AUDIT_KEY', 'audit.key'],
  ] as const) {
    const path = join(config.VAR_DIR, 'keys', file);
    if (!config[variable] && !existsSync(path)) {
      io.err(
        `${variable} is not set and there is no ${path}: run this with the service's VAR_DIR (or its ${variable})`,
      );
      return 2;
    }
  }
  const dataSource = new DataSource(dataSourceOptions(config, { entities: ENTITIES }));
  await dataSource.initialize();
  try {
    if (await dataSource.showMigrations()) {
      io.err(
        'the database has migrations this version has not run yet: start the ' +
          'service once (it migrates at start-up), then run this again',
      );
      return 1;
    }
    // The token is hashed and the entry chained with this process's keys: they must be the service's.
    try {
      await checkKeyFingerprints(dataSource, config);
    } catch (err) {
      if (!(err instanceof KeyMismatchError)) throw err;
      io.err(err.message);
      return 2;
    }
    const tx = new TransactionRunner(dataSource);
    const audit = new AuditService(dataSource, tx, config);
    const actor = { system: 'admin-cli', orgId: null };
    if (sub === 'reset-password') {
      const reset = await resetPasswordByUsername(
        { tx, audit },
        { username: positionals[0]!, resetSecondFactor: values['reset-second-factor'] ?? false, actor },
      );
      if (values.json) {
        io.out(JSON.stringify(reset, null, 2));
      } else {
        io.err(
          `new initial password for ${reset.user.name} (${reset.user.username}, ${reset.user.id}); it must be ` +
            `changed at the next sign-in` +
            `${reset.sessionsEnded ? `; ended ${reset.sessionsEnded} console session(s)` : ''}` +
            `${values['reset-second-factor'] ? '; second factor removed' : ''}. Shown once:`,
        );
        io.out(reset.password);
      }
      return 0;
    }
    const admin = new AdminService(dataSource, tx, audit, TokenHasher.fromConfig(config));
    const result = await issuePlatformToken(
      { tx, admin, audit },
      {
        userId: values.user,
        name: values.name ?? `reset-token ${new Date().toISOString()}`,
        revokeOthers: values['revoke-others'] ?? false,
        actor,
      },
    );
    if (values.json) {
      io.out(
        JSON.stringify(
          { ...result.issued, user: result.user, created: result.created, revoked: result.revoked },
          null,
          2,
        ),
      );
    } else {
      io.err(
        `${result.created ? 'created the platform organisation and its admin; ' : ''}` +
          `new token for platform admin ${result.user.name} (` +
          `${result.user.id}), listed as ${result.issued.prefix}` +
          `${result.revoked ? `; revoked ${result.revoked} other token(s)` : ''}` +
          `. Shown once:`,
      );
      io.out(result.issued.token);
    }
    return 0;
  } catch (err) {
    if (err instanceof PlatformAdminError) {
      io.err(err.message);
      return 1;
    }
    throw err;
  } finally {
    await dataSource.destroy();
  }
}
