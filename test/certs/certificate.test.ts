import { type ChildProcess, spawn } from 'node:child_process';
import { createPrivateKey, generateKeyPairSync, X509Certificate } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { generate } from 'selfsigned';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STANDARD_PARAMETER_BYTES } from '../../src/aws/certificate-store.js';
import {
  type CertificatePorts,
  type CertificateSettings,
  ensureCertificate,
  MAX_FAILURES_PER_HOUR,
  type StoredCertificate,
} from '../../src/certs/certificate.js';
import { newPrivateKeyPem } from '../../src/certs/csr.js';
import type { Clock } from '../../src/control/ports.js';

// The ACME flow for real, against Let's Encrypt's test server pebble and its DNS test server
// pebble-challtestsrv (Debian's `pebble` package, which .ci/run installs), on 127.0.0.1 only.
const PEBBLE = '/usr/bin/pebble';
const CHALLTESTSRV = '/usr/bin/pebble-challtestsrv';
const available = existsSync(PEBBLE) && existsSync(CHALLTESTSRV);
if (!available && process.env.CI === 'true') throw new Error('pebble is not installed: .ci/run must apt-get install pebble');

const HOST = 'meet.community.test';
const VALIDITY_DAYS = 10;
const DAY = 86_400_000;
const dir = mkdtempSync(path.join(tmpdir(), 'meetctl-pebble-'));
const children: ChildProcess[] = [];
let directoryUrl = '';
let management = '';
let dnsServer = '';
let ca = '';

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function waitFor(url: string, init?: RequestInit): Promise<void> {
  for (let i = 0; i < 100; i++) {
    try {
      await fetch(url, init);
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`${url} never answered`);
}

beforeAll(async () => {
  if (!available) return;
  // Pebble's own HTTPS certificate, made here so the test trusts exactly it.
  const pems = (await generate([{ name: 'commonName', value: '127.0.0.1' }], {
    keySize: 2048,
    algorithm: 'sha256',
    extensions: [
      {
        name: 'subjectAltName',
        altNames: [
          { type: 7, ip: '127.0.0.1' },
          { type: 2, value: 'localhost' },
        ],
      },
    ],
  } as never)) as unknown as { private: string; cert: string };
  ca = pems.cert;
  writeFileSync(path.join(dir, 'cert.pem'), pems.cert);
  writeFileSync(path.join(dir, 'key.pem'), pems.private);
  const [acmePort, acmeManagement, dnsPort, challManagement, httpPort, tlsPort] = await Promise.all(
    Array.from({ length: 6 }, () => freePort()),
  );
  writeFileSync(
    path.join(dir, 'pebble.json'),
    JSON.stringify({
      pebble: {
        listenAddress: `127.0.0.1:${acmePort}`,
        managementListenAddress: `127.0.0.1:${acmeManagement}`,
        certificate: path.join(dir, 'cert.pem'),
        privateKey: path.join(dir, 'key.pem'),
        httpPort,
        tlsPort,
        ocspResponderURL: '',
        externalAccountBindingRequired: false,
        certificateValidityPeriod: VALIDITY_DAYS * 86_400,
      },
    }),
  );
  children.push(
    spawn(
      CHALLTESTSRV,
      [
        '-dns01',
        `127.0.0.1:${dnsPort}`,
        '-http01',
        '',
        '-https01',
        '',
        '-tlsalpn01',
        '',
        '-management',
        `127.0.0.1:${challManagement}`,
      ],
      {
        stdio: 'ignore',
      },
    ),
  );
  children.push(
    spawn(PEBBLE, ['-config', path.join(dir, 'pebble.json'), '-dnsserver', `127.0.0.1:${dnsPort}`], {
      // No random validation sleeps, no reused authorizations; pebble's default share of rejected
      // nonces (PEBBLE_WFE_NONCEREJECT unset: "Pebble rejects 5% of all valid nonces as invalid", its
      // README), which the client retries (RFC 8555 §6.5).
      env: { ...process.env, PEBBLE_VA_NOSLEEP: '1', PEBBLE_AUTHZREUSE: '0' },
      stdio: 'ignore',
    }),
  );
  management = `http://127.0.0.1:${challManagement}`;
  dnsServer = `127.0.0.1:${dnsPort}`;
  directoryUrl = `https://127.0.0.1:${acmePort}/dir`;
  await waitFor(`${management}/set-default-ipv4`, { method: 'POST', body: JSON.stringify({ ip: '127.0.0.1' }) });
  for (let i = 0; i < 100; i++) {
    const https = await import('node:https');
    const ok = await new Promise<boolean>((resolve) => {
      https.get(directoryUrl, { ca }, (res) => resolve(res.statusCode === 200)).on('error', () => resolve(false));
    });
    if (ok) break;
    await new Promise((r) => setTimeout(r, 100));
  }
}, 30_000);

afterAll(() => {
  for (const child of children) child.kill();
  rmSync(dir, { recursive: true, force: true });
});

/** The Route 53 port as the tests see it: TXT records go into pebble-challtestsrv's DNS. */
function world(options: { wrongTxt?: boolean; now?: number; checkDns?: boolean } = {}) {
  let stored: StoredCertificate | undefined;
  const alerts: string[] = [];
  const txt: string[] = [];
  const clock: Clock & { t: number } = {
    t: options.now ?? Date.now(),
    now() {
      return this.t;
    },
    async sleep(ms) {
      this.t += ms;
    },
  };
  const post = (route: string, body: unknown) =>
    fetch(`${management}/${route}`, { method: 'POST', body: JSON.stringify(body) }).then(() => undefined);
  const ports: CertificatePorts = {
    dns: {
      async setTxt(name, value) {
        txt.push(name);
        await post('set-txt', { host: `${name}.`, value: options.wrongTxt ? 'not-the-key-authorization' : value });
        return `change-${txt.length}`;
      },
      async waitInSync() {},
      async removeTxt(name) {
        await post('clear-txt', { host: `${name}.` });
      },
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
    clock,
  };
  const settings = (extra: Partial<CertificateSettings> = {}): CertificateSettings => ({
    host: HOST,
    email: 'organizers@community.test',
    directoryUrl,
    directoryCa: ca,
    // The TXT record is looked up in pebble-challtestsrv's DNS before the CA is asked; with a wrong
    // record the look-up is skipped (unless checkDns), so that the CA itself refuses it.
    ...(options.wrongTxt && !options.checkDns ? { skipChallengeVerification: true } : { dnsServers: [dnsServer] }),
    ...extra,
  });
  return { ports, settings, alerts, txt, clock, stored: () => stored };
}

describe.skipIf(!available)('the certificate over ACME DNS-01 (pebble)', () => {
  it('issues the first certificate for the host through a TXT record at _acme-challenge', async () => {
    const w = world();
    const result = await ensureCertificate(w.ports, w.settings());
    expect(result.action).toBe('issued');
    expect(w.txt).toEqual([`_acme-challenge.${HOST}`]);
    const stored = w.stored();
    expect(stored?.certificatePem).toContain('BEGIN CERTIFICATE');
    expect(stored?.privateKeyPem).toContain('PRIVATE KEY');
    // Pebble's validity period, as configured: about 10 days.
    expect(Math.round(((stored?.notAfter ?? 0) - Date.now()) / DAY)).toBe(VALIDITY_DAYS);
    expect(w.alerts).toEqual([]);
  }, 60_000);

  it("fits Parameter Store's standard tier: the chain, the ECDSA P-256 key and the bookkeeping are each under 4,096 bytes", async () => {
    const w = world();
    await ensureCertificate(w.ports, w.settings());
    const { certificatePem, privateKeyPem, ...state } = w.stored() as StoredCertificate;
    const bytes = {
      chain: Buffer.byteLength(certificatePem),
      key: Buffer.byteLength(privateKeyPem),
      state: Buffer.byteLength(JSON.stringify(state)),
    };
    console.log(JSON.stringify({ measured: 'pebble certificate parameter sizes (bytes)', ...bytes }));
    expect(createPrivateKey(privateKeyPem).asymmetricKeyDetails).toEqual({ namedCurve: 'prime256v1' });
    expect(certificatePem.match(/BEGIN CERTIFICATE/g)?.length).toBeGreaterThanOrEqual(2);
    // ECS injects the chain and the key into variables of their own, so each is a parameter of its own.
    for (const size of Object.values(bytes)) expect(size).toBeLessThanOrEqual(STANDARD_PARAMETER_BYTES);
  }, 60_000);

  it('does nothing when the certificate is not due, and renews it, with the same account, when it is', async () => {
    const w = world();
    await ensureCertificate(w.ports, w.settings({ renewBeforeDays: 5 }));
    const first = w.stored();
    expect(await ensureCertificate(w.ports, w.settings({ renewBeforeDays: 5 }))).toMatchObject({
      action: 'not-due',
      daysLeft: 9,
    });
    expect(w.stored()).toBe(first);
    // Six days later fewer than 5 days are left: renew.
    w.clock.t += 6 * DAY;
    const renewed = await ensureCertificate(w.ports, w.settings({ renewBeforeDays: 5 }));
    expect(renewed.action).toBe('renewed');
    expect(w.stored()?.certificatePem).not.toBe(first?.certificatePem);
    expect(w.stored()?.accountKeyPem).toBe(first?.accountKeyPem);
    expect(w.stored()?.history.issued).toHaveLength(2);
  }, 60_000);

  it('issues again when the host name or the CA changed, whatever the days left', async () => {
    const w = world();
    await ensureCertificate(w.ports, w.settings());
    const first = w.stored() as StoredCertificate;
    expect(first).toMatchObject({ host: HOST, directoryUrl: w.settings().directoryUrl });
    // The same CA under another directory URL stands for "staging → production".
    const moved = await ensureCertificate(w.ports, w.settings({ directoryUrl: `${w.settings().directoryUrl}?production` }));
    expect(moved.action).toBe('issued');
    expect(w.stored()?.certificatePem).not.toBe(first.certificatePem);
    expect(w.stored()?.accountKeyPem).toBe(first.accountKeyPem);
  }, 60_000);

  it('alerts when the first issuance fails validation', async () => {
    const w = world({ wrongTxt: true });
    const failed = await ensureCertificate(w.ports, w.settings());
    expect(failed).toMatchObject({ action: 'failed', alerted: true });
    expect(w.alerts[0]).toContain(`Certificate for ${HOST} could not be issued`);
    // The CA's own reason (pebble's VA: the record's value is not the key authorization's digest).
    expect(w.alerts[0]).toMatch(
      /The ACME issuance failed: the authorization of meet\.community\.test is invalid: Correct value not found for DNS challenge/,
    );
  }, 60_000);

  it('does not ask the CA while the record cannot be read in DNS, and says which record', async () => {
    const w = world({ wrongTxt: true, checkDns: true });
    const failed = await ensureCertificate(w.ports, w.settings());
    expect(failed).toMatchObject({
      action: 'failed',
      why: `the DNS-01 TXT record _acme-challenge.${HOST} does not hold the key authorization`,
    });
  }, 60_000);

  it('renews with the account key stored before, as acme-client 5.4 wrote it', async () => {
    const w = world();
    // acme-client 5.4.0 src/crypto/index.js createPrivateEcdsaKey: node's generateKeyPair('ec', P-256), PKCS#8 PEM.
    const before = generateKeyPairSync('ec', { namedCurve: 'P-256' })
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString();
    await w.ports.store.save({
      certificatePem: '',
      privateKeyPem: '',
      accountKeyPem: before,
      host: HOST,
      directoryUrl,
      notAfter: Date.now() + DAY,
      issuedAt: Date.now() - 60 * DAY,
      history: { issued: [], failures: [] },
    });
    expect((await ensureCertificate(w.ports, w.settings())).action).toBe('renewed');
    expect(w.stored()?.accountKeyPem).toBe(before);
    expect(
      new X509Certificate(w.stored()?.certificatePem ?? '').checkPrivateKey(createPrivateKey(w.stored()?.privateKeyPem ?? '')),
    ).toBe(true);
  }, 60_000);

  it('a renewal that keeps failing alerts at least 14 days before expiry, and backs off after 3 failures an hour', async () => {
    const good = world();
    await ensureCertificate(good.ports, good.settings());
    const valid = good.stored() as StoredCertificate;
    // The same certificate, now 13 days from expiry, with a DNS that writes the wrong value. A fresh
    // ACME account: the CA may reuse an account's still-valid authorization for the name, which would
    // let a renewal pass without the (wrong) TXT record ever being checked.
    const bad = world({ wrongTxt: true, now: valid.notAfter - 13 * DAY });
    await bad.ports.store.save({ ...valid, accountKeyPem: newPrivateKeyPem() });
    for (let i = 0; i < MAX_FAILURES_PER_HOUR; i++) {
      expect((await ensureCertificate(bad.ports, bad.settings())).action).toBe('failed');
    }
    expect(bad.alerts.length).toBe(MAX_FAILURES_PER_HOUR);
    expect(bad.alerts[0]).toContain('expires in 13 days');
    const before = bad.txt.length;
    expect(await ensureCertificate(bad.ports, bad.settings())).toMatchObject({ action: 'deferred' });
    expect(bad.txt.length).toBe(before); // the CA was not asked again
    bad.clock.t += 61 * 60_000;
    expect((await ensureCertificate(bad.ports, bad.settings())).action).toBe('failed');
  }, 120_000);
});
