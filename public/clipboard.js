/* global document, navigator, setTimeout */
// Copy to the clipboard, with "Copied" shown on the button for a moment. Shared by the admin and the
// device registration page.

export async function copyText(text, button) {
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    // Clipboard API needs a secure context (https or localhost): fall back to a selected text field.
    const field = document.createElement('textarea');
    field.readOnly = true;
    field.style.position = 'fixed';
    field.style.opacity = '0';
    field.value = text;
    document.body.append(field);
    field.select();
    document.execCommand('copy');
    field.remove();
  }
  if (button) {
    const label = button.textContent;
    button.textContent = 'Copied';
    setTimeout(() => {
      button.textContent = label;
    }, 1500);
  }
}
