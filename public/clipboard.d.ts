// Types for public/clipboard.js.
export function copyText(text: string, button?: HTMLElement, field?: HTMLInputElement | HTMLTextAreaElement): Promise<boolean>;
