// The JSON shape of a doctor report (core/doctor/report.ts), for the route's fastify schema and so
// for the OpenAPI document.
const nullableString = { type: ['string', 'null'] } as const;

const finding = {
  type: 'object',
  required: ['code', 'severity', 'step', 'url', 'message', 'phone', 'fix'],
  properties: {
    code: { type: 'string', description: 'Stable code (docs/doctor.md lists them)' },
    severity: { type: 'string', enum: ['error', 'warning', 'info'] },
    step: { type: 'string', enum: ['page', 'link', 'manifest', 'package', 'icon'] },
    url: nullableString,
    message: { type: 'string' },
    phone: { type: 'string', description: 'What the person holding the phone sees' },
    fix: { type: 'string' },
    snippets: {
      type: 'object',
      properties: { nginx: { type: 'string' }, caddy: { type: 'string' }, s3: { type: 'string' } },
    },
  },
} as const;

export const DOCTOR_REPORT_SCHEMA = {
  type: 'object',
  required: ['input', 'installable', 'pageUrl', 'link', 'manifestUrl', 'package', 'tls', 'requests', 'findings'],
  properties: {
    input: { type: 'string' },
    installable: { type: 'boolean', description: 'No finding of severity error' },
    pageUrl: nullableString,
    link: nullableString,
    manifestUrl: nullableString,
    package: {
      type: ['object', 'null'],
      properties: {
        url: { type: 'string' },
        size: { type: ['integer', 'null'] },
        bundleId: nullableString,
        version: nullableString,
        build: nullableString,
        profileType: nullableString,
        bytesRead: { type: 'integer' },
      },
    },
    tls: {
      type: 'array',
      items: {
        type: 'object',
        properties: { origin: { type: 'string' }, protocol: nullableString, cipher: nullableString, daysLeft: { type: ['integer', 'null'] } },
      },
    },
    requests: { type: 'integer' },
    findings: { type: 'array', items: finding },
  },
} as const;
