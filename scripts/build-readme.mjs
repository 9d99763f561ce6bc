// Assembles README.md from docs/readme/*.md: the header, each area's section, the footer.
// Each area's author keeps its own file; `test/readme.test.ts` fails when README.md is stale.
import { readFileSync, writeFileSync } from 'node:fs';

export const ORDER = ['link', 'manifest', 'inspect', 'apk', 'server', 'webhooks', 'web', 'devices', 'publish-and-tls', 'ci', 'storage', 'scale', 'bench-server'];

export function assembleReadme() {
  const part = (name) => readFileSync(`docs/readme/${name}.md`, 'utf8').trim();
  return [part('_header'), ...ORDER.map(part), part('_footer')].join('\n\n') + '\n';
}

if (import.meta.url === `file://${process.argv[1]}`) {
  writeFileSync('README.md', assembleReadme());
  console.log('README.md written');
}
