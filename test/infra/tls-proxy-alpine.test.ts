import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { generate } from 'selfsigned';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TLS_ENV, TLS_PROXY_IMAGE, tlsProxyCommand } from '../../src/infra/tls-proxy.js';
import { freePort } from '../support/free-port.js';
import { externalTool, TOOLS } from '../support/tools.js';

// The sidecar's image is nginx on Alpine (TLS_PROXY_IMAGE): its shell is busybox ash and its tools
// are busybox applets. The container command runs here under Debian's busybox with a PATH that holds
// only busybox applets and nginx, so a command the Alpine image lacks (or a bash-only construct) fails
// the start. What it answers is covered by tls-proxy.test.ts under the system shell.
const NGINX = '/usr/sbin/nginx';
const busybox = externalTool(TOOLS.busybox, 'TLS sidecar under busybox sh');
const available = busybox !== undefined && existsSync(NGINX);
if (busybox && !existsSync(NGINX) && process.env.CI === 'true') throw new Error('nginx is not installed');
const HOST = 'meet.community.test';
/** The applets the Alpine image's busybox provides that the command may use (busybox --list on Alpine has these and more). */
const APPLETS = ['sh', 'mkdir', 'cat', 'sleep', 'kill', 'printf'];

describe.skipIf(!available)('the TLS sidecar command on the Alpine image (busybox sh)', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'meetctl-tls-alpine-'));
  const bin = path.join(dir, 'bin');
  let pems: { private: string; cert: string };

  beforeAll(async () => {
    mkdirSync(bin);
    for (const applet of APPLETS) symlinkSync(busybox as string, path.join(bin, applet));
    symlinkSync(NGINX, path.join(bin, 'nginx'));
    pems = (await generate([{ name: 'commonName', value: HOST }], {
      keySize: 2048,
      algorithm: 'sha256',
      extensions: [{ name: 'subjectAltName', altNames: [{ type: 2, value: HOST }] }],
    } as never)) as unknown as { private: string; cert: string };
  }, 30_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('pins the Alpine variant of the nginx image', () => {
    expect(TLS_PROXY_IMAGE).toMatch(/^public\.ecr\.aws\/docker\/library\/nginx:\d+\.\d+\.\d+-alpine$/);
  });

  it('answers the waking page, keeps answering through its linger after SIGTERM, then exits 0', async () => {
    const root = path.join(dir, 'root');
    const at = { https: await freePort(), http: await freePort(), web: await freePort() };
    const script = tlsProxyCommand(
      { host: HOST, webPort: at.web },
      { root, https: `127.0.0.1:${at.https}`, http: `127.0.0.1:${at.http}`, lingerSeconds: 3 },
    );
    const child = spawn(busybox as string, ['sh', '-c', script], {
      env: { PATH: bin, [TLS_ENV.certificate]: pems.cert, [TLS_ENV.privateKey]: pems.private },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr?.on('data', (c) => (stderr += String(c)));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    for (let i = 0; i < 100 && !existsSync(path.join(root, 'tmp', 'nginx.pid')); i++) await new Promise((r) => setTimeout(r, 50));
    expect(existsSync(path.join(root, 'tmp', 'nginx.pid')), stderr).toBe(true);

    const get = () =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = httpsRequest(
          { host: '127.0.0.1', port: at.https, servername: HOST, path: '/room', ca: pems.cert, headers: { Host: HOST } },
          (res) => {
            let body = '';
            res.on('data', (c) => (body += String(c)));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
          },
        );
        req.on('error', reject);
        req.end();
      });
    expect(await get()).toMatchObject({ status: 503 });
    let done: 'before' | 'after' | undefined;
    exited.then(() => (done ??= 'before'));
    child.kill('SIGTERM');
    const during = await get();
    done ??= 'after';
    expect(during.status).toBe(503);
    expect(done).toBe('after');
    expect(await exited, stderr).toBe(0);
  }, 60_000);
});
