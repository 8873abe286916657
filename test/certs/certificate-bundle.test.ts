import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { type BuildOptions, build } from 'esbuild';
import { generate } from 'selfsigned';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as Certificate from '../../src/certs/certificate.js';
import { FUNCTION_BUNDLING } from '../../src/infra/constructs/function.js';
import { externalTool } from '../support/tools.js';

// The certificate logic as the Lambda function runs it: src/certs/certificate.ts bundled by esbuild
// with the functions' own settings (jose from its ES module build, node's crypto, http and dns left
// to the runtime), issuing from Let's Encrypt's test server pebble (Debian's package) on 127.0.0.1.
// certificate.test.ts runs the whole flow from source with DNS-01 checked; here pebble accepts every
// challenge (PEBBLE_VA_ALWAYS_VALID), since what is under test is the bundle's account key, signed
// requests, CSR and HTTP client.
const PEBBLE = externalTool(
  { name: 'pebble', command: '/usr/bin/pebble', install: 'apt-get install pebble' },
  'the bundled certificate logic against pebble',
);
const HOST = 'meet.community.test';
const dir = mkdtempSync(path.join(tmpdir(), 'meetctl-bundle-pebble-'));
let pebble: ChildProcess | undefined;
let directoryUrl = '';
let ca = '';
let bundled: typeof Certificate;

/** esbuild's API options for CDK's NodejsFunction bundling options (CDK runs esbuild's CLI with them). */
function esbuildOptions(): BuildOptions {
  const { minify, keepNames, mainFields, externalModules, target, ...unmapped } = FUNCTION_BUNDLING;
  expect(unmapped, 'every bundling option of the functions is applied here too').toEqual({});
  // CDK's defaults for a Node.js function: --bundle --platform=node, CommonJS.
  const external = [...externalModules];
  return { bundle: true, platform: 'node', format: 'cjs', minify, keepNames, mainFields: [...mainFields], external, target };
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function answers(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    request(url, { ca }, (res) => resolve(res.statusCode === 200))
      .on('error', () => resolve(false))
      .end();
  });
}

beforeAll(async () => {
  if (!PEBBLE) return;
  const outfile = path.join(dir, 'certificate.js');
  const entryPoints = [path.resolve('src/certs/certificate.ts')];
  await build({ ...esbuildOptions(), entryPoints, outfile, logLevel: 'error' });
  bundled = createRequire(outfile)(outfile);
  const pems = (await generate([{ name: 'commonName', value: '127.0.0.1' }], {
    keySize: 2048,
    algorithm: 'sha256',
    extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }],
  } as never)) as unknown as { private: string; cert: string };
  ca = pems.cert;
  writeFileSync(path.join(dir, 'cert.pem'), pems.cert);
  writeFileSync(path.join(dir, 'key.pem'), pems.private);
  const [acmePort, managementPort, httpPort, tlsPort] = await Promise.all(Array.from({ length: 4 }, () => freePort()));
  writeFileSync(
    path.join(dir, 'pebble.json'),
    JSON.stringify({
      pebble: {
        listenAddress: `127.0.0.1:${acmePort}`,
        managementListenAddress: `127.0.0.1:${managementPort}`,
        certificate: path.join(dir, 'cert.pem'),
        privateKey: path.join(dir, 'key.pem'),
        httpPort,
        tlsPort,
        ocspResponderURL: '',
        externalAccountBindingRequired: false,
      },
    }),
  );
  pebble = spawn(PEBBLE, ['-config', path.join(dir, 'pebble.json')], {
    env: { ...process.env, PEBBLE_VA_ALWAYS_VALID: '1', PEBBLE_VA_NOSLEEP: '1', PEBBLE_WFE_NONCEREJECT: '0' },
    stdio: 'ignore',
  });
  directoryUrl = `https://127.0.0.1:${acmePort}/dir`;
  for (let i = 0; i < 100 && !(await answers(directoryUrl)); i++) await new Promise((r) => setTimeout(r, 100));
}, 30_000);

afterAll(() => {
  pebble?.kill();
  rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!PEBBLE)('the bundled certificate logic (pebble)', () => {
  it('issues a certificate for the host, as the Lambda function would', async () => {
    let stored: Certificate.StoredCertificate | undefined;
    const txt: string[] = [];
    const alerts: string[] = [];
    const ports: Certificate.CertificatePorts = {
      dns: {
        setTxt: async (name) => {
          txt.push(name);
          return 'change-1';
        },
        waitInSync: async () => {},
        removeTxt: async () => {},
      },
      store: {
        load: async () => stored,
        save: async (c) => {
          stored = c;
        },
      },
      notify: async (subject, message) => {
        alerts.push(`${subject}: ${message}`);
      },
      clock: { now: () => Date.now(), sleep: async () => {} },
    };
    const result = await bundled.ensureCertificate(ports, {
      host: HOST,
      email: 'organizers@community.test',
      directoryUrl,
      directoryCa: ca,
      skipChallengeVerification: true,
    });
    expect(result).toMatchObject({ action: 'issued' });
    expect(alerts).toEqual([]);
    expect(txt).toEqual([`_acme-challenge.${HOST}`]);
    expect(stored?.certificatePem).toContain('BEGIN CERTIFICATE');
    expect(stored?.privateKeyPem).toContain('PRIVATE KEY');
    expect(stored?.accountKeyPem).toContain('PRIVATE KEY');
  });
});
