// The local CA for self-signed TLS, as a certificate (/ca.crt) and as an iOS configuration profile
// (/ca.mobileconfig). Served only when the server runs with --tls self-signed. The /ca page that
// explains the trust steps belongs to the web layer (routes/pages.ts).
import type { FastifyInstance } from 'fastify';
// The module itself, not tls/index.js: that would load the certificate-issuing stack (@peculiar/x509 and
// its ASN.1 modules, ~6 MiB of RSS) into every server, and only --tls self-signed needs it.
import { buildCaMobileconfig } from '../../tls/mobileconfig.js';
import type { ServerDeps } from '../deps.js';
import * as S from '../schemas/downloads.js';

export async function caRoutes(app: FastifyInstance, { ca, config }: ServerDeps): Promise<void> {
  if (!ca) return;
  const host = new URL(config.publicUrl).hostname;
  const identifier = `otaship.ca.${host.replace(/[^A-Za-z0-9-]+/g, '-').replace(/^-+|-+$/g, '') || 'local'}`;
  const profile = buildCaMobileconfig(ca.certPem, { organization: 'otaship', identifier, displayName: `otaship CA (${host})` });

  app.get('/ca.crt', { schema: S.caCert }, async (_request, reply) =>
    reply
      .type('application/x-x509-ca-cert')
      .header('Content-Disposition', 'attachment; filename="otaship-ca.crt"')
      .header('Cache-Control', 'no-cache')
      .send(ca.certPem),
  );
  app.get('/ca.mobileconfig', { schema: S.caProfile }, async (_request, reply) =>
    reply
      .type('application/x-apple-aspen-config')
      .header('Content-Disposition', 'attachment; filename="otaship-ca.mobileconfig"')
      .header('Cache-Control', 'no-cache')
      .send(profile),
  );
}
