/* global document, window, location, sessionStorage, fetch, confirm, prompt, Node, CustomEvent */
// Admin UI behaviour: calls the JSON API (/api/v1/…) with the session cookie. Every state-changing call
// sends X-Requested-With: otaship, which the server requires for cookie-authenticated requests (CSRF).
// Plain ES module, no build step.

import { copyText } from './clipboard.js';

const API_HEADERS = { 'X-Requested-With': 'otaship', Accept: 'application/json' };
const FLASH_KEY = 'otaship-flash';

// --- small helpers --------------------------------------------------------------------------------

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') node.className = v;
    else node.setAttribute(k, v);
  }
  for (const child of children) node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  return node;
}

function humanSize(bytes) {
  const units = ['bytes', 'kB', 'MB', 'GB', 'TB'];
  let v = bytes;
  let u = 0;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return u === 0 ? `${v} bytes` : `${v.toFixed(v < 10 ? 2 : v < 100 ? 1 : 0)} ${units[u]}`;
}

function duration(seconds) {
  if (!Number.isFinite(seconds) || seconds < 0) return '';
  if (seconds < 60) return `${Math.ceil(seconds)} s`;
  const m = Math.floor(seconds / 60);
  const s = Math.round(seconds % 60);
  return m < 60 ? `${m} min ${s} s` : `${Math.floor(m / 60)} h ${m % 60} min`;
}

/** A notice element from an API error body { error: { code, message, hint, details } }. */
function errorNotice(body, fallback) {
  const err = (body && body.error) || {};
  const box = el('div', { class: 'notice notice-error', role: 'alert' });
  box.append(el('strong', {}, err.message || fallback));
  if (err.hint) box.append(' ', el('span', {}, err.hint));
  const reasons = err.details && Array.isArray(err.details.reasons) ? err.details.reasons : [];
  if (reasons.length > 0) {
    const list = el('ul', { class: 'reasons' });
    for (const r of reasons) {
      const text = typeof r === 'string' ? r : `${r.message || r.code}${r.code ? ` (${r.code})` : ''}`;
      list.append(el('li', {}, text));
    }
    box.append(list);
  }
  if (err.code) box.append(el('div', { class: 'muted small' }, err.code));
  return box;
}

function showFlash(node) {
  const flash = document.getElementById('flash');
  if (!flash) return;
  flash.replaceChildren(node);
}

function flashText(level, text) {
  showFlash(el('div', { class: `notice notice-${level}`, role: level === 'error' ? 'alert' : 'status' }, text));
}

async function api(method, path, body) {
  const init = { method, headers: { ...API_HEADERS }, credentials: 'same-origin' };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const res = await fetch(path, init);
  let data = null;
  if (res.status !== 204) {
    try {
      data = await res.json();
    } catch {
      data = null;
    }
  }
  if (res.status === 401) {
    location.href = `/admin/login?next=${encodeURIComponent(location.pathname)}`;
  }
  if (!res.ok) {
    const error = new Error((data && data.error && data.error.message) || `${method} ${path}: HTTP ${res.status}`);
    error.body = data;
    throw error;
  }
  return data;
}

function reloadWithFlash(level, text) {
  sessionStorage.setItem(FLASH_KEY, JSON.stringify({ level, text }));
  location.reload();
}

function restoreFlash() {
  const saved = sessionStorage.getItem(FLASH_KEY);
  if (!saved) return;
  sessionStorage.removeItem(FLASH_KEY);
  try {
    const { level, text } = JSON.parse(saved);
    flashText(level, text);
  } catch {
    /* ignore a malformed flash */
  }
}

// --- upload -----------------------------------------------------------------------------------------

let currentUpload = null;

