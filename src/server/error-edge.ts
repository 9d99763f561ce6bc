// The ONE place errors become HTTP responses. An OtashipError keeps its catalogue status and becomes
// `{error: {code, message, hint, details?}}` (or an HTML error page for page routes); framework errors
// (bad JSON, body too large, unknown content type, a URL that does not decode) are mapped to catalogue
// codes; a fault of the database or storage (found however deep in the error's causes, see
// infra-fault.ts) is 503 UNAVAILABLE with Retry-After or 507 INSUFFICIENT_STORAGE, logged at error
// level for the operator; anything else is a bug: logged with its stack, answered as INTERNAL
// without internals.
// Requests too broken to reach fastify (oversized headers, not HTTP at all) are answered from the
// socket by clientErrorHandler, in the same envelope.
import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ERRORS, OtashipError, isOtashipError } from '../core/errors.js';
import { MAX_NOTES } from '../services/publish/publish.js';
import { clientHungUp } from './http/client-abort.js';
import { RETRY_AFTER_SECONDS, infrastructureError } from './infra-fault.js';

export interface ErrorBody {
  error: { code: string; message: string; hint: string; details?: Record<string, unknown> };
}

/**
 * Renders an HTML error page for browser routes (provided by the web layer). Given the request and
 * reply when there is one, so the page can speak the visitor's language and set its headers.
 */
export type ErrorPageRenderer = (
  view: { status: number; code: string; message: string; hint: string },
  exchange?: { request: FastifyRequest; reply: FastifyReply },
) => string;

/** Failures the operator must hear about (the others are the client's mistakes). */
const LOGGED_AS_ERROR = new Set(['INTERNAL', 'STORAGE', 'UNAVAILABLE', 'INSUFFICIENT_STORAGE']);

export function installErrorEdge(app: FastifyInstance, renderPage?: ErrorPageRenderer): void {
  app.setErrorHandler((err: FastifyError | Error, request, reply) => {
    const e = clientHungUp(request.raw, err)
      ? new OtashipError('UPLOAD_INCOMPLETE', 'the connection closed before the request body arrived whole', { cause: err })
      : toOtashipError(err);
    if (LOGGED_AS_ERROR.has(e.code)) request.log.error({ err, code: e.code }, 'request failed');
    else request.log.info({ code: e.code, msg: e.message }, 'request refused');
    return sendError(request, reply, e, renderPage);
  });
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    return sendError(request, reply, new OtashipError('NOT_FOUND', `nothing is served at ${path.slice(0, 200)}`), renderPage);
  });
}

/** fastify's `frameworkErrors` option: errors raised before routing (e.g. FST_ERR_BAD_URL). */
export function frameworkErrorHandler(renderPage?: ErrorPageRenderer) {
  return (err: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply => {
    const e = toOtashipError(err);
    request.log.info({ code: e.code, msg: e.message }, 'request refused');
    return sendError(request, reply, e, renderPage);
  };
}

/**
 * fastify's `clientErrorHandler` option: Node could not parse the request (headers too large, not
 * HTTP), so there is no request object; the answer is written to the socket, which is then closed.
 */
export function clientErrorHandler(renderPage?: ErrorPageRenderer) {
  return function (this: FastifyInstance, err: Error & { code?: string; rawPacket?: unknown }, socket: Socket): void {
    // A reset connection has no one left to answer.
    if (err.code === 'ECONNRESET' || socket.destroyed) return;
    const e =
      err.code === 'HPE_HEADER_OVERFLOW'
        ? new OtashipError('HEADERS_TOO_LARGE', 'the request headers are larger than this server accepts')
        : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? new OtashipError('REQUEST_TIMEOUT', 'the request headers did not arrive in time')
          : new OtashipError('VALIDATION', 'the request is not valid HTTP/1.1');
    this.log.trace({ err }, 'client error');
    if (socket.writable) {
      const status = ERRORS[e.code].status;
      // The request line, when it arrived, tells a page from an API call.
      const raw = Buffer.isBuffer(err.rawPacket) ? err.rawPacket.toString('latin1') : '';
      const path = /^[A-Z]+ (\S+) HTTP\//.exec(raw)?.[1] ?? '';
      const html = isPagePath(path);
      const view = { status, code: e.code, message: e.message, hint: e.hint };
      const body = html ? (renderPage ? renderPage(view) : fallbackPage(view)) : JSON.stringify(errorBody(e));
      const type = html ? 'text/html; charset=utf-8' : 'application/json; charset=utf-8';
      socket.write(
        `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\nContent-Type: ${type}\r\n` +
          `Content-Length: ${Buffer.byteLength(body)}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n${body}`,
      );
    }
    socket.destroy(err);
  };
}

/**
 * Node answers an Expect header other than 100-continue with an empty 417 by itself; listening to
 * 'checkExpectation' lets the answer say, in the one envelope, what to send instead.
 */
export function expectationHandler(req: IncomingMessage, res: ServerResponse): void {
  const expect = String(req.headers.expect ?? '').slice(0, 80);
  const body = JSON.stringify(
    errorBody(new OtashipError('VALIDATION', `the Expect header "${expect}" is not supported: send the request without it, or with Expect: 100-continue`)),
  );
  res.writeHead(417, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body), connection: 'close' });
  res.end(body);
}

