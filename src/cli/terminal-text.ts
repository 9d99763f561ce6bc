// Text from packages, manifests and web pages is untrusted. Control characters could move the cursor
// or recolour the terminal, and bidirectional controls (U+202E RIGHT-TO-LEFT OVERRIDE, the U+2066
// isolates, U+200E/U+200F marks) reorder what is shown, so a link or an app name could read as
// something it is not. Human output shows each as a visible \uXXXX escape; JSON output keeps the data.

// eslint-disable-next-line no-control-regex -- control characters are exactly what we replace
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

export function terminalSafe(text: string): string {
  return text.replace(UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
