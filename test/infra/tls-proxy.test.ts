import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, request as httpRequest, type Server } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { connect } from 'node:tls';
import { type Browser, chromium } from 'playwright-core';
import { generate } from 'selfsigned';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  TLS_ENV,
  tlsProxyCommand,
  tlsProxyConfig,
  WAKING_RETRY_SECONDS,
  WEBSOCKET_READ_TIMEOUT_SECONDS,
} from '../../src/infra/tls-proxy.js';
import { freePort } from '../support/free-port.js';

// The sidecar's own start script and nginx config, run for real with Debian's nginx (which .ci/run
// installs) on 127.0.0.1, in front of a stand-in for the web container; and the meeting host it
// serves, framed by another site, in Debian's chromium.
const NGINX = '/usr/sbin/nginx';
const available = existsSync(NGINX);
if (!available && process.env.CI === 'true') throw new Error('nginx is not installed: .ci/run must apt-get install nginx-light');
const CHROMIUM = '/usr/bin/chromium';
const browserAvailable = available && existsSync(CHROMIUM);
if (!existsSync(CHROMIUM) && process.env.CI === 'true')
  throw new Error('chromium is not installed: .ci/run must apt-get install chromium');

const HOST = 'meet.community.test';
const root = mkdtempSync(path.join(tmpdir(), 'meetctl-tls-proxy-'));
let upstream: Server;
let proxy: ChildProcess;
let ports: { https: number; http: number; web: number };
let ca = '';
let pemPair: { private: string; cert: string };

beforeAll(async () => {
  if (!available) return;
  const pems = (await generate([{ name: 'commonName', value: HOST }], {
    keySize: 2048,
    algorithm: 'sha256',
    extensions: [{ name: 'subjectAltName', altNames: [{ type: 2, value: HOST }] }],
  } as never)) as unknown as { private: string; cert: string };
  ca = pems.cert;
  pemPair = pems;
  ports = { https: await freePort(), http: await freePort(), web: await freePort() };
  // The web container: answers with what it was sent, and accepts the XMPP websocket upgrade.
  upstream = createHttpServer((req, res) => {
    if (req.url === '/meeting-room') {
      // A room page, as the web container answers it: HTML, and no security header of its own.
      res.setHeader('content-type', 'text/html');
      res.end('<title>Jitsi Meet</title><p id="meeting">the meeting</p>');
      return;
    }
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ url: req.url, host: req.headers.host, proto: req.headers['x-forwarded-proto'] }));
  });
  upstream.on('upgrade', (req, socket) => {
    socket.end(
      `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Protocol: xmpp\r\nX-Seen-Host: ${req.headers.host}\r\n\r\n`,
    );
  });
  await new Promise<void>((resolve) => upstream.listen(ports.web, '127.0.0.1', () => resolve()));
  const script = tlsProxyCommand(
    { host: HOST, webPort: ports.web },
    { root, https: `127.0.0.1:${ports.https}`, http: `127.0.0.1:${ports.http}`, lingerSeconds: 0 },
  );
  proxy = spawn('sh', ['-c', script], {
    env: { PATH: `/usr/sbin:${process.env.PATH}`, [TLS_ENV.certificate]: pems.cert, [TLS_ENV.privateKey]: pems.private },
    stdio: 'ignore',
  });
  for (let i = 0; i < 100 && !existsSync(path.join(root, 'tmp', 'nginx.pid')); i++) await new Promise((r) => setTimeout(r, 50));
}, 30_000);

afterAll(async () => {
  const exited = proxy ? new Promise((resolve) => proxy.on('exit', resolve)) : undefined;
  proxy?.kill();
  await exited;
  upstream?.close();
  rmSync(root, { recursive: true, force: true });
});

