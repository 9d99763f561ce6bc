// Configuration that fixes a finding, per server. Short and complete enough to paste: each names
// the directive that matters, not a whole site file (deploy/ has those).
export interface Snippets {
  nginx?: string;
  caddy?: string;
  s3?: string;
}

export const SNIPPETS = {
  plistType: {
    nginx: 'types { text/xml plist; application/octet-stream ipa; }   # in http{} or the server{} serving the files',
    caddy: '@plist path *.plist\nheader @plist Content-Type text/xml',
    s3: 'aws s3 cp manifest.plist s3://BUCKET/KEY --content-type text/xml --content-encoding identity',
  },
  ipaType: {
    nginx: 'types { application/octet-stream ipa; }',
    caddy: '@ipa path *.ipa\nheader @ipa Content-Type application/octet-stream',
    s3: 'aws s3 cp app.ipa s3://BUCKET/KEY --content-type application/octet-stream',
  },
  noCompression: {
    nginx: 'location ~ \\.(plist|ipa)$ { gzip off; gunzip off; add_header Cache-Control no-transform; }',
    caddy: '# remove `encode` from the site (or exclude the files):\n@install not path *.plist *.ipa\nencode @install gzip',
    s3: 'Upload without --content-encoding gzip; in the CDN, turn "compress objects automatically" off for these paths.',
  },
  ranges: {
    nginx: '# nginx serves Range for static files unless told not to: remove `max_ranges 0;`,\n# and for proxied files keep `proxy_force_ranges on;` off only if the upstream answers Range itself.',
    caddy: '# file_server answers Range by default; do not put a `header -Accept-Ranges` or a buffering handler in front.',
    s3: 'S3 and CloudFront answer Range by default: check the CDN does not forward requests as whole-object GETs.',
  },
  tlsProtocols: {
    nginx: 'ssl_protocols TLSv1.2 TLSv1.3;\nssl_ciphers ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384;',
    caddy: 'tls {\n\tprotocols tls1.2 tls1.3\n}',
    s3: 'CloudFront: choose the security policy TLSv1.2_2021 for the distribution.',
  },
  certificate: {
    nginx: 'ssl_certificate     /etc/letsencrypt/live/HOST/fullchain.pem;   # fullchain, not cert.pem\nssl_certificate_key /etc/letsencrypt/live/HOST/privkey.pem;',
    caddy: 'HOST {\n\t# no tls line: Caddy obtains and renews a public certificate by itself\n}',
    s3: 'CloudFront: attach an ACM certificate for the host name (ACM sends the full chain).',
  },
  forwardedProto: {
    nginx: 'proxy_set_header X-Forwarded-Proto $scheme;\nproxy_redirect http:// https://;',
    caddy: '# reverse_proxy sends X-Forwarded-Proto by default; set the application\'s public URL to https://HOST',
  },
  presigned: {
    s3: 'Sign when serving: aws s3 presign s3://BUCKET/app.ipa --expires-in 86400   # or getSignedUrl(…, { expiresIn: 86400 })',
  },
} as const satisfies Record<string, Snippets>;
