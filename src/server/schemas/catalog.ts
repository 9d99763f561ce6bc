// Schemas of the catalogue routes (routes/api/catalog.ts): apps and releases.
import { API_AUTH, TAG, arrayOf, bool, empty, errors, idParams, json, jsonBody, nullableStr, obj, query, str } from './common.js';
import { AppWithLatest, App, Release } from './release.js';

const appId = idParams('appId');
const releaseId = idParams('id');

export const listApps = {
  summary: 'List the apps this token may see, each with its newest release',
  tags: [TAG.apps],
  security: API_AUTH,
  response: { 200: json(obj({ items: arrayOf(AppWithLatest) }), 'The apps'), ...errors(401, 403, 429) },
};

export const getApp = {
  summary: 'Read an app, with its newest release (including `links`)',
  tags: [TAG.apps],
  security: API_AUTH,
  params: appId,
  response: { 200: json(AppWithLatest, 'The app'), ...errors(400, 401, 403, 404, 429) },
};

export const updateApp = {
  summary: 'Rename an app or change its visibility',
  tags: [TAG.apps],
  security: API_AUTH,
  params: appId,
  body: jsonBody({ name: str('Display name'), isPublic: bool('Open without link tokens') }),
  response: { 200: json(App, 'The app as changed'), ...errors(400, 401, 403, 404, 413, 429) },
};

export const deleteApp = {
  summary: 'Delete an app and all its releases',
  tags: [TAG.apps],
  security: API_AUTH,
  params: appId,
  response: { 204: empty('Deleted'), ...errors(400, 401, 403, 404, 429) },
};

export const listReleases = {
  summary: "List an app's releases, newest first, a page at a time (with install counts)",
  tags: [TAG.releases],
  security: API_AUTH,
  params: appId,
  querystring: query({ cursor: 'From `nextCursor` of the previous page', limit: 'Page size, 1 to 200' }),
  response: {
    200: json(obj({ items: arrayOf(Release), nextCursor: nullableStr('Pass as `cursor` for the next page; null on the last') }), 'A page of releases'),
    ...errors(400, 401, 403, 404, 429),
  },
};

export const getRelease = {
  summary: 'Read a release, with install counts and fresh share links',
  tags: [TAG.releases],
  security: API_AUTH,
  params: releaseId,
  response: { 200: json(Release, 'The release'), ...errors(400, 401, 403, 404, 429) },
};

export const updateRelease = {
  summary: "Edit a release's notes or visibility",
  tags: [TAG.releases],
  security: API_AUTH,
  params: releaseId,
  body: jsonBody({
    notes: str('Release notes (Markdown)'),
    isPublic: { type: ['boolean', 'null'], description: 'The release’s own visibility; null inherits the app’s' },
  }),
  response: { 200: json(Release, 'The release as changed, with links'), ...errors(400, 401, 403, 404, 413, 429) },
};

export const deleteRelease = {
  summary: 'Delete a release and its files',
  tags: [TAG.releases],
  security: API_AUTH,
  params: releaseId,
  response: { 204: empty('Deleted'), ...errors(400, 401, 403, 404, 429) },
};
