import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { type BuildOptions, build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as Certificate from '../../src/certs/certificate.js';
import { FUNCTION_BUNDLING } from '../../src/infra/constructs/function.js';
import { externalTool, TOOLS } from '../support/tools.js';
import { type Pebble, startPebble } from './pebble.js';

// The certificate logic as the Lambda function runs it: src/certs/certificate.ts bundled by esbuild
// with the functions' own settings (jose from its ES module build, node's crypto, http and dns left
// to the runtime), issuing from Let's Encrypt's test server pebble (Debian's package) on 127.0.0.1.
// certificate.test.ts runs the whole flow from source with DNS-01 checked; here pebble accepts every
// challenge (PEBBLE_VA_ALWAYS_VALID), since what is under test is the bundle's account key, signed
// requests, CSR and HTTP client.
const PEBBLE = externalTool(TOOLS.pebble, 'the bundled certificate logic against pebble');
const HOST = 'meet.community.test';
const dir = mkdtempSync(path.join(tmpdir(), 'meetctl-bundle-pebble-'));
let pebble: Pebble | undefined;
let bundled: typeof Certificate;

/** esbuild's API options for CDK's NodejsFunction bundling options (CDK runs esbuild's CLI with them). */
function esbuildOptions(): BuildOptions {
  const { minify, keepNames, mainFields, externalModules, target, ...unmapped } = FUNCTION_BUNDLING;
  expect(unmapped, 'every bundling option of the functions is applied here too').toEqual({});
  // CDK's defaults for a Node.js function: --bundle --platform=node, CommonJS.
  const external = [...externalModules];
  return { bundle: true, platform: 'node', format: 'cjs', minify, keepNames, mainFields: [...mainFields], external, target };
}

beforeAll(async () => {
  if (!PEBBLE) return;
  const outfile = path.join(dir, 'certificate.js');
  const entryPoints = [path.resolve('src/certs/certificate.ts')];
  await build({ ...esbuildOptions(), entryPoints, outfile, logLevel: 'error' });
  bundled = createRequire(outfile)(outfile);
  pebble = await startPebble(PEBBLE, {
    env: { PEBBLE_VA_ALWAYS_VALID: '1', PEBBLE_WFE_NONCEREJECT: '0' },
  });
}, 30_000);

afterAll(() => {
  pebble?.stop();
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
      directoryUrl: pebble?.directoryUrl ?? '',
      directoryCa: pebble?.ca ?? '',
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
