// Schemas of liveness, readiness (routes/api/health.ts) and the OpenAPI document itself.
import { PUBLIC, TAG, arrayOf, bool, errors, json, nullableUri, obj, oneOfValues, str, uri } from './common.js';

const PartCheck = obj({ ok: bool(), error: str('Why it failed (absent when ok)') }, ['error']);
const Readiness = obj({ status: oneOfValues(['ready', 'unavailable']), database: PartCheck, storage: PartCheck });

export const health = {
  summary: 'Liveness: the process answers (no database or storage access)',
  tags: [TAG.meta],
  security: PUBLIC,
  response: {
    200: json(
      obj({
        status: oneOfValues(['ok']),
        version: str('The server version'),
        publicUrl: uri('The origin links are built from'),
        https: bool(),
        iosInstallReady: bool('False on an http or loopback public URL: iOS refuses OTA installs then'),
        warnings: arrayOf(str(), 'Configuration problems found at start'),
        storage: str('The blob store: fs or s3'),
        caPageUrl: nullableUri('The local CA page (self-signed TLS only)'),
      }),
      'Running',
    ),
    ...errors(),
  },
};

export const ready = {
  summary: 'Readiness: the database and storage work',
  tags: [TAG.meta],
  security: PUBLIC,
  response: {
    200: json(Readiness, 'Ready'),
    ...errors(),
    503: json(Readiness, 'Not ready: which part failed (with Retry-After)', { 'Retry-After': { type: 'string' } }),
  },
};

export const openapiDocument = {
  summary: 'This OpenAPI 3.1 document',
  tags: [TAG.meta],
  security: PUBLIC,
  response: { 200: json({ type: 'object', description: 'OpenAPI 3.1' }, 'The document'), ...errors() },
};
