import 'reflect-metadata';
import { catalogueFromConfig } from './requirements/requirements.module';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { join } from 'node:path';
import { AppModule } from './app.module';
import { loadConfig } from './config/app-config';
import { SHARED_SCHEMAS } from './http/openapi-schemas';
import { createLogger } from './logging/logger';

/** The committed copy of the document, at the repository root: clients are generated from it. */
export const OPENAPI_FILE = join(__dirname, '..', 'openapi.json');

/**
 * The OpenAPI document of an application. OpenAPI 3.1 rather than 3.0: Swagger's generator then
 * writes `nullable: true` as JSON Schema (`type: [string, "null"]`, `null` among an enum's values,
 * `anyOf: [{ $ref }, { type: "null" }]`), which every validator and code generator reads the same
 * way. Under 3.0.3, `nullable` beside `allOf` or an `enum` without null does not admit null at all.
 */
export function buildOpenApi(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setOpenAPIVersion('3.1.0')
    .setTitle('lianfang — incident response for critical information infrastructure')
    .setDescription(
      'Incident workflows per GB/T 39204-2022 and the national ' +
        'incident-reporting rules; reports to protection departments; early ' +
        'warnings; threat-information sharing.',
    )
    .setVersion('1')
    // package.json's UNLICENSED: npm's word for "no licence granted", linked to where npm defines it.
    .setLicense('UNLICENSED (private)', 'https://docs.npmjs.com/cli/configuring-npm/package-json#license')
    .addServer('/', 'The service answering this document')
    .addBearerAuth({
      type: 'http',
      scheme: 'bearer',
      // Nest's default says JWT; ours are opaque random tokens, looked up by their hash.
      bearerFormat: 'opaque (lf_…)',
      description: 'An API token (`lf_…`): by enrolment for a person, issued by an admin for a service account',
    })
    .addCookieAuth(
      'lf_session',
      {
        type: 'apiKey',
        in: 'cookie',
        description:
          'A console session (POST /api/v1/session sets it). Requests other than GET, HEAD and OPTIONS also send ' +
          "the session's csrfToken as X-CSRF-Token. With an Authorization header as well, the token is used.",
      },
      'cookie',
    )
    .build();
  const doc = SwaggerModule.createDocument(app, config);
  doc.components = { ...doc.components, schemas: { ...doc.components?.schemas, ...SHARED_SCHEMAS } };
  for (const item of Object.values(doc.paths)) {
    for (const method of METHODS) {
      const op = item[method];
      // A route without a security requirement is public (@Public()); say so rather than leave it unsaid.
      if (op && !op.security) op.security = [];
      // Whatever a token reaches, a console session reaches too (the guard takes either).
      if (op?.security?.some((r) => 'bearer' in r) && !op.security.some((r) => 'cookie' in r))
        op.security.push({ cookie: [] });
    }
  }
  return doc;
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'] as const;

/** The document as it is committed: two-space JSON and a final newline. */
export function serialiseOpenApi(doc: OpenAPIObject): string {
  return `${JSON.stringify(doc, null, 2)}\n`;
}

/**
 * The document without a running service: Nest's preview mode builds the module graph and reads
 * the controllers' metadata but instantiates no provider, so nothing connects to a database or
 * Redis and no file is written. The configuration is a placeholder (the document does not depend
 * on it).
 */
export async function generateOpenApi(): Promise<OpenAPIObject> {
  const config = loadConfig({ DATABASE_URL: 'sqlite::memory:', VAR_DIR: 'var/openapi-preview', LOG_LEVEL: 'silent' });
  const logger = createLogger('silent', 'openapi');
  const catalogue = catalogueFromConfig(config);
  const module = AppModule.forRoot({
    config,
    logger,
    redisUrl: 'redis://127.0.0.1:0',
    catalogue,
    api: true,
    workers: false,
  });
  const app = await NestFactory.create(module, new ExpressAdapter(), {
    preview: true,
    logger: false,
    bodyParser: false,
    abortOnError: false,
  });
  try {
    return buildOpenApi(app);
  } finally {
    await app.close();
  }
}