export function toOtashipError(err: unknown): OtashipError {
  const infra = infrastructureError(err);
  if (infra) return infra;
  if (isOtashipError(err)) return err;
  const fe = err as Partial<FastifyError> & { message?: string };
  const status = typeof fe.statusCode === 'number' ? fe.statusCode : 500;
  switch (fe.code) {
    case 'FST_REQ_FILE_TOO_LARGE':
      return new OtashipError('PAYLOAD_TOO_LARGE', 'the request body is too large', { cause: err });
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      // A parsed (JSON or form) body, not a package: the upload limit is not the one to raise.
      return new OtashipError(
        'BODY_TOO_LARGE',
        `the request body is larger than this request accepts (release notes, its largest field, are limited to ${MAX_NOTES} characters)`,
        { cause: err },
      );
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new OtashipError('VALIDATION', 'this Content-Type is not accepted here: API calls send application/json, web forms application/x-www-form-urlencoded', { cause: err });
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new OtashipError('VALIDATION', 'the request body is not valid JSON', { cause: err });
    case 'FST_INVALID_MULTIPART_CONTENT_TYPE':
      return new OtashipError('VALIDATION', 'the request is not multipart/form-data', { cause: err });
    case 'FST_ERR_VALIDATION':
      return validationError(err as FastifyError);
    case 'FST_PARTS_LIMIT':
    case 'FST_FILES_LIMIT':
    case 'FST_FIELDS_LIMIT':
      return new OtashipError(
        'VALIDATION',
        'the form has too many parts: send one "file" part (the package) and at most the documented fields (notes, force, ci, branch, commit, buildUrl)',
        { cause: err },
      );
    case 'FST_ERR_BAD_URL':
      return new OtashipError('VALIDATION', 'the URL path is not valid: a %-escape in it does not decode to text (check the link)', {
        cause: err,
      });
  }
  if (status >= 400 && status < 500) {
    // A bare status text ("Forbidden": @fastify/static refusing a path with .. or a NUL) says nothing.
    const bare = fe.message === undefined || fe.message === '' || fe.message === STATUS_CODES[status];
    const message = bare ? `the request was refused (${status} ${STATUS_CODES[status] ?? ''}): check its URL path and headers` : fe.message;
    return new OtashipError('VALIDATION', message ?? 'bad request', { cause: err });
  }
  return new OtashipError('INTERNAL', 'the server failed to handle this request', { cause: err });
}

/** One of ajv's errors, as fastify hands them over (with `verbose`, the schema that failed). */
interface SchemaError {
  keyword: string;
  instancePath: string;
  params: Record<string, unknown>;
  message?: string;
  parentSchema?: { properties?: Record<string, unknown> };
}

const WHERE: Record<string, string> = {
  body: 'the request body',
  querystring: 'the query string',
  params: 'the URL path',
  headers: 'the request headers',
};

const TYPE_WORDS: Record<string, string> = {
  string: 'text',
  boolean: 'true or false',
  integer: 'a whole number',
  number: 'a number',
  object: 'a JSON object',
  array: 'a list',
  null: 'null',
};

