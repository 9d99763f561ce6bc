// Schemas of the install surface (routes/install.ts): what iOS and browsers fetch to install.
import { PUBLIC, TAG, binary, empty, errors, idParams, query, redirect, text, type Schema } from './common.js';

const token = query({
  t: "The link token of a private release (from its share links), or a signed-in person's own link token (checked against their role at every fetch)",
});
const blobHeaders: Record<string, Schema> = {
  ETag: { type: 'string' },
  'Accept-Ranges': { type: 'string', description: 'bytes' },
  'Content-Length': { type: 'string' },
};

export const manifest = {
  summary: 'The iOS manifest (itms-services) of a release',
  tags: [TAG.install],
  security: PUBLIC,
  params: idParams('releaseId'),
  querystring: token,
  response: { 200: text('The manifest property list', 'text/xml'), ...errors(400, 403, 404, 429) },
};

/** GET and HEAD share the route: a HEAD answer has the headers of the GET one and no body. */
export const packageFile = {
  summary: 'The package (.ipa or .apk); supports Range, If-Range and If-None-Match',
  tags: [TAG.install],
  security: PUBLIC,
  params: {
    type: 'object',
    properties: { releaseId: { type: 'string' }, ext: { type: 'string', description: 'ipa or apk' } },
    required: ['releaseId', 'ext'],
  },
  querystring: token,
  response: {
    200: binary('The package', ['application/octet-stream', 'application/vnd.android.package-archive'], blobHeaders),
    206: binary('The requested range', ['application/octet-stream', 'application/vnd.android.package-archive'], {
      ...blobHeaders,
      'Content-Range': { type: 'string' },
    }),
    302: redirect('With a CDN or presigned storage URLs: the package is fetched from there'),
    304: empty('Not modified (If-None-Match)'),
    416: text('Range not satisfiable'),
    ...errors(400, 403, 404, 409, 429),
  },
};

export const icon = {
  summary: 'The app icon of a release (icon.png, icon-57.png, icon-512.png)',
  tags: [TAG.install],
  security: PUBLIC,
  params: {
    type: 'object',
    properties: { releaseId: { type: 'string' }, icon: { type: 'string', description: 'icon.png, icon-57.png or icon-512.png' } },
    required: ['releaseId', 'icon'],
  },
  querystring: token,
  response: {
    200: binary('The icon', ['image/png'], blobHeaders),
    206: binary('The requested range', ['image/png'], { ...blobHeaders, 'Content-Range': { type: 'string' } }),
    302: redirect('With a CDN or presigned storage URLs: the icon is fetched from there'),
    304: empty('Not modified (If-None-Match)'),
    416: text('Range not satisfiable'),
    ...errors(400, 403, 404, 429),
  },
};
