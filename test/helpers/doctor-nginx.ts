// Debian's nginx serving a static OTA deployment for the doctor's gallery: one https server and one
// plain http server on loopback high ports, with `locations` (nginx directives) breaking one thing
// per folder. Started as a child process in its own prefix by test/helpers/reverse-proxy.ts.
import { NGINX_BIN, runNginx } from './reverse-proxy.js';
export { freePort } from './free-port.js';

export { NGINX_BIN };

export interface NginxSite {
  httpsPort: number;
  httpPort: number;
  stop(): Promise<void>;
}

const TYPES = 'types { text/xml plist; application/octet-stream ipa; image/png png; text/html html; }';

export async function startStaticNginx(o: { work: string; root: string; certFile: string; keyFile: string; httpsPort: number; httpPort: number; locations: string }): Promise<NginxSite> {
  const stop = await runNginx(
    o.work,
    `${TYPES}
  default_type application/octet-stream;
  server {
    listen 127.0.0.1:${o.httpsPort} ssl;
    ssl_certificate ${o.certFile};
    ssl_certificate_key ${o.keyFile};
    ssl_protocols TLSv1.2 TLSv1.3;
    root ${o.root};
    ${o.locations}
  }
  server {
    listen 127.0.0.1:${o.httpPort};
    root ${o.root};
  }`,
  );
  return { httpsPort: o.httpsPort, httpPort: o.httpPort, stop };
}