function get(pathname: string, headers: Record<string, string> = {}, port = ports.https) {
  return new Promise<{ status: number; body: string; headers: Record<string, unknown> }>((resolve, reject) => {
    const req = httpsRequest(
      { host: '127.0.0.1', port, servername: HOST, path: pathname, ca, headers: { Host: HOST, ...headers } },
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

  it('adds HSTS and frame-ancestors to every answer of the meeting host, the web container adding none', async () => {
    for (const pathname of ['/meeting-room', '/libs/app.bundle.min.js', '/config.js']) {
      const res = await get(pathname);
      expect(res.headers['strict-transport-security'], pathname).toBe('max-age=31536000');
      expect(res.headers['content-security-policy'], pathname).toBe("frame-ancestors 'none'");
    }
    // The sites listed in embedOrigins, and only those, may frame it.
    const conf = tlsProxyConfig({
      host: HOST,
      httpsListen: '443',
      httpListen: '80',
      upstream: '127.0.0.1:8000',
      certificateFile: 'c',
      privateKeyFile: 'k',
      pidFile: 'p',
      tempDir: 't',
      embedOrigins: ['https://ne3d.org', 'https://www.ne3d.org'],
    });
    expect(conf).toContain('add_header Content-Security-Policy "frame-ancestors https://ne3d.org https://www.ne3d.org" always;');
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
    const script = tlsProxyCommand({ host: HOST, webPort: 8000 });
    expect(script).toContain('umask 077');
    expect(script).toContain(`unset ${TLS_ENV.certificate} ${TLS_ENV.privateKey}`);
    expect(script.indexOf('unset')).toBeLessThan(script.indexOf('nginx -c'));
  });
});

/** A second sidecar in its own folder, in front of `webPort` (where nothing may listen yet). */
async function startSidecar(webPort: number, lingerSeconds: number) {
  const dir = mkdtempSync(path.join(tmpdir(), 'meetctl-tls-waking-'));
  const at = { https: await freePort(), http: await freePort() };
  const script = tlsProxyCommand(
    { host: HOST, webPort },
    { root: dir, https: `127.0.0.1:${at.https}`, http: `127.0.0.1:${at.http}`, lingerSeconds },
  );
  const child = spawn('sh', ['-c', script], {
    env: { PATH: `/usr/sbin:${process.env.PATH}`, [TLS_ENV.certificate]: pemPair.cert, [TLS_ENV.privateKey]: pemPair.private },
    stdio: 'ignore',
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  for (let i = 0; i < 100 && !existsSync(path.join(dir, 'tmp', 'nginx.pid')); i++) await new Promise((r) => setTimeout(r, 50));
  const stop = async () => {
    child.kill('SIGTERM');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  };
  return { child, https: at.https, exited, stop };
}

describe.skipIf(!available)('the TLS sidecar while web does not answer (starting, or going to sleep)', () => {
  let web: Server;
  let webPort = 0;
  let webAnswer = 503;
  let sidecar: Awaited<ReturnType<typeof startSidecar>>;

  beforeAll(async () => {
    webPort = await freePort();
    sidecar = await startSidecar(webPort, 0);
  }, 30_000);
  afterAll(async () => {
    await sidecar?.stop();
    await new Promise((resolve) => (web ? web.close(resolve) : resolve(undefined)));
  });

  const expectWaking = (res: { status: number; body: string; headers: Record<string, unknown> }, what: string) => {
    expect(res.status, what).toBe(503);
    expect(res.headers['retry-after'], what).toBe(String(WAKING_RETRY_SECONDS));
    expect(res.headers['cache-control'], what).toBe('no-store');
    expect(res.headers['content-type'], what).toBe('text/html; charset=utf-8');
    expect(res.body, what).toContain(`<meta http-equiv=refresh content=${WAKING_RETRY_SECONDS}>`);
    expect(res.body, what).toContain(`${HOST} is starting`);
    expect(res.body, what).not.toMatch(/nginx|Bad Gateway/i);
    // The waking answer keeps the host's security headers.
    expect(res.headers['strict-transport-security'], what).toBe('max-age=31536000');
    expect(res.headers['content-security-policy'], what).toBe("frame-ancestors 'none'");
  };

  it("answers the waking page, never nginx's 502 page, while nothing listens on web's port", async () => {
    for (const pathname of ['/', '/some-room', '/config.js']) expectWaking(await get(pathname, {}, sidecar.https), pathname);
    const upgrade = await get(
      '/xmpp-websocket',
      {
        Connection: 'Upgrade',
        Upgrade: 'websocket',
        'Sec-WebSocket-Version': '13',
        'Sec-WebSocket-Key': 'bWVldGN0bC10bHMtcHJveHk=',
      },
      sidecar.https,
    );
    expect(upgrade.status).toBe(503);
  });

  it('answers the waking page while web itself says 502, 503 or 504, and passes its other answers through', async () => {
    web = createHttpServer((_req, res) => {
      res.statusCode = webAnswer;
      res.end(`web says ${webAnswer}`);
    });
    await new Promise<void>((resolve) => web.listen(webPort, '127.0.0.1', () => resolve()));
    for (const code of [502, 503, 504]) {
      webAnswer = code;
      expectWaking(await get('/room', {}, sidecar.https), `web ${code}`);
    }
    webAnswer = 404;
    const notFound = await get('/missing', {}, sidecar.https);
    expect(notFound).toMatchObject({ status: 404, body: 'web says 404' });
    webAnswer = 200;
    expect(await get('/room', {}, sidecar.https)).toMatchObject({ status: 200, body: 'web says 200' });
  });
});

describe.skipIf(!available)('the TLS sidecar told to stop', () => {
  it('keeps answering after SIGTERM for its linger, then nginx stops and the container exits 0', async () => {
    const sidecar = await startSidecar(await freePort(), 5);
    let exitedAt: 'before the answer' | 'after the answer' | undefined;
    sidecar.exited.then(() => (exitedAt ??= 'before the answer'));
    sidecar.child.kill('SIGTERM');
    // After the signal the host still answers (the waking page, web being gone), not "connection refused".
    const res = await get('/room', {}, sidecar.https);
    exitedAt ??= 'after the answer';
    expect(res.status).toBe(503);
    expect(res.body).toContain('is starting');
    expect(exitedAt).toBe('after the answer');
    expect(await sidecar.exited).toBe(0);
    await sidecar.stop();
  }, 60_000);

  it('exits 0 once the linger is over (nginx stopped gracefully)', async () => {
    const sidecar = await startSidecar(await freePort(), 0);
    sidecar.child.kill('SIGTERM');
    expect(await sidecar.exited).toBe(0);
    await sidecar.stop();
  }, 30_000);
});

describe.skipIf(!browserAvailable)('the meeting host in a browser, behind the sidecar', () => {
  let browser: Browser;
  let elsewhere: Server;
  let elsewhereOrigin = '';

  beforeAll(async () => {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', `--host-resolver-rules=MAP ${HOST} 127.0.0.1`],
    });
    // Another site: a page that frames whatever it is given.
    elsewhere = createHttpServer((req, res) => {
      const src = new URL(req.url ?? '/', 'http://127.0.0.1').searchParams.get('src') ?? '';
      res.setHeader('content-type', 'text/html');
      res.end(`<iframe onload="document.title='loaded'" src="${src}" width="600" height="400"></iframe>`);
    });
    await new Promise<void>((resolve) => elsewhere.listen(0, '127.0.0.1', () => resolve()));
    elsewhereOrigin = `http://127.0.0.1:${(elsewhere.address() as AddressInfo).port}`;
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => elsewhere?.close(resolve));
  });

  it('refuses to show the meeting in a frame on another site, which the web container alone would allow', async () => {
    const context = await browser.newContext({ ignoreHTTPSErrors: true });
    const page = await context.newPage();
    const framed = async (src: string) => {
      await page.goto(`${elsewhereOrigin}/?src=${encodeURIComponent(src)}`);
      await page.waitForFunction(() => (globalThis as unknown as { document: { title: string } }).document.title === 'loaded');
      const frame = page.frames().find((f) => f !== page.mainFrame());
      if (!frame) throw new Error('no frame');
      return frame;
    };
    const meeting = await framed(`https://${HOST}:${ports.https}/meeting-room`);
    expect(meeting.url()).toMatch(/^chrome-error:/);
    await expect(meeting.locator('#meeting').count()).resolves.toBe(0);
    // The control: the same page straight from the web container, without the sidecar's header.
    const bare = await framed(`http://127.0.0.1:${ports.web}/meeting-room`);
    await expect(bare.locator('#meeting').textContent()).resolves.toBe('the meeting');
    await context.close();
  }, 30_000);
});
