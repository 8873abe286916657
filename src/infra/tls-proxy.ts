import { wakingCsp, wakingPage } from '../asleep/waking-page.js';
import type { Branding } from '../branding/jitsi-branding.js';
import { SIDECAR_LINGER_SECONDS } from '../control/start-time.js';
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
 * registry as the stats sidecar's busybox, pinned to a stable release. The Alpine variant: the sidecar
 * is the first container to answer in a start, and its pull is all it waits for (docs/architecture.md,
 * "Start sequence"); its command needs only a POSIX shell, nginx and busybox's sleep and kill (the
 * tests run it under busybox sh).
 */
export const TLS_PROXY_IMAGE = 'public.ecr.aws/docker/library/nginx:1.28.0-alpine';
/** Environment variables that carry the PEMs into the sidecar (ECS secrets). */
export const TLS_ENV = { certificate: 'TLS_CERTIFICATE_PEM', privateKey: 'TLS_PRIVATE_KEY_PEM' } as const;
/** A websocket (XMPP) stays open for the whole meeting: nginx must not cut it after its default 60 s. */
export const WEBSOCKET_READ_TIMEOUT_SECONDS = 3600;
/**
 * Seconds the waking page asks a browser to wait before it tries again (Retry-After and the page's own
 * refresh): the sidecar answers from the moment the DNS record points at the task, while web, prosody,
 * jicofo and the bridge are still starting (docs/architecture.md, "Start sequence").
 */
export const WAKING_RETRY_SECONDS = 5;
/**
 * Seconds the sidecar keeps answering after ECS tells it to stop: long enough for Route 53 to have
 * moved the record back everywhere and for a resolver's cached answer to expire
 * (SIDECAR_LINGER_SECONDS, src/control/start-time.ts). Nobody who still resolves to the task is refused.
 */
export const TLS_LINGER_SECONDS = SIDECAR_LINGER_SECONDS;
/** The sidecar's ECS stop timeout: the linger plus nginx's own graceful stop (Fargate allows up to 120 s). */
export const TLS_STOP_TIMEOUT_SECONDS = TLS_LINGER_SECONDS + 10;

export interface TlsProxyOptions {
  /** The meeting host, named on the waking page. */
  readonly host: string;
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
  /** The group's branding (config `branding`): the waking page's name, logo and colours. */
  readonly branding?: Branding | undefined;
  /** Members-only meetings: the organizer page, which the waking page links members to for signing in. */
  readonly pageUrl?: string | undefined;
}

/**
 * nginx reads a config file through a buffer of NGX_CONF_BUFFER = 4096 bytes (nginx/nginx,
 * src/core/ngx_conf_file.c), and one token must fit in it: a longer quoted string stops nginx with
 * "too long parameter", and the essential sidecar with it. Measured with Debian's nginx
 * (test/infra/tls-proxy.test.ts): the text between the quotes may have at most 4094 bytes, wherever
 * the string starts in the file.
 */
export const NGINX_MAX_QUOTED_BYTES = 4094;

/**
 * `text` as the inside of an nginx double-quoted string, read back byte for byte: nginx's config
 * reader turns `\"`, `\\` and `\n` back into the character (ngx_conf_read_token) and keeps every other
 * byte, a tab or a carriage return too. A new line goes as `\n` so that no line of the sidecar's
 * here-document can end it early. `$` has no escape in nginx (a complex value starts a variable
 * there), so text with one is a bug of the caller.
 */
