// The HTML error page for page routes (the JSON API gets {error:{code,message,hint}} instead). Shows the
// catalogue's message and hint so a tester with an expired link knows to ask for a fresh one.
import { html, type SafeHtml } from '../html.js';
import { layout } from '../layout.js';
import type { ErrorPageView } from '../view-models.js';

const TITLES: Record<number, string> = {
  400: 'Bad request',
  401: 'Sign-in required',
  403: 'Link not valid',
  404: 'Not found',
  413: 'Too large',
  422: 'Cannot be processed',
  500: 'Server error',
};

export function renderErrorPage(view: ErrorPageView): SafeHtml {
  const title = TITLES[view.status] ?? (view.status >= 500 ? 'Server error' : 'Request failed');
  return layout({
    title: `${title} · otaship`,
    body: html`<main class="page error-page" id="main">
<h1>${title}</h1>
<p class="error-message">${view.message}</p>
${view.hint ? html`<p class="error-hint">${view.hint}</p>` : ''}
<p class="muted error-code">Error ${view.status} · ${view.code}</p>
</main>`,
  });
}
