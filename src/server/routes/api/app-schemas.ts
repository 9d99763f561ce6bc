// Request and response schemas of the app routes (rename, delete), for fastify and the OpenAPI
// document. Validation is strict (no type coercion, nothing silently dropped): a body the service
// would refuse is refused the same way, with 400 VALIDATION, before the handler runs; the service
// still checks everything itself (it is also called from elsewhere).
import { Ajv } from 'ajv';
import type { FastifySchema, FastifySchemaCompiler } from 'fastify';

const ajv = new Ajv({ coerceTypes: false, removeAdditional: false, useDefaults: false, allErrors: false, strict: true });

/** fastify's default Ajv coerces "123" into 123 and may drop unknown fields: not for these routes. */
export const strictValidator: FastifySchemaCompiler<unknown> = ({ schema }) => ajv.compile(schema as object);

/** The route schema plus the OpenAPI fields @fastify/swagger reads. */
type RouteSchema = FastifySchema & { summary?: string; description?: string; tags?: string[] };

const appParams = {
  type: 'object',
  required: ['appId'],
  properties: { appId: { type: 'string', description: 'The app id (from GET /api/v1/apps)' } },
} as const;

const appJson = {
  type: 'object',
  required: ['id', 'platform', 'bundleId', 'name', 'isPublic', 'createdAt', 'updatedAt'],
  properties: {
    id: { type: 'string' },
    platform: { type: 'string', enum: ['ios', 'android'] },
    bundleId: { type: 'string' },
    name: { type: 'string' },
    isPublic: { type: 'boolean' },
    createdAt: { type: 'string', format: 'date-time' },
    updatedAt: { type: 'string', format: 'date-time' },
  },
} as const;

export const errorJson = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message', 'hint'],
      properties: {
        code: { type: 'string' },
        message: { type: 'string' },
        hint: { type: 'string' },
        details: { type: 'object', additionalProperties: true },
      },
    },
  },
} as const;

export const renameAppSchema: RouteSchema = {
  summary: 'Rename an app or change its visibility',
  description: 'Unknown fields are refused (400 VALIDATION). Admin tokens and unrestricted tokens; an app-limited token only for its own app (others answer 404).',
  tags: ['apps'],
  params: appParams,
  body: {
    type: 'object',
    properties: {
      name: { type: 'string', minLength: 1, maxLength: 200, description: 'Shown on the install pages and in the admin' },
      isPublic: { type: 'boolean', description: 'Public apps’ install pages and downloads need no token' },
    },
  },
  response: { 200: appJson, '4xx': errorJson },
};

export const deleteAppSchema: RouteSchema = {
  summary: 'Delete an app with all its releases and their files',
  description:
    'Also removes the tokens and webhooks limited to this app; webhooks for every app receive release.deleted for each release. Cannot be undone.',
  tags: ['apps'],
  params: appParams,
  response: { 204: { type: 'null', description: 'Deleted' }, '4xx': errorJson },
};
