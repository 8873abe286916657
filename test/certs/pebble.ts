import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { generate } from 'selfsigned';

/**
 * Let's Encrypt's ACME test server pebble (Debian's package) on 127.0.0.1, with its own HTTPS
 * certificate made here so the test trusts exactly it. `env` sets pebble's test behaviours
 * (PEBBLE_WFE_NONCEREJECT: percent of nonces rejected; PEBBLE_VA_ALWAYS_VALID: every challenge
 * passes), as pebble 2.4's README documents them.
 */
export interface Pebble {
  readonly directoryUrl: string;
  readonly ca: string;
  stop(): void;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function answers(url: string, ca: string): Promise<boolean> {
  return new Promise((resolve) => {
    request(url, { ca }, (res) => resolve(res.statusCode === 200))
      .on('error', () => resolve(false))
      .end();
  });
}

export async function startPebble(command: string, env: Record<string, string>): Promise<Pebble> {
  const dir = mkdtempSync(path.join(tmpdir(), 'meetctl-pebble-'));
  const pems = (await generate([{ name: 'commonName', value: '127.0.0.1' }], {
    keySize: 2048,
    algorithm: 'sha256',
    extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }],
  } as never)) as unknown as { private: string; cert: string };
  writeFileSync(path.join(dir, 'cert.pem'), pems.cert);
  writeFileSync(path.join(dir, 'key.pem'), pems.private);
  const [acmePort, managementPort, httpPort, tlsPort] = await Promise.all(Array.from({ length: 4 }, () => freePort()));
  const pebble = {
    listenAddress: `127.0.0.1:${acmePort}`,
    managementListenAddress: `127.0.0.1:${managementPort}`,
    certificate: path.join(dir, 'cert.pem'),
    privateKey: path.join(dir, 'key.pem'),
    httpPort,
    tlsPort,
    ocspResponderURL: '',
    externalAccountBindingRequired: false,
  };
  writeFileSync(path.join(dir, 'pebble.json'), JSON.stringify({ pebble }));
  const child: ChildProcess = spawn(command, ['-config', path.join(dir, 'pebble.json')], {
    env: { ...process.env, PEBBLE_VA_NOSLEEP: '1', ...env },
    stdio: 'ignore',
  });
  const directoryUrl = `https://127.0.0.1:${acmePort}/dir`;
  for (let i = 0; i < 100 && !(await answers(directoryUrl, pems.cert)); i++) await new Promise((r) => setTimeout(r, 100));
  return {
    directoryUrl,
    ca: pems.cert,
    stop() {
      child.kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
