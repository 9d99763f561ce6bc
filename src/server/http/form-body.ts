// HTML forms post application/x-www-form-urlencoded, which fastify does not parse by itself. Pages
// with a form accept it in their own plugin's scope, with a body limit sized to their fields.
import type { FastifyInstance } from 'fastify';

/**
 * Parses form bodies of up to `bodyLimit` bytes into their fields (the last of a repeated name wins);
 * with `ignore`, accepts the Content-Type but not its fields (a button's POST that carries nothing).
 */
export function acceptForms(app: FastifyInstance, bodyLimit: number, mode: 'fields' | 'ignore' = 'fields'): void {
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit }, (_request, body, done) => {
    done(null, mode === 'ignore' ? {} : Object.fromEntries(new URLSearchParams(String(body))));
  });
}