export function nginxQuoted(text: string, what: string): string {
  if (text.includes('$')) throw new Error(`the TLS sidecar's ${what} contains "$", which nginx would read as a variable`);
  const quoted = text.replace(/[\\"\n]/g, (c) => (c === '\n' ? '\\n' : `\\${c}`));
  const bytes = Buffer.byteLength(quoted);
  if (bytes > NGINX_MAX_QUOTED_BYTES)
    throw new Error(
      `the TLS sidecar's ${what} has ${bytes} bytes in nginx.conf, more than nginx reads in one string (${NGINX_MAX_QUOTED_BYTES})`,
    );
  return quoted;
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
  const securityHeaders = [
    `add_header Strict-Transport-Security "${HSTS}" always;`,
    `add_header Content-Security-Policy "${frameAncestors(o.embedOrigins)}" always;`,
  ];
  // The waking page is ours: its own CSP (its one style, the logo, no script) on that answer alone.
  const wakingHeaders = [
    `add_header Strict-Transport-Security "${HSTS}" always;`,
    `add_header Content-Security-Policy "${nginxQuoted(wakingCsp(o.branding, o.embedOrigins), 'waking page CSP')}" always;`,
  ];
  const page = wakingPage({ host: o.host, branding: o.branding, retrySeconds: WAKING_RETRY_SECONDS, pageUrl: o.pageUrl });
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
    # At server level, so every proxied answer carries them; the waking location has add_header lines
    # of its own and so sends its own (nginx inherits add_header only into locations that have none).
${indent(securityHeaders, 4)}
    # Web not listening yet (502), or answering that it cannot serve (503, 504): the waking page, never
    # nginx's own error page. Only these codes: web's other answers (a 404) pass through unchanged.
    proxy_intercept_errors on;
    error_page 502 503 504 =503 @waking;
    location @waking {
${indent(wakingHeaders, 6)}
      add_header Retry-After ${WAKING_RETRY_SECONDS} always;
      add_header Cache-Control no-store always;
      default_type "text/html; charset=utf-8";
      return 503 "${nginxQuoted(page, 'waking page')}";
    }
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

/** What the sidecar serves: the meeting host, web's port and who may frame it. */
export interface TlsProxySite {
  readonly host: string;
  readonly webPort: number;
  readonly embedOrigins?: readonly string[];
  readonly branding?: Branding | undefined;
  /** Members-only meetings: the organizer page's address (its sign-in), named on the waking page. */
  readonly pageUrl?: string | undefined;
}

/**
 * The sidecar's container command: write the PEMs and the config, run nginx, and on SIGTERM keep
 * answering for TLS_LINGER_SECONDS before nginx stops gracefully (SIGQUIT). `at` moves the files, the
 * ports and the linger (tests run the same script in a temp folder on loopback).
 */
export function tlsProxyCommand(
  site: TlsProxySite,
  at: { root?: string; https?: string; http?: string; lingerSeconds?: number } = {},
): string {
  const root = at.root ?? '';
  const tls = `${root}/etc/nginx/tls`;
  const config = tlsProxyConfig({
    host: site.host,
    httpsListen: at.https ?? String(HTTPS_PORT),
    httpListen: at.http ?? String(HTTP_PORT),
    upstream: `127.0.0.1:${site.webPort}`,
    certificateFile: `${tls}/certificate.pem`,
    privateKeyFile: `${tls}/private-key.pem`,
    pidFile: `${root}/tmp/nginx.pid`,
    tempDir: `${root}/tmp`,
    embedOrigins: site.embedOrigins ?? [],
    branding: site.branding,
    pageUrl: site.pageUrl,
  });
  return [
    'set -eu',
    'umask 077',
    `mkdir -p ${tls} ${root}/tmp`,
    `printf '%s\\n' "$${TLS_ENV.certificate}" > ${tls}/certificate.pem`,
    `printf '%s\\n' "$${TLS_ENV.privateKey}" > ${tls}/private-key.pem`,
    `unset ${TLS_ENV.certificate} ${TLS_ENV.privateKey}`,
    `cat > ${root}/etc/nginx/meet.conf <<'NGINX'\n${config}NGINX`,
    `nginx -c ${root}/etc/nginx/meet.conf -e stderr -g 'daemon off;' &`,
    'nginx_pid=$!',
    // The shell is the container's main process: ECS's SIGTERM reaches it, not nginx.
    `trap 'sleep ${at.lingerSeconds ?? TLS_LINGER_SECONDS}; kill -QUIT "$nginx_pid"; wait "$nginx_pid" || true; exit 0' TERM`,
    'wait "$nginx_pid"',
  ].join('\n');
}
