// The devices an app's builds should include: those its testers (people with a role on it, directly
// or through a group, not disabled) registered while signed in, and which of them the app's latest
// build's provisioning profile leaves out (its ProvisionedDevices, kept by inspection), exported in
// the file Apple's developer portal imports. For the app's managers (authz.ts, app:devices).
import { OtashipError } from '../core/errors.js';
import type { ProfileType } from '../core/types.js';
import type { ReleaseRecord, Repositories } from '../ports/repositories.js';
import { authorize } from './authz.js';
import { appleDeviceFile, deviceJson, type DeviceJson } from './devices.js';
import { isId } from './ids.js';
import type { Principal } from './principal.js';

export interface MissingDevicesJson {
  /** The build compared against: the app's latest, or null when it has none yet. */
  release: { id: string; version: string | null; build: string; profileName: string | null; profileType: ProfileType | null } | null;
  /** Testers' devices the build's profile does not list (all of them when there is no build or profile). */
  items: Array<DeviceJson & { person: { id: string; email: string; name: string } }>;
}

export class TesterDevices {
  constructor(private readonly repos: Pick<Repositories, 'apps' | 'releases' | 'personInstalls'>) {}

  async missing(principal: Principal, appId: string): Promise<MissingDevicesJson> {
    const app = isId(appId) ? await this.repos.apps.get(appId) : null;
    if (!app) throw new OtashipError('NOT_FOUND', `app ${appId.slice(0, 64)} does not exist`);
    authorize(principal, 'app:devices', { appId: app.id, label: `app ${app.bundleId}`, ref: `app ${appId}` });
    if (app.platform !== 'ios') {
      throw new OtashipError('VALIDATION', `${app.name} is an Android app: its builds install on any device, no device list applies`);
    }
    const release = await this.repos.releases.latest(app.id);
    const profile = release?.info.kind === 'ipa' ? release.info.profile : null;
    const testers = await this.repos.personInstalls.testerDevices(app.id);
    // UDIDs are hex: profiles and devices may spell them in different case.
    const provisioned = new Set(profile?.devices.map((u) => u.toLowerCase()) ?? []);
    const missing = profile?.provisionsAllDevices ? [] : testers.filter((t) => !provisioned.has(t.device.udid.toLowerCase()));
    return {
      release: release ? releaseRef(release, profile) : null,
      items: missing.map((t) => ({ ...deviceJson(t.device), person: t.person })),
    };
  }

  /**
   * The missing devices as Apple's "register multiple devices" file (tab-separated Device ID, Device
   * Name, Device Platform). The name says whose device it is, so the portal list stays readable.
   */
  async missingExport(principal: Principal, appId: string): Promise<string> {
    const { items } = await this.missing(principal, appId);
    return appleDeviceFile(items.map((d) => ({ udid: d.udid, name: `${d.label ?? d.deviceName ?? d.product} (${d.person.email})`, product: d.product })));
  }
}

function releaseRef(release: ReleaseRecord, profile: { name: string; type: ProfileType } | null): NonNullable<MissingDevicesJson['release']> {
  return { id: release.id, version: release.version, build: release.build, profileName: profile?.name ?? null, profileType: profile?.type ?? null };
}
