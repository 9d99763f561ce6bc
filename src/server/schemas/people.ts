// Schemas of the people routes (routes/api/people.ts) and their admin pages (routes/admin-people.ts).
// The bodies list what the admin page script (public/people.js) and the CLI send; the services keep
// the checks with the best messages (checkEmail, checkRole…).
import { APP_ROLES } from '../../ports/people.js';
import {
  API_AUTH,
  TAG,
  arrayOf,
  bool,
  dateTime,
  empty,
  errors,
  idParams,
  json,
  jsonBody,
  nullableDateTime,
  nullableStr,
  obj,
  oneOfValues,
  query,
  str,
  type Schema,
} from './common.js';
import { Token } from './tokens.js';
import { page } from './admin.js';

const personFields = {
  id: str(),
  email: str('Lower-cased e-mail address: who the person is'),
  name: str('Display name; may be empty'),
  admin: bool('An instance admin'),
  disabled: bool('Disabled people cannot sign in and their tokens stop working'),
  createdAt: dateTime(),
  lastSignInAt: nullableDateTime(),
};
export const Person = obj(personFields);

export const Group = obj({
  id: str(),
  name: str(),
  notifyNewBuilds: bool('Members are mailed when a build of an app the group has a role on is published (needs OTASHIP_SMTP_URL)'),
  members: arrayOf(
    obj({
      personId: str(),
      email: str(),
      via: oneOfValues(['admin', 'claim'], '`admin`: added by an admin; `claim`: from the identity provider at sign-in'),
    }),
  ),
});

const role = (description: string): Schema => oneOfValues(APP_ROLES, description);

export const Grant = obj({
  appId: str(),
  role: role('tester: install; developer: + publish and edit notes; manager: + delete, make public, grant roles'),
  subject: obj({ kind: oneOfValues(['person', 'group']), id: str(), label: str('The e-mail address or the group name') }),
});

const Invitation = obj(
  {
    person: Person,
    invitation: obj(
      {
        sent: bool('Mailed to the person'),
        link: nullableStr('The link to hand over when it was not mailed'),
        expiresAt: dateTime(),
        error: str('Why the mail server refused the mail'),
      },
      ['error'],
    ),
  },
  [],
  'The person, and their invitation',
);

const api = (summary: string, more: object) => ({ summary, tags: [TAG.people], security: API_AUTH, ...more });

export const listPeople = api('List people (instance admins)', {
  response: { 200: json(obj({ items: arrayOf(Person) }), 'The people'), ...errors(401, 403, 429) },
});

export const invitePerson = api('Add a person and send them an invitation (its link is in the answer when no mail server is set)', {
  body: jsonBody({ email: str('Their e-mail address'), name: str('Display name'), admin: bool('Make them an instance admin') }, ['email']),
  response: { 201: json(Invitation, 'Added (or already known) and invited'), ...errors(400, 401, 403, 409, 429) },
});

export const updatePerson = api("Change a person's name, admin flag, or disable them", {
  params: idParams('id'),
  body: jsonBody({ name: str('Display name'), admin: bool('An instance admin'), disabled: bool('Disabled: cannot sign in') }),
  response: { 200: json(Person, 'The person'), ...errors(400, 401, 403, 404, 409, 429) },
});

export const removePerson = api('Remove a person (their sessions, tokens and roles end at once)', {
  params: idParams('id'),
  response: { 204: empty('Removed'), ...errors(400, 401, 403, 404, 409, 429) },
});

export const listGroups = api('List groups and their members', {
  response: { 200: json(obj({ items: arrayOf(Group) }), 'The groups'), ...errors(401, 403, 429) },
});

export const createGroup = api('Create a group', {
  body: jsonBody({ name: str('The group name') }, ['name']),
  response: { 201: json(Group, 'Created'), ...errors(400, 401, 403, 409, 429) },
});

export const updateGroup = api('Turn a group\'s "new build" mails on or off', {
  params: idParams('id'),
  body: jsonBody({ notifyNewBuilds: bool('Mail members when a build of an app the group has a role on is published') }),
  response: { 200: json(Group, 'The group'), ...errors(400, 401, 403, 404, 429) },
});

export const removeGroup = api('Delete a group (its members lose the roles it gave them)', {
  params: idParams('id'),
  response: { 204: empty('Deleted'), ...errors(400, 401, 403, 404, 429) },
});

export const addMember = api('Add a person to a group', {
  params: idParams('id', 'personId'),
  response: { 200: json(Group, 'The group'), ...errors(400, 401, 403, 404, 409, 429) },
});

export const removeMember = api('Take a person out of a group', {
  params: idParams('id', 'personId'),
  response: { 204: empty('Removed'), ...errors(400, 401, 403, 404, 409, 429) },
});

export const listGrants = api("List who has which role on an app (its managers and admins)", {
  params: idParams('appId'),
  response: { 200: json(obj({ items: arrayOf(Grant) }), 'The roles'), ...errors(400, 401, 403, 404, 429) },
});

export const setGrant = api("Give a person (by id or e-mail address) or a group a role on the app, replacing their earlier one", {
  params: idParams('appId'),
  body: jsonBody(
    {
      personId: str('The person'),
      groupId: str('The group'),
      email: str('The person by e-mail address (added when not known yet)'),
      role: role('The role'),
    },
    ['role'],
    'Exactly one of personId, groupId and email',
  ),
  response: { 200: json(Grant, 'The role given'), ...errors(400, 401, 403, 404, 409, 429) },
});

export const revokeGrant = api("Take a person's or a group's role on the app away", {
  params: idParams('appId'),
  querystring: query({ personId: 'The person', groupId: 'The group' }),
  response: { 204: empty('Taken away'), ...errors(400, 401, 403, 404, 409, 429) },
});

export const listMyTokens = api('List your own API tokens (people only)', {
  response: { 200: json(obj({ items: arrayOf(Token) }), 'Your tokens'), ...errors(401, 403, 429) },
});

export const createMyToken = api('Create an API token that acts as you; its secret is in this answer only', {
  body: jsonBody(
    {
      name: str('What the token is for'),
      expiresInDays: { type: ['integer', 'null'], description: 'Lifetime in days; null or absent: no expiry' },
    },
    ['name'],
  ),
  response: {
    201: json(
      obj({ ...(Token.properties as Record<string, Schema>), token: str('The secret `ota_<id>_<secret>`: shown once, store it now') }),
      'Created',
    ),
    ...errors(400, 401, 403, 429),
  },
});

export const revokeMyToken = api('Revoke one of your API tokens', {
  params: idParams('id'),
  response: { 204: empty('Revoked'), ...errors(400, 401, 403, 404, 429) },
});

export const me = api('Who you are, and your role on each app you may see', {
  response: {
    200: json(
      obj({
        name: str(),
        email: nullableStr('A person’s e-mail address; null for a token'),
        admin: bool('An instance admin'),
        kind: oneOfValues(['person', 'token'], 'A person (signed in, or their personal token) or a service token'),
        roles: {
          type: ['object', 'null'],
          additionalProperties: role('The role on this app'),
          description: 'App id → role (people); null for tokens',
        },
      }),
      'You',
    ),
    ...errors(401, 429),
  },
});

// --- HTML pages -------------------------------------------------------------------------------------


export const peoplePage = page('People: invite, make admin, disable, remove (instance admins)');
export const groupsPage = page('Groups and their members (instance admins)');
export const accessPage = page("An app's Access: who has which role (its managers and admins)", { params: idParams('appId') });
