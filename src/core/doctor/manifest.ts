// The manifest as the install daemon fetches it: a 200 (not a redirect), text/xml or
// application/xml, uncompressed, and a plist that passes the core validator (Apple's schema, the
// XML declaration, absolute https URLs).
import { analyseManifest, type Manifest } from '../manifest/index.js';
import type { HttpTrace } from './facts.js';
import { finding, type Finding } from './findings.js';

const LOCAL_CODES = new Set(['URL_LOOPBACK', 'URL_PRIVATE_NETWORK']);

/** The host of the asset a problem path (items[0].assets[N].url) names. */
function assetHost(manifest: Manifest | null, path: string | undefined): string | null {
  const m = /^items\[(\d+)\]\.assets\[(\d+)\]\.url$/.exec(path ?? '');
  const asset = m && manifest?.items[Number(m[1])]?.assets[Number(m[2])];
  if (!asset) return null;
  try {
    return new URL(asset.url).host;
  } catch {
    return null;
  }
}

const XML_TYPES = /^(text|application)\/xml\b/i;
const MAX_REASON = 300;

/**
 * The reason a refusal gives in a JSON body (`{"error": {"message"}}`, as otaship and many APIs
 * answer), so the report names it: a 400 alone does not say that, e.g., the server refuses to serve
 * manifests from an http public URL. Any other body gives nothing; the text is cut to one short line.
 */
function refusalReason(body: Buffer): string | null {
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    const error = (parsed as { error?: unknown } | null)?.error;
    const message = typeof error === 'string' ? error : (error as { message?: unknown } | null)?.message;
    if (typeof message !== 'string' || !message.trim()) return null;
    const line = message.replace(/\s+/g, ' ').trim();
    return line.length > MAX_REASON ? `${line.slice(0, MAX_REASON)}…` : line;
  } catch {
    return null;
  }
}

export interface ManifestJudgement {
  findings: Finding[];
  /** The typed manifest when it could be read, for the package and icon steps. */
  manifest: Manifest | null;
}

export function checkManifest(trace: HttpTrace): ManifestJudgement {
  const url = trace.hops[0]?.url ?? trace.final.url;
  const out: Finding[] = [];
  const { status, headers } = trace.final;
  if (new URL(url).protocol !== 'https:') out.push(finding('MANIFEST_NOT_HTTPS', 'manifest', url, `The manifest URL is ${new URL(url).protocol.slice(0, -1)}, not https`));
  if (trace.hops.length > 1) out.push(finding('MANIFEST_REDIRECTED', 'manifest', url, `The manifest URL answers with a redirect to ${trace.final.url}`));
  if (status !== 200) {
    const reason = refusalReason(trace.body);
    const says = reason ? `; the server says: ${reason}` : '';
    out.push(finding('MANIFEST_STATUS', 'manifest', url, `The manifest URL answers ${status} to a request without cookies${says}`));
    return { findings: out, manifest: null };
  }
  if (trace.truncated) {
    out.push(finding('RESPONSE_TOO_LARGE', 'manifest', url, `The manifest URL serves more than ${trace.body.length} bytes: not a manifest`));
    return { findings: out, manifest: null };
  }
  const type = headers['content-type'] ?? '';
  if (!XML_TYPES.test(type)) out.push(finding('MANIFEST_CONTENT_TYPE', 'manifest', url, `The manifest is served as ${type || 'no Content-Type'}, not text/xml`));
  const encoding = headers['content-encoding'];
  if (encoding && encoding !== 'identity') {
    out.push(finding('MANIFEST_COMPRESSED', 'manifest', url, `The manifest is served with Content-Encoding: ${encoding} (a proxy compressing it)`));
  }
  const analysis = analyseManifest(trace.body);
  const ownHost = new URL(url).host;
  for (const p of analysis.problems) {
    const where = p.path ? `${p.path}: ` : '';
    // A loopback or private URL on the manifest's own host: the doctor was pointed at a local
    // deployment on purpose and reached it; every other check still runs. Another host stays an error.
    if (LOCAL_CODES.has(p.code) && assetHost(analysis.manifest, p.path) === ownHost) {
      out.push(finding('LOCAL_HOST', 'manifest', url, `${where}${p.message} (${p.code})`));
      continue;
    }
    out.push(finding(p.severity === 'error' ? 'MANIFEST_INVALID' : 'MANIFEST_WEAK', 'manifest', url, `${where}${p.message} (${p.code})`));
  }
  return { findings: out, manifest: analysis.manifest };
}
