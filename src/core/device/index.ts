// UDID collection (ota-notes §6): the Profile Service .mobileconfig, and reading the device's answer.
export { buildProfileServiceConfig, profileServiceIdentifier, DEVICE_ATTRIBUTES } from './profile-service.js';
export type { ProfileServiceOptions } from './profile-service.js';
export { readDeviceResponse } from './device-response.js';
export type { DeviceAttributes } from './device-response.js';
export { canonicalUdid, applePlatform } from './udid.js';
