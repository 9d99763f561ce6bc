/* global document, navigator, setTimeout */
// Copy to the clipboard, with "Copied" shown on the button for a moment (the button's data-copied
// holds the page's word for it). Shared by the admin, the device registration page and the install
// page's "Copy link".

/**
 * @param {string} text
 * @param {HTMLElement} [button]  shows data-copied ("Copied"), or data-copy-by-hand when nothing could be copied
 * @param {HTMLInputElement | HTMLTextAreaElement} [field]  a visible field holding text: selected by the
 *   fallback, and left selected when even that fails, so the visitor can copy it by hand
 * @returns {Promise<boolean>} whether the text reached the clipboard
 */
export async function copyText(text, button, field) {
  let copied;
  try {
    await navigator.clipboard.writeText(text);
    copied = true;
  } catch {
    // The Clipboard API needs a secure context (https or localhost), and some in-app browsers lack or
    // refuse it: select the text in a field and ask the browser to copy the selection.
    const target = field ?? temporaryField(text);
    target.focus();
    target.select();
    target.setSelectionRange(0, target.value.length);
    try {
      copied = document.execCommand('copy');
    } catch {
      copied = false;
    }
    if (!field) target.remove();
  }
  if (button) {
    const label = button.textContent;
    button.textContent = copied ? button.dataset.copied || 'Copied' : button.dataset.copyByHand || label;
    setTimeout(() => {
      button.textContent = label;
    }, 1500);
  }
  return copied;
}

function temporaryField(text) {
  const field = document.createElement('textarea');
  field.readOnly = true;
  field.style.position = 'fixed';
  field.style.opacity = '0';
  field.value = text;
  document.body.append(field);
  return field;
}
