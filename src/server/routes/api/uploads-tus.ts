// Resumable uploads (tus 1.0.0, https://tus.io/protocols/resumable-upload) under /api/v1/uploads:
//   POST   /api/v1/uploads              create (Upload-Length, Upload-Metadata: filename …)
//   HEAD   /api/v1/uploads/:id          where to resume (Upload-Offset)
//   PATCH  /api/v1/uploads/:id          append bytes (Content-Type: application/offset+octet-stream)
//   DELETE /api/v1/uploads/:id          cancel
//   POST   /api/v1/uploads/:id/publish  JSON {notes?, force?, filename?} → 201 like POST /api/v1/releases
// @tus/server speaks the protocol; the bytes live in the shared BlobStore (services/resumable), so
// every instance can continue or publish an upload that another one started. Authentication is the
// API's (bearer token or admin session + CSRF header); authorisation is services/authz.ts.
import { createReadStream } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { ERRORS as TUS_ERRORS, Server as TusServer } from '@tus/server';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { OtashipError } from '../../../core/errors.js';
import { appJson, authorize, releaseJson } from '../../../services/index.js';
import type { PublishResult } from '../../../services/publish/publish.js';
import { OWNER_METADATA, UPLOAD_ID } from '../../../services/resumable/blob-upload-store.js';
import { ResumableUploads } from '../../../services/resumable/uploads.js';
import type { ReleaseSourceInput } from '../../../services/release-source.js';
import { authenticate } from '../../auth.js';
import { infrastructureError } from '../../infra-fault.js';
import { closeAfterRefusal } from '../../http/lingering-close.js';
import type { ServerDeps } from '../../deps.js';
import * as S from '../../schemas/uploads.js';
import { useNodeBodiesForPatch } from './tus-node-body.js';

export const UPLOADS_PATH = '/api/v1/uploads';
/**
 * How the route tells the tus server who creates an upload. Set by us after authentication; any copy
 * a client sends is removed first, so it cannot be forged.
 */
const OWNER_HEADER = 'x-otaship-upload-owner';
/** Likewise, the id the route booked for a new upload (the quota counts it before it exists). */
const ID_HEADER = 'x-otaship-upload-id';
/** tus's own answers say little; these say what happened and what to do. */
const OFFSET_CONFLICT = {
  status_code: 409,
  body:
    'Upload-Offset does not match what this upload holds (another request moved it on, or the upload is finished): ' +
    'ask for its offset (HEAD) and send from there; a finished upload takes no more bytes and is published with POST <upload URL>/publish\n',
};
/** The upload went away between the route's check and the tus server's (published, cancelled). */
const UPLOAD_GONE = {
  status_code: 404,
  body: 'this upload does not exist (finished and published, cancelled or expired): start a new upload\n',
};
/** tus answers a PATCH without Upload-Offset with 403, which reads as "not allowed": it is a bad request. */
const OFFSET_MISSING = {
  status_code: 400,
  body: 'this PATCH has no Upload-Offset header: send the offset the upload holds (HEAD tells it) with the bytes from there\n',
};
const SWEEP_INTERVAL_MS = 3600_000;
const FIRST_SWEEP_MS = 60_000;

interface PublishBody {
  notes?: unknown;
  force?: unknown;
  filename?: unknown;
  /** {ci, branch?, commit?, buildUrl?}: where the build came from (services/release-source.ts). */
  source?: unknown;
}

