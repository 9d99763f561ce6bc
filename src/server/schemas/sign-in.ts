// Schemas of people's sign-in (routes/sign-in.ts) and My apps (routes/my-apps.ts). The sign-in
// forms post application/x-www-form-urlencoded, as a browser sends them without a script.
import { PUBLIC, SESSION_AUTH, TAG, html, pageErrors, query, redirect } from './common.js';

const form = (properties: Record<string, { type: 'string'; description: string }>) => ({
  content: { 'application/x-www-form-urlencoded': { schema: { type: 'object', properties, additionalProperties: false } } },
});

export const signInPage = {
  summary: 'The sign-in page: an e-mailed link, single sign-on, or both',
  tags: [TAG.signIn],
  security: PUBLIC,
  querystring: query({ next: 'Admin or My apps path to go to after signing in' }),
  response: { 200: html('The page'), ...pageErrors(400, 429) },
};

export const askForLink = {
  summary: 'Mail a sign-in link to this address (the answer is the same whether or not it belongs to someone)',
  tags: [TAG.signIn],
  security: PUBLIC,
  body: form({ email: { type: 'string', description: 'The e-mail address' }, next: { type: 'string', description: 'Where to go after signing in' } }),
  response: {
    200: html('The sign-in page, saying a link is on its way'),
    // 400 (not an address), 403 (an address that signs in with single sign-on), 503 (no mail server):
    // the sign-in page again, saying why.
    ...pageErrors(400, 403, 413, 429),
  },
};

export const linkPage = {
  summary: 'An e-mailed sign-in or invitation link: a page whose button signs in (opening it changes nothing)',
  tags: [TAG.signIn],
  security: PUBLIC,
  querystring: query({ t: 'The secret of the link' }),
  response: { 200: html('The page'), ...pageErrors(400, 429) },
};

export const useLink = {
  summary: 'Use an e-mailed link (once): sets the session cookie',
  tags: [TAG.signIn],
  security: PUBLIC,
  querystring: query({ t: 'The secret of the link' }),
  response: { 303: redirect('Signed in: to the admin (admins) or My apps'), ...pageErrors(400, 401, 403, 413, 429) },
};

export const ssoStart = {
  summary: 'Sign in with the identity provider (OpenID Connect): off to it',
  tags: [TAG.signIn],
  security: PUBLIC,
  querystring: query({ next: 'Admin or My apps path to go to after signing in' }),
  response: { 303: redirect('To the identity provider'), ...pageErrors(400, 429) },
};

export const ssoCallback = {
  summary: 'Back from the identity provider: sets the session cookie',
  tags: [TAG.signIn],
  security: PUBLIC,
  querystring: query({
    code: 'The authorization code',
    state: 'The state sent with the request',
    iss: 'The identity provider (RFC 9207)',
    error: 'Why the identity provider refused',
    error_description: 'More about the refusal',
  }),
  response: { 303: redirect('Signed in: to `next`'), ...pageErrors(400, 401, 403, 429) },
};

export const noticesPage = {
  summary: 'The opt-out link of a "new build" mail: a page whose button stops (or restarts) them',
  tags: [TAG.signIn],
  security: PUBLIC,
  querystring: query({ t: 'The signed link token' }),
  response: { 200: html('The page'), ...pageErrors(400, 403, 404, 429) },
};

export const noticesChange = {
  summary: 'Stop or restart "new build" mails for the person the link was mailed to',
  tags: [TAG.signIn],
  security: PUBLIC,
  querystring: query({ t: 'The signed link token' }),
  body: form({ notices: { type: 'string', description: '`off` stops the mails, `on` sends them again' } }),
  response: { 200: html('The page, saying what is now the case'), ...pageErrors(400, 403, 404, 413, 429) },
};

export const myApps = {
  summary: "My apps: a person's apps and their newest builds",
  tags: [TAG.signIn],
  security: SESSION_AUTH,
  response: { 200: html('The page'), 303: redirect('No session: to the sign-in page'), ...pageErrors(400, 403, 429) },
};

export const myTokens = {
  summary: "A person's own API tokens: list, create (the secret shown once), revoke",
  tags: [TAG.signIn],
  security: SESSION_AUTH,
  response: { 200: html('The page'), 303: redirect('No session: to the sign-in page'), ...pageErrors(400, 403, 429) },
};
