// Checks every answer a test server gives against its own OpenAPI document (GET /api/v1/openapi.json):
// the operation (method + path template) must exist, the status must be documented for it, the
// Content-Type must be one the document names for that status, and a JSON body must validate against
// that response's schema (ajv, JSON Schema 2020-12 as OpenAPI 3.1 uses). startTestServer
// (helpers/server.ts) watches every server it starts this way and fails stop() with what it found, so
// every API test checks the document as a side effect.
//
// Answers are captured from Node's HTTP server itself ('request' event, before fastify's listener),
// so everything is seen: fastify replies, hijacked tus replies, error pages. Requests that never
// became one (garbage on the socket) are not.
import type { IncomingMessage, OutgoingHttpHeaders, Server, ServerResponse } from 'node:http';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

type Json = Record<string, unknown>;
interface Operation {
  method: string;
  template: string;
  pattern: RegExp;
  /** Literal characters in the template: the more, the more specific (as fastify's router prefers). */
  specificity: number;
  responses: Record<string, { content?: Record<string, { schema?: Json }> }>;
}

export interface Answer {
  method: string;
  url: string;
  status: number;
  contentType: string | null;
  body: Buffer;
}

/** The most bytes of a JSON answer kept for checking (larger ones are reported as such). */
const MAX_JSON_BYTES = 4 * 1024 * 1024;

// ajv-formats is CommonJS with a default export; under ESM interop the function may sit one level down.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv2020) => void;

export class OpenapiConformance {
  readonly problems: string[] = [];
  readonly #operations: Operation[] = [];
  readonly #ajv: Ajv2020;
  readonly #validators = new Map<string, ValidateFunction>();
  readonly #components: unknown;
  /** How many answers were checked (a test can tell the watcher saw something). */
  checked = 0;

