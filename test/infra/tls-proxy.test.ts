import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, request as httpRequest, type Server } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { connect } from 'node:tls';
import { generate } from 'selfsigned';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TLS_ENV, tlsProxyCommand, WEBSOCKET_READ_TIMEOUT_SECONDS } from '../../src/infra/tls-proxy.js';

// The sidecar's own start script and nginx config, run for real with Debian's nginx (which .ci/run
// installs) on 127.0.0.1, in front of a stand-in for the web container.
const NGINX = '/usr/sbin/nginx';
const available = existsSync(NGINX);
if (!available && process.env.CI === 'true') throw new Error('nginx is not installed: .ci/run must apt-get install nginx-light');

const HOST = 'meet.community.test';
const root = mkdtempSync(path.join(tmpdir(), 'meetctl-tls-proxy-'));
let upstream: Server;
let proxy: ChildProcess;
let ports: { https: number; http: number; web: number };
let ca = '';

const free = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });

beforeAll(async () => {
  if (!available) return;
  const pems = (await generate([{ name: 'commonName', value: HOST }], {
    keySize: 2048,
    algorithm: 'sha256',
    extensions: [{ name: 'subjectAltName', altNames: [{ type: 2, value: HOST }] }],
  } as never)) as unknown as { private: string; cert: string };
  ca = pems.cert;
  ports = { https: await free(), http: await free(), web: await free() };
  // The web container: answers with what it was sent, and accepts the XMPP websocket upgrade.
  upstream = createHttpServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ url: req.url, host: req.headers.host, proto: req.headers['x-forwarded-proto'] }));
  });
  upstream.on('upgrade', (req, socket) => {
    socket.end(
      `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Protocol: xmpp\r\nX-Seen-Host: ${req.headers.host}\r\n\r\n`,
    );
  });
  await new Promise<void>((resolve) => upstream.listen(ports.web, '127.0.0.1', () => resolve()));
  const script = tlsProxyCommand(ports.web, { root, https: `127.0.0.1:${ports.https}`, http: `127.0.0.1:${ports.http}` });
  proxy = spawn('sh', ['-c', script], {
    env: { PATH: `/usr/sbin:${process.env.PATH}`, [TLS_ENV.certificate]: pems.cert, [TLS_ENV.privateKey]: pems.private },
    stdio: 'ignore',
  });
  for (let i = 0; i < 100 && !existsSync(path.join(root, 'tmp', 'nginx.pid')); i++) await new Promise((r) => setTimeout(r, 50));
}, 30_000);

afterAll(() => {
  proxy?.kill();
  upstream?.close();
  rmSync(root, { recursive: true, force: true });
});

function get(pathname: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; body: string; headers: Record<string, unknown> }>((resolve, reject) => {
    const req = httpsRequest(
      { host: '127.0.0.1', port: ports.https, servername: HOST, path: pathname, ca, headers: { Host: HOST, ...headers } },
      (res) => {
        let body = '';
        res.on('data', (c) => (body += String(c)));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
      },
    );
    req.on('upgrade', (res, socket) => {
      socket.destroy();
      resolve({ status: res.statusCode ?? 0, body: '', headers: res.headers });
    });
    req.on('error', reject);
    req.end();
  });
}

describe.skipIf(!available)('the TLS sidecar (nginx)', () => {
  it('serves the host over TLS with the injected certificate, proxying to the web container with Host and proto', async () => {
    const res = await get('/some-room');
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ url: '/some-room', host: HOST, proto: 'https' });
    expect(res.headers['strict-transport-security']).toBe('max-age=31536000');
  });

  it('passes the XMPP websocket upgrade through, with the host', async () => {
    const res = await get('/xmpp-websocket', {
      Connection: 'Upgrade',
      Upgrade: 'websocket',
      'Sec-WebSocket-Version': '13',
      'Sec-WebSocket-Key': 'bWVldGN0bC10bHMtcHJveHk=',
      'Sec-WebSocket-Protocol': 'xmpp',
    });
    expect(res.status).toBe(101);
    expect(res.headers['x-seen-host']).toBe(HOST);
  });

  it("keeps a websocket open for the whole meeting (not nginx's default 60 s)", () => {
    const conf = readFileSync(path.join(root, 'etc', 'nginx', 'meet.conf'), 'utf8');
    expect(conf).toMatch(new RegExp(`location = /xmpp-websocket \\{[^}]*proxy_read_timeout ${WEBSOCKET_READ_TIMEOUT_SECONDS}s;`));
    expect(WEBSOCKET_READ_TIMEOUT_SECONDS).toBeGreaterThanOrEqual(3600);
  });

  it('redirects plain HTTP to HTTPS', async () => {
    const res = await new Promise<{ status: number; location?: string }>((resolve, reject) => {
      httpRequest({ host: '127.0.0.1', port: ports.http, path: '/room?x=1', headers: { Host: HOST } }, (r) => {
        r.resume();
        resolve({ status: r.statusCode ?? 0, ...(r.headers.location ? { location: r.headers.location } : {}) });
      })
        .on('error', reject)
        .end();
    });
    expect(res).toEqual({ status: 301, location: `https://${HOST}/room?x=1` });
  });

  it('refuses TLS 1.1 and TLS 1.2 without forward secrecy', async () => {
    const handshake = (options: { maxVersion: 'TLSv1.1' | 'TLSv1.2'; minVersion: 'TLSv1.1' | 'TLSv1.2'; ciphers?: string }) =>
      new Promise<string>((resolve) => {
        const socket = connect({ host: '127.0.0.1', port: ports.https, servername: HOST, ca, ...options }, () => {
          resolve(`ok ${socket.getCipher().name}`);
          socket.end();
        });
        socket.on('error', (e) => resolve(`refused: ${e.message}`));
      });
    expect(await handshake({ minVersion: 'TLSv1.1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT@SECLEVEL=0' })).toMatch(/^refused/);
    expect(await handshake({ minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2', ciphers: 'AES128-GCM-SHA256' })).toMatch(/^refused/);
    expect(await handshake({ minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2' })).toMatch(/^ok ECDHE-/);
  });

  it('keeps the key out of the environment and readable only by its owner', () => {
    const script = tlsProxyCommand(8000);
    expect(script).toContain('umask 077');
    expect(script).toContain(`unset ${TLS_ENV.certificate} ${TLS_ENV.privateKey}`);
    expect(script.indexOf('unset')).toBeLessThan(script.indexOf('exec nginx'));
  });
});
