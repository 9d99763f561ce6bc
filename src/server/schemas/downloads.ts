// Schemas of the files the server hands out: its own CLI (routes/cli.ts), the local CA
// (routes/ca.ts) and the device registration flow (routes/udid.ts).
import { langQuery } from './pages.js';
import { PUBLIC, TAG, binary, empty, errors, html, idParams, pageErrors, query, redirect, text } from './common.js';

export const cliFile = {
  summary: 'The CLI of this server’s version: otaship.mjs (one ES module) or otaship.tgz (an npm package)',
  tags: [TAG.downloads],
  security: PUBLIC,
  params: idParams('name'),
  response: {
    200: binary('The file', ['text/javascript', 'application/gzip'], {
      ETag: { type: 'string' },
      'X-Otaship-Version': { type: 'string' },
    }),
    304: empty('Not modified (If-None-Match)'),
    ...errors(404),
  },
};

export const caCert = {
  summary: 'The local CA certificate (self-signed TLS only)',
  tags: [TAG.downloads],
  security: PUBLIC,
  response: { 200: text('PEM', 'application/x-x509-ca-cert'), ...errors() },
};

export const caProfile = {
  summary: 'The local CA as an iOS configuration profile (self-signed TLS only)',
  tags: [TAG.downloads],
  security: PUBLIC,
  response: { 200: binary('The profile', ['application/x-apple-aspen-config']), ...errors() },
};

export const udidPage = {
  summary: 'Device registration page for testers (when registration is open)',
  tags: [TAG.devices],
  security: PUBLIC,
  querystring: langQuery,
  response: { 200: html('The page'), ...pageErrors(404) },
};

export const udidProfile = {
  summary: 'The Profile Service profile that makes iOS send its UDID',
  tags: [TAG.devices],
  security: PUBLIC,
  response: { 200: binary('The profile (a fresh signed nonce each time)', ['application/x-apple-aspen-config']), ...errors(404) },
};

export const udidCallback = {
  summary: "The device's signed answer (sent by iOS, not by people)",
  tags: [TAG.devices],
  security: PUBLIC,
  querystring: query({ n: 'The signed nonce from the profile' }),
  rawBody: { description: 'CMS-signed property list', content: { 'application/pkcs7-signature': { schema: { type: 'string', format: 'binary' } } } },
  response: { 301: redirect('Registered: to /udid/done (iOS needs a 301)'), ...pageErrors(400, 404, 413, 422, 429) },
};

export const udidDone = {
  summary: 'Thank-you page with the registered UDID',
  tags: [TAG.devices],
  security: PUBLIC,
  querystring: query({ d: 'The signed device reference from the callback' }),
  response: { 200: html('The page'), ...pageErrors(400, 403, 404) },
};
