// POST /api/v1/releases — the package as a raw streamed body (any non-multipart Content-Type, e.g.
// application/octet-stream) or multipart/form-data with a `file` field (browsers). The body goes
// straight to a staged temp file (never buffered in memory); see services/publish.
import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Readable } from 'node:stream';
import { OtashipError, isOtashipError } from '../../../core/errors.js';
import { appJson, releaseJson, type Principal } from '../../../services/index.js';
import type { PublishResult } from '../../../services/publish/publish.js';
import type { StagedUpload } from '../../../services/publish/stage.js';
import { authenticate } from '../../auth.js';
import { closeAfterRefusal } from '../../http/lingering-close.js';
import type { ServerDeps } from '../../deps.js';
import { flag } from './body.js';
import { parseReleaseSource, type ReleaseSourceInput } from '../../../services/release-source.js';
import * as S from '../../schemas/uploads.js';

interface UploadQuery {
  notes?: string;
  force?: string;
  filename?: string;
  // Where the build came from (services/release-source.ts checks them).
  ci?: string;
  branch?: string;
  commit?: string;
  buildUrl?: string;
}

/** The provenance fields of a query or form, by their API names. */
function sourceFields(from: Record<string, unknown>): ReleaseSourceInput {
  return { ci: from.ci, branch: from.branch, commit: from.commit, buildUrl: from.buildUrl };
}

export async function uploadRoutes(app: FastifyInstance, deps: ServerDeps): Promise<void> {
  const { services } = deps;
  // Content-type parsers are scoped to this plugin: here every non-multipart body is passed
  // through as a stream, so `curl --data-binary @app.ipa` works whatever type curl sends.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_request, payload, done) => done(null, payload));
  await app.register(multipart, {
    limits: {
      fileSize: services.publish.maxUploadBytes + 1,
      files: 1,
      fields: 10,
      fieldSize: 512 * 1024,
      parts: 12,
      headerPairs: 100,
    },
  });

  app.post<{ Querystring: UploadQuery }>('/api/v1/releases', { schema: S.publishRelease, config: { audit: { action: 'release.publish', target: { type: 'release', id: 'response.release.id' } } } }, async (request, reply) => {
    let principal: Principal;
    try {
      principal = await authenticate(request, services);
      // Query options are checked before the body is read: a typo must not cost a whole upload.
      flag(request.query.force, 'force');
      parseReleaseSource(sourceFields(request.query as Record<string, unknown>));
    } catch (err) {
      // Do not read (and discard) gigabytes the caller may not send: close after answering.
      closeAfterRefusal(request, reply);
      throw err;
    }
    const result = request.isMultipart()
      ? await publishMultipart(request, reply, deps, principal)
      : await publishRaw(request, reply, deps, principal);
    const { app: appRecord, release, links, warnings, overridden } = result;
    return reply.code(201).send({
      release: { ...releaseJson(release, appRecord), links },
      app: appJson(appRecord),
      installPageUrl: links.installPageUrl,
      installLink: links.installLink,
      manifestUrl: links.manifestUrl,
      downloadUrl: links.downloadUrl,
      warnings,
      overridden,
    });
  });
}

async function publishRaw(
  request: FastifyRequest<{ Querystring: UploadQuery }>,
  reply: FastifyReply,
  { services }: ServerDeps,
  principal: Principal,
): Promise<PublishResult> {
  const q = request.query;
  const lengthHeader = request.headers['content-length'];
  const expectedSize = lengthHeader !== undefined && /^\d+$/.test(lengthHeader) ? Number(lengthHeader) : undefined;
  if (!(request.body instanceof Readable)) {
    throw new OtashipError('VALIDATION', 'the request has no body: send the package bytes (or a multipart form with a `file` field)');
  }
  let staged: StagedUpload;
  try {
    staged = await services.publish.stage(request.body, {
      expectedSize,
      filename: q.filename,
      contentType: request.headers['content-type'],
    });
  } catch (err) {
    closeAfterRefusal(request, reply);
    throw err;
  }
  try {
    return await services.publish.publish(principal, staged, {
      notes: q.notes,
      force: flag(q.force, 'force'),
      filename: q.filename,
      source: sourceFields(q as Record<string, unknown>),
    });
  } finally {
    await staged.dispose();
  }
}

async function publishMultipart(
  request: FastifyRequest,
  reply: FastifyReply,
  { services }: ServerDeps,
  principal: Principal,
): Promise<PublishResult> {
  const query = request.query as UploadQuery;
  const fields: Record<string, string> = {};
  let staged: StagedUpload | undefined;
  let filename: string | undefined;
  try {
    try {
      for await (const part of request.parts()) {
        if (part.type === 'file') {
          if (part.fieldname !== 'file' || staged) {
            part.file.resume();
            continue;
          }
          filename = part.filename;
          staged = await services.publish.stage(part.file, { filename: part.filename, contentType: part.mimetype });
          if (part.file.truncated) throw new OtashipError('PAYLOAD_TOO_LARGE', 'the uploaded file is larger than the limit');
        } else if (typeof part.value === 'string') {
          fields[part.fieldname] = part.value;
        }
      }
    } catch (err) {
      closeAfterRefusal(request, reply);
      throw malformedForm(err);
    }
    if (!staged) throw new OtashipError('VALIDATION', 'the form has no `file` field holding the package');
    return await services.publish.publish(principal, staged, {
      notes: fields.notes ?? query.notes,
      force: flag(fields.force ?? query.force, 'force'),
      filename: filename ?? query.filename,
      source: fields.ci !== undefined ? sourceFields(fields) : sourceFields(query as Record<string, unknown>),
    });
  } finally {
    await staged?.dispose();
  }
}

/**
 * The form parser's own errors (no boundary, bad part headers, a body that is not multipart at all)
 * are the client's mistake: VALIDATION, not INTERNAL. Our errors and fastify's coded ones (limits)
 * keep their meaning.
 */
function malformedForm(err: unknown): unknown {
  if (isOtashipError(err) || typeof (err as { code?: unknown } | null)?.code === 'string') return err;
  const reason = err instanceof Error ? err.message : String(err);
  return new OtashipError(
    'VALIDATION',
    `the multipart/form-data body is malformed (${reason.slice(0, 200)}): send the package in a field named "file" ` +
      '(curl -F file=@app.ipa …), or send the package itself as the request body (curl --data-binary @app.ipa …)',
    { cause: err },
  );
}

