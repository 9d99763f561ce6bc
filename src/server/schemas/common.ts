// Route schemas: the building blocks every route's `schema` is made of. They serve three readers:
// fastify validates requests with them, @fastify/swagger turns them into the OpenAPI document at
// /api/v1/openapi.json (src/server/openapi.ts), and the API tests check every real response
// against that document (test/helpers/openapi-conformance.ts).
//
// THE CONVENTION (one schema module per route module, e.g. schemas/catalog.ts for routes/api/catalog.ts):
//   app.get('/api/v1/things/:id', { schema: {
//     summary: 'One line', tags: [TAG.x], security: API_AUTH,      // or PUBLIC
//     params: idParams('id'), querystring: …, body: …,             // plain JSON Schema objects
//     response: { 200: json(Thing, 'The thing'), ...errors(400, 401, 403, 404) },
//   } }, handler)
// - Response bodies are declared with EVERY field the handler returns and `additionalProperties:
//   false` (obj() does that): the conformance check fails when a handler returns a field the
//   document does not know. Responses are serialised with JSON.stringify (openapi.ts), never by the
//   schema, so a schema can not drop or coerce a field.
// - errors(...) lists the error statuses a route answers with (the error-edge envelope); 500 and
//   503 are always added. A status missing here fails the conformance check when a test sees it.
// - Request schemas say what is accepted; the handlers and services keep the checks with the best
//   messages (jsonObject, flag, pageLimit…). A request that fails a schema is a 400 VALIDATION
//   naming the field (error-edge.ts). Routes with `security: API_AUTH` authenticate before the
//   request is validated, so a stranger is told 401, not how to shape a body.
// - Non-JSON answers are described by content type (html(), binary(), text()); redirects by
//   redirect(); no body by empty().
// - A body that is a stream (a package, tus bytes) goes in `rawBody` (documented, never validated);
//   a JSON body that may be left out uses `body: { content: { 'application/json': { schema } } }`
//   (validated only when sent) plus `'x-optional-body': true`.
// - A shape several operations return is added to COMPONENTS (schemas/components.ts) so the
//   document names it once. test/server/openapi.test.ts fails for a route without a schema.

export type Schema = Record<string, unknown>;

/** Tags group operations in the document and in docs/reference/api.md, in this order. */
export const TAG = {
  meta: 'Server',
  releases: 'Releases',
  uploads: 'Resumable uploads',
  apps: 'Apps',
  tokens: 'API tokens',
  devices: 'Devices',
  webhooks: 'Webhooks',
  install: 'Install',
  pages: 'Pages',
  admin: 'Admin pages',
  downloads: 'Downloads',
  people: 'People',
  signIn: 'Sign-in',
  audit: 'Audit log',
} as const;

export const TAGS: ReadonlyArray<{ name: string; description: string }> = [
  { name: TAG.meta, description: 'Liveness, readiness and this document. No authentication.' },
  { name: TAG.releases, description: 'Publish, read, edit and delete releases.' },
  { name: TAG.uploads, description: 'tus 1.0.0 resumable uploads of large packages, then publish.' },
  { name: TAG.apps, description: 'Apps are created by publishing their first release.' },
  { name: TAG.tokens, description: 'API tokens (admin only). The secret is shown once, on creation.' },
  { name: TAG.devices, description: 'Registered iOS devices (admin only) and the registration flow.' },
  { name: TAG.webhooks, description: 'Release notifications to other services (admin only).' },
  { name: TAG.install, description: 'What iOS and browsers fetch to install: manifest, package, icons. Access is the `t` link token (or a public release).' },
  { name: TAG.pages, description: 'HTML pages for testers: install pages, the CA trust page, assets.' },
  { name: TAG.admin, description: 'The web admin (HTML). Its script acts through the JSON API with the session cookie.' },
  { name: TAG.downloads, description: 'Files the server hands out: its own CLI, the local CA.' },
  { name: TAG.people, description: "People, groups and their roles on apps (instance admins; an app's managers for its roles), and each person's own API tokens." },
  { name: TAG.signIn, description: "People's sign-in: e-mailed links, single sign-on (OpenID Connect) and the My apps page." },
  { name: TAG.audit, description: "Who did what, when: instance admins read every entry, an app's managers its entries." },
];