export async function resumableUploadRoutes(app: FastifyInstance, deps: ServerDeps): Promise<void> {
  const { services, config } = deps;
  const uploads = new ResumableUploads(services.blobs, services.publish, services.repos.uploadLocks, {
    tmpDir: config.tmpDir,
    uploadTtlSeconds: config.uploadTtlSeconds,
    uploadQuotaCount: config.uploadQuotaCount,
    uploadQuotaBytes: config.uploadQuotaBytes,
  });
  const tus = new TusServer({
    path: UPLOADS_PATH,
    datastore: uploads.store,
    maxSize: uploads.maxUploadBytes,
    // Every request on an upload holds its lease in the shared database: one at a time across all
    // instances. A HEAD takes it too, as with tus's own lock: a client that asks where to resume has
    // given up on its previous PATCH, which is then ended (keeping its bytes) and counted.
    locker: uploads.leases,
    // The store's catalogue errors keep their status and message; tus's terse
    // offset conflict says what happened and what to do.
    onResponseError: (_req, err) => {
      // A storage or database that cannot be reached is 503 (507 for a full disk), never "a bug".
      const infra = infrastructureError(err);
      if (infra) return { status_code: infra.status, body: `${infra.toLine()}\n` };
      if (err instanceof OtashipError) return { status_code: err.status, body: `${err.toLine()}\n` };
      if (err === TUS_ERRORS.INVALID_OFFSET) return OFFSET_CONFLICT;
      if (err === TUS_ERRORS.FILE_NOT_FOUND) return UPLOAD_GONE;
      if (err === TUS_ERRORS.MISSING_OFFSET) return OFFSET_MISSING;
      return undefined;
    },
    // The id reserved by the route (quota booking) before the tus server creates the upload.
    namingFunction: (req) => req.headers.get(ID_HEADER) ?? randomBytes(16).toString('hex'),
    // A relative Location (`uploads/<id>`, resolved against the creation URL …/api/v1/uploads): the
    // client keeps talking to the address it used — an internal address in CI, a path-prefixing
    // proxy, one instance behind a load balancer — instead of being sent to a public host it may
    // not reach. tus clients resolve Location against the endpoint (RFC 3986).
    generateUrl: (_req, { id }) => `uploads/${id}`,
    onUploadCreate: async (req, upload) => {
      const owner = req.headers.get(OWNER_HEADER);
      if (!owner) throw { status_code: 401, body: 'this request needs an API token\n' };
      return { metadata: { ...(upload.metadata ?? {}), [OWNER_METADATA]: owner } };
    },
  });
  // PATCH bodies reach the store as Node streams, without tus's web-stream round trip (tus-node-body.ts).
  useNodeBodiesForPatch(tus);

  // Abandoned uploads: swept on every instance (idempotent), first soon after start, then hourly.
  const sweep = () => {
    uploads.sweep().catch((err: unknown) => app.log.warn({ err }, 'sweeping expired uploads failed'));
  };
  const first = setTimeout(sweep, FIRST_SWEEP_MS).unref();
  const every = setInterval(sweep, SWEEP_INTERVAL_MS).unref();
  app.addHook('onClose', async () => {
    clearTimeout(first);
    clearInterval(every);
  });

  // The tus routes: bodies pass through untouched as streams (never parsed or buffered here).
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_request, payload, done) => done(null, payload));
    const handler = (request: FastifyRequest<{ Params: { id?: string } }>, reply: FastifyReply) =>
      handleTus(request, reply, tus, uploads, deps);
    // One route per method, so each is documented with its own answers.
    const url = `${UPLOADS_PATH}/:id`;
    scope.route({ method: 'POST', url: UPLOADS_PATH, schema: S.createUpload, config: { audit: { exempt: 'starts an upload; its publish is recorded' } }, handler });
    scope.route({ method: 'OPTIONS', url: UPLOADS_PATH, schema: S.uploadOptions, handler });
    scope.route({ method: 'HEAD', url, schema: S.uploadOffset, handler });
    scope.route({ method: 'PATCH', url, schema: S.appendUpload, config: { audit: { exempt: 'a chunk of bytes; the publish is recorded' } }, handler });
    scope.route({ method: 'DELETE', url, schema: S.cancelUpload, config: { audit: { exempt: 'cancels an unpublished upload: nothing anyone else sees changes' } }, handler });
    scope.route({ method: 'OPTIONS', url, schema: S.uploadIdOptions, handler });
  });

  app.post<{ Params: { id: string }; Body: PublishBody | undefined }>(
    `${UPLOADS_PATH}/:id/publish`,
    { schema: S.publishUpload, config: { audit: { action: 'release.publish', target: { type: 'release', id: 'response.release.id' }, note: { via: 'resumable upload' } } } },
    async (request, reply) => {
      const principal = await authenticate(request, services);
      const body = request.body ?? {};
      if (typeof body !== 'object' || Array.isArray(body)) {
        throw new OtashipError('VALIDATION', 'the body must be a JSON object {notes?, force?, filename?}');
      }
      const result = await uploads.publish(principal, request.params.id, {
        notes: optionalString(body.notes, 'notes'),
        force: optionalBoolean(body.force, 'force'),
        filename: optionalString(body.filename, 'filename'),
        source: sourceObject(body.source),
      });
      return reply.code(201).send(publishedJson(result));
    },
  );

  // The browser client for the admin upload, served from the installed package (no CDN).
  const tusBundle = join(dirname(createRequire(import.meta.url).resolve('tus-js-client/package.json')), 'dist', 'tus.min.js');
  app.get('/assets/vendor/tus.min.js', { schema: S.tusClient }, async (_request, reply) => {
    reply.header('Content-Type', 'text/javascript; charset=utf-8');
    reply.header('Cache-Control', 'public, max-age=3600');
    return reply.send(createReadStream(tusBundle));
  });
}

