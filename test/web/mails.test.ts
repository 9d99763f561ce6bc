// The mails' HTML escapes every value (an inviter's name or a link can carry markup); the plain
// text carries the same link on a line of its own.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { invitationMessage, signInMessage } from '../../src/web/mails.js';

test('invitation: the inviter and the link are escaped in the HTML part', () => {
  const m = invitationMessage({
    to: 'a@example.com',
    inviter: '<img src=x onerror=alert(1)>',
    link: 'https://ota.example.com/auth/link?t=abc&x="><script>',
    expiresAt: new Date('2026-12-08T10:00:00Z'),
    sso: null,
  });
  assert.doesNotMatch(m.html, /<img|<script|"><script/);
  assert.match(m.html, /&lt;img src=x onerror=alert\(1\)&gt;/);
  assert.match(m.html, /href="https:\/\/ota\.example\.com\/auth\/link\?t=abc&amp;x=&quot;&gt;&lt;script&gt;"/);
  assert.ok(m.text.split('\n').includes('https://ota.example.com/auth/link?t=abc&x="><script>'));
  assert.match(m.text, /until 2026-12-08 10:00 UTC/);
});

test('sign-in link mail: plain text and HTML carry the link', () => {
  const m = signInMessage({ to: 'a@example.com', link: 'https://ota.example.com/auth/link?t=xyz', expiresAt: new Date('2026-12-08T10:00:00Z') });
  assert.ok(m.text.split('\n').includes('https://ota.example.com/auth/link?t=xyz'));
  assert.match(m.html, /<a href="https:\/\/ota\.example\.com\/auth\/link\?t=xyz">/);
});
