// The passcode form of a share link (services/share-links.ts). It posts the link's token and the
// passcode in the body, never in a URL; a right passcode answers the install page itself.
import { html, type SafeHtml } from '../html.js';
import { layout } from '../layout.js';

export interface SharePasscodeView {
  linkId: string;
  linkName: string;
  token: string;
  /** A wrong passcode was sent. */
  wrong: boolean;
}

export function renderSharePasscodePage(view: SharePasscodeView): SafeHtml {
  return layout({
    title: `${view.linkName} · otaship`,
    styles: ['base.css'],
    body: html`<main class="page share-passcode" id="main">
<h1>${view.linkName}</h1>
<p>This link is protected by a passcode: enter the one you were given to see the build.</p>
${view.wrong ? html`<div class="notice notice-error" role="alert" id="passcode-wrong">That passcode is not right. Check it and try again.</div>` : ''}
<form method="post" action="/s/${view.linkId}" class="stack" id="passcode-form">
  <input type="hidden" name="t" value="${view.token}">
  <label for="passcode">Passcode</label>
  <input id="passcode" name="passcode" type="password" required autocomplete="off" autocapitalize="off" spellcheck="false" maxlength="128">
  <button class="button button-primary" type="submit">Open</button>
</form>
</main>`,
  });
}
