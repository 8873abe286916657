import { createPrivateKey, generateKeyPairSync, X509Certificate } from 'node:crypto';
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
import { externalTool, TOOLS } from '../support/tools.js';
import { type Pebble, startPebble } from './pebble.js';

// The ACME flow for real, against Let's Encrypt's test server pebble and its DNS test server
// pebble-challtestsrv (Debian's `pebble` package, which .ci/run installs), on 127.0.0.1 only.
const SUITE = 'the certificate over ACME DNS-01 (pebble)';
const PEBBLE = externalTool(TOOLS.pebble, SUITE);
const CHALLTESTSRV = externalTool(TOOLS.pebbleChalltestsrv, SUITE);
const available = PEBBLE !== undefined && CHALLTESTSRV !== undefined;

const HOST = 'meet.community.test';
const VALIDITY_DAYS = 10;
const DAY = 86_400_000;
let pebble: Pebble | undefined;
let directoryUrl = '';
let management = '';
let dnsServer = '';
let ca = '';

beforeAll(async () => {
  if (!PEBBLE || !CHALLTESTSRV) return;
  pebble = await startPebble(PEBBLE, {
    // No random validation sleeps, no reused authorizations; pebble's default share of rejected
    // nonces (PEBBLE_WFE_NONCEREJECT unset: "Pebble rejects 5% of all valid nonces as invalid", its
    // README), which the client retries (RFC 8555 §6.5).
    env: { PEBBLE_AUTHZREUSE: '0' },
    validityDays: VALIDITY_DAYS,
    challtestsrv: CHALLTESTSRV,
  });
  ({ directoryUrl, ca } = pebble);
  management = pebble.dns?.management ?? '';
  dnsServer = pebble.dns?.server ?? '';
}, 30_000);

afterAll(() => pebble?.stop());

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

describe.skipIf(!available)(SUITE, () => {
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
