// Schemas of the webhook routes (routes/api/webhooks.ts).
import { API_AUTH, TAG, arrayOf, dateTime, empty, errors, idParams, int, json, jsonBody, nullableDateTime, nullableStr, obj, oneOfValues, query, str, uri } from './common.js';

const EVENTS = ['release.published', 'release.updated', 'release.deleted'];

const webhookFields = {
  id: str(),
  url: uri('Where deliveries are POSTed'),
  events: arrayOf(oneOfValues([...EVENTS, 'ping'])),
  appId: nullableStr('Only this app’s releases; null: every app'),
  description: str(),
  createdAt: dateTime(),
};

export const Webhook = obj(webhookFields);

export const Delivery = obj({
  id: str(),
  event: oneOfValues([...EVENTS, 'ping']),
  state: oneOfValues(['pending', 'delivered', 'failed']),
  attemptCount: int(),
  createdAt: dateTime(),
  nextAttemptAt: nullableDateTime('When the next attempt is due; null once delivered or given up'),
  attempts: arrayOf(
    obj({
      attemptedAt: dateTime(),
      statusCode: { type: ['integer', 'null'], description: "The receiver's HTTP status; null when none came" },
      error: nullableStr(),
      durationMs: int(),
    }),
  ),
});

const hookId = idParams('id');

export const listWebhooks = {
  summary: 'List webhooks',
  tags: [TAG.webhooks],
  security: API_AUTH,
  response: { 200: json(obj({ items: arrayOf(Webhook) }), 'The webhooks'), ...errors(401, 403, 429) },
};

export const createWebhook = {
  summary: 'Create a webhook; its signing secret is in this answer only',
  tags: [TAG.webhooks],
  security: API_AUTH,
  // Other fields have always been ignored here (unlike the PATCH routes): kept so, for clients that send them.
  body: {
    ...jsonBody(
      {
        url: str('https:// (or http://) URL of the receiver; private addresses are refused'),
        events: { type: ['array', 'null'], items: oneOfValues(EVENTS), description: 'Events to send (absent or null: all)' },
        appId: { type: ['string', 'null'], description: 'Only this app’s releases (absent or null: every app)' },
        description: { type: ['string', 'null'], description: 'At most 200 characters' },
      },
      ['url'],
    ),
    additionalProperties: true,
  },
  response: {
    201: json(obj({ ...webhookFields, secret: str('HMAC-SHA256 key of the X-Otaship-Signature header: shown once') }), 'Created'),
    ...errors(400, 401, 403, 404, 429),
  },
};

export const getWebhook = {
  summary: 'Read a webhook',
  tags: [TAG.webhooks],
  security: API_AUTH,
  params: hookId,
  response: { 200: json(Webhook, 'The webhook'), ...errors(400, 401, 403, 404, 429) },
};

export const deleteWebhook = {
  summary: 'Delete a webhook (its pending deliveries are dropped)',
  tags: [TAG.webhooks],
  security: API_AUTH,
  params: hookId,
  response: { 204: empty('Deleted'), ...errors(400, 401, 403, 404, 429) },
};

export const pingWebhook = {
  summary: 'Send a `ping` delivery now and answer with its outcome',
  tags: [TAG.webhooks],
  security: API_AUTH,
  params: hookId,
  response: { 200: json(Delivery, 'The ping delivery, with its attempt'), ...errors(400, 401, 403, 404, 429) },
};

export const redeliver = {
  summary: 'Send a finished delivery again',
  tags: [TAG.webhooks],
  security: API_AUTH,
  params: idParams('id', 'deliveryId'),
  response: { 200: json(Delivery, 'The delivery, with the new attempt'), ...errors(400, 401, 403, 404, 409, 429) },
};

export const listDeliveries = {
  summary: "The webhook's recent deliveries, newest first, each with every attempt",
  tags: [TAG.webhooks],
  security: API_AUTH,
  params: hookId,
  querystring: query({ limit: 'How many, 1 to 200 (default 50)' }),
  response: { 200: json(obj({ items: arrayOf(Delivery) }), 'The deliveries'), ...errors(400, 401, 403, 404, 429) },
};