/**
 * A request that fails its route's schema (src/server/schemas): a 400 VALIDATION naming the field
 * and what it must be, in words, as the handlers' own checks do. Only the first problem is named
 * (fastify stops at it: reporting all of them would let one request cost unbounded work).
 */
function validationError(err: FastifyError): OtashipError {
  const context = (err as { validationContext?: string }).validationContext ?? 'body';
  const first = ((err as { validation?: SchemaError[] }).validation ?? [])[0];
  const where = WHERE[context] ?? `the request ${context}`;
  if (!first) return new OtashipError('VALIDATION', `${where} is not valid`, { cause: err });
  const field = first.instancePath.split('/').slice(1).join('.');
  const subject = field ? `${field} in ${where}` : where;
  let message: string;
  switch (first.keyword) {
    case 'additionalProperties': {
      const name = String(first.params.additionalProperty ?? '').slice(0, 40);
      const allowed = Object.keys(first.parentSchema?.properties ?? {});
      message = `unknown field ${JSON.stringify(name)} in ${field ? `${field} in ` : ''}${where} (allowed: ${allowed.join(', ')})`;
      break;
    }
    case 'required':
      message = `${field ? `${field}.` : ''}${String(first.params.missingProperty)} is required in ${where}`;
      break;
    case 'type': {
      const types = String(first.params.type).split(',').map((t) => TYPE_WORDS[t] ?? t);
      message = `${subject} must be ${types.join(' or ')}`;
      if (!field && context === 'body' && types.includes(TYPE_WORDS.object!)) message += ' (Content-Type: application/json)';
      break;
    }
    case 'enum':
      message = `${subject} must be one of: ${((first.params.allowedValues as unknown[]) ?? []).map(String).join(', ')}`;
      break;
    default:
      message = `${subject} ${first.message ?? 'is not valid'}`;
  }
  return new OtashipError('VALIDATION', message, { cause: err, details: { in: context, ...(field ? { field } : {}) } });
}

function sendError(
  request: FastifyRequest,
  reply: FastifyReply,
  e: OtashipError,
  renderPage?: ErrorPageRenderer,
): FastifyReply {
  const status = ERRORS[e.code].status;
  reply.code(status).header('Cache-Control', 'no-store');
  if (e.code === 'UNAUTHENTICATED') reply.header('WWW-Authenticate', 'Bearer realm="otaship"');
  // A load balancer or client may try again once the database or storage is back.
  if (status === 503) reply.header('Retry-After', String(RETRY_AFTER_SECONDS));
  const retryAfter = e.details?.retryAfterSeconds;
  if (typeof retryAfter === 'number') reply.header('Retry-After', String(Math.ceil(retryAfter)));
  if (wantsHtml(request)) {
    const view = { status, code: e.code, message: e.message, hint: e.hint };
    const html = renderPage ? renderPage(view, { request, reply }) : fallbackPage(view);
    return reply.type('text/html; charset=utf-8').send(html);
  }
  return reply.type('application/json; charset=utf-8').send(errorBody(e));
}

function errorBody(e: OtashipError): ErrorBody {
  const body: ErrorBody = { error: { code: e.code, message: e.message, hint: e.hint } };
  if (e.details) body.error.details = { ...e.details };
  return body;
}

/**
 * Pages (install, latest, admin, CA) answer humans with HTML; the API, manifests, packages and
 * icons answer machines with JSON. Decided by path, never by User-Agent.
 */
function wantsHtml(request: FastifyRequest): boolean {
  const path = request.url.split('?')[0] ?? '';
  if (path.startsWith('/api/')) return false;
  if (isPagePath(path)) return true;
  const accept = request.headers.accept ?? '';
  return /^\/i\//.test(path) ? false : accept.includes('text/html');
}

function isPagePath(url: string): boolean {
  const path = url.split('?')[0] ?? '';
  return /^\/i\/[^/]+\/?$/.test(path) || /^\/apps\/[^/]+\/?$/.test(path) || path === '/ca' || path.startsWith('/admin');
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function fallbackPage(v: { status: number; code: string; message: string; hint: string }): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${v.status} ${escapeHtml(v.code)}</title></head><body><h1>${escapeHtml(v.message)}</h1><p>${escapeHtml(v.hint)}</p><p><small>${escapeHtml(v.code)}</small></p></body></html>`;
}