async function handleTus(
  request: FastifyRequest<{ Params: { id?: string } }>,
  reply: FastifyReply,
  tus: TusServer,
  uploads: ResumableUploads,
  { services }: ServerDeps,
): Promise<void> {
  setInternalHeader(request, OWNER_HEADER, null);
  setInternalHeader(request, ID_HEADER, null);
  let reserved: string | null = null;
  // CORS preflight and capability discovery carry no credentials.
  if (request.method !== 'OPTIONS') {
    try {
      const principal = await authenticate(request, services);
      const id = request.params.id;
      if (id === undefined) {
        authorize(principal, 'upload:create');
        if (request.method === 'POST') {
          // Too large is refused before anything is booked: the tus server would answer 413 too,
          // but its answer reaches the client before the booking could be given back.
          const declared = declaredLength(request);
          if (declared !== null && declared > uploads.maxUploadBytes) {
            throw new OtashipError(
              'PAYLOAD_TOO_LARGE',
              `the upload declares ${declared} bytes; this server accepts packages of at most ${uploads.maxUploadBytes} bytes`,
            );
          }
          reserved = randomBytes(16).toString('hex');
          await uploads.reserve(principal, reserved, declaredLength(request));
          setInternalHeader(request, ID_HEADER, reserved);
        }
        setInternalHeader(request, OWNER_HEADER, principal.tokenId);
      } else {
        if (!UPLOAD_ID.test(id)) throw new OtashipError('NOT_FOUND', 'no such upload');
        await uploads.authorizeUse(principal, id);
      }
    } catch (err) {
      // Do not read (and discard) a body the caller may not send: close after answering.
      if (request.method === 'PATCH' || request.method === 'POST') closeAfterRefusal(request, reply);
      throw err;
    }
  }
  reply.hijack();
  try {
    await tus.handle(request.raw, reply.raw);
  } finally {
    // A creation the tus server refused (too large, bad headers) gives its booking back.
    if (reserved !== null && reply.raw.statusCode !== 201) await uploads.unreserve(reserved).catch(() => undefined);
  }
}

/** Upload-Length of a creation; null when deferred or unreadable (the tus server answers those). */
function declaredLength(request: FastifyRequest): number | null {
  const raw = request.headers['upload-length'];
  const n = typeof raw === 'string' && /^\d{1,16}$/.test(raw) ? Number(raw) : NaN;
  return Number.isSafeInteger(n) ? n : null;
}

/** Sets (or with null, removes) an internal header in both views of the request's headers. */
function setInternalHeader(request: FastifyRequest, name: string, value: string | null): void {
  const raw = request.raw;
  delete raw.headers[name];
  // The tus server reads rawHeaders (through srvx), so the header is stripped and set there too.
  const pairs: string[] = [];
  for (let i = 0; i + 1 < raw.rawHeaders.length; i += 2) {
    if (raw.rawHeaders[i]!.toLowerCase() !== name) pairs.push(raw.rawHeaders[i]!, raw.rawHeaders[i + 1]!);
  }
  if (value !== null) {
    raw.headers[name] = value;
    pairs.push(name, value);
  }
  raw.rawHeaders.splice(0, raw.rawHeaders.length, ...pairs);
}

/** The same answer as POST /api/v1/releases (routes/api/upload.ts). */
function publishedJson({ app, release, links, warnings, overridden }: PublishResult) {
  return {
    release: { ...releaseJson(release, app), links },
    app: appJson(app),
    installPageUrl: links.installPageUrl,
    installLink: links.installLink,
    manifestUrl: links.manifestUrl,
    downloadUrl: links.downloadUrl,
    warnings,
    overridden,
  };
}

function optionalString(v: unknown, name: string): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new OtashipError('VALIDATION', `${name} must be a string`);
  return v;
}

function optionalBoolean(v: unknown, name: string): boolean | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw new OtashipError('VALIDATION', `${name} must be true or false`);
  return v;
}

function sourceObject(value: unknown): ReleaseSourceInput | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new OtashipError('VALIDATION', 'source must be a JSON object {ci, branch?, commit?, buildUrl?}');
  }
  return value as ReleaseSourceInput;
}
