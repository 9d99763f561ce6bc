// Where a sign-in may send the browser afterwards (`?next=` and the login form's hidden field): our
// own pages only, so a crafted link cannot turn a sign-in into an open redirect. A path under one of
// the allowed areas, made of plain characters, without dot segments or `//` (which browsers read as
// another host), and never the login page itself (a loop).
const NEXT = /^\/(admin|my)(\/[A-Za-z0-9._~/-]*)?(\?[A-Za-z0-9._~=&%-]*)?$/;
const DOT_SEGMENT_OR_HOST = /(^|\/)\.\.?(\/|\?|$)|\/\//;

export type NextArea = 'admin' | 'my';

export function safeNext(next: unknown, options: { areas: readonly NextArea[]; fallback: string }): string {
  if (typeof next !== 'string') return options.fallback;
  const area = NEXT.exec(next)?.[1] as NextArea | undefined;
  const ok = area !== undefined && options.areas.includes(area) && !DOT_SEGMENT_OR_HOST.test(next) && !next.startsWith('/admin/login');
  return ok ? next : options.fallback;
}
