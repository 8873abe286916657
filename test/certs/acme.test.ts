import { spawnSync } from 'node:child_process';
import { createPrivateKey, createPublicKey, generateKeyPairSync, X509Certificate } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AcmeClient, AcmeProblem, type Authorization, MAX_BAD_NONCE_RETRIES } from '../../src/certs/acme.js';
import { orderCertificate } from '../../src/certs/acme-order.js';
import { notAfterOf } from '../../src/certs/certificate.js';
import { certificationRequest, createCsr, derLength, derOid, newPrivateKeyPem } from '../../src/certs/csr.js';
import { externalTool } from '../support/tools.js';
import { type Pebble, startPebble } from './pebble.js';

// Our own RFC 8555 client and PKCS#10 encoder, checked against independent implementations: OpenSSL
// parses and verifies the CSR; Let's Encrypt's test server pebble (Debian's package) speaks ACME.
// certificate.test.ts runs the whole issuance with DNS-01 through pebble-challtestsrv; here pebble
// accepts every challenge (PEBBLE_VA_ALWAYS_VALID) and the protocol's edges are under test.
const OPENSSL = externalTool(
  { name: 'openssl', command: 'openssl', install: 'apt-get install openssl' },
  'the CSR checked by OpenSSL',
);
const PEBBLE = externalTool(
  { name: 'pebble', command: '/usr/bin/pebble', install: 'apt-get install pebble' },
  'the ACME client against pebble',
);
const HOST = 'meet.community.test';

const pem = (der: Buffer) =>
  `-----BEGIN CERTIFICATE REQUEST-----\n${der.toString('base64')}\n-----END CERTIFICATE REQUEST-----\n`;
/** OpenSSL's output, its verdict (`req -verify` prints it on stderr, and exits 0 either way) first. */
const openssl = (args: string[], input: string | Buffer) => {
  const result = spawnSync(OPENSSL ?? 'openssl', args, { input });
  if (result.status !== 0) throw new Error(`openssl ${args.join(' ')}: ${result.stderr}`);
  return `${result.stderr}${result.stdout}`;
};

describe.skipIf(!OPENSSL)('the certificate signing request (OpenSSL)', () => {
  it('is a PKCS#10 request OpenSSL verifies, for the host as CN and subjectAltName, signed with its P-256 key', () => {
    const { privateKeyPem, csr } = createCsr(HOST);
    const text = openssl(['req', '-verify', '-noout', '-text'], pem(csr));
    expect(text).toMatch(/^Certificate request self-signature verify OK\n/);
    expect(text).toContain('Version: 1 (0x0)');
    expect(text).toMatch(/Subject: CN ?= ?meet\.community\.test\n/);
    expect(text).toContain('NIST CURVE: P-256');
    expect(text).toMatch(/X509v3 Subject Alternative Name: *\n\s*DNS:meet\.community\.test\n/);
    expect(text).toContain('Signature Algorithm: ecdsa-with-SHA256');
    // The request's public key is the stored private key's.
    const requested = openssl(['req', '-noout', '-pubkey'], pem(csr));
    expect(requested).toContain(createPublicKey(createPrivateKey(privateKeyPem)).export({ type: 'spki', format: 'pem' }));
    expect(privateKeyPem).toContain('BEGIN PRIVATE KEY');
  });

  it('fails OpenSSL verification when signed with another key (the signature covers the request)', () => {
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    const good = certificationRequest(HOST, other);
    // Swap the signed public key for another: the signature no longer matches.
    const key = createPublicKey(other).export({ type: 'spki', format: 'der' });
    const forged = Buffer.from(good);
    forged.set(
      createPublicKey(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey).export({ type: 'spki', format: 'der' }),
      good.indexOf(key),
    );
    expect(openssl(['req', '-verify', '-noout'], pem(forged))).toContain('self-signature verify failure');
  });

  it('encodes long host names with DER long-form lengths, and OIDs arcs above 127 in base 128', () => {
    const long = `${'a'.repeat(60)}.${'b'.repeat(60)}.${'c'.repeat(60)}.community.test`;
    const text = openssl(['req', '-verify', '-noout', '-text'], pem(createCsr(long).csr));
    expect(text).toMatch(/^Certificate request self-signature verify OK\n/);
    expect(text).toContain(`DNS:${long}`);
    expect(derLength(127)).toEqual(Buffer.from([0x7f]));
    expect(derLength(128)).toEqual(Buffer.from([0x81, 0x80]));
    expect(derLength(300)).toEqual(Buffer.from([0x82, 0x01, 0x2c]));
    const parsed = openssl(['asn1parse', '-inform', 'DER'], derOid('1.2.840.113549.1.9.14'));
    expect(parsed).toContain('Extension Request');
  });
});

