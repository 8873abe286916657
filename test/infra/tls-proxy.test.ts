import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, request as httpRequest, type Server } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer, request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { connect } from 'node:tls';
import { type Browser, chromium } from 'playwright-core';
import { generate } from 'selfsigned';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { membersLines } from '../../src/asleep/page.js';
import { wakingCsp, wakingPage } from '../../src/asleep/waking-page.js';
import { pageUrl } from '../../src/auth/jitsi-settings.js';
import type { Branding } from '../../src/branding/jitsi-branding.js';
import { BRANDING_URL_MAX_LENGTH, MAX_DOMAIN_LENGTH } from '../../src/config/schema.js';
import {
  NGINX_MAX_QUOTED_BYTES,
  nginxQuoted,
  TLS_ENV,
  tlsProxyCommand,
  tlsProxyConfig,
  WAKING_RETRY_SECONDS,
  WEBSOCKET_READ_TIMEOUT_SECONDS,
} from '../../src/infra/tls-proxy.js';
import { frameAncestors } from '../../src/web-headers.js';
import { configWith, ROOT } from '../support/fixtures.js';
import { freePort } from '../support/free-port.js';
import { writeScreenshot } from '../support/screenshots.js';

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

/** What a test sidecar serves: the meeting host (HOST unless given), the branding and the sign-in address, if any. */
interface TestSite {
  readonly host?: string;
  readonly branding?: Branding;
  readonly pageUrl?: string;
}

/**
 * A second sidecar in its own folder, in front of `webPort` (where nothing may listen yet), for
 * `site` (members-only when it has a `pageUrl`).
 */
