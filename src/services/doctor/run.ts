// The doctor's walk through an install, step by step as iOS makes it: Safari opens the page, the
// install daemon fetches the manifest, then the package and the icons (no cookies, its own agent).
// Each origin's TLS is probed once; every answer is judged by core/doctor; nothing is downloaded
// whole (the package is read through Range requests by the core zip reader).
import {
  buildReport,
  checkIcon,
  checkLink,
  checkManifest,
  checkPackageFacts,
  checkPackageHttp,
  checkRedirects,
  checkTls,
  classifyInput,
  daysLeft,
  finding,
  ICON_SIZES,
  installLinksOf,
  looksLikeManifest,
  packageSize,
  type DoctorReport,
  type DoctorStep,
  type Finding,
  type HttpTrace,
  type PackageProbe,
  type PackageSummary,
  type TlsFacts,
  type TlsSummary,
} from '../../core/doctor/index.js';
import { OtashipError } from '../../core/errors.js';
import { inspectArchive } from '../../core/inspect/index.js';
import { MAX_MANIFEST_BYTES, type Manifest } from '../../core/manifest/index.js';
import { openZipSource } from '../../core/zip/open.js';
import { DoctorHttp, FetchFailure, type RequestSpec } from './http.js';
import { HttpRangeSource } from './range-source.js';
import { probeTls } from './tls-probe.js';
import { INSTALLER_HEADERS, SAFARI_HEADERS } from './user-agents.js';

export interface DoctorOptions {
  /** PEM of a private CA the phones are to trust (--ca). */
  caPem?: string | null;
  /** A device UDID to look for in the package's profile (--udid). */
  udid?: string | null;
  /** Per request (default 15 s). */
  timeoutMs?: number;
  now?: () => number;
}

const PAGE_BYTES = 4 * 1024 * 1024;
const ICON_BYTES = 4 * 1024 * 1024;
/** The first bytes of the package, asked with Range: enough to see a zip header. */
const PROBE_RANGE = 'bytes=0-1023';

/** Is `input` installable? Throws BAD_LINK (exit 2) only when there is nothing to check. */
export async function runDoctor(input: string, options: DoctorOptions = {}): Promise<DoctorReport> {
  const run = new DoctorRun(options);
  try {
    return await run.start(input);
  } finally {
    run.http.close();
  }
}

class DoctorRun {
  readonly http: DoctorHttp;
  private readonly findings: Finding[] = [];
  private readonly tls = new Map<string, TlsFacts | null>();
  private readonly now: () => number;
  private pageUrl: string | null = null;
  private link: string | null = null;
  private manifestUrl: string | null = null;
  private pkg: PackageSummary | null = null;

  constructor(private readonly options: DoctorOptions) {
    this.http = new DoctorHttp({ timeoutMs: options.timeoutMs ?? 15_000 });
    this.now = options.now ?? Date.now;
  }

  async start(arg: string): Promise<DoctorReport> {
    const input = classifyInput(arg);
    if (input.kind === 'link') {
      await this.fromLink(input.link);
    } else {
      const first = await this.fetch(input.url, 'page', { headers: SAFARI_HEADERS, maxBytes: Math.max(PAGE_BYTES, MAX_MANIFEST_BYTES + 1) });
      if (first) {
        if (first.final.status === 200 && looksLikeManifest(first.final, first.body)) {
          await this.manifestStep(input.url);
        } else {
          await this.fromPage(input.url, first);
        }
      }
    }
    return buildReport(
      {
        input: arg,
        pageUrl: this.pageUrl,
        link: this.link,
        manifestUrl: this.manifestUrl,
        package: this.pkg,
        tls: [...this.tls.entries()].map(([origin, t]) => this.tlsSummary(origin, t)),
        requests: this.http.requests,
      },
      this.findings,
    );
  }

  private async fromPage(url: string, page: HttpTrace): Promise<void> {
    this.pageUrl = url;
    if (page.final.status !== 200) {
      this.findings.push(finding('PAGE_STATUS', 'page', url, `The page answers ${page.final.status} to Safari`));
      return;
    }
    const links = installLinksOf(page.body.toString('utf8'));
    if (links.length === 0) throw new OtashipError('BAD_LINK', `${url} is neither a manifest nor a page with an itms-services install link`);
    if (links.length > 1) this.findings.push(finding('SEVERAL_LINKS', 'page', url, `The page holds ${links.length} install links`));
    await this.fromLink(links[0] as string);
  }

  private async fromLink(link: string): Promise<void> {
    this.link = link;
    const judged = checkLink(link, this.pageUrl);
    this.findings.push(...judged.findings);
    if (judged.manifestUrl) await this.manifestStep(judged.manifestUrl);
  }

