// Schemas of the public HTML pages (routes/pages.ts, routes/entry.ts) and their static assets.
import { LOCALES } from '../../web/i18n/locales.js';
import { PUBLIC, TAG, binary, empty, errors, html, idParams, pageErrors, query, redirect } from './common.js';

const LANG = `The page's language, one of ${LOCALES.join(', ')}; remembered in a cookie (otherwise Accept-Language decides)`;
const token = query({
  t: 'The link token of a private release or app (from its share links); a signed-in person who may install the app needs none (their session opens it)',
  lang: LANG,
});
/** The language override of the tester-facing pages without a token. */
export const langQuery = query({ lang: LANG });

export const installPage = {
  summary: 'The install page of a release',
  tags: [TAG.pages],
  security: PUBLIC,
  params: idParams('releaseId'),
  querystring: token,
  response: { 200: html('The page'), ...pageErrors(400, 403, 404, 429) },
};

export const latestPage = {
  summary: "An app's page: always its newest release",
  tags: [TAG.pages],
  security: PUBLIC,
  params: idParams('appId'),
  querystring: token,
  response: { 200: html('The page'), ...pageErrors(400, 403, 404, 429) },
};

export const caPage = {
  summary: 'How to trust the local CA (self-signed TLS only)',
  tags: [TAG.pages],
  security: PUBLIC,
  querystring: langQuery,
  response: { 200: html('The page'), ...pageErrors(404) },
};

export const assets = {
  summary: 'Scripts, styles and images of the pages',
  tags: [TAG.pages],
  security: PUBLIC,
  params: { type: 'object', properties: { '*': { type: 'string', description: 'The file, e.g. install.css' } } },
  response: {
    200: binary('The file', ['application/javascript', 'text/javascript', 'text/css', 'image/svg+xml', 'image/png', 'image/vnd.microsoft.icon']),
    304: empty('Not modified'),
    ...pageErrors(400, 403, 404, 416),
  },
};

export const root = {
  summary: 'The site root: redirects to the admin',
  tags: [TAG.admin],
  security: PUBLIC,
  response: { 302: redirect('To /admin'), ...errors() },
};

const code = query({ code: 'The one-time code `otaship serve` printed' });

export const firstRunPage = {
  summary: "The first admin's one-time sign-in page (the link `otaship serve` prints on a new server)",
  tags: [TAG.admin],
  security: PUBLIC,
  querystring: code,
  response: { 200: html('A page with a Sign in button (the code is used only by its POST)'), ...pageErrors(400) },
};

export const firstRunSignIn = {
  summary: 'Use the one-time code: sets the session cookie',
  tags: [TAG.admin],
  security: PUBLIC,
  querystring: code,
  response: { 303: redirect('Signed in: to /admin'), ...pageErrors(400, 401, 403, 429) },
};