  constructor(document: Json) {
    this.#ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(this.#ajv);
    this.#components = document.components;
    for (const [template, item] of Object.entries((document.paths ?? {}) as Record<string, Record<string, Json>>)) {
      const literal = template.replace(/\{[^}]*\}/g, '');
      const source = template
        .split(/(\{[^}]*\})/)
        .map((part) => (part === '{*}' ? '.*' : /^\{.+\}$/.test(part) ? '[^/]+' : part.replace(/[.*+?^$()|[\]\\]/g, '\\$&')))
        .join('');
      for (const [method, op] of Object.entries(item)) {
        this.#operations.push({
          method: method.toUpperCase(),
          template,
          pattern: new RegExp(`^${source}$`),
          specificity: literal.length,
          responses: (op.responses ?? {}) as Operation['responses'],
        });
      }
    }
  }

  /** Captures every answer of `server` from now on and checks it when it has been sent; returns how to stop. */
  watch(server: Server): () => void {
    const listener = (req: IncomingMessage, res: ServerResponse) => capture(req, res, (answer) => this.check(answer));
    server.prependListener('request', listener);
    return () => void server.removeListener('request', listener);
  }

  check(answer: Answer): void {
    this.checked++;
    const path = answer.url.split('?')[0] ?? '';
    const where = `${answer.method} ${path.slice(0, 120)} → ${answer.status}`;
    const candidates = this.#operations.filter((op) => op.pattern.test(path));
    const op = candidates.filter((c) => c.method === answer.method).sort((a, b) => b.specificity - a.specificity)[0];
    if (!op) {
      // No route: fastify's not-found (or bad-URL) answer, which no operation describes.
      if (answer.status === 404 || answer.status === 400) return;
      this.problems.push(`${where}: no operation in the document answers this`);
      return;
    }
    const response = op.responses[String(answer.status)];
    if (!response) {
      this.problems.push(`${where}: status ${answer.status} is not documented for ${op.method} ${op.template}`);
      return;
    }
    if (answer.body.length === 0) return; // HEAD, 204, 304, redirects
    const type = answer.contentType?.split(';')[0]?.trim().toLowerCase() ?? '';
    const content = response.content ?? {};
    const media = content[type] ?? (type.startsWith('text/') ? undefined : content['application/octet-stream']);
    if (!media) {
      this.problems.push(`${where}: Content-Type ${type || '(none)'} is not documented (${Object.keys(content).join(', ') || 'no body'})`);
      return;
    }
    if (type !== 'application/json' || !media.schema) return;
    if (answer.body.length > MAX_JSON_BYTES) {
      this.problems.push(`${where}: a JSON answer larger than the checker keeps`);
      return;
    }
    let body: unknown;
    try {
      body = JSON.parse(answer.body.toString('utf8'));
    } catch {
      this.problems.push(`${where}: the body is not JSON although its Content-Type says so`);
      return;
    }
    const validate = this.#validator(`${op.method} ${op.template} ${answer.status}`, media.schema);
    if (!validate(body)) {
      const errors = (validate.errors ?? []).slice(0, 5).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}${e.params ? ` ${JSON.stringify(e.params)}` : ''}`);
      this.problems.push(`${where}: the body does not match ${op.method} ${op.template} ${answer.status}: ${errors.join('; ')}`);
    }
  }

  /** Throws with every problem found so far. */
  assertConforms(): void {
    if (this.problems.length === 0) return;
    const list = [...new Set(this.problems)];
    throw new Error(`answers that do not match the OpenAPI document (${list.length}):\n  ${list.join('\n  ')}`);
  }

  #validator(key: string, schema: Json): ValidateFunction {
    let validate = this.#validators.get(key);
    if (!validate) {
      // $refs in the document point at #/components/schemas/…: compiled beside the components.
      validate = this.#ajv.compile({ allOf: [schema], components: this.#components });
      this.#validators.set(key, validate);
    }
    return validate;
  }
}

/** Collects the status, Content-Type and body of one answer, and hands them over once it is sent. */
function capture(req: IncomingMessage, res: ServerResponse, done: (answer: Answer) => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  let headerType: string | null = null;
  const keep = (chunk: unknown, encoding?: unknown) => {
    if (chunk === undefined || chunk === null || typeof chunk === 'function') return;
    const buf = Buffer.isBuffer(chunk)
      ? chunk
      : typeof chunk === 'string'
        ? Buffer.from(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8')
        : Buffer.from(chunk as Uint8Array);
    size += buf.length;
    // Only what may be JSON is kept: packages of gigabytes are counted, not held.
    if (size <= MAX_JSON_BYTES + 1 && isJson(contentType())) chunks.push(buf);
  };
  const contentType = (): string | null => {
    const h = res.getHeader('content-type');
    return headerType ?? (h === undefined ? null : String(h));
  };
  const writeHead = res.writeHead;
  res.writeHead = function (this: ServerResponse, ...args: unknown[]) {
    // Headers handed straight to writeHead (the tus server does) are not visible to getHeader.
    for (const arg of args) {
      if (Array.isArray(arg)) {
        for (let i = 0; i + 1 < arg.length; i += 2) if (String(arg[i]).toLowerCase() === 'content-type') headerType = String(arg[i + 1]);
      } else if (arg && typeof arg === 'object') {
        for (const [k, v] of Object.entries(arg as OutgoingHttpHeaders)) if (k.toLowerCase() === 'content-type') headerType = String(v);
      }
    }
    return (writeHead as (...a: unknown[]) => ServerResponse).apply(this, args);
  } as ServerResponse['writeHead'];
  const write = res.write;
  res.write = function (this: ServerResponse, chunk: unknown, ...rest: unknown[]) {
    keep(chunk, rest[0]);
    return (write as (...a: unknown[]) => boolean).call(this, chunk, ...rest);
  } as ServerResponse['write'];
  const end = res.end;
  res.end = function (this: ServerResponse, chunk?: unknown, ...rest: unknown[]) {
    keep(chunk, rest[0]);
    return (end as (...a: unknown[]) => ServerResponse).call(this, chunk, ...rest);
  } as ServerResponse['end'];
  res.once('finish', () => {
    // A HEAD answer has the headers of a GET and no body, whatever the handler wrote.
    const sent = req.method === 'HEAD' ? 0 : size;
    // A body that was not kept (not JSON) is stood in for by one byte: its Content-Type is still checked.
    const body = sent === 0 ? Buffer.alloc(0) : chunks.length > 0 ? Buffer.concat(chunks) : Buffer.from(' ');
    done({ method: req.method ?? 'GET', url: req.url ?? '/', status: res.statusCode, contentType: contentType(), body });
  });
}

function isJson(type: string | null): boolean {
  return type === null || /^application\/json\b/i.test(type);
}

/** A route as fastify's onRoute hook sees it. */
export interface RegisteredRoute {
  method: string | string[];
  url: string;
}

/**
 * The routes the document does not describe: missing from it, or present only as swagger's
 * placeholder for a route without a schema (no summary, no security, a "Default Response").
 */
export function undocumentedRoutes(routes: readonly RegisteredRoute[], document: Json): string[] {
  const paths = (document.paths ?? {}) as Record<string, Record<string, Json>>;
  const missing: string[] = [];
  for (const route of routes) {
    // fastify's `:name` and `*` are OpenAPI's `{name}` and `{*}`.
    const template = route.url.replace(/:(\w+)/g, '{$1}').replace(/\*/g, '{*}');
    for (const method of [route.method].flat()) {
      const op = paths[template]?.[method.toLowerCase()];
      const responses = Object.values((op?.responses ?? {}) as Record<string, Json>);
      const placeholder = !op?.summary || !Array.isArray(op.security) || responses.some((r) => r.description === 'Default Response');
      if (!op || placeholder) missing.push(`${method} ${route.url}${op ? ' (no schema)' : ''}`);
    }
  }
  return missing;
}
