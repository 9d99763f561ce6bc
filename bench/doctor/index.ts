// Doctor benchmark: `otaship doctor` on a manifest whose package is a large generated IPA (2.1 GiB,
// zip64; 300 MiB with --quick) and one with 30,000 entries, served over loopback TLS by a correct
// static server. The doctor reads the package through Range requests (central directory, Info.plist,
// profile, icon), so what it reads must stay far under 1 MiB of a multi-GB file. Reference: one plain
// download of the same package over the same connection, measured in the same run.
import { createServer } from 'node:https';
import { mkdirSync, writeFileSync, symlinkSync, rmSync, existsSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { inspect } from '../../src/core/inspect/index.js';
import { buildManifest } from '../../src/core/manifest/index.js';
import { runDoctor } from '../../src/services/doctor/index.js';
import { makeCa, makeLeaf } from '../../test/helpers/doctor-pki.js';
import { staticHandler } from '../../test/helpers/doctor-site.js';
import { generateBenchIpas } from '../inspect/generate.js';
import { benchProfile } from '../inspect/profile.js';
import { fmtMs, median, table } from '../lib/stats.js';

const KiB = 1024;

/** Time to download the whole file once over the same TLS server (the reference). */
function downloadMs(url: string, ca: string): Promise<number> {
  const start = performance.now();
  return new Promise((resolve, reject) => {
    request(url, { ca }, (res) => {
      res.on('data', () => undefined);
      res.on('end', () => resolve(performance.now() - start));
      res.on('error', reject);
    })
      .on('error', reject)
      .end();
  });
}

export async function runDoctorBench(opts: { quick: boolean; dir?: string }): Promise<string[]> {
  const dir = opts.dir ?? join(tmpdir(), 'otaship-bench');
  const ipas = (await generateBenchIpas(dir, await benchProfile(), opts.quick)).filter((i) => /zip64|30,000/.test(i.label));
  const root = join(dir, 'doctor-site');
  rmSync(root, { recursive: true, force: true });
  mkdirSync(root, { recursive: true });
  const ca = await makeCa('Bench CA');
  const leaf = await makeLeaf({ issuer: ca });
  const handler = staticHandler(root);
  const server = createServer({ cert: leaf.certPem, key: leaf.keyPem }, (req, res) => void handler(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const rows = [['package', 'size', 'doctor (median)', 'bytes read', 'share read', 'full download', 'findings (error/warning)']];
  const runs = opts.quick ? 3 : 7;
  try {
    for (const [i, ipa] of ipas.entries()) {
      const name = `p${i}.ipa`;
      if (!existsSync(join(root, name))) symlinkSync(ipa.path, join(root, name));
      const info = await inspect(ipa.path);
      if (info.kind !== 'ipa') throw new Error(`${ipa.path} is not an IPA`);
      const manifest = buildManifest({
        package: info,
        urls: { softwarePackage: `${origin}/${name}` },
      });
      writeFileSync(join(root, `p${i}.plist`), manifest);
      const times: number[] = [];
      let bytesRead = 0;
      let problems = '';
      for (let r = 0; r < runs; r++) {
        const start = performance.now();
        const report = await runDoctor(`${origin}/p${i}.plist`, { caPem: ca.certPem });
        times.push(performance.now() - start);
        bytesRead = report.package?.bytesRead ?? -1;
        problems = report.findings.filter((f) => f.severity !== 'info').map((f) => f.code).join(', ') || 'none';
      }
      const full = await downloadMs(`${origin}/${name}`, ca.certPem);
      rows.push([
        ipa.label,
        `${(ipa.bytes / 1024 / 1024).toFixed(0)} MiB`,
        fmtMs(median(times)),
        `${(bytesRead / KiB).toFixed(1)} KiB`,
        `${((bytesRead / ipa.bytes) * 100).toFixed(4)} %`,
        fmtMs(full),
        problems,
      ]);
    }
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
  return ['## doctor: judging a remote package by Range requests (loopback TLS)', '', table(rows)];
}
