// Schemas of the App Bundle routes (routes/api/bundles.ts): a release's .aab and an app's APK signing key.
import { API_AUTH, TAG, binary, dateTime, empty, errors, idParams, json, jsonBody, nullable, obj, oneOfValues, str, text } from './common.js';

const SigningKey = obj(
  {
    origin: oneOfValues(['generated', 'uploaded'], 'generated: made by otaship for this app; uploaded: the keystore its manager gave'),
    alias: str('The key entry signing the APKs'),
    certificateSha256: str('SHA-256 of the signing certificate, as keytool prints it (AB:CD:…)'),
    createdAt: dateTime(),
  },
  [],
  'The key that signs the APKs otaship builds from the app’s bundles (never the key or its passwords)',
);

export const releaseBundle = {
  summary: 'Download the Android App Bundle a release was published as (the app’s managers; testers install its APK)',
  tags: [TAG.releases],
  security: API_AUTH,
  params: idParams('id'),
  response: {
    200: binary('The .aab', ['application/octet-stream']),
    206: binary('The requested range', ['application/octet-stream']),
    304: empty('Not modified (If-None-Match)'),
    416: text('Range not satisfiable'),
    ...errors(400, 401, 403, 404, 409, 429),
  },
};

export const getSigningKey = {
  summary: 'The APK signing key of an Android app (its certificate, not the key)',
  tags: [TAG.apps],
  security: API_AUTH,
  params: idParams('appId'),
  response: { 200: json(obj({ signingKey: nullable(SigningKey) }), 'null: none yet (one is generated with the first conversion)'), ...errors(400, 401, 403, 404, 429) },
};

export const putSigningKey = {
  summary: 'Upload the keystore that signs the APKs built from the app’s bundles (e.g. the Play upload key)',
  tags: [TAG.apps],
  security: API_AUTH,
  params: idParams('appId'),
  body: jsonBody(
    {
      keystore: str('The keystore file (PKCS#12 or JKS), base64'),
      storePassword: str('The keystore password (sealed on the server, never returned)'),
      keyPassword: str('The key’s own password, when it differs from the store password'),
      alias: str('The key entry to sign with'),
    },
    ['keystore', 'storePassword', 'alias'],
  ),
  response: { 200: json(obj({ signingKey: SigningKey }), 'The key now in use'), ...errors(400, 401, 403, 404, 413, 415, 429) },
};

export const deleteSigningKey = {
  summary: 'Forget the app’s APK signing key (the next conversion generates a new one, whose APKs do not update older installs)',
  tags: [TAG.apps],
  security: API_AUTH,
  params: idParams('appId'),
  response: { 204: empty('Forgotten'), ...errors(400, 401, 403, 404, 429) },
};
