/* global document */
// Device registration page: the Copy button next to the UDID (hidden without this script; the UDID
// itself stays selectable).
import { copyText } from './clipboard.js';

for (const button of document.querySelectorAll('[data-copy-from]')) {
  const source = document.getElementById(button.dataset.copyFrom);
  if (!source) continue;
  button.hidden = false;
  button.addEventListener('click', () => copyText(source.textContent.trim(), button));
}
