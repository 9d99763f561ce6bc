// Schemas of the audit log's routes (routes/api/audit.ts, routes/admin-audit.ts).
import { API_AUTH, TAG, arrayOf, dateTime, errors, json, nullableStr, obj, oneOfValues, query, str } from './common.js';
import { page } from './admin.js';

const FILTERS = {
  actor: "Only this actor: a person's id or e-mail, a token's id or name, or `admin token`",
  action: 'Only this action (`release.delete`), or a family of them (`release`)',
  appId: "Only this app's entries",
  from: 'From this time on (ISO 8601, e.g. 2026-01-31 or 2026-01-31T12:00:00Z)',
  to: 'Before this time (ISO 8601)',
};

export const AuditEntry = obj(
  {
    id: str(),
    at: dateTime('When'),
    actor: obj(
      {
        kind: oneOfValues(['person', 'token', 'admin-token', 'bootstrap', 'anonymous'], 'A person, an API token, the OTASHIP_ADMIN_TOKEN, the first-run link, or nobody signed in'),
        id: nullableStr('Person or token id'),
        label: nullableStr("The person's e-mail or the token's name at the time"),
      },
      [],
      'Who',
    ),
    client: nullableStr("The client's address"),
    action: str('What, e.g. release.publish, sign-in, token.revoke'),
    target: {
      anyOf: [
        obj({ type: str('app, release, token, person, group, webhook, device…'), id: nullableStr(), label: nullableStr('Its name at the time') }),
        { type: 'null' },
      ],
      description: 'What it was done to',
    },
    appId: nullableStr('The app concerned, when there is one'),
    outcome: oneOfValues(['success', 'denied', 'refused'], 'success; denied (403: not allowed); refused (a sign-in that failed)'),
    details: { type: 'object', description: 'A few facts about the action (never secrets)' },
  },
  [],
);

export const listAudit = {
  summary: "The audit log, newest first, a page at a time (instance admins; an app's managers read their apps' entries)",
  tags: [TAG.audit],
  security: API_AUTH,
  querystring: query({ ...FILTERS, cursor: 'From `nextCursor` of the previous page', limit: 'Page size, 1 to 200 (50)' }),
  response: {
    200: json(obj({ items: arrayOf(AuditEntry), nextCursor: nullableStr('Pass as `cursor` for the next page; null on the last') }), 'A page of entries'),
    ...errors(400, 401, 403, 404, 429),
  },
};

export const auditPage = page("The audit log: who did what, when (instance admins; an app's managers for their apps)", { querystring: query({ ...FILTERS, cursor: 'Next page' }) });
