// The image's HEALTHCHECK (see Dockerfile): healthy when GET /api/v1/ready on this container's own
// port answers 200, i.e. the database and the blob storage both work. Written for Node because slim
// base images have no curl or wget. The port and the scheme come from the same OTASHIP_* variables
// the server reads; with TLS the certificate is not checked, since it names the public host rather
// than 127.0.0.1 and this request never leaves the container.
'use strict';
const env = process.env;
const tls = Boolean(env.OTASHIP_TLS_CERT) || (env.OTASHIP_TLS ?? 'off').trim() === 'self-signed';
const port = Number(env.OTASHIP_PORT || 8080);
const client = require(tls ? 'node:https' : 'node:http');

const request = client.get(
  { host: '127.0.0.1', port, path: '/api/v1/ready', rejectUnauthorized: false, timeout: 8000 },
  (response) => {
    response.resume();
    if (response.statusCode !== 200) console.error(`otaship healthcheck: /api/v1/ready answered ${response.statusCode}`);
    process.exit(response.statusCode === 200 ? 0 : 1);
  },
);
request.on('timeout', () => request.destroy(new Error('no answer within 8 s')));
request.on('error', (err) => {
  console.error(`otaship healthcheck: ${err.message}`);
  process.exit(1);
});
