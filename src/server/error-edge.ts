// The ONE place errors become HTTP responses. An OtashipError keeps its catalogue status and becomes
// `{error: {code, message, hint, details?}}` (or an HTML error page for page routes); framework errors
// (bad JSON, body too large, unknown content type) are mapped to catalogue codes; anything else is a
// bug: logged with its stack, answered as INTERNAL without internals.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ERRORS, OtashipError, isOtashipError } from '../core/errors.js';

export interface ErrorBody {
  error: { code: string; message: string; hint: string; details?: Record<string, unknown> };
}

/** Renders an HTML error page for browser routes (provided by the web layer). */
export type ErrorPageRenderer = (view: { status: number; code: string; message: string; hint: string }) => string;

export function installErrorEdge(app: FastifyInstance, renderPage?: ErrorPageRenderer): void {
  app.setErrorHandler((err: FastifyError | Error, request, reply) => {
    const e = toOtashipError(err);
    if (e.code === 'INTERNAL' || e.code === 'STORAGE') request.log.error({ err }, 'request failed');
    else request.log.info({ code: e.code, msg: e.message }, 'request refused');
    return sendError(request, reply, e, renderPage);
  });
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    return sendError(request, reply, new OtashipError('NOT_FOUND', `nothing is served at ${path.slice(0, 200)}`), renderPage);
  });
}

export function toOtashipError(err: unknown): OtashipError {
  if (isOtashipError(err)) return err;
  const fe = err as Partial<FastifyError> & { message?: string };
  const status = typeof fe.statusCode === 'number' ? fe.statusCode : 500;
  switch (fe.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
    case 'FST_REQ_FILE_TOO_LARGE':
      return new OtashipError('PAYLOAD_TOO_LARGE', 'the request body is too large', { cause: err });
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new OtashipError('VALIDATION', 'this Content-Type is not accepted here (send application/json)', { cause: err });
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new OtashipError('VALIDATION', 'the request body is not valid JSON', { cause: err });
    case 'FST_INVALID_MULTIPART_CONTENT_TYPE':
      return new OtashipError('VALIDATION', 'the request is not multipart/form-data', { cause: err });
  }
  if (status >= 400 && status < 500) {
    return new OtashipError('VALIDATION', fe.message ?? 'bad request', { cause: err });
  }
  return new OtashipError('INTERNAL', 'the server failed to handle this request', { cause: err });
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
  if (wantsHtml(request)) {
    const view = { status, code: e.code, message: e.message, hint: e.hint };
    const html = renderPage ? renderPage(view) : fallbackPage(view);
    return reply.type('text/html; charset=utf-8').send(html);
  }
  const body: ErrorBody = { error: { code: e.code, message: e.message, hint: e.hint } };
  if (e.details) body.error.details = { ...e.details };
  return reply.type('application/json; charset=utf-8').send(body);
}

/**
 * Pages (install, latest, admin, CA) answer humans with HTML; the API, manifests, packages and
 * icons answer machines with JSON. Decided by path, never by User-Agent.
 */
function wantsHtml(request: FastifyRequest): boolean {
  const path = request.url.split('?')[0] ?? '';
  if (path.startsWith('/api/')) return false;
  const isPage = /^\/i\/[^/]+\/?$/.test(path) || /^\/apps\/[^/]+\/?$/.test(path) || path === '/ca' || path.startsWith('/admin');
  if (isPage) return true;
  const accept = request.headers.accept ?? '';
  return /^\/i\//.test(path) ? false : accept.includes('text/html');
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function fallbackPage(v: { status: number; code: string; message: string; hint: string }): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${v.status} ${escapeHtml(v.code)}</title></head><body><h1>${escapeHtml(v.message)}</h1><p>${escapeHtml(v.hint)}</p><p><small>${escapeHtml(v.code)}</small></p></body></html>`;
}
