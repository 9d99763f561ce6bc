// Admin: People (invite, make admin, disable, remove), Groups (create, members, remove) and one
// app's Access (roles of people and groups). The page script public/people.js sends each form to
// the JSON API; the server decides who may (services/authz.ts).
import { html, type SafeHtml } from '../html.js';
import { formatDateTime } from '../format.js';
import { adminLayout } from './admin-layout.js';
import type { AdminUser } from '../view-models.js';

export interface PeoplePageView {
  user: AdminUser;
  people: Array<{ id: string; email: string; name: string; admin: boolean; disabled: boolean; lastSignInAt: Date | null; groups: string[] }>;
  apps: Array<{ id: string; name: string; platform: string }>;
  mailConfigured: boolean;
}

export interface GroupsPageView {
  user: AdminUser;
  groups: Array<{ id: string; name: string; notifyNewBuilds: boolean; members: Array<{ personId: string; email: string; via: 'admin' | 'claim' }> }>;
  people: Array<{ id: string; email: string }>;
  /** Without a mail server the "new build" switch is kept but says that nothing is sent. */
  mailConfigured: boolean;
}

export interface AccessPageView {
  user: AdminUser;
  app: { id: string; name: string; platform: string };
  grants: Array<{ role: string; kind: 'person' | 'group'; id: string; label: string }>;
  groups: Array<{ id: string; name: string }>;
}

const ROLE_OPTIONS = html`<option value="tester">tester (see and install)</option><option value="developer">developer (+ publish, edit notes)</option><option value="manager">manager (everything on the app)</option>`;

function page(title: string, user: AdminUser, body: SafeHtml): SafeHtml {
  return adminLayout({ title, user, section: 'people', body, scripts: ['people.js'] });
}

export function renderPeoplePage(view: PeoplePageView): SafeHtml {
  const rows = view.people.map(
    (p) => html`<tr data-person-id="${p.id}">
  <td><strong>${p.email}</strong>${p.name ? html`<br><span class="muted small">${p.name}</span>` : ''}</td>
  <td>${p.admin ? 'admin' : ''}${p.disabled ? html` <span class="badge">disabled</span>` : ''}</td>
  <td class="small">${p.groups.join(', ')}</td>
  <td class="small">${p.lastSignInAt ? formatDateTime(p.lastSignInAt) : html`<span class="muted">never</span>`}</td>
  <td class="actions">
    <button type="button" class="button button-small" data-api="/api/v1/people/${p.id}" data-method="PATCH" data-body="${JSON.stringify({ admin: !p.admin })}">${p.admin ? 'Remove admin' : 'Make admin'}</button>
    <button type="button" class="button button-small" data-api="/api/v1/people/${p.id}" data-method="PATCH" data-body="${JSON.stringify({ disabled: !p.disabled })}">${p.disabled ? 'Enable' : 'Disable'}</button>
    <button type="button" class="button button-small button-danger" data-api="/api/v1/people/${p.id}" data-method="DELETE" data-confirm="Remove ${p.email}? Their sessions and roles end at once.">Remove</button>
  </td>
</tr>`,
  );
  return page(
    'People',
    view.user,
    html`<h1>People</h1>
<nav class="subnav"><a href="/admin/people" aria-current="page">People</a> · <a href="/admin/groups">Groups</a></nav>
<form class="card stack" data-api="/api/v1/people" data-method="POST" id="invite-form">
  <h2>Invite someone</h2>
  <label for="invite-email">E-mail address</label>
  <input id="invite-email" name="email" type="email" required autocomplete="off" spellcheck="false">
  <label for="invite-name">Name <span class="muted">(optional)</span></label>
  <input id="invite-name" name="name" type="text" maxlength="200">
  <label class="check"><input type="checkbox" name="admin"> Instance admin</label>
  <button class="button button-primary" type="submit">Invite</button>
  <p class="muted small">${view.mailConfigured ? 'They get an e-mail with a sign-in link.' : 'No mail server is set (OTASHIP_SMTP_URL): you get the invitation link to hand over.'} Then give them a role on apps below.</p>
</form>
<div class="table-wrap"><table class="people">
<thead><tr><th>Person</th><th>Admin</th><th>Groups</th><th>Last sign-in</th><th></th></tr></thead>
<tbody>${rows}</tbody>
</table></div>
<section class="card"><h2>Roles on apps</h2><ul>${view.apps.map((a) => html`<li><a href="/admin/apps/${a.id}/access">${a.name}</a> <span class="muted small">${a.platform}</span></li>`)}</ul></section>`,
  );
}

