// `otaship link <manifest-url>`: prints the itms-services install link for a manifest URL. The link is
// judged as `otaship lint` judges it: a problem lint calls an error (a .ipa instead of a manifest, a
// localhost host) means the link cannot install on any phone, so it exits 2 and prints no link. Only
// an http URL allowed with --allow-http stays a note. Warnings are notes on stderr (exit 0).
import type { Command } from 'commander';

export function register(program: Command): void {
  program
    .command('link')
    .description('Print the itms-services install link for a manifest URL')
    .argument('<manifest-url>', 'absolute https:// URL of the manifest (.plist)')
    .option('--allow-http', 'accept an http:// manifest URL (local testing only: iOS refuses it)')
    .addHelpText(
      'after',
      '\nExample:\n' +
        "  $ otaship link 'https://ota.example.com/apps/demo/42/manifest.plist?token=a+b&exp=1700000000'\n" +
        '\nThe manifest URL is percent-encoded once, so its own &, + and % survive. A link no phone could\n' +
        'install from (a .ipa instead of the manifest, a localhost host) exits 2 and prints no link;\n' +
        'warnings go to stderr as notes.',
    )
    .action(async (manifestUrl: string, options: { allowHttp?: boolean }) => {
      // build.js and lint.js only: the HTML scanner behind index.js is not needed here.
      const { buildInstallLink } = await import('../../core/link/build.js');
      const { lintInstallLink } = await import('../../core/link/lint.js');
      const { OtashipError } = await import('../../core/errors.js');
      const { terminalSafe } = await import('../terminal-text.js');
      const allowHttp = options.allowHttp === true;
      const link = buildInstallLink(manifestUrl, { allowHttp });
      const problems = lintInstallLink(link).problems;
      const allowed = (code: string): boolean => allowHttp && code === 'url-not-https';
      const errors = problems.filter((p) => p.severity === 'error' && !allowed(p.code));
      if (errors.length > 0) {
        // The URL is already absolute https (buildInstallLink refused anything else): the catalogue's
        // "give an https URL" would ask for what was given, so say what does help.
        throw new OtashipError('BAD_URL', `No install link for "${manifestUrl}": ${errors.map((p) => `${p.message} (${p.code})`).join('; ')}`, {
          hint: 'Fix what is named above at the server that serves the manifest, then run this again.',
        });
      }
      process.stdout.write(`${link}\n`);
      for (const p of problems) {
        const severity = allowed(p.code) ? 'warning' : p.severity;
        process.stderr.write(`note: ${severity} ${p.code}: ${terminalSafe(p.message)}\n`);
      }
    });
}
