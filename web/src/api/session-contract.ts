import type { components } from './schema';

/**
 * TEMPORARY: the /api/v1/session/totp routes as the console contract describes them, typed the way
 * openapi-typescript writes them, until the service puts them in openapi.json. Delete this file (and its
 * use in client.ts) once `npm run openapi:write` generates them into schema.d.ts.
 */
type ErrorBody = components['schemas']['ErrorBody'];
type NoParams = { query?: never; header?: never; path?: never; cookie?: never };
type Json<T> = { headers: { [name: string]: unknown }; content: { 'application/json': T } };
type Responses<Ok, OkStatus extends number> = {
  [S in OkStatus]: [Ok] extends [never] ? { headers: { [name: string]: unknown }; content?: never } : Json<Ok>;
} & { 400: Json<ErrorBody>; 401: Json<ErrorBody>; 403: Json<ErrorBody>; 429: Json<ErrorBody> };
type Op<Body, Ok, OkStatus extends number = 200> = {
  parameters: NoParams;
  requestBody: { content: { 'application/json': Body } };
  responses: Responses<Ok, OkStatus>;
};
type NoOthers = { put?: never; options?: never; head?: never; patch?: never; trace?: never };

type SessionView = components['schemas']['SessionView'];
export interface TotpEnrolmentView {
  secret: string;
  otpauthUri: string;
  qrCodeDataUrl: string;
}

export interface SessionPaths {
  '/api/v1/session/totp': {
    parameters: NoParams;
    get?: never;
    post: Op<Record<string, never>, TotpEnrolmentView>;
    delete?: never;
  } & NoOthers;
  '/api/v1/session/totp/confirm': {
    parameters: NoParams;
    get?: never;
    post: Op<{ code: string }, SessionView>;
    delete?: never;
  } & NoOthers;
}
