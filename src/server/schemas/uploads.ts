// Schemas of publishing: the one-request upload (routes/api/upload.ts) and tus resumable uploads
// (routes/api/uploads-tus.ts). Package bodies are streams, never parsed: they are documented with
// `rawBody` (openapi.ts turns it into the operation's requestBody) instead of `body`, which fastify
// would validate.
import { API_AUTH, PUBLIC, TAG, empty, errors, idParams, json, jsonBody, query, str, text, type Schema } from './common.js';
import { Published } from './release.js';

const SOURCE_QUERY = {
  ci: 'Provenance: the CI system (e.g. github-actions); with it, branch, commit and buildUrl',
  branch: 'Provenance: the branch built',
  commit: 'Provenance: the commit built (hex)',
  buildUrl: 'Provenance: the CI run, an http(s) URL',
};

export const publishRelease = {
  summary: 'Publish a package (.ipa, .apk, or an .aab converted to an APK) in one request',
  description:
    'The body is the package itself (any Content-Type but multipart, e.g. `curl --data-binary @app.ipa`) or a ' +
    'multipart/form-data form with the package in a `file` field (and optionally notes, force, ci, branch, commit, buildUrl fields). ' +
    'The app is created on its first release. Query options are checked before the body is read.',
  tags: [TAG.releases],
  security: API_AUTH,
  querystring: query({
    notes: 'Release notes (Markdown)',
    force: 'Publish although the package is not installable for a reason that can be overridden (true/false)',
    filename: 'The original file name (a hint only; the type comes from the content)',
    ...SOURCE_QUERY,
  }),
  rawBody: {
    description: 'The package',
    content: {
      'application/octet-stream': { schema: { type: 'string', format: 'binary' } },
      'multipart/form-data': {
        schema: {
          type: 'object',
          properties: {
            file: { type: 'string', format: 'binary' },
            notes: { type: 'string' },
            force: { type: 'string' },
            ci: { type: 'string' },
            branch: { type: 'string' },
            commit: { type: 'string' },
            buildUrl: { type: 'string' },
          },
          required: ['file'],
        },
      },
    },
  },
  response: { 201: json(Published, 'Published'), ...errors(400, 401, 403, 408, 409, 413, 415, 422, 429, 507) },
};

const TUS_HEADERS: Record<string, Schema> = { 'Tus-Resumable': { type: 'string', description: '1.0.0' } };
/** tus's own refusals are plain text; ours (authentication, quota, size) the JSON error envelope. */
function tusErrors(...statuses: number[]): Record<string, Schema> {
  const out = errors(...statuses);
  for (const status of statuses) {
    const r = out[String(status)] as { content: Record<string, Schema> };
    r.content['text/plain'] = { schema: { type: 'string', description: "The tus server's own refusal" } };
  }
  return out;
}
const uploadId = idParams('id');

/** Request headers of the tus protocol (the tus server checks them and answers 400/412 itself). */
function tusHeaders(fields: Record<string, string>): Schema {
  const properties: Record<string, Schema> = { 'Tus-Resumable': { type: 'string', description: 'Must be 1.0.0' } };
  for (const [name, description] of Object.entries(fields)) properties[name] = { type: 'string', description };
  return { type: 'object', properties };
}
const TUS_DOC = 'The tus 1.0.0 protocol (https://tus.io/protocols/resumable-upload), with the creation, termination and expiration extensions.';

export const createUpload = {
  summary: 'Start a resumable upload (tus creation)',
  description: `${TUS_DOC} Send Upload-Length and Upload-Metadata (filename). The answer's Location (relative) is the upload's URL.`,
  tags: [TAG.uploads],
  security: API_AUTH,
  headers: tusHeaders({
    'Upload-Length': 'The package size in bytes (or Upload-Defer-Length: 1)',
    'Upload-Defer-Length': '1 when the size is not known yet',
    'Upload-Metadata': 'Comma-separated `key base64(value)` pairs: filename, and optionally filetype',
  }),
  response: {
    201: empty('Created', { ...TUS_HEADERS, Location: { type: 'string', description: 'uploads/<id>, relative to this URL' } }),
    ...tusErrors(400, 401, 403, 412, 413, 429, 503, 507),
  },
};

