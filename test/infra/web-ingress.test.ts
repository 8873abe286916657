import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WEB_INGRESS_FILE, webIngressConf } from '../../src/infra/web-ingress.js';
import { freePort } from '../support/free-port.js';

// Load-balancer mode: the file the init container writes as web's custom-meet.conf, run for real in
// Debian's nginx. The server block around it has the shape of web's at stable-11146-2
// (web/rootfs/defaults/default: one server on 8000 that includes meet.conf; meet.conf: server-level
// add_header, then locations, some with an add_header of their own; custom-meet.conf appended at its
// end by web/rootfs/etc/s6-overlay/scripts/config). Only the locations that matter here are kept.
const NGINX = '/usr/sbin/nginx';
const available = existsSync(NGINX);
if (!available && process.env.CI === 'true') throw new Error('nginx is not installed: .ci/run must apt-get install nginx-light');

const HOST = 'meet.community.test';
const root = mkdtempSync(path.join(tmpdir(), 'meetctl-web-ingress-'));
let nginx: ChildProcess;
let ports: { web: number; redirect: number };

beforeAll(async () => {
  if (!available) return;
  ports = { web: await freePort(), redirect: await freePort() };
  // nginx's workers may run as another user (when the tests run as root): let them read the files.
  chmodSync(root, 0o755);
  const www = path.join(root, 'www');
  mkdirSync(path.join(www, 'libs'), { recursive: true });
  writeFileSync(path.join(www, 'index.html'), '<title>Jitsi Meet</title>');
  writeFileSync(path.join(www, 'libs', 'app.bundle.min.js'), '// app');
  const custom = path.join(root, WEB_INGRESS_FILE);
  mkdirSync(path.dirname(custom), { recursive: true });
  writeFileSync(custom, webIngressConf([], { listen: `127.0.0.1:${ports.redirect}`, port: ports.redirect }));
  writeFileSync(
    path.join(root, 'nginx.conf'),
    `worker_processes 1;
pid ${root}/nginx.pid;
error_log stderr warn;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path ${root}/body;
  proxy_temp_path ${root}/proxy;
  fastcgi_temp_path ${root}/fastcgi;
  uwsgi_temp_path ${root}/uwsgi;
  scgi_temp_path ${root}/scgi;
  server {
    listen 127.0.0.1:${ports.web} default_server;
    root ${www};
    index index.html;
    add_header X-Content-Type-Options nosniff;
    location ~ ^/(libs|css|static)/(.*)$ {
      add_header 'Access-Control-Allow-Origin' '*';
      alias ${www}/$1/$2;
    }
    location ~ ^/([^/?&:'"]+)$ {
      try_files $uri @root_path;
    }
    location @root_path {
      rewrite ^/(.*)$ / break;
    }
    include ${custom};
  }
}
`,
  );
  nginx = spawn(NGINX, ['-c', path.join(root, 'nginx.conf'), '-e', 'stderr', '-g', 'daemon off;'], { stdio: 'ignore' });
  for (let i = 0; i < 100 && !existsSync(path.join(root, 'nginx.pid')); i++) await new Promise((r) => setTimeout(r, 50));
}, 30_000);

afterAll(() => {
  nginx?.kill();
  rmSync(root, { recursive: true, force: true });
});

function get(port: number, pathname: string) {
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined> }>((resolve, reject) => {
    request({ host: '127.0.0.1', port, path: pathname, headers: { Host: HOST } }, (res) => {
      res.resume();
      resolve({ status: res.statusCode ?? 0, headers: res.headers });
    })
      .on('error', reject)
      .end();
  });
}

describe.skipIf(!available)("web's nginx in load-balancer mode (Debian nginx)", () => {
  it('answers the redirect port, which the load balancer feeds from port 80, with a redirect to HTTPS', async () => {
    const res = await get(ports.redirect, '/weekly?x=1');
    expect(res.status).toBe(301);
    expect(res.headers.location).toBe(`https://${HOST}/weekly?x=1`);
  });

  it('sends HSTS and frame-ancestors with the meeting pages, next to the headers web sends itself', async () => {
    for (const pathname of ['/', '/weekly']) {
      const res = await get(ports.web, pathname);
      expect(res.status, pathname).toBe(200);
      expect(res.headers['strict-transport-security'], pathname).toBe('max-age=31536000');
      expect(res.headers['content-security-policy'], pathname).toBe("frame-ancestors 'none'");
      expect(res.headers['x-content-type-options'], pathname).toBe('nosniff');
    }
  });

  it("leaves static files to their location's own headers (nginx inherits add_header only into locations without one)", async () => {
    const res = await get(ports.web, '/libs/app.bundle.min.js');
    expect(res.status).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(res.headers['content-security-policy']).toBeUndefined();
  });
});
