// Schemas of the testers' side routes (routes/api/testers.ts): per-person installs of a release, and
// an app's testers' devices missing from its latest build.
import { deviceProperties } from './devices.js';
import { API_AUTH, TAG, arrayOf, dateTime, errors, idParams, int, json, nullable, nullableStr, obj, oneOfValues, str, text } from './common.js';

const PersonInstall = obj({
  personId: str(),
  email: str(),
  name: str(),
  manifestFetches: int('Manifest fetches through their install links (iOS)'),
  downloads: int('Package download starts through their install links'),
  firstAt: dateTime(),
  lastAt: dateTime(),
});

export const releaseInstalls = {
  summary: 'Who installed a release (signed-in testers, per person)',
  description:
    "Counts of the install links minted for signed-in people (their per-person tokens). The app's managers and admins.",
  tags: [TAG.releases],
  security: API_AUTH,
  params: idParams('id'),
  response: { 200: json(obj({ items: arrayOf(PersonInstall) }), 'Most recent first'), ...errors(401, 403, 404, 429) },
};

const MissingDevice = obj({
  ...deviceProperties,
  person: obj({ id: str(), email: str(), name: str() }, [], 'Whose device it is'),
});

export const missingDevices = {
  summary: "Testers' devices missing from the app's latest build",
  description:
    "Devices registered by people with a role on the app (signed in when registering) that the latest build's provisioning " +
    'profile does not list. iOS apps; the managers and admins.',
  tags: [TAG.devices],
  security: API_AUTH,
  params: idParams('appId'),
  response: {
    200: json(
      obj({
        release: nullable(
          obj({
            id: str(),
            version: nullableStr(),
            build: str(),
            profileName: nullableStr(),
            profileType: nullable(oneOfValues(['development', 'ad-hoc', 'enterprise', 'app-store'])),
          }),
        ),
        items: arrayOf(MissingDevice),
      }),
      'The build compared against (null: none yet) and the devices it leaves out',
    ),
    ...errors(400, 401, 403, 404, 429),
  },
};

export const missingDevicesFile = {
  summary: "Testers' devices missing from the latest build, as Apple's bulk device file",
  tags: [TAG.devices],
  security: API_AUTH,
  params: idParams('appId'),
  response: { 200: text('Tab-separated: Device ID, Device Name, Device Platform'), ...errors(400, 401, 403, 404, 429) },
};