async function startSidecar(webPort: number, lingerSeconds: number, site: TestSite = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), 'meetctl-tls-waking-'));
  const at = { https: await freePort(), http: await freePort() };
  const script = tlsProxyCommand(
    {
      host: site.host ?? HOST,
      webPort,
      ...(site.branding ? { branding: site.branding } : {}),
      ...(site.pageUrl ? { pageUrl: site.pageUrl } : {}),
    },
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
    // Byte for byte the page we generate, with the host's name (no branding here).
    expect(res.body, what).toBe(wakingPage({ host: HOST, retrySeconds: WAKING_RETRY_SECONDS }));
    expect(res.body, what).toContain(`<meta http-equiv="refresh" content="${WAKING_RETRY_SECONDS}">`);
    expect(res.body, what).toContain(`${HOST} is starting`);
    expect(res.body, what).not.toMatch(/nginx|Bad Gateway/i);
    // The waking answer keeps the host's HSTS, and has a CSP of its own that still frames it nowhere.
    expect(res.headers['strict-transport-security'], what).toBe('max-age=31536000');
    expect(res.headers['content-security-policy'], what).toBe(wakingCsp(undefined));
    expect(res.headers['content-security-policy'], what).toContain("frame-ancestors 'none'");
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

/** The longest host name the config accepts (MAX_DOMAIN_LENGTH characters), inside example.org. */
const LONGEST_HOST = `${'a'.repeat(MAX_DOMAIN_LENGTH - '.example.org'.length)}.example.org`;
/** The longest logo address the config accepts, of the character that grows most as HTML ("): `&quot;`. */
const WORST_LOGO_URL = `https://logo.ne3d.org/${'"'.repeat(BRANDING_URL_MAX_LENGTH - 'https://logo.ne3d.org/'.length)}`;

/** Every branding field the waking page shows, each at its longest, of the characters that grow most. */
const WORST_BRANDING = { appName: '"'.repeat(40), logoUrl: WORST_LOGO_URL, primaryColor: '#e87d0d', backgroundColor: '#232323' };

// Each page as the config gives it; the served body must be exactly what wakingPage generates.
const PAGES: readonly ({ what: string } & TestSite)[] = [
  { what: 'no branding: the host' },
  { what: 'members-only: the lines for guests and members, with the sign-in link', pageUrl: pageUrl(HOST) },
  {
    what: "a name and a logo address with nginx's special characters",
    branding: {
      appName: 'A$b "c" {d}; \\e',
      logoUrl: 'https://logo.ne3d.org/$host\\x\'y&z{1};.svg?q="$1"',
      primaryColor: '#e87d0d',
      backgroundColor: '#232323',
    },
  },
  // The config refuses a new line in a name; the sidecar must still not break on one (nor end its
  // here-document early on a line that reads NGINX).
  { what: 'a name with new lines, a tab and a line NGINX', branding: { appName: 'x\nNGINX\n\\n\ty\r' } },
  {
    what: 'the longest name and logo address the config accepts',
    branding: { appName: '"'.repeat(40), logoUrl: WORST_LOGO_URL },
  },
  {
    what: 'the longest host the config accepts, and the longest logo address',
    host: LONGEST_HOST,
    branding: { logoUrl: WORST_LOGO_URL },
  },
  // The largest page: the host is not shown beside a name, but the sign-in address is start.<host>.
  {
    what: 'members-only on the longest host, with the longest name and logo address and both colours',
    host: LONGEST_HOST,
    branding: WORST_BRANDING,
    pageUrl: pageUrl(LONGEST_HOST),
  },
];

describe.skipIf(!available)('the waking page as nginx serves it', () => {
  it('serves every page byte for byte as generated, with its own CSP, nothing of the config read as nginx syntax', async () => {
    for (const { what, ...site } of PAGES) {
      const { host, branding } = site;
      const sidecar = await startSidecar(await freePort(), 0, site);
      try {
        const res = await get('/room', {}, sidecar.https);
        expect(res.status, what).toBe(503);
        const page = wakingPage({ host: host ?? HOST, branding, retrySeconds: WAKING_RETRY_SECONDS, pageUrl: site.pageUrl });
        expect(res.body, what).toBe(page);
        // Members-only: the asleep page's own lines (a host name has no "$" or "\\": as they are).
        if (site.pageUrl) expect(res.body, what).toContain(membersLines(site.pageUrl));
        expect(res.headers['content-security-policy'], what).toBe(wakingCsp(branding));
        expect(res.headers['strict-transport-security'], what).toBe('max-age=31536000');
      } finally {
        await sidecar.stop();
      }
    }
    // The pages above are what the config can give: it accepts each of them.
    expect(configWith({ domain: LONGEST_HOST, branding: { logoUrl: WORST_LOGO_URL } }).domain).toBe(LONGEST_HOST);
    expect(configWith({ branding: { appName: '"'.repeat(40), logoUrl: WORST_LOGO_URL } }).branding?.appName).toHaveLength(40);
    const worst = configWith({ domain: LONGEST_HOST, branding: WORST_BRANDING });
    expect([worst.auth, worst.ingress, worst.branding]).toEqual(['members', 'direct', WORST_BRANDING]);
    // It is the largest of them as nginx reads it, and still fits one string.
    const quoted = PAGES.map(({ host, branding, pageUrl }) =>
      Buffer.byteLength(
        nginxQuoted(wakingPage({ host: host ?? HOST, branding, retrySeconds: WAKING_RETRY_SECONDS, pageUrl }), 'waking page'),
      ),
    );
    expect(Math.max(...quoted)).toBe(quoted.at(-1));
  }, 60_000);

  it("keeps the proxied meeting's headers as they are: the waking page's CSP is on the waking page alone", async () => {
    const branding = { appName: 'NE3D Blender Meet', logoUrl: 'https://logo.ne3d.org/logo.svg' };
    const webPort = await freePort();
    const sidecar = await startSidecar(webPort, 0, { branding });
    const web = createHttpServer((_req, res) => res.end('the meeting'));
    try {
      expect((await get('/room', {}, sidecar.https)).headers['content-security-policy']).toBe(wakingCsp(branding));
      await new Promise<void>((resolve) => web.listen(webPort, '127.0.0.1', () => resolve()));
      const meeting = await get('/room', {}, sidecar.https);
      expect(meeting).toMatchObject({ status: 200, body: 'the meeting' });
      expect(meeting.headers['content-security-policy']).toBe(frameAncestors([]));
      expect(meeting.headers['strict-transport-security']).toBe('max-age=31536000');
    } finally {
      await sidecar.stop();
      await new Promise((resolve) => web.close(resolve));
    }
  }, 30_000);

  it(`reads at most ${NGINX_MAX_QUOTED_BYTES} bytes between a string's quotes, wherever it starts, and the sidecar refuses more`, () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'meetctl-nginx-buffer-'));
    try {
      const loads = (padding: number, bytes: number) => {
        const file = path.join(dir, 'test.conf');
        writeFileSync(
          file,
          `${'#'.repeat(padding)}\npid ${dir}/nginx.pid;\nevents {}\nhttp { server { listen 127.0.0.1:1; location / { return 503 "${'a'.repeat(bytes)}"; } } }\n`,
        );
        const run = spawnSync(NGINX, ['-t', '-q', '-c', file, '-e', 'stderr', '-p', dir], { encoding: 'utf8' });
        return run.status === 0 ? 'loads' : run.stderr.includes('too long parameter') ? 'too long' : run.stderr;
      };
      for (const padding of [0, 1000, 4000, 4090]) {
        expect(loads(padding, NGINX_MAX_QUOTED_BYTES), `after ${padding} bytes`).toBe('loads');
        expect(loads(padding, NGINX_MAX_QUOTED_BYTES + 1), `after ${padding} bytes`).toBe('too long');
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(nginxQuoted('a'.repeat(NGINX_MAX_QUOTED_BYTES), 'page')).toHaveLength(NGINX_MAX_QUOTED_BYTES);
    expect(() => nginxQuoted('a'.repeat(NGINX_MAX_QUOTED_BYTES + 1), 'waking page')).toThrow(
      /waking page has 4095 bytes in nginx.conf, more than nginx reads in one string \(4094\)/,
    );
    // Counted as nginx reads them: bytes after escaping (é is two, a quote two with its backslash).
    expect(() => nginxQuoted(`${'é'.repeat(NGINX_MAX_QUOTED_BYTES / 2)}"`, 'page')).toThrow(/4096 bytes/);
    expect(() => nginxQuoted('"'.repeat(NGINX_MAX_QUOTED_BYTES / 2 + 1), 'page')).toThrow(/4096 bytes/);
  });

  it('hands nginx any text without "$" back byte for byte: quotes, backslashes, escapes, new lines, tabs and UTF-8', async () => {
    const text = 'a\\b "c" \'d\' {e}; \\n \\" \\\\ end\\\nnew line\ttab\rcr é 😀\n';
    const dir = mkdtempSync(path.join(tmpdir(), 'meetctl-nginx-quoted-'));
    const port = await freePort();
    const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `${t}_temp_path ${dir};`).join(' ');
    writeFileSync(
      path.join(dir, 'test.conf'),
      `pid ${dir}/nginx.pid;\nevents {}\nhttp { access_log off; ${temp} server { listen 127.0.0.1:${port}; location / { default_type text/plain; return 200 "${nginxQuoted(text, 'text')}"; } } }\n`,
    );
    const nginx = spawn(NGINX, ['-c', path.join(dir, 'test.conf'), '-e', 'stderr', '-p', dir, '-g', 'daemon off;'], {
      stdio: 'ignore',
    });
    const exited = new Promise((resolve) => nginx.on('exit', resolve));
    try {
      for (let i = 0; i < 100 && !existsSync(path.join(dir, 'nginx.pid')); i++) await new Promise((r) => setTimeout(r, 50));
      const body = await new Promise<Buffer>((resolve, reject) => {
        httpRequest({ host: '127.0.0.1', port, path: '/' }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve(Buffer.concat(chunks)));
        })
          .on('error', reject)
          .end();
      });
      expect(body.equals(Buffer.from(text))).toBe(true);
    } finally {
      nginx.kill('SIGQUIT');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);

  it('refuses text with "$", which nginx would read as a variable', () => {
    expect(() => nginxQuoted('a $host b', 'waking page')).toThrow(`the TLS sidecar's waking page contains "$"`);
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

/** The group's website, where its logo lives (another https origin than the meeting host). */
const LOGO_HOST = 'logo.community.test';
const LOGO_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 40 40" width="40" height="40"><circle cx="20" cy="20" r="19" fill="#232323"/><circle cx="20" cy="20" r="12" fill="#e87d0d"/><circle cx="20" cy="20" r="5" fill="#fff"/></svg>';
/** Screenshots for the docs, beside the asleep page's (test/page/asleep-browser.test.ts). */
const SHOTS = path.join(ROOT, 'docs', 'images');
const SIZES = [
  ['desktop', { width: 1280, height: 800 }],
  ['phone', { width: 390, height: 844 }],
] as const;

describe.skipIf(!browserAvailable)('the meeting host in a browser, behind the sidecar', () => {
  let browser: Browser;
  let elsewhere: Server;
  let elsewhereOrigin = '';
  let logoSite: HttpsServer;
  let logoOrigin = '';

  beforeAll(async () => {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', `--host-resolver-rules=MAP ${HOST} 127.0.0.1, MAP ${LOGO_HOST} 127.0.0.1`],
    });
    logoSite = createHttpsServer({ key: pemPair.private, cert: pemPair.cert }, (req, res) => {
      if (req.url !== '/logo.svg') return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': 'image/svg+xml' }).end(LOGO_SVG);
    });
    await new Promise<void>((resolve) => logoSite.listen(0, '127.0.0.1', () => resolve()));
    logoOrigin = `https://${LOGO_HOST}:${(logoSite.address() as AddressInfo).port}`;
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
    await new Promise((resolve) => logoSite?.close(resolve));
  });

  const NE3D = { appName: 'NE3D Blender Meet', primaryColor: '#e87d0d', backgroundColor: '#232323' };
  /** Opens the meeting link on a sidecar whose web does not answer; CSP complaints are collected. */
  const openWaking = async (https: number, viewport: { width: number; height: number }) => {
    const context = await browser.newContext({ viewport, ignoreHTTPSErrors: true });
    const page = await context.newPage();
    const violations: string[] = [];
    page.on('console', (m) => {
      if (/Content.Security.Policy/i.test(m.text())) violations.push(m.text());
    });
    const first = await page.goto(`https://${HOST}:${https}/weekly`);
    return { context, page, violations, status: first?.status() };
  };

  it("shows the waking page in the asleep page's look: the group's name, logo and colours, or the host, and the lines for guests and members", async () => {
    const branded = { ...NE3D, logoUrl: `${logoOrigin}/logo.svg` };
    // Members-only, as the organizer guide's readers run it (docs/organizer-guide.md shows both).
    const signIn = pageUrl(HOST);
    for (const [shot, branding] of [
      ['waking', branded],
      ['waking-unbranded', undefined],
    ] as const) {
      const sidecar = await startSidecar(await freePort(), 0, { ...(branding ? { branding } : {}), pageUrl: signIn });
      try {
        for (const [size, viewport] of SIZES) {
          const { context, page, violations, status } = await openWaking(sidecar.https, viewport);
          const what = `${shot} ${size}`;
          expect(status, what).toBe(503);
          const name = branding ? 'NE3D Blender Meet' : HOST;
          await expect(page.title(), what).resolves.toBe(`${name} is starting`);
          // biome-ignore lint/performance/useDomNodeTextContent: only the visible text counts here
          const text = await page.locator('body').innerText();
          expect(text, what).toContain(`${name} is starting`);
          expect(text, what).toContain(
            `Keep this page open: it reloads by itself every ${WAKING_RETRY_SECONDS} seconds and opens the meeting as soon as the server is up.`,
          );
          // What the asleep page says to guests and members, with the same sign-in link.
          expect(text, what).toContain(
            'Guests need no account: once the server is up, you wait in the lobby until a member or the host is in.',
          );
          expect(text, what).toContain('Members and organizers: sign in to join, or to start the server.');
          await expect(page.getByRole('link', { name: 'sign in' }).getAttribute('href'), what).resolves.toBe(signIn);
          // Plain words for guests: nothing of a terminal or of the machinery.
          expect(text, what).not.toMatch(/meetctl|nginx|`|--|50[234]|Bad Gateway/);
          const h1 = page.locator('h1');
          const colour = await h1.evaluate(
            (e) => (globalThis as unknown as { getComputedStyle(e: unknown): { color: string } }).getComputedStyle(e).color,
          );
          // The style ran under the page's CSP: the group's colour, or the page's own dark grey.
          expect(colour, what).toBe(branding ? 'rgb(232, 125, 13)' : 'rgb(34, 34, 34)');
          if (branding) {
            const logo = page.locator('h1 img');
            await logo.evaluate((img) => (img as unknown as { decode(): Promise<void> }).decode());
            await expect(logo.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth)).resolves.toBe(40);
          }
          expect(violations, what).toEqual([]);
          writeScreenshot(
            path.join(SHOTS, `${shot}-${size}.png`),
            await page.screenshot({ caret: 'hide', animations: 'disabled' }),
          );
          await context.close();
        }
      } finally {
        await sidecar.stop();
      }
    }
  }, 60_000);

  it('reloads by itself and opens the meeting once web answers, at the same address', async () => {
    const webPort = await freePort();
    const sidecar = await startSidecar(webPort, 0, { branding: NE3D });
    const web = createHttpServer((req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' }).end(`<title>Jitsi Meet</title><p>meeting ${req.url}</p>`);
    });
    try {
      const { context, page } = await openWaking(sidecar.https, SIZES[0][1]);
      await expect(page.title()).resolves.toBe('NE3D Blender Meet is starting');
      await new Promise<void>((resolve) => web.listen(webPort, '127.0.0.1', () => resolve()));
      // Nobody touches the page: its own refresh brings the meeting.
      await page.waitForFunction(
        () => (globalThis as unknown as { document: { title: string } }).document.title === 'Jitsi Meet',
      );
      expect(page.url()).toBe(`https://${HOST}:${sidecar.https}/weekly`);
      await expect(page.locator('p').textContent()).resolves.toBe('meeting /weekly');
      await context.close();
    } finally {
      await sidecar.stop();
      await new Promise((resolve) => web.close(resolve));
    }
  }, 60_000);

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
