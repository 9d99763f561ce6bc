// Schemas of the device routes (routes/api/devices.ts).
import { API_AUTH, TAG, arrayOf, bool, dateTime, empty, errors, idParams, json, jsonBody, nullable, nullableStr, obj, oneOfValues, str, text } from './common.js';

/** A device's fields (also the base of a tester's device, schemas/testers.ts). */
export const deviceProperties = {
  id: str(),
  udid: str(),
  product: str('Model identifier, e.g. iPhone15,2'),
  version: str('OS version'),
  serial: nullableStr(),
  deviceName: nullableStr(),
  label: nullableStr("The admin's name for it"),
  platform: oneOfValues(['ios', 'mac'], "Apple's device platform for the bulk upload"),
  firstRegisteredAt: dateTime(),
  lastRegisteredAt: dateTime(),
  reviewed: bool('False until an admin reviewed the device'),
  personId: nullableStr('The person who registered it while signed in'),
  pendingClaim: nullable(
    obj(
      { product: str(), version: str(), serial: nullableStr(), deviceName: nullableStr(), at: dateTime() },
      [],
      'What a later registration of this UDID reported; applied only when an admin accepts it',
    ),
  ),
};

export const Device = obj(deviceProperties);

export const listDevices = {
  summary: 'List registered devices',
  tags: [TAG.devices],
  security: API_AUTH,
  response: { 200: json(obj({ items: arrayOf(Device) }), 'The devices'), ...errors(401, 403, 429) },
};

export const deviceList = {
  summary: "Apple's bulk device file (Register Multiple Devices in the developer portal)",
  tags: [TAG.devices],
  security: API_AUTH,
  response: { 200: text('Tab-separated: Device ID, Device Name, Device Platform'), ...errors(401, 403, 429) },
};

export const updateDevice = {
  summary: 'Label a device, or review it (keep its facts or accept its pending claim)',
  tags: [TAG.devices],
  security: API_AUTH,
  params: idParams('id'),
  body: jsonBody({
    label: { type: ['string', 'null'], description: 'At most 100 characters on one line; null or "" removes it' },
    review: oneOfValues(['keep', 'accept'], '"keep" the stored facts or "accept" the pending claim'),
  }),
  response: { 200: json(Device, 'The device as changed'), ...errors(400, 401, 403, 404, 429) },
};

export const deleteDevice = {
  summary: 'Remove a registered device',
  tags: [TAG.devices],
  security: API_AUTH,
  params: idParams('id'),
  response: { 204: empty('Removed'), ...errors(400, 401, 403, 404, 429) },
};
