// Schemas of the share links: the API (routes/api/share-links.ts), the link's page (routes/share.ts)
// and the admin page (routes/admin-share-links.ts).
import {
  API_AUTH,
  PUBLIC,
  SESSION_AUTH,
  TAG,
  arrayOf,
  bool,
  dateTime,
  errors,
  html,
  idParams,
  int,
  json,
  jsonBody,
  nullableDateTime,
  nullableStr,
  obj,
  oneOfValues,
  pageErrors,
  query,
  redirect,
  str,
  uri,
} from './common.js';
import { page, toLogin } from './admin.js';

export const ShareLink = obj({
  id: str(),
  appId: str(),
  releaseId: nullableStr('The release it opens; null: the app’s latest build at each visit'),
  name: str('What it is for, e.g. “QA team” or “beta at the conference”'),
  createdAt: dateTime(),
  createdBy: str('Who made it (e-mail address or token name)'),
  expiresAt: nullableDateTime('When it stops working; null: never (until revoked)'),
  installLimit: { type: ['integer', 'null'], description: 'Installs allowed (package downloads, a retried or resumed download counted once); null: no limit' },
  hasPasscode: bool('The page asks for a passcode'),
  views: int('Page views'),
  installs: int('Installs counted (package downloads)'),
  revokedAt: nullableDateTime(),
  state: oneOfValues(['active', 'revoked', 'expired', 'used-up'], 'Whether it works now, and why not'),
});

const api = (summary: string, more: object) => ({ summary, tags: [TAG.apps], security: API_AUTH, ...more });

export const listShareLinks = api("List an app's share links with their counts (its managers)", {
  params: idParams('appId'),
  response: { 200: json(obj({ items: arrayOf(ShareLink) }), 'The links, newest first'), ...errors(400, 401, 403, 404, 429) },
});

export const createShareLink = api('Make a share link to one release or to the app’s latest build; its URL is in this answer only', {
  params: idParams('appId'),
  body: jsonBody(
    {
      name: str('What it is for'),
      releaseId: nullableStr('The release to open; absent or null: the app’s latest build at each visit'),
      expiresInDays: { type: ['integer', 'null'], description: 'Lifetime in days (1-3650); absent or null: no expiry' },
      installLimit: { type: ['integer', 'null'], description: 'Installs allowed (1-1000000); absent or null: no limit' },
      passcode: nullableStr('A passcode the page asks for (4-128 characters); stored hashed, never shown again'),
    },
    ['name'],
  ),
  response: {
    201: json(obj({ link: ShareLink, url: uri('The link to hand out (the passcode is not in it)') }), 'Made'),
    ...errors(400, 401, 403, 404, 429),
  },
});

export const revokeShareLink = api('Revoke one share link: its page, manifest and package stop working at once', {
  params: idParams('appId', 'linkId'),
  response: { 200: json(ShareLink, 'The revoked link (counts kept)'), ...errors(400, 401, 403, 404, 429) },
});

const tokenQuery = query({ t: 'The share link’s token (part of the link as handed out)' });

export const sharePage = {
  summary: 'A share link’s page: the install page of its build, or its passcode form',
  tags: [TAG.pages],
  security: PUBLIC,
  params: idParams('linkId'),
  querystring: tokenQuery,
  response: { 200: html('The page (or the passcode form)'), ...pageErrors(400, 403, 404, 429) },
};

export const sharePasscode = {
  summary: 'Send a share link’s passcode: answers its install page, or the form again',
  tags: [TAG.pages],
  security: PUBLIC,
  params: idParams('linkId'),
  body: {
    content: {
      'application/x-www-form-urlencoded': {
        schema: {
          type: 'object',
          properties: { t: { type: 'string', description: 'The link’s token' }, passcode: { type: 'string', description: 'The passcode' } },
        },
      },
    },
  },
  response: { 200: html('The install page'), ...pageErrors(400, 403, 404, 413, 429) },
};

export const adminShareLinksPage = page("An app's share links: make, list and revoke (its managers)", { params: idParams('appId') });

export const adminCreateShareLink = {
  summary: 'Make a share link from the admin form; the page shows its URL once, with a QR code',
  tags: [TAG.admin],
  security: SESSION_AUTH,
  params: idParams('appId'),
  body: {
    content: {
      'application/x-www-form-urlencoded': {
        schema: {
          type: 'object',
          properties: {
            name: { type: 'string' },
            releaseId: { type: 'string', description: 'Empty: the latest build' },
            expiresInDays: { type: 'string', description: 'Empty: no expiry' },
            installLimit: { type: 'string', description: 'Empty: no limit' },
            passcode: { type: 'string', description: 'Empty: no passcode' },
          },
        },
      },
    },
  },
  response: { 200: html('The page, with the new link'), 303: toLogin, ...pageErrors(400, 403, 404, 413, 429) },
};

export const adminRevokeShareLink = {
  summary: 'Revoke a share link from the admin form',
  tags: [TAG.admin],
  security: SESSION_AUTH,
  params: idParams('appId', 'linkId'),
  response: { 303: redirect('Back to the share links page (or to sign in)'), ...pageErrors(400, 403, 404, 429) },
};
