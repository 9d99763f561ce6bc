// Schemas of the web admin's HTML routes (routes/admin.ts). Without a session they redirect to the
// sign-in page; what they show is read through the JSON API, documented there.
import { PUBLIC, SESSION_AUTH, TAG, errors, html, idParams, pageErrors, query, redirect } from './common.js';

export const toLogin = redirect('No session: to the sign-in page (`/admin/login?next=…`)');

export const loginPage = {
  summary: 'The sign-in page (an API token signs in)',
  tags: [TAG.admin],
  security: PUBLIC,
  querystring: query({ next: 'Admin path to go to after signing in' }),
  response: { 200: html('The page'), 303: redirect('Already signed in: to `next`'), ...pageErrors(400) },
};

export const login = {
  summary: 'Sign in with an API token: sets the session cookie',
  tags: [TAG.admin],
  security: PUBLIC,
  body: {
    content: {
      'application/x-www-form-urlencoded': {
        schema: {
          type: 'object',
          properties: { token: { type: 'string', description: 'An API token' }, next: { type: 'string', description: 'Admin path to go to' } },
        },
      },
    },
  },
  response: {
    303: redirect('Signed in: to `next`'),
    401: html('The sign-in page again, saying the token was not accepted'),
    ...pageErrors(400, 403, 413, 429),
  },
};

export const logout = {
  summary: 'Sign out (ends the session on the server)',
  tags: [TAG.admin],
  security: PUBLIC,
  response: {
    303: redirect("To the sign-in page, or first to the identity provider's logout after single sign-on"),
    ...pageErrors(403),
    ...errors(),
  },
};

export const logoutPage = {
  summary: 'The sign-out page: a button that signs out (a link alone never does)',
  tags: [TAG.admin],
  security: PUBLIC,
  response: { 200: html('A page with the sign-out button'), ...errors() },
};

/** An admin HTML page: needs a session, else redirects to sign in. */
export const page = (summary: string, more: object = {}) => ({
  summary,
  tags: [TAG.admin],
  security: SESSION_AUTH,
  ...more,
  response: { 200: html('The page'), 303: toLogin, ...pageErrors(400, 403, 404, 429) },
});

export const appsPage = page('The admin: apps and their newest releases', {
  querystring: query({ q: 'Show apps whose name or bundle id contains this text', platform: 'Show only `ios` or `android` apps' }),
});
export const appPage = page("An app's releases", {
  params: idParams('appId'),
  querystring: query({
    cursor: 'The next page of releases',
    q: 'Show releases whose version, build, notes, branch or commit contains this text',
    profile: 'Show only iOS releases with this profile kind: ad-hoc, development, enterprise, app-store or none',
  }),
});
export const webhooksPage = page('Webhooks: their targets, events and recent deliveries (admin tokens only)');
export const tokensPage = page('API tokens (admin tokens only)');
export const devicesPage = page('Registered devices (admin tokens only)');

export const doctorPage = {
  summary: '"Check this release": runs the deployment doctor against this server\'s own public URL and shows its report',
  tags: [TAG.admin],
  security: SESSION_AUTH,
  params: idParams('id'),
  response: { 200: html('The report'), 303: toLogin, ...pageErrors(400, 403, 404, 409, 429) },
};