  private async manifestStep(url: string): Promise<void> {
    this.manifestUrl = url;
    const trace = await this.fetch(url, 'manifest', { headers: INSTALLER_HEADERS, maxBytes: MAX_MANIFEST_BYTES + 1 });
    if (!trace) return;
    const { findings, manifest } = checkManifest(trace);
    this.findings.push(...findings);
    if (!manifest) return;
    const item = manifest.items[0];
    const pkgAsset = item?.assets.find((a) => a.kind === 'software-package');
    if (pkgAsset && /^https?:\/\//i.test(pkgAsset.url)) await this.packageStep(pkgAsset.url, manifest);
    for (const asset of item?.assets ?? []) {
      if (ICON_SIZES[asset.kind] !== undefined && /^https?:\/\//i.test(asset.url)) {
        const icon = await this.fetch(asset.url, 'icon', { headers: INSTALLER_HEADERS, maxBytes: ICON_BYTES });
        if (icon) this.findings.push(...checkIcon(asset.kind, icon));
      }
    }
  }

  private async packageStep(url: string, manifest: Manifest): Promise<void> {
    const range = await this.fetch(url, 'package', { headers: { ...INSTALLER_HEADERS, range: PROBE_RANGE }, maxBytes: 0 });
    if (!range) return;
    const final = range.final.url;
    const ok = range.final.status === 200 || range.final.status === 206;
    const plain = ok ? (await this.quiet(() => this.http.once(final, { headers: INSTALLER_HEADERS, maxBytes: 0 })))?.answer ?? null : null;
    const validator = plain?.headers['etag'] ?? plain?.headers['last-modified'] ?? null;
    let staleIfRange = null;
    if (range.final.status === 206 && validator) {
      // An If-Range that matches nothing the server has: a correct server answers 200 (the whole file).
      const stale = validator.startsWith('W/') || validator.startsWith('"') ? '"otaship-doctor-stale"' : 'Thu, 01 Jan 1998 00:00:00 GMT';
      staleIfRange = (await this.quiet(() => this.http.once(final, { headers: { ...INSTALLER_HEADERS, range: 'bytes=0-0', 'if-range': stale }, maxBytes: 0 })))?.answer ?? null;
    }
    const probe: PackageProbe = { range, plain, staleIfRange };
    this.findings.push(...checkPackageHttp(probe, this.now()));
    const size = packageSize(probe);
    this.pkg = { url, size, bundleId: null, version: null, build: null, profileType: null, bytesRead: 0 };
    if (!ok) return;
    if (range.final.status !== 206 || size === null) {
      this.findings.push(finding('PACKAGE_NOT_INSPECTED', 'package', url, 'The package was not read: it does not answer Range requests'));
      return;
    }
    await this.inspectRemote(url, final, size, validator, manifest);
  }

  /** Reads the package's directory, Info.plist, profile and icon with Range requests: the core inspector on a remote source. */
  private async inspectRemote(url: string, final: string, size: number, validator: string | null, manifest: Manifest): Promise<void> {
    // Weak ETags may not be used in If-Range (RFC 9110 §13.1.5): pin only to a strong one.
    const source = new HttpRangeSource(this.http, final, validator && !validator.startsWith('W/') ? validator : null);
    try {
      const archive = await openZipSource(source, url, size);
      try {
        const info = await inspectArchive(archive, size, undefined, this.now());
        const summary = this.pkg as PackageSummary;
        summary.bundleId = info.bundleId;
        summary.version = info.version;
        summary.build = info.build;
        summary.profileType = info.profile?.type ?? null;
        this.findings.push(...checkPackageFacts(manifest, info, url, this.now(), this.options.udid ?? null));
      } finally {
        await archive.close();
      }
    } catch (err) {
      if (err instanceof FetchFailure) this.findings.push(finding(err.kind === 'timeout' ? 'TIMEOUT' : 'UNREACHABLE', 'package', url, err.message));
      else if (err instanceof OtashipError) this.findings.push(finding('PACKAGE_UNREADABLE', 'package', url, `${err.message} (${err.code})`));
      else throw err;
    } finally {
      (this.pkg as PackageSummary).bytesRead = source.bytesRead;
    }
  }

  /** A traced request with every new https origin's TLS probed and every redirect judged; null when unreachable. */
  private async fetch(url: string, step: DoctorStep, spec: RequestSpec): Promise<HttpTrace | null> {
    await this.probeOrigin(url, step);
    let trace: HttpTrace;
    try {
      trace = await this.http.trace(url, spec);
    } catch (err) {
      if (!(err instanceof FetchFailure)) throw err;
      this.findings.push(finding(err.kind === 'timeout' ? 'TIMEOUT' : 'UNREACHABLE', step, err.url, err.message));
      return null;
    }
    for (const hop of trace.hops.slice(1)) await this.probeOrigin(hop.url, step);
    if (trace.final.status >= 300 && trace.final.status < 400 && trace.final.headers['location']) {
      this.findings.push(finding('TOO_MANY_REDIRECTS', step, url, `Still redirected after ${trace.hops.length - 1} redirects from ${url}`));
    }
    this.findings.push(...checkRedirects(trace, step));
    return trace;
  }

  private async probeOrigin(url: string, step: DoctorStep): Promise<void> {
    const u = new URL(url);
    if (this.tls.has(u.origin)) return;
    if (u.protocol !== 'https:') {
      this.tls.set(u.origin, null);
      return;
    }
    const facts = await probeTls(u.origin, { caPem: this.options.caPem ?? null, timeoutMs: this.options.timeoutMs ?? 15_000 });
    this.tls.set(u.origin, facts);
    this.findings.push(...checkTls(facts, step, url, this.now()));
  }

  /** A request whose failure is not a finding of its own (the main request already judged reachability). */
  private async quiet<T>(fn: () => Promise<T>): Promise<T | null> {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof FetchFailure) return null;
      throw err;
    }
  }

  private tlsSummary(origin: string, t: TlsFacts | null): TlsSummary {
    if (!t) return { origin, protocol: null, cipher: null, daysLeft: null };
    const negotiated = t.ats.ok ? t.ats : t.fallback;
    return { origin, protocol: negotiated?.protocol ?? null, cipher: negotiated?.cipher ?? null, daysLeft: daysLeft(t, this.now()) };
  }
}