function parseJson(text) {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

// Uploads go through tus (resumable, /api/v1/uploads): a dropped connection is retried from where it
// stopped, and after a page reload the same file resumes (tus-js-client remembers it in localStorage).
// The finished upload is then published with POST /api/v1/uploads/:id/publish. The client script is
// served by our own server (/assets/vendor/tus.min.js, from the tus-js-client package), no CDN.
let tusLoading = null;

function loadTus() {
  if (window.tus) return Promise.resolve(window.tus);
  if (!tusLoading) {
    tusLoading = new Promise((resolve, reject) => {
      const script = document.createElement('script');
      script.src = '/assets/vendor/tus.min.js';
      script.addEventListener('load', () => (window.tus ? resolve(window.tus) : reject(new Error('no tus client'))));
      script.addEventListener('error', () => {
        tusLoading = null;
        reject(new Error('The upload client could not be loaded; reload the page.'));
      });
      document.head.append(script);
    });
  }
  return tusLoading;
}

/** A finished upload whose publish was refused for an expired profile: publish it again with force. */
let finishedUpload = null;

function fileKey(file) {
  return `${file.name}\u0000${file.size}\u0000${file.lastModified}`;
}

async function upload(file) {
  const zone = document.getElementById('dropzone');
  const progressBox = document.getElementById('upload-progress');
  const bar = progressBox.querySelector('progress');
  const text = document.getElementById('upload-progress-text');
  const result = document.getElementById('upload-result');
  const notes = document.getElementById('upload-notes').value;
  const force = document.getElementById('upload-force').checked;
  const max = Number(zone.dataset.maxBytes || 0);

  result.replaceChildren();
  if (currentUpload) return;
  if (/\.aab$/i.test(file.name) && zone.dataset.aabRefusal) {
    // This server lacks the bundle tools: refused before sending any bytes, in the server's words.
    const error = { code: 'AAB_NOT_SUPPORTED', message: `${file.name} is an Android App Bundle, and ${zone.dataset.aabRefusal}`, hint: zone.dataset.aabHint };
    result.append(errorNotice({ error }, ''));
    return;
  }
  if (!/\.(ipa|apk|aab)$/i.test(file.name)) {
    result.append(errorNotice(null, `${file.name} is not an .ipa, .apk or .aab package.`));
    return;
  }
  if (max > 0 && file.size > max) {
    result.append(errorNotice(null, `${file.name} is ${humanSize(file.size)}; this server accepts up to ${humanSize(max)}.`));
    return;
  }

  const failed = (message) => {
    currentUpload = null;
    progressBox.hidden = true;
    result.append(errorNotice(null, message));
  };
  progressBox.hidden = false;
  bar.value = 0;
  text.textContent = `0 of ${humanSize(file.size)}`;

  let uploadUrl;
  if (finishedUpload && finishedUpload.key === fileKey(file)) {
    uploadUrl = finishedUpload.url;
  } else {
    let tus;
    try {
      tus = await loadTus();
    } catch (err) {
      failed(err.message);
      return;
    }
    try {
      uploadUrl = await sendWithTus(tus, file, (loaded, total, since) => {
        // Also announced as an event, for integrations and the browser tests.
        document.dispatchEvent(new CustomEvent('otaship:upload-progress', { detail: { loaded, total } }));
        bar.value = (loaded / total) * 100;
        // Rate since the first progress event: a resumed upload starts above zero.
        const elapsed = (Date.now() - since.time) / 1000;
        const rate = elapsed > 0 ? (loaded - since.loaded) / elapsed : 0;
        const left = rate > 0 ? (total - loaded) / rate : NaN;
        text.textContent =
          loaded >= total
            ? 'Checking the package…'
            : `${humanSize(loaded)} of ${humanSize(total)} · ${humanSize(rate)}/s · ${duration(left)} left`;
      });
    } catch (err) {
      if (err && err.cancelled) failed('Upload cancelled.');
      else if (err && err.status === 401) location.href = `/admin/login?next=${encodeURIComponent(location.pathname)}`;
      else failed(err && err.status ? `Upload refused (HTTP ${err.status}).` : 'The upload failed: the connection was interrupted. Drop the file again to resume.');
      return;
    }
  }
  text.textContent = 'Checking the package…';
  currentUpload = { abort() {} };
  let res;
  let body;
  try {
    res = await fetch(`${new URL(uploadUrl, location.href).pathname}/publish`, {
      method: 'POST',
      headers: { ...API_HEADERS, 'Content-Type': 'application/json' },
      body: JSON.stringify({ notes, force, filename: file.name }),
    });
    body = parseJson(await res.text());
  } catch {
    failed('The upload was stored but publishing it failed: the connection was interrupted. Drop the file again.');
    finishedUpload = { key: fileKey(file), url: uploadUrl };
    return;
  }
  currentUpload = null;
  progressBox.hidden = true;
  if (res.status === 201 && body) {
    finishedUpload = null;
    const rel = body.release || {};
    const app = body.app || {};
    const version = rel.version ? `${rel.version} (${rel.build})` : `build ${rel.build}`;
    const overridden = Array.isArray(body.overridden) ? body.overridden : [];
    // Say what the ticked box overrode, so a forced release is never a silent one.
    const forced = overridden.length > 0 ? ` Published despite: ${overridden.map((r) => `${r.message} (${r.code})`).join('; ')}.` : '';
    const converting = rel.bundle && !rel.bundle.apkReady ? ' The server is building the APK from the App Bundle: its release below shows when it is ready.' : '';
    const message = `Published ${app.name || file.name} ${version}.${forced}${converting}`;
    const target = app.id ? `/admin/apps/${encodeURIComponent(app.id)}` : location.pathname;
    sessionStorage.setItem(FLASH_KEY, JSON.stringify({ level: 'info', text: message }));
    if (target === location.pathname) location.reload();
    else location.href = target;
    return;
  }
  if (res.status === 401) {
    location.href = `/admin/login?next=${encodeURIComponent(location.pathname)}`;
    return;
  }
  if (body && body.error && body.error.code === 'PROFILE_EXPIRED') {
    // The API's answer names force=true; here the switch is the checkbox, so say that instead.
    const error = { ...body.error, message: String(body.error.message || '').replace(/; publish with force=true to keep it anyway$/, ''), hint: '' };
    result.append(errorNotice({ error }, `Upload refused (HTTP ${res.status}).`));
    // Kept on the server: publishing again with the box ticked does not send the bytes again.
    finishedUpload = { key: fileKey(file), url: uploadUrl };
    result.append(el('p', { class: 'small', id: 'upload-force-advice' }, 'Tick “Publish even if the provisioning profile or signing certificate has expired” and upload again to keep it anyway.'));
  } else {
    result.append(errorNotice(inAdminWords(body), `Upload refused (HTTP ${res.status}).`));
    // Refused for good: remove the stored bytes now rather than at expiry.
    finishedUpload = null;
    fetch(new URL(uploadUrl, location.href).pathname, { method: 'DELETE', headers: { ...API_HEADERS, 'Tus-Resumable': '1.0.0' } }).catch(() => {});
  }
}

/**
 * The API's hints are written for API and CLI callers (flags, variables, headers); here the person
 * uploading needs what to do in this page. Codes not listed keep the server's hint.
 */
const ADMIN_HINTS = {
  UNAUTHENTICATED: 'Your session ended: sign in again and upload the file again.',
  FORBIDDEN: 'The token you signed in with may not publish this app: sign in with one that may.',
  PAYLOAD_TOO_LARGE: 'The file is larger than this server accepts: upload a smaller package, or ask whoever runs the server to raise its limit.',
  QUOTA_EXCEEDED: 'Too many unfinished uploads: wait for the others to finish or cancel them, then upload again.',
  TOO_MANY_REQUESTS: 'Too many attempts in a short time: wait a minute, then upload again.',
};

function inAdminWords(body) {
  const err = body && body.error;
  if (!err || !Object.prototype.hasOwnProperty.call(ADMIN_HINTS, err.code)) return body;
  return { ...body, error: { ...err, hint: ADMIN_HINTS[err.code] } };
}

/** Sends the file with tus; resolves with the upload URL once every byte is on the server. */
function sendWithTus(tus, file, onProgress) {
  return new Promise((resolve, reject) => {
    let since = null;
    const up = new tus.Upload(file, {
      // Absolute: the server answers with a Location relative to it (uploads/<id>).
      endpoint: new URL('/api/v1/uploads', location.href).href,
      // Cookie-authenticated state changes must prove they come from our pages (CSRF).
      headers: { 'X-Requested-With': 'otaship' },
      metadata: { filename: file.name },
      chunkSize: 50 * 1024 * 1024,
      retryDelays: [0, 1000, 3000, 5000, 10000],
      storeFingerprintForResuming: true,
      removeFingerprintOnSuccess: true,
      onProgress(loaded, total) {
        if (!since) since = { time: Date.now(), loaded };
        onProgress(loaded, total, since);
      },
      onSuccess() {
        currentUpload = null;
        resolve(up.url);
      },
      onError(err) {
        currentUpload = null;
        const res = err && err.originalResponse;
        reject({ status: res ? res.getStatus() : 0 });
      },
    });
    currentUpload = {
      abort() {
        currentUpload = null;
        // Cancelling also removes what was sent from the server.
        up.abort(true).catch(() => {});
        reject({ cancelled: true });
      },
    };
    up.findPreviousUploads()
      .then((previous) => {
        if (previous.length > 0) up.resumeFromPreviousUpload(previous[0]);
        up.start();
      })
      .catch(() => up.start());
  });
}

function setupUpload() {
  const zone = document.getElementById('dropzone');
  if (!zone) return;
  const input = document.getElementById('upload-file');
  input.addEventListener('change', () => {
    const file = input.files && input.files[0];
    if (file) upload(file);
    input.value = '';
  });
  for (const type of ['dragenter', 'dragover']) {
    zone.addEventListener(type, (e) => {
      e.preventDefault();
      zone.classList.add('dragover');
    });
  }
  for (const type of ['dragleave', 'drop']) {
    zone.addEventListener(type, () => zone.classList.remove('dragover'));
  }
  zone.addEventListener('drop', (e) => {
    e.preventDefault();
    const file = e.dataTransfer && e.dataTransfer.files && e.dataTransfer.files[0];
    if (file) upload(file);
  });
  // Dropping a file anywhere else must not navigate away from the admin.
  window.addEventListener('dragover', (e) => e.preventDefault());
  window.addEventListener('drop', (e) => e.preventDefault());
  document.getElementById('upload-cancel').addEventListener('click', () => {
    if (currentUpload) currentUpload.abort();
  });
}

// --- releases, apps, tokens -----------------------------------------------------------------------

function releaseOf(node) {
  return node.closest('[data-release-id]');
}

async function onClick(e) {
  const button = e.target.closest('[data-action]');
  if (!button || button.tagName === 'INPUT') return;
  const action = button.dataset.action;
  try {
    if (action === 'copy') {
      await copyText(button.dataset.copy || '', button);
    } else if (action === 'copy-secret') {
      await copyText(document.getElementById('token-secret-value').value, button);
    } else if (action === 'copy-webhook-secret') {
      await copyText(document.getElementById('webhook-secret-value').value, button);
    } else if (action === 'rename-app') {
      const app = document.getElementById('app');
      const name = prompt('New name for this app (testers see it on the install pages)', button.dataset.current || '');
      if (name === null || name.trim() === '' || name.trim() === button.dataset.current) return;
      await api('PATCH', `/api/v1/apps/${encodeURIComponent(app.dataset.appId)}`, { name: name.trim() });
      reloadWithFlash('info', `Renamed the app to “${name.trim()}”.`);
    } else if (action === 'delete-app') {
      const app = document.getElementById('app');
      const label = button.dataset.label;
      if (!confirm(`Delete the app “${label}” with all its releases? Every install link of it stops working. This cannot be undone.`)) return;
      await api('DELETE', `/api/v1/apps/${encodeURIComponent(app.dataset.appId)}`);
      sessionStorage.setItem(FLASH_KEY, JSON.stringify({ level: 'info', text: `Deleted the app “${label}” and its releases.` }));
      location.href = '/admin';
    } else if (action === 'ping-webhook') {
      const row = button.closest('[data-webhook-id]');
      button.disabled = true;
      try {
        const delivery = await api('POST', `/api/v1/webhooks/${encodeURIComponent(row.dataset.webhookId)}/test`);
        const last = delivery && delivery.attempts && delivery.attempts[delivery.attempts.length - 1];
        const answer = last ? (last.statusCode !== null ? `HTTP ${last.statusCode}` : last.error || 'no answer') : 'not sent yet';
        reloadWithFlash(delivery && delivery.state === 'delivered' ? 'info' : 'error', `Test event ${delivery ? delivery.state : 'sent'} (${answer}).`);
      } finally {
        button.disabled = false;
      }
    } else if (action === 'delete-webhook') {
      const row = button.closest('[data-webhook-id]');
      if (!confirm(`Delete the webhook to ${button.dataset.label}? Events not yet sent to it are dropped.`)) return;
      await api('DELETE', `/api/v1/webhooks/${encodeURIComponent(row.dataset.webhookId)}`);
      row.remove();
      const empty = document.getElementById('no-webhooks');
      if (empty && !document.querySelector('[data-webhook-id]')) empty.hidden = false;
      flashText('info', `Deleted the webhook to ${button.dataset.label}.`);
    } else if (action === 'edit-notes') {
      const release = releaseOf(button);
      release.querySelector('[data-role="notes-form"]').hidden = false;
      release.querySelector('[data-role="notes-view"]').hidden = true;
      release.querySelector('textarea').focus();
    } else if (action === 'cancel-notes') {
      const release = releaseOf(button);
      release.querySelector('[data-role="notes-form"]').hidden = true;
      release.querySelector('[data-role="notes-view"]').hidden = false;
    } else if (action === 'delete-release') {
      const release = releaseOf(button);
      if (!confirm(`Delete release ${button.dataset.label}? Its install links stop working.`)) return;
      await api('DELETE', `/api/v1/releases/${encodeURIComponent(release.dataset.releaseId)}`);
      release.remove();
      flashText('info', `Deleted release ${button.dataset.label}.`);
    } else if (action === 'revoke-token') {
      const row = button.closest('[data-token-id]');
      if (!confirm(`Revoke token “${button.dataset.label}”? Anything using it stops working.`)) return;
      await api('DELETE', `/api/v1/tokens/${encodeURIComponent(row.dataset.tokenId)}`);
      reloadWithFlash('info', `Revoked token “${button.dataset.label}”.`);
    } else if (action === 'delete-device') {
      const row = button.closest('[data-device-id]');
      if (!confirm(`Remove device “${button.dataset.label}”? It can register again from /udid.`)) return;
      await api('DELETE', `/api/v1/devices/${encodeURIComponent(row.dataset.deviceId)}`);
      row.remove();
      flashText('info', `Removed device “${button.dataset.label}”.`);
    } else if (action === 'review-device') {
      const row = button.closest('[data-device-id]');
      const review = button.dataset.review;
      await api('PATCH', `/api/v1/devices/${encodeURIComponent(row.dataset.deviceId)}`, { review });
      reloadWithFlash('info', review === 'accept' ? 'The device’s new report was accepted.' : 'Device marked reviewed.');
    } else if (action === 'label-device') {
      const row = button.closest('[data-device-id]');
      const label = prompt('Name for this device in otaship and in devices.txt (empty: the device’s own name)', button.dataset.current || '');
      if (label === null) return;
      await api('PATCH', `/api/v1/devices/${encodeURIComponent(row.dataset.deviceId)}`, { label: label.trim() || null });
      reloadWithFlash('info', 'Device name saved.');
    }
  } catch (err) {
    showFlash(errorNotice(err.body, err.message));
  }
}

async function onChange(e) {
  const input = e.target;
  const action = input.dataset && input.dataset.action;
  if (!action) return;
  input.disabled = true;
  try {
    if (action === 'toggle-release-public') {
      const release = releaseOf(input);
      await api('PATCH', `/api/v1/releases/${encodeURIComponent(release.dataset.releaseId)}`, { isPublic: input.checked });
      release.querySelector('[data-role="visibility"]').textContent = input.checked ? 'Public' : 'Private';
    } else if (action === 'toggle-app-public') {
      const app = document.getElementById('app');
      await api('PATCH', `/api/v1/apps/${encodeURIComponent(app.dataset.appId)}`, { isPublic: input.checked });
      flashText('info', input.checked ? 'The app is public: its pages need no token.' : 'The app is private: links need a token.');
    }
  } catch (err) {
    input.checked = !input.checked;
    showFlash(errorNotice(err.body, err.message));
  } finally {
    input.disabled = false;
  }
}

/** The file's bytes in base64 (a keystore is a few KB). */
async function base64Of(file) {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return window.btoa(binary);
}

async function onSubmit(e) {
  const form = e.target;
  if (form.id === 'signing-key-form') {
    e.preventDefault();
    const app = document.getElementById('app');
    const file = form.elements.keystore.files[0];
    if (!file) return;
    const body = { keystore: await base64Of(file), alias: form.elements.alias.value, storePassword: form.elements.storePassword.value };
    if (form.elements.keyPassword.value) body.keyPassword = form.elements.keyPassword.value;
    try {
      await api('PUT', `/api/v1/apps/${encodeURIComponent(app.dataset.appId)}/signing-key`, body);
      reloadWithFlash('info', 'Keystore uploaded: the next APKs built from this app’s bundles are signed with it.');
    } catch (err) {
      showFlash(errorNotice(err.body, err.message));
    }
  } else if (form.dataset.role === 'notes-form') {
    e.preventDefault();
    const release = releaseOf(form);
    try {
      await api('PATCH', `/api/v1/releases/${encodeURIComponent(release.dataset.releaseId)}`, {
        notes: form.elements.notes.value,
      });
      reloadWithFlash('info', 'Release notes saved.');
    } catch (err) {
      showFlash(errorNotice(err.body, err.message));
    }
  } else if (form.id === 'webhook-form') {
    e.preventDefault();
    const body = { url: form.elements.url.value.trim() };
    if (form.elements.appId.value) body.appId = form.elements.appId.value;
    if (form.elements.description.value.trim()) body.description = form.elements.description.value.trim();
    body.events = Array.from(form.querySelectorAll('input[name="events"]:checked'), (input) => input.value);
    if (body.events.length === 0) {
      showFlash(errorNotice(null, 'Choose at least one event to send.'));
      return;
    }
    try {
      const created = await api('POST', '/api/v1/webhooks', body);
      document.getElementById('webhook-secret-value').value = (created && created.secret) || '';
      document.getElementById('webhook-secret').hidden = false;
      const select = form.elements.appId;
      const appName = select.value ? select.options[select.selectedIndex].textContent : null;
      addWebhookRow({ ...created, appName });
      form.reset();
    } catch (err) {
      showFlash(errorNotice(err.body, err.message));
    }
  } else if (form.id === 'token-form') {
    e.preventDefault();
    const body = { name: form.elements.name.value.trim() };
    if (form.elements.appId.value) body.appId = form.elements.appId.value;
    if (form.elements.admin.checked) body.admin = true;
    if (form.elements.expiresInDays.value) body.expiresInDays = Number(form.elements.expiresInDays.value);
    try {
      const created = await api('POST', '/api/v1/tokens', body);
      const secret =
        (created && (created.secret || (typeof created.token === 'string' ? created.token : created.token && created.token.secret))) || '';
      const box = document.getElementById('token-secret');
      document.getElementById('token-secret-value').value = secret;
      box.hidden = false;
      const record = (created && typeof created.token === 'object' && created.token) || created || {};
      addTokenRow(record, body);
      form.reset();
    } catch (err) {
      showFlash(errorNotice(err.body, err.message));
    }
  }
}

function addTokenRow(record, body) {
  const tbody = document.querySelector('#tokens tbody');
  if (!tbody || !record.id) return;
  const scope = body.admin ? 'admin' : body.appId ? body.appId : 'all apps';
  const revoke = el('button', { type: 'button', class: 'button button-small button-danger', 'data-action': 'revoke-token', 'data-label': body.name }, 'Revoke');
  const row = el(
    'tr',
    { 'data-token-id': record.id },
    el('td', { class: 'token-name' }, body.name),
    el('td', {}, scope),
    el('td', {}, new Date().toISOString().slice(0, 10)),
    el('td', {}, 'never'),
    el('td', {}, record.expiresAt ? String(record.expiresAt).slice(0, 10) : 'never'),
    el('td', {}, el('span', { class: 'badge badge-ok' }, 'active')),
    el('td', {}, revoke),
  );
  tbody.prepend(row);
  const empty = document.getElementById('no-tokens');
  if (empty) empty.hidden = true;
}

function addWebhookRow(created) {
  const tbody = document.querySelector('#webhooks tbody');
  if (!tbody || !created.id) return;
  const cell = (label, ...children) => el('td', { 'data-label': label }, ...children);
  const row = el(
    'tr',
    { 'data-webhook-id': created.id },
    cell('URL', el('code', { class: 'webhook-url' }, created.url || '')),
    cell('Events', (created.events || []).join(', ')),
    cell('App', created.appId ? created.appName || created.appId : 'all apps'),
    cell('Created', String(created.createdAt || '').slice(0, 10)),
    cell('Recent deliveries', el('span', { class: 'muted' }, 'no deliveries yet')),
    el(
      'td',
      { class: 'cell-actions' },
      el('button', { type: 'button', class: 'button button-small', 'data-action': 'ping-webhook' }, 'Send test'),
      ' ',
      el('button', { type: 'button', class: 'button button-small button-danger', 'data-action': 'delete-webhook', 'data-label': created.url || '' }, 'Delete'),
    ),
  );
  tbody.prepend(row);
  const empty = document.getElementById('no-webhooks');
  if (empty) empty.hidden = true;
}

restoreFlash();
setupUpload();
document.addEventListener('click', onClick);
document.addEventListener('change', onChange);
document.addEventListener('submit', onSubmit);
