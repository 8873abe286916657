import { frameAncestors, HSTS } from '../web-headers.js';

/**
 * The TLS-terminating sidecar of the no-load-balancer ingress mode: nginx on 443 (and 80, which
 * only redirects) in front of the web container's plain HTTP on 127.0.0.1:8000. It adds the meeting
 * host's security headers to every answer: HSTS and a CSP `frame-ancestors` (nobody may frame the
 * meeting unless the config lists the site in `embedOrigins`). The rootless web
 * image listens only on 8000/8443 (hard-coded in web/rootfs/defaults/default at stable-11146-2) and
 * Fargate requires host port = container port, so 443 needs a process of its own. The certificate
 * and key arrive as ECS secrets (environment variables) from the certificate's secret and are
 * written to files at start; nothing is baked into an image.
 */

import { HTTP_PORT, HTTPS_PORT } from './constructs/ports.js';

/**
 * The Docker official nginx image (multi-arch: amd64 and arm64) from its public ECR mirror, the same
 * registry as the stats sidecar's busybox, pinned to a stable release.
 */
export const TLS_PROXY_IMAGE = 'public.ecr.aws/docker/library/nginx:1.28.0';
/** Environment variables that carry the PEMs into the sidecar (ECS secrets). */
export const TLS_ENV = { certificate: 'TLS_CERTIFICATE_PEM', privateKey: 'TLS_PRIVATE_KEY_PEM' } as const;
/** A websocket (XMPP) stays open for the whole meeting: nginx must not cut it after its default 60 s. */
export const WEBSOCKET_READ_TIMEOUT_SECONDS = 3600;

export interface TlsProxyOptions {
  /** Where nginx listens for HTTPS and for plain HTTP (redirect only). */
  readonly httpsListen: string;
  readonly httpListen: string;
  /** The web container, e.g. 127.0.0.1:8000. */
  readonly upstream: string;
  readonly certificateFile: string;
  readonly privateKeyFile: string;
  /** Writable files and folders nginx needs (tests run it unprivileged in a temp folder). */
  readonly pidFile: string;
  readonly tempDir: string;
  /** Sites allowed to show the meeting in a frame (config `embedOrigins`); none by default. */
  readonly embedOrigins?: readonly string[];
}

/** The whole nginx.conf. */
export function tlsProxyConfig(o: TlsProxyOptions): string {
  const proxied = [
    `proxy_pass http://${o.upstream};`,
    'proxy_http_version 1.1;',
    'proxy_set_header Host $host;',
    'proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;',
    'proxy_set_header X-Forwarded-Proto https;',
  ];
  const indent = (lines: string[], n: number) => lines.map((l) => `${' '.repeat(n)}${l}`).join('\n');
  return `worker_processes 1;
pid ${o.pidFile};
error_log stderr warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${o.tempDir}/body;
  proxy_temp_path ${o.tempDir}/proxy;
  fastcgi_temp_path ${o.tempDir}/fastcgi;
  uwsgi_temp_path ${o.tempDir}/uwsgi;
  scgi_temp_path ${o.tempDir}/scgi;
  server_tokens off;
  map $http_upgrade $connection_upgrade { default upgrade; '' close; }
  server {
    listen ${o.httpListen};
    return 301 https://$host$request_uri;
  }
  server {
    listen ${o.httpsListen} ssl;
    ssl_certificate ${o.certificateFile};
    ssl_certificate_key ${o.privateKeyFile};
    ssl_protocols TLSv1.2 TLSv1.3;
    # TLS 1.2 with forward-secret (ECDHE) AEAD ciphers only; TLS 1.3 suites are all forward-secret.
    ssl_ciphers ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305;
    ssl_prefer_server_ciphers off;
    ssl_session_cache shared:tls:1m;
    # At server level and in no location, so every answer carries them (nginx inherits add_header
    # only into locations that have none of their own).
    add_header Strict-Transport-Security "${HSTS}" always;
    add_header Content-Security-Policy "${frameAncestors(o.embedOrigins)}" always;
    location = /xmpp-websocket {
${indent(proxied, 6)}
      proxy_set_header Upgrade $http_upgrade;
      proxy_set_header Connection $connection_upgrade;
      proxy_read_timeout ${WEBSOCKET_READ_TIMEOUT_SECONDS}s;
      proxy_send_timeout ${WEBSOCKET_READ_TIMEOUT_SECONDS}s;
    }
    location / {
${indent(proxied, 6)}
      proxy_read_timeout 120s;
    }
  }
}
`;
}

/**
 * The sidecar's container command: write the PEMs and the config, then run nginx in the foreground.
 * `at` moves the files and the ports (tests run the same script in a temp folder on loopback).
 */
export function tlsProxyCommand(
  webPort: number,
  at: { root?: string; https?: string; http?: string } = {},
  embedOrigins: readonly string[] = [],
): string {
  const root = at.root ?? '';
  const tls = `${root}/etc/nginx/tls`;
  const config = tlsProxyConfig({
    httpsListen: at.https ?? String(HTTPS_PORT),
    httpListen: at.http ?? String(HTTP_PORT),
    upstream: `127.0.0.1:${webPort}`,
    certificateFile: `${tls}/certificate.pem`,
    privateKeyFile: `${tls}/private-key.pem`,
    pidFile: `${root}/tmp/nginx.pid`,
    tempDir: `${root}/tmp`,
    embedOrigins,
  });
  return [
    'set -eu',
    'umask 077',
    `mkdir -p ${tls} ${root}/tmp`,
    `printf '%s\\n' "$${TLS_ENV.certificate}" > ${tls}/certificate.pem`,
    `printf '%s\\n' "$${TLS_ENV.privateKey}" > ${tls}/private-key.pem`,
    `unset ${TLS_ENV.certificate} ${TLS_ENV.privateKey}`,
    `cat > ${root}/etc/nginx/meet.conf <<'NGINX'\n${config}NGINX`,
    `exec nginx -c ${root}/etc/nginx/meet.conf -e stderr -g 'daemon off;'`,
  ].join('\n');
}
