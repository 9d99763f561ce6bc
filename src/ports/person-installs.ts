// Per-person installs and devices of people: the database contract for a signed-in tester's install
// links (who fetched which build's manifest and package) and for the devices people registered.
// Implemented once (db/person-installs.ts) for SQLite and PostgreSQL.
import type { DeviceRecord } from './repositories.js';

export type PersonInstallEvent = 'manifest' | 'download';

export interface PersonInstallRecord {
  releaseId: string;
  personId: string;
  email: string;
  name: string;
  manifestFetches: number;
  downloads: number;
  firstAt: Date;
  lastAt: Date;
}

export interface TesterDeviceRecord {
  device: DeviceRecord;
  person: { id: string; email: string; name: string };
}

export interface PersonInstallRepository {
  /** Adds one manifest fetch or download start of the release by the person (one row per pair). */
  count(releaseId: string, personId: string, event: PersonInstallEvent, at: Date): Promise<void>;
  /** Who fetched the release, most recent first. */
  forRelease(releaseId: string): Promise<PersonInstallRecord[]>;
  /** Makes the registered device (by UDID) the person's. */
  attachDevice(udid: string, personId: string): Promise<void>;
  /**
   * Devices of the people with a role on the app (directly or through a group), who are not
   * disabled: the devices its builds should include. Oldest registration first.
   */
  testerDevices(appId: string): Promise<TesterDeviceRecord[]>;
}
