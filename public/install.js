/* global document, navigator */
// Install page behaviour: detect the device in the browser and reveal the hints that apply. Without this
// script every hint stays visible and both the button and the QR code are shown.
import { detectDevice, installHints } from './detect.js';
import { copyText } from './clipboard.js';
import './local-time.js';

const root = document.documentElement;
const device = detectDevice(navigator);
const hints = installHints(device, {
  platform: root.dataset.platform || '',
  families: (root.dataset.families || '').split(' ').filter(Boolean),
});

root.dataset.device = device.os;
if (device.family) root.dataset.family = device.family;
if (device.ipadDesktopMode) root.dataset.ipadDesktop = 'true';
if (hints.mismatch) root.dataset.mismatch = 'true';
if (hints.inApp) root.dataset.inapp = device.inApp || 'true';

function reveal(selector, on) {
  for (const el of document.querySelectorAll(selector)) el.hidden = !on;
}
reveal('.hint-inapp', hints.inApp);
reveal('.hint-other-browser', hints.otherBrowser);
reveal('.hint-mismatch', hints.mismatch);
reveal('.hint-family', hints.wrongFamily);

// "Copy link" next to the page's address (shown in the in-app browser notice): copies it for pasting
// into Safari or Chrome. Hidden without script; the address itself stays selectable in its field.
for (const button of document.querySelectorAll('button.copy-link[data-copy-from]')) {
  const field = document.getElementById(button.dataset.copyFrom);
  if (!field) continue;
  button.hidden = false;
  button.addEventListener('click', () => copyText(field.value, button, field));
}
