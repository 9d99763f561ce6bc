// Schemas of the API token routes (routes/api/tokens.ts).
import { API_AUTH, TAG, arrayOf, bool, dateTime, empty, errors, idParams, json, jsonBody, nullableDateTime, nullableStr, obj, str } from './common.js';

const tokenFields = {
  id: str(),
  name: str(),
  appId: nullableStr('The one app this token may use; null: every app'),
  admin: bool('May manage tokens, devices and webhooks'),
  createdAt: dateTime(),
  lastUsedAt: nullableDateTime(),
  expiresAt: nullableDateTime(),
  revokedAt: nullableDateTime(),
};

export const Token = obj(tokenFields);

export const listTokens = {
  summary: 'List API tokens (never their secrets)',
  tags: [TAG.tokens],
  security: API_AUTH,
  response: { 200: json(obj({ items: arrayOf(Token) }), 'The tokens'), ...errors(401, 403, 429) },
};

export const createToken = {
  summary: 'Create an API token; its secret is in this answer only',
  tags: [TAG.tokens],
  security: API_AUTH,
  body: jsonBody(
    {
      name: str('What the token is for'),
      appId: { type: ['string', 'null'], description: 'Limit the token to one app' },
      admin: bool('An admin token (cannot be limited to one app)'),
      expiresInDays: { type: ['integer', 'null'], description: 'Lifetime in days; null or absent: no expiry' },
    },
    ['name'],
  ),
  response: {
    201: json(obj({ ...tokenFields, token: str('The secret `ota_<id>_<secret>`: shown once, store it now') }), 'Created'),
    ...errors(400, 401, 403, 404, 429),
  },
};

export const revokeToken = {
  summary: 'Revoke an API token (it stops working at once)',
  tags: [TAG.tokens],
  security: API_AUTH,
  params: idParams('id'),
  response: { 204: empty('Revoked'), ...errors(400, 401, 403, 404, 429) },
};
