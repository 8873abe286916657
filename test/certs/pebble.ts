import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { generate } from 'selfsigned';
import { freePort } from '../support/free-port.js';

/**
 * Let's Encrypt's ACME test server pebble (Debian's package) on 127.0.0.1, with its own HTTPS
 * certificate made here so the test trusts exactly it. `env` sets pebble's test behaviours
 * (PEBBLE_WFE_NONCEREJECT: percent of nonces rejected; PEBBLE_VA_ALWAYS_VALID: every challenge
 * passes; PEBBLE_AUTHZREUSE: percent of valid authorizations reused), as pebble 2.4's README
 * documents them. With `challtestsrv`, pebble's DNS test server pebble-challtestsrv runs beside it
 * and pebble looks DNS-01 records up there (`-dnsserver`); `dns` then says where to set them.
 */
export interface Pebble {
  readonly directoryUrl: string;
  readonly ca: string;
  /** pebble-challtestsrv's DNS (`host:port`) and management API (`http://…`), when it was started. */
  readonly dns?: { readonly server: string; readonly management: string };
  /** Stops pebble (and pebble-challtestsrv) and removes their files. */
  stop(): void;
}

export interface PebbleOptions {
  /** pebble's test behaviours, added to PEBBLE_VA_NOSLEEP=1 (no random validation sleeps). */
  readonly env: Record<string, string>;
  /** The validity of the certificates pebble issues (pebble's own default otherwise). */
  readonly validityDays?: number;
  /** The pebble-challtestsrv command: started for DNS-01 when given. */
  readonly challtestsrv?: string;
}

function answers(url: string, ca: string): Promise<boolean> {
  return new Promise((resolve) => {
    request(url, { ca }, (res) => resolve(res.statusCode === 200))
      .on('error', () => resolve(false))
      .end();
  });
}

/** Polls until `ready` holds, for up to ten seconds; names the server that never answered. */
async function waitUntil(what: string, ready: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (await ready()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} never answered`);
}

/** pebble-challtestsrv with only its DNS server and management API; every A look-up answers 127.0.0.1. */
async function startChalltestsrv(command: string, children: ChildProcess[]): Promise<NonNullable<Pebble['dns']>> {
  const [dnsPort, managementPort] = await Promise.all([freePort(), freePort()]);
  const args = ['-dns01', `127.0.0.1:${dnsPort}`, '-http01', '', '-https01', '', '-tlsalpn01', ''];
  children.push(spawn(command, [...args, '-management', `127.0.0.1:${managementPort}`], { stdio: 'ignore' }));
  const management = `http://127.0.0.1:${managementPort}`;
  const setDefaultIpv4 = { method: 'POST', body: JSON.stringify({ ip: '127.0.0.1' }) };
  await waitUntil(`pebble-challtestsrv at ${management}`, () =>
    fetch(`${management}/set-default-ipv4`, setDefaultIpv4).then(
      () => true,
      () => false,
    ),
  );
  return { server: `127.0.0.1:${dnsPort}`, management };
}

async function pebbleCertificate(dir: string): Promise<string> {
  const pems = (await generate([{ name: 'commonName', value: '127.0.0.1' }], {
    keySize: 2048,
    algorithm: 'sha256',
    extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }],
  } as never)) as unknown as { private: string; cert: string };
  writeFileSync(path.join(dir, 'cert.pem'), pems.cert);
  writeFileSync(path.join(dir, 'key.pem'), pems.private);
  return pems.cert;
}

export async function startPebble(command: string, options: PebbleOptions): Promise<Pebble> {
  const dir = mkdtempSync(path.join(tmpdir(), 'meetctl-pebble-'));
  const children: ChildProcess[] = [];
  const stop = () => {
    for (const child of children) child.kill();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const ca = await pebbleCertificate(dir);
    const dns = options.challtestsrv ? await startChalltestsrv(options.challtestsrv, children) : undefined;
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
      ...(options.validityDays ? { certificateValidityPeriod: options.validityDays * 86_400 } : {}),
    };
    writeFileSync(path.join(dir, 'pebble.json'), JSON.stringify({ pebble }));
    const args = ['-config', path.join(dir, 'pebble.json'), ...(dns ? ['-dnsserver', dns.server] : [])];
    children.push(spawn(command, args, { env: { ...process.env, PEBBLE_VA_NOSLEEP: '1', ...options.env }, stdio: 'ignore' }));
    const directoryUrl = `https://127.0.0.1:${acmePort}/dir`;
    await waitUntil(`pebble at ${directoryUrl}`, () => answers(directoryUrl, ca));
    return { directoryUrl, ca, ...(dns ? { dns } : {}), stop };
  } catch (error) {
    stop();
    throw error;
  }
}