/** Security scheme names (components.securitySchemes in openapi.ts). */
export const BEARER = 'apiToken';
export const SESSION = 'adminSession';

type Security = Array<Record<string, string[]>>;
/** An API token, or the admin session cookie (state changes then also need X-Requested-With: otaship). */
export const API_AUTH: Security = [{ [BEARER]: [] }, { [SESSION]: [] }];
/** The admin pages: the session cookie (without it they redirect to the sign-in page). */
export const SESSION_AUTH: Security = [{ [SESSION]: [] }];
/** No credentials. */
export const PUBLIC: Security = [];

// --- JSON Schema shorthands ---------------------------------------------------------------------

export const str = (description?: string): Schema => ({ type: 'string', ...(description ? { description } : {}) });
export const nullableStr = (description?: string): Schema => ({ type: ['string', 'null'], ...(description ? { description } : {}) });
export const dateTime = (description?: string): Schema => ({ type: 'string', format: 'date-time', ...(description ? { description } : {}) });
export const nullableDateTime = (description?: string): Schema => ({
  type: ['string', 'null'],
  format: 'date-time',
  ...(description ? { description } : {}),
});
export const int = (description?: string): Schema => ({ type: 'integer', ...(description ? { description } : {}) });
export const bool = (description?: string): Schema => ({ type: 'boolean', ...(description ? { description } : {}) });
export const uri = (description?: string): Schema => ({ type: 'string', format: 'uri', ...(description ? { description } : {}) });
export const nullableUri = (description?: string): Schema => ({ type: ['string', 'null'], format: 'uri', ...(description ? { description } : {}) });
export const arrayOf = (items: Schema, description?: string): Schema => ({ type: 'array', items, ...(description ? { description } : {}) });
export const oneOfValues = (values: readonly string[], description?: string): Schema => ({
  type: 'string',
  enum: [...values],
  ...(description ? { description } : {}),
});

/**
 * A response object: every property listed is required unless named in `optional`, and no other
 * property may appear (the document is exact about what the server sends).
 */
export function obj(properties: Record<string, Schema>, optional: readonly string[] = [], description?: string): Schema {
  return {
    type: 'object',
    properties,
    required: Object.keys(properties).filter((k) => !optional.includes(k)),
    additionalProperties: false,
    ...(description ? { description } : {}),
  };
}

/** The same object, or null. */
export function nullable(schema: Schema): Schema {
  return { anyOf: [schema, { type: 'null' }] };
}

/** A JSON request body: an object of these (all optional unless `required`) fields, nothing else. */
export function jsonBody(properties: Record<string, Schema>, required: readonly string[] = [], description?: string): Schema {
  return {
    type: 'object',
    properties,
    ...(required.length ? { required: [...required] } : {}),
    additionalProperties: false,
    ...(description ? { description } : {}),
  };
}

/** Path parameters, each a string. */
export function idParams(...names: string[]): Schema {
  const properties: Record<string, Schema> = {};
  for (const n of names) properties[n] = { type: 'string' };
  return { type: 'object', properties, required: names };
}

/** Query parameters (all optional strings: the handlers read yes/no and numbers with clear messages). */
export function query(fields: Record<string, string>): Schema {
  const properties: Record<string, Schema> = {};
  for (const [name, description] of Object.entries(fields)) properties[name] = { type: 'string', description };
  return { type: 'object', properties };
}

// --- Responses ------------------------------------------------------------------------------------

export function json(schema: Schema, description: string, headers?: Record<string, Schema>): Schema {
  return { description, ...(headers ? { headers } : {}), content: { 'application/json': { schema } } };
}

export function html(description: string): Schema {
  return { description, content: { 'text/html': { schema: { type: 'string' } } } };
}

