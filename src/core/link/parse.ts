// Parses an itms-services link the way iOS does (see split.ts). Strict: anything that is not an
// itms-services link, or cannot be decoded, is refused; `lintInstallLink` explains such links instead.
import { OtashipError } from '../errors.js';
import { splitLink } from './split.js';

export interface InstallLinkParam {
  readonly key: string;
  readonly value: string;
}

export interface ParsedInstallLink {
  /** The scheme as written (normally "itms-services"). */
  readonly scheme: string;
  /** The first action parameter, decoded once; null when absent. */
  readonly action: string | null;
  /** The first url parameter, decoded once ('+' stays '+'); null when absent. */
  readonly url: string | null;
  /** Every parameter in order, decoded once. */
  readonly params: readonly InstallLinkParam[];
}

export function parseInstallLink(link: string): ParsedInstallLink {
  const text = link.trim();
  const split = splitLink(text);
  if (!split || split.scheme.toLowerCase() !== 'itms-services') {
    throw new OtashipError(
      'BAD_LINK',
      `"${text.slice(0, 80)}" is not an itms-services link (run \`otaship lint\` on it to see why)`,
    );
  }
  const undecodable = split.params.find((p) => !p.decodable);
  if (undecodable) {
    throw new OtashipError(
      'BAD_LINK',
      `The parameter "${undecodable.rawKey}" holds a % that is not followed by two hex digits`,
    );
  }
  const params = split.params.map((p) => ({ key: p.key, value: p.value }));
  return {
    scheme: split.scheme,
    action: params.find((p) => p.key === 'action')?.value ?? null,
    url: params.find((p) => p.key === 'url')?.value ?? null,
    params,
  };
}
