// Checks on the manifest URL itself, once it parses as an absolute URL: https, a host a phone can
// reach, no credentials, and a path that names a manifest rather than a package.
import { classifyHost } from './host.js';
import { problem, type LinkProblem } from './problems.js';

const PACKAGE_EXTENSIONS = new Set(['ipa', 'apk', 'aab', 'apks', 'xapk', 'zip']);
const NOT_MANIFEST_EXTENSIONS = new Set([
  'html', 'htm', 'json', 'txt', 'md', 'mobileconfig', 'mobileprovision', 'png', 'jpg', 'jpeg', 'gif', 'svg',
]);

/** `fixable` is false when no rewrite of the link can help (the URL names a package). */
export function manifestUrlProblems(parsed: URL): { problems: LinkProblem[]; fixable: boolean } {
  const problems: LinkProblem[] = [];
  let fixable = true;
  if (parsed.protocol !== 'https:') {
    problems.push(
      problem(
        'url-not-https',
        parsed.protocol === 'http:'
          ? 'The manifest URL uses http:, which iOS refuses since 7.1: serve the manifest over https:// with a ' +
              'trusted certificate'
          : `The manifest URL uses ${parsed.protocol} instead of https:: serve the manifest over https://`,
      ),
    );
  }
  if (parsed.hostname !== '') {
    const reach = classifyHost(parsed.hostname);
    if (reach === 'unreachable') {
      problems.push(
        problem(
          'host-unreachable',
          `The manifest host "${parsed.hostname}" is this computer, not one a phone can reach: use the server's ` +
            'public https:// origin',
        ),
      );
    } else if (reach === 'private') {
      problems.push(
        problem(
          'host-private-network',
          `The manifest host "${parsed.hostname}" is reachable only on its own network (Wi-Fi/VPN), and its ` +
            'certificate must be trusted on the device: use a public https:// origin for testers elsewhere',
        ),
      );
    }
  }
  if (parsed.username !== '' || parsed.password !== '') {
    problems.push(
      problem(
        'url-has-credentials',
        'The manifest URL holds user:password@: the install daemon prompts again for every asset and the ' +
          'password leaks into logs. Use a signed, expiring token in the URL instead',
      ),
    );
  }
  const lastSegment = parsed.pathname.split('/').pop() ?? '';
  const dot = lastSegment.lastIndexOf('.');
  const extension = dot > 0 ? lastSegment.slice(dot + 1).toLowerCase() : '';
  if (PACKAGE_EXTENSIONS.has(extension)) {
    fixable = false;
    problems.push(
      problem(
        'url-is-package',
        extension === 'ipa' || extension === 'zip'
          ? `url points at the package ("${lastSegment}") instead of a manifest: iOS needs the manifest .plist ` +
              'that lists the .ipa (`otaship manifest` writes one)'
          : `url points at an Android package ("${lastSegment}"): Android installs by a plain https:// download ` +
              'of the .apk, not through itms-services',
      ),
    );
  } else if (NOT_MANIFEST_EXTENSIONS.has(extension)) {
    problems.push(
      problem(
        'url-unexpected-extension',
        `url ends in ".${extension}", which is not a manifest: point it at the manifest .plist`,
      ),
    );
  }

  return { problems, fixable };
}
