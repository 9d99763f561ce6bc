// `otaship link <manifest-url>`: prints the itms-services install link for a manifest URL.
// Problems the link would still have on a phone (a localhost or private host, an http URL allowed
// for local tests) are noted on stderr; they do not change the exit code.
import type { Command } from 'commander';

export function register(program: Command): void {
  program
    .command('link')
    .description('Print the itms-services install link for a manifest URL')
    .argument('<manifest-url>', 'absolute https:// URL of the manifest (.plist)')
    .option('--allow-http', 'accept an http:// manifest URL (local testing only: iOS refuses it)')
    .action(async (manifestUrl: string, options: { allowHttp?: boolean }) => {
      // build.js and lint.js only: the HTML scanner behind index.js is not needed here.
      const { buildInstallLink } = await import('../../core/link/build.js');
      const { lintInstallLink } = await import('../../core/link/lint.js');
      const { terminalSafe } = await import('../terminal-text.js');
      const link = buildInstallLink(manifestUrl, { allowHttp: options.allowHttp === true });
      process.stdout.write(`${link}\n`);
      for (const p of lintInstallLink(link).problems) {
        process.stderr.write(`note: ${p.severity} ${p.code}: ${terminalSafe(p.message)}\n`);
      }
    });
}
