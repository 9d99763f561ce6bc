// "Publish from a build machine": copy-paste commands that fetch this server's own CLI
// (GET /cli/otaship.mjs, /cli/otaship.tgz, see server/routes/cli.ts) with the server's public URL
// filled in, so a pipeline needs nothing but Node and a token.
import { html, type SafeHtml } from './html.js';

export interface CliSnippet {
  label: string;
  command: string;
}

export function cliSnippets(publicUrl: string): CliSnippet[] {
  const base = publicUrl.replace(/\/+$/, '');
  const flags = `--server ${base} --token "$OTASHIP_TOKEN"`;
  return [
    { label: 'One file, plain Node 22+ (no npm install)', command: `curl -fsSLo otaship.mjs ${base}/cli/otaship.mjs\nnode otaship.mjs publish build/App.ipa ${flags}` },
    { label: 'npx', command: `npx -y ${base}/cli/otaship.tgz publish build/App.ipa ${flags}` },
    { label: 'Install globally', command: `npm install -g ${base}/cli/otaship.tgz\notaship publish app-release.apk ${flags}` },
  ];
}

export function cliSnippetsSection(publicUrl: string): SafeHtml {
  return html`<section class="card cli-snippets" id="cli-snippets">
  <h2>Publish from a build machine</h2>
  <p class="muted">This server hands out its own CLI (same version). Put a token in the pipeline's secret <code>OTASHIP_TOKEN</code>, then:</p>
  ${cliSnippets(publicUrl).map(
    (s) => html`<div class="snippet"><p>${s.label}</p><pre><code>${s.command}</code></pre><button type="button" class="button button-small" data-action="copy" data-copy="${s.command}">Copy</button></div>`,
  )}
</section>`;
}