export const uploadOptions = {
  summary: 'What this tus server supports (no credentials)',
  tags: [TAG.uploads],
  security: PUBLIC,
  response: {
    204: empty('Capabilities', { ...TUS_HEADERS, 'Tus-Version': { type: 'string' }, 'Tus-Extension': { type: 'string' }, 'Tus-Max-Size': { type: 'string' } }),
    ...errors(),
  },
};

export const uploadOffset = {
  summary: 'Where to resume an upload (tus HEAD)',
  tags: [TAG.uploads],
  security: API_AUTH,
  params: uploadId,
  headers: tusHeaders({}),
  response: {
    200: empty('The offset', { ...TUS_HEADERS, 'Upload-Offset': { type: 'string' }, 'Upload-Length': { type: 'string' } }),
    ...tusErrors(400, 401, 403, 404, 410, 412, 423, 429, 503),
  },
};

export const appendUpload = {
  summary: 'Append bytes to an upload (tus PATCH, Content-Type: application/offset+octet-stream)',
  tags: [TAG.uploads],
  security: API_AUTH,
  params: uploadId,
  headers: tusHeaders({
    'Upload-Offset': 'Where these bytes start: the offset the last HEAD or PATCH answered',
    'Upload-Checksum': 'Optional: `sha1 <base64>` (or another algorithm named in Tus-Checksum-Algorithm) of these bytes',
    'Upload-Length': 'With a deferred length: the package size, once known',
  }),
  rawBody: { description: 'The next bytes', content: { 'application/offset+octet-stream': { schema: { type: 'string', format: 'binary' } } } },
  response: {
    204: empty('Appended', { ...TUS_HEADERS, 'Upload-Offset': { type: 'string' } }),
    ...tusErrors(400, 401, 403, 404, 409, 410, 412, 413, 415, 423, 429, 460, 503, 507),
  },
};

export const cancelUpload = {
  summary: 'Cancel an upload (tus termination)',
  tags: [TAG.uploads],
  security: API_AUTH,
  params: uploadId,
  headers: tusHeaders({}),
  response: { 204: empty('Cancelled', TUS_HEADERS), ...tusErrors(400, 401, 403, 404, 410, 412, 423, 429, 503) },
};

export const uploadIdOptions = { ...uploadOptions, params: uploadId };

export const publishUpload = {
  summary: 'Publish a finished resumable upload',
  tags: [TAG.uploads],
  security: API_AUTH,
  params: uploadId,
  // Optional: without a JSON body the upload is published as it is.
  'x-optional-body': true,
  body: {
    content: {
      'application/json': {
        schema: {
          ...jsonBody({
            notes: { type: ['string', 'null'], description: 'Release notes (Markdown)' },
            force: { type: ['boolean', 'null'], description: 'Publish although the package is not installable for a reason that can be overridden' },
            filename: { type: ['string', 'null'], description: 'The original file name' },
            source: {
              type: ['object', 'null'],
              description: 'Where the build came from: {ci, branch?, commit?, buildUrl?}',
              properties: { ci: str(), branch: str(), commit: str(), buildUrl: str() },
            },
          }),
          // Other fields have always been ignored here: kept so.
          additionalProperties: true,
        },
      },
    },
  },
  response: { 201: json(Published, 'Published'), ...errors(400, 401, 403, 404, 409, 413, 415, 422, 429, 507) },
};

export const tusClient = {
  summary: 'The tus browser client the admin upload uses',
  tags: [TAG.pages],
  security: PUBLIC,
  response: { 200: text('tus-js-client', 'text/javascript'), ...errors() },
};