describe.skipIf(!PEBBLE)('the ACME client (pebble)', () => {
  let pebble: Pebble;
  let rejecting: Pebble;
  beforeAll(async () => {
    [pebble, rejecting] = await Promise.all([
      startPebble(PEBBLE ?? '', { PEBBLE_VA_ALWAYS_VALID: '1', PEBBLE_WFE_NONCEREJECT: '0' }),
      // Every nonce rejected: the retries must end.
      startPebble(PEBBLE ?? '', { PEBBLE_VA_ALWAYS_VALID: '1', PEBBLE_WFE_NONCEREJECT: '100' }),
    ]);
  }, 30_000);
  afterAll(() => {
    pebble?.stop();
    rejecting?.stop();
  });
  const client = (accountKeyPem: string, on = pebble) =>
    new AcmeClient({ directoryUrl: on.directoryUrl, accountKeyPem, ca: on.ca });

  it('finds the same account again for the same key (RFC 8555 §7.3), also from a SEC1 PEM key', async () => {
    const sec1 = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'sec1', format: 'pem' }).toString();
    const first = await client(sec1).account('organizers@community.test');
    expect(first).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/my-account\//);
    expect(await client(sec1).account('organizers@community.test')).toBe(first);
    expect(await client(newPrivateKeyPem()).account('organizers@community.test')).not.toBe(first);
  });

  it('says which directory URL did not answer as an ACME directory', async () => {
    const wrong = pebble.directoryUrl.replace(/\/dir$/, '/not-a-directory');
    const acme = new AcmeClient({ directoryUrl: wrong, accountKeyPem: newPrivateKeyPem(), ca: pebble.ca });
    await expect(acme.account('organizers@community.test')).rejects.toThrow(`the ACME directory ${wrong} answered 404`);
  });

  it('refuses an account key that is not ECDSA P-256', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 })
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString();
    expect(() => client(rsa)).toThrow('the stored ACME account key is not an ECDSA P-256 key');
  });

  it('retries a request the server rejected for its nonce, with the nonce that rejection carried (§6.5)', async () => {
    const acme = client(newPrivateKeyPem());
    // A nonce pebble never gave: pebble answers badNonce with a fresh Replay-Nonce.
    Object.assign(acme, { nonce: 'bm90LWEtbm9uY2UtcGViYmxlLWdhdmU' });
    await expect(acme.account('organizers@community.test')).resolves.toMatch(/my-account/);
  });

  it(`gives up after ${MAX_BAD_NONCE_RETRIES} retries when every nonce is rejected, with the CA's reason`, async () => {
    const error = await client(newPrivateKeyPem(), rejecting)
      .account('organizers@community.test')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AcmeProblem);
    expect(error).toMatchObject({ type: 'urn:ietf:params:acme:error:badNonce', status: 400 });
    expect((error as Error).message).toMatch(/nonce/i);
  });

  it("reports the CA's own reason for a refused request (an invalid contact address)", async () => {
    await expect(client(newPrivateKeyPem()).account('not an address')).rejects.toThrow(/contact/);
  });

  it("issues a certificate for the CSR's key and host: order, authorization, finalize, download", async () => {
    const acme = client(newPrivateKeyPem());
    const { privateKeyPem, csr } = createCsr(HOST);
    const records: string[] = [];
    const chain = await orderCertificate(acme, {
      host: HOST,
      email: 'organizers@community.test',
      csr,
      recordName: (id) => `_acme-challenge.${id}`,
      sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
      dns: {
        create: async (name, value) => void records.push(`+${name} ${value}`),
        remove: async (name, value) => void records.push(`-${name} ${value}`),
      },
    });
    const leaf = new X509Certificate(chain);
    expect(leaf.subjectAltName).toBe(`DNS:${HOST}`);
    expect(leaf.checkPrivateKey(createPrivateKey(privateKeyPem))).toBe(true);
    expect(chain.match(/BEGIN CERTIFICATE/g)?.length).toBeGreaterThan(1);
    expect(notAfterOf(chain)).toBe(new Date(leaf.validTo).getTime());
    // §8.4: one TXT record, base64url of a SHA-256 digest (43 characters), removed afterwards.
    expect(records).toHaveLength(2);
    expect(records[0]).toMatch(/^\+_acme-challenge\.meet\.community\.test [A-Za-z0-9_-]{43}$/);
    expect(records[1]).toBe(records[0]?.replace('+', '-'));
  }, 60_000);

  it('deactivates an authorization it could not complete (§7.5.2) and removes the record', async () => {
    const deactivated: string[] = [];
    class Watched extends AcmeClient {
      override async deactivate(url: string) {
        deactivated.push(url);
        await super.deactivate(url);
      }
    }
    const acme = new Watched({ directoryUrl: pebble.directoryUrl, accountKeyPem: newPrivateKeyPem(), ca: pebble.ca });
    const removed: string[] = [];
    const failing = orderCertificate(acme, {
      host: HOST,
      email: 'organizers@community.test',
      csr: createCsr(HOST).csr,
      recordName: (id) => `_acme-challenge.${id}`,
      sleep: async () => {},
      dns: {
        create: async () => {},
        remove: async (name) => void removed.push(name),
        verify: async (name) => {
          throw new Error(`no TXT record at ${name}`);
        },
      },
    });
    await expect(failing).rejects.toThrow(`no TXT record at _acme-challenge.${HOST}`);
    expect(removed).toEqual([`_acme-challenge.${HOST}`]);
    expect(deactivated).toHaveLength(1);
    const { body } = await acme.get<Authorization>(deactivated[0] ?? '');
    expect(body.status).toBe('deactivated');
  });
});
