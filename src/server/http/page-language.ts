// The language of a tester page, from the request: `?lang=` (remembered in a cookie for the next
// pages), then that cookie, then Accept-Language (src/web/i18n/negotiate.ts). Sets the response
// headers that go with it: Content-Language, and Vary so no cache serves one visitor's language to
// another. The switcher's links are built here, from the request's own query (the install token
// stays in them) and as query-only relative URLs, so they never leave the page's path.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { LOCALES, matchLocale, negotiateLocale, type LanguageLink, type PageLanguage } from '../../web/i18n/index.js';

export const LANGUAGE_COOKIE = 'otaship_lang';
const COOKIE_MAX_AGE_SECONDS = 365 * 24 * 60 * 60;

function queryLang(request: FastifyRequest): string | undefined {
  const query = request.query as Record<string, unknown> | undefined;
  const lang = query?.['lang'];
  return typeof lang === 'string' ? lang : undefined;
}

function switcherLinks(url: string): LanguageLink[] {
  const search = url.includes('?') ? url.slice(url.indexOf('?') + 1) : '';
  return LOCALES.map((locale) => {
    const params = new URLSearchParams(search);
    params.set('lang', locale);
    return { locale, href: `?${params.toString()}` };
  });
}

/**
 * @param secureCookie mark the cookie Secure (the public URL is https); browsers drop Secure cookies on http.
 * @param options.refusal an error page: its switcher never repeats a link token the request carried
 *   (a refused token, e.g. an asset token shown an install page, must not come back as a link).
 */
export function pageLanguage(
  request: FastifyRequest,
  reply: FastifyReply,
  secureCookie: boolean,
  options: { refusal?: boolean } = {},
): PageLanguage {
  const asked = queryLang(request);
  const chosen = asked ? matchLocale(asked) : null;
  const cookies = (request as { cookies?: Record<string, string | undefined> }).cookies;
  const locale = negotiateLocale({
    query: asked,
    cookie: cookies?.[LANGUAGE_COOKIE],
    acceptLanguage: request.headers['accept-language'],
  });
  // Errors raised before routing may come before @fastify/cookie decorated the reply.
  if (chosen && typeof reply.setCookie === 'function') {
    void reply.setCookie(LANGUAGE_COOKIE, chosen, {
      path: '/',
      maxAge: COOKIE_MAX_AGE_SECONDS,
      sameSite: 'lax',
      httpOnly: true,
      secure: secureCookie,
    });
  }
  void reply.header('Content-Language', locale);
  const vary = reply.getHeader('vary');
  void reply.header('Vary', vary ? `${String(vary)}, Accept-Language, Cookie` : 'Accept-Language, Cookie');
  // Only a GET can be reloaded through a link; a refused POST's error page has no switcher.
  const reloadable = request.method === 'GET' || request.method === 'HEAD';
  const carriesToken = new URLSearchParams(request.url.includes('?') ? request.url.slice(request.url.indexOf('?') + 1) : '').has('t');
  return { locale, switcher: reloadable && !(options.refusal && carriesToken) ? switcherLinks(request.url) : [] };
}
