// "Check this release": the server runs the doctor against its own public install page for one
// release, as a phone would reach it (through any proxy in front). The URL is built from the
// configured public origin, never from the request, so this cannot be aimed at another host.
// One run per release at a time: a second request while one runs shares its result.
import type { DoctorReport } from '../../core/doctor/index.js';
import { OtashipError } from '../../core/errors.js';
import { authorize } from '../authz.js';
import type { Principal, Services } from '../index.js';
import { runDoctor } from './run.js';

const running = new Map<string, Promise<DoctorReport>>();

/** Per request: a server checking itself should get answers fast; a stuck proxy should not hold the admin. */
const SERVER_TIMEOUT_MS = 10_000;

export async function checkRelease(services: Services, principal: Principal, releaseId: string, caPem: string | null): Promise<DoctorReport> {
  const { app, release } = await services.catalog.getRelease(principal, releaseId);
  // Reading is not enough: a run makes the server send requests, so a tester may not start one.
  authorize(principal, 'release:check', { appId: app.id, label: `app ${app.bundleId}`, ref: `release ${releaseId.slice(0, 64)}` });
  const links = services.urls.release(release, app);
  if (!links.manifestUrl) {
    throw new OtashipError('BAD_LINK', 'The doctor checks iOS over-the-air installs; this release is an Android package (a plain download)');
  }
  const key = release.id;
  let run = running.get(key);
  if (!run) {
    run = runDoctor(links.installPageUrl, { caPem, timeoutMs: SERVER_TIMEOUT_MS }).finally(() => running.delete(key));
    running.set(key, run);
  }
  return run;
}