export function text(description: string, contentType = 'text/plain'): Schema {
  return { description, content: { [contentType]: { schema: { type: 'string' } } } };
}

export function binary(description: string, contentTypes: readonly string[], headers?: Record<string, Schema>): Schema {
  const content: Record<string, Schema> = {};
  for (const type of contentTypes) content[type] = { schema: { type: 'string', format: 'binary' } };
  return { description, ...(headers ? { headers } : {}), content };
}

/** A response without a body (204, 304; and every HEAD answer). */
export function empty(description: string, headers?: Record<string, Schema>): Schema {
  return { description, ...(headers ? { headers } : {}), type: 'null' };
}

export function redirect(description: string): Schema {
  return empty(description, { Location: { type: 'string', description: 'Where to go' } });
}

/** The one error envelope (src/server/error-edge.ts). */
export const ErrorBody = obj(
  {
    error: obj(
      {
        code: str('Stable error code from the catalogue, e.g. VALIDATION, NOT_FOUND, UNAUTHENTICATED'),
        message: str('What went wrong, naming the problem'),
        hint: str('What to do about it'),
        details: { type: 'object', description: 'Facts about the error (e.g. the failing field, retryAfterSeconds)' },
      },
      ['details'],
    ),
  },
  [],
  'The error envelope of every refusal',
);

const ERROR_TEXT: Record<number, string> = {
  400: 'The request is malformed (VALIDATION and similar)',
  401: 'No valid API token or session (UNAUTHENTICATED)',
  403: 'The token or link may not do this (FORBIDDEN, TOKEN_EXPIRED, TOKEN_INVALID)',
  404: 'No such resource, or not visible to this token or link (NOT_FOUND)',
  409: 'Conflicts with the current state (CONFLICT; tus: Upload-Offset is not where the upload is)',
  408: 'The request did not arrive in time (REQUEST_TIMEOUT)',
  410: 'The upload expired (tus)',
  412: 'Unsupported Tus-Resumable version (tus)',
  415: 'Not a package this server reads (NOT_A_ZIP…), or the wrong Content-Type for tus',
  416: 'The Range asks for bytes the file does not have',
  423: 'Another request is using this upload (tus)',
  460: 'The checksum of the bytes sent does not match (tus)',
  413: 'The body is larger than accepted (PAYLOAD_TOO_LARGE, BODY_TOO_LARGE)',
  422: 'The package was read and refused (not installable, corrupt, unsupported)',
  429: 'Too many attempts from this client (TOO_MANY_REQUESTS), or over the upload quota (QUOTA_EXCEEDED): see Retry-After',
  500: 'An unexpected failure of the server (INTERNAL)',
  503: 'The database or storage is unavailable (UNAVAILABLE): retry after Retry-After seconds',
  507: 'The server has no space left for this (INSUFFICIENT_STORAGE)',
};

/** Statuses every route may answer with, whatever it does: a bug, or the database or storage down. */
const ALWAYS = [500, 503];

/**
 * Error responses in the error envelope. With `htmlToo` (pages, and surfaces a browser may open),
 * the same statuses may come as the HTML error page instead (error-edge.ts decides by path/Accept).
 */
export function errors(...statuses: number[]): Record<string, Schema> {
  return errorResponses(statuses, false);
}

export function pageErrors(...statuses: number[]): Record<string, Schema> {
  return errorResponses(statuses, true);
}

function errorResponses(statuses: number[], htmlToo: boolean): Record<string, Schema> {
  const out: Record<string, Schema> = {};
  for (const status of [...new Set([...statuses, ...ALWAYS])].sort((a, b) => a - b)) {
    const content: Record<string, Schema> = { 'application/json': { schema: ErrorBody } };
    if (htmlToo) content['text/html'] = { schema: { type: 'string', description: 'The HTML error page' } };
    out[String(status)] = { description: ERROR_TEXT[status] ?? 'Refused', content };
  }
  return out;
}