export function renderGroupsPage(view: GroupsPageView): SafeHtml {
  const groups = view.groups.map(
    (g) => html`<section class="card" data-group-id="${g.id}">
  <h2>${g.name}</h2>
  <ul>${g.members.map(
    (m) => html`<li>${m.email} ${m.via === 'claim' ? html`<span class="muted small">(from single sign-on)</span>` : html`<button type="button" class="button button-small" data-api="/api/v1/groups/${g.id}/members/${m.personId}" data-method="DELETE">Remove</button>`}</li>`,
  )}</ul>
  <form class="inline" data-member-of="${g.id}">
    <label for="add-${g.id}">Add</label>
    <select id="add-${g.id}" name="personId">${view.people.map((p) => html`<option value="${p.id}">${p.email}</option>`)}</select>
    <button class="button button-small" type="submit">Add to group</button>
  </form>
  <p class="small notices" data-notices="${g.notifyNewBuilds ? 'on' : 'off'}">New build mails to members: <strong>${g.notifyNewBuilds ? 'on' : 'off'}</strong>
    <button type="button" class="button button-small" data-api="/api/v1/groups/${g.id}" data-method="PATCH" data-body="${JSON.stringify({ notifyNewBuilds: !g.notifyNewBuilds })}">${g.notifyNewBuilds ? 'Turn off' : 'Turn on'}</button>
    ${view.mailConfigured ? '' : html`<br><span class="muted">This server sends no e-mail (OTASHIP_SMTP_URL is not set): no mails go out until it does.</span>`}</p>
  <button type="button" class="button button-small button-danger" data-api="/api/v1/groups/${g.id}" data-method="DELETE" data-confirm="Delete the group ${g.name}? Its members lose the roles it gave them.">Delete group</button>
</section>`,
  );
  return page(
    'Groups',
    view.user,
    html`<h1>Groups</h1>
<nav class="subnav"><a href="/admin/people">People</a> · <a href="/admin/groups" aria-current="page">Groups</a></nav>
<form class="card stack" data-api="/api/v1/groups" data-method="POST">
  <label for="group-name">New group</label>
  <input id="group-name" name="name" type="text" required maxlength="100">
  <button class="button button-primary" type="submit">Create group</button>
</form>
${groups}`,
  );
}

export function renderAccessPage(view: AccessPageView): SafeHtml {
  const base = `/api/v1/apps/${view.app.id}/grants`;
  const rows = view.grants.map(
    (g) => html`<tr><td>${g.kind === 'group' ? html`<strong>${g.label}</strong> <span class="muted small">group</span>` : g.label}</td><td>${g.role}</td>
<td><button type="button" class="button button-small" data-api="${base}?${g.kind === 'group' ? 'groupId' : 'personId'}=${g.id}" data-method="DELETE">Remove</button></td></tr>`,
  );
  return page(
    `Access · ${view.app.name}`,
    view.user,
    html`<h1>Who may see ${view.app.name}</h1>
<div class="table-wrap"><table><thead><tr><th>Person or group</th><th>Role</th><th></th></tr></thead><tbody>${rows}</tbody></table></div>
<form class="card stack" data-api="${base}" data-method="PUT">
  <h2>Add a person</h2>
  <label for="grant-email">E-mail address</label>
  <input id="grant-email" name="email" type="email" required spellcheck="false">
  <label for="grant-role">Role</label>
  <select id="grant-role" name="role">${ROLE_OPTIONS}</select>
  <button class="button button-primary" type="submit">Give role</button>
</form>
${view.groups.length > 0
  ? html`<form class="card stack" data-api="${base}" data-method="PUT">
  <h2>Add a group</h2>
  <label for="grant-group">Group</label>
  <select id="grant-group" name="groupId">${view.groups.map((g) => html`<option value="${g.id}">${g.name}</option>`)}</select>
  <label for="grant-group-role">Role</label>
  <select id="grant-group-role" name="role">${ROLE_OPTIONS}</select>
  <button class="button button-primary" type="submit">Give role</button>
</form>`
  : ''}`,
  );
}
