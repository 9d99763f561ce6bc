/* global document, location, fetch, confirm */
// People, Groups and app Access pages, and a person's own Tokens page: each <form data-api> and
// <button data-api> sends its fields as JSON to the API with the session cookie and
// X-Requested-With (the server's CSRF check), then reloads. An invitation that was not mailed shows
// its link to copy; a new token shows its secret, once. Works with the pages' flash area.
const HEADERS = { 'X-Requested-With': 'otaship', Accept: 'application/json' };

function say(level, text, link, id = 'invitation-link') {
  const flash = document.getElementById('flash');
  if (!flash) return;
  const box = document.createElement('div');
  box.className = `notice notice-${level}`;
  box.setAttribute('role', level === 'error' ? 'alert' : 'status');
  box.textContent = text;
  if (link) {
    const input = document.createElement('input');
    input.readOnly = true;
    input.value = link;
    input.className = 'copy-link';
    input.id = id;
    input.addEventListener('focus', () => input.select());
    box.append(document.createElement('br'), input);
  }
  flash.replaceChildren(box);
}

async function send(method, path, body) {
  const init = { method, headers: { ...HEADERS }, credentials: 'same-origin' };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const res = await fetch(path, init);
  const data = res.status === 204 ? null : await res.json().catch(() => null);
  if (!res.ok) throw new Error((data && data.error && data.error.message) || `HTTP ${res.status}`);
  return data;
}

function fields(form) {
  const out = {};
  for (const input of form.querySelectorAll('input[name], select[name]')) {
    if (input.type === 'checkbox') out[input.name] = input.checked;
    else if (input.type === 'number' && input.value !== '') out[input.name] = Number(input.value);
    else if (input.value !== '') out[input.name] = input.value;
  }
  return out;
}

function done(data) {
  if (data && typeof data.token === 'string') {
    say('info', 'Copy this token now: it will not be shown again. It appears in the list when you reload.', data.token, 'new-token');
    return;
  }
  const inv = data && data.invitation;
  if (inv && !inv.sent && inv.link) {
    say('info', inv.error ? `The mail could not be sent (${inv.error}). Hand over this link:` : 'No mail server is set: hand over this invitation link.', inv.link);
    return;
  }
  location.reload();
}

for (const form of document.querySelectorAll('form[data-api]')) {
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      done(await send(form.dataset.method || 'POST', form.dataset.api, fields(form)));
    } catch (err) {
      say('error', err.message);
    }
  });
}

for (const button of document.querySelectorAll('button[data-api]')) {
  button.addEventListener('click', async () => {
    if (button.dataset.confirm && !confirm(button.dataset.confirm)) return;
    try {
      const body = button.dataset.body ? JSON.parse(button.dataset.body) : undefined;
      done(await send(button.dataset.method || 'POST', button.dataset.api, body));
    } catch (err) {
      say('error', err.message);
    }
  });
}

// Groups page: add the chosen person to the group.
for (const form of document.querySelectorAll('form[data-member-of]')) {
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const person = form.querySelector('select[name="personId"]').value;
    try {
      done(await send('PUT', `/api/v1/groups/${encodeURIComponent(form.dataset.memberOf)}/members/${encodeURIComponent(person)}`));
    } catch (err) {
      say('error', err.message);
    }
  });
}
