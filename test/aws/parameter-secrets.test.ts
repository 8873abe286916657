import { DescribeParametersCommand, GetParameterCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { generate } from 'selfsigned';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parameterCertificateStore, STANDARD_PARAMETER_BYTES } from '../../src/aws/certificate-store.js';
import { parameterSecrets } from '../../src/aws/parameter-secrets.js';
import { storedSecrets } from '../../src/aws/secrets.js';
import type { StoredCertificate } from '../../src/certs/certificate.js';
import { ensureSecureParameters, PLACEHOLDER_VALUE } from '../../src/infra/lambda/secure-parameters.js';
import { ACCOUNT, REGION } from '../support/iam.js';
import { type MotoServer, motoAvailable, startMoto, useMotoInThisProcess } from '../support/moto-server.js';

// The Parameter Store adapters (secretStore: "parameter-store") against moto_server's SSM.
const SUITE = 'the Parameter Store adapters against moto';
const available = motoAvailable(SUITE);
const arn = (name: string) => `arn:aws:ssm:${REGION}:${ACCOUNT}:parameter${name}`;
const INTERNAL = ['/Meet/internal/JICOFO_AUTH_PASSWORD', '/Meet/internal/JVB_AUTH_PASSWORD'];
const CERTIFICATE = ['/Meet/certificate/certificatePem', '/Meet/certificate/privateKeyPem', '/Meet/certificate/state'];
const reference = (names: readonly string[]) => names.map(arn).join(',');

let moto: MotoServer;
let ssm: SSMClient;
const storedValue = async (name: string) =>
  (await ssm.send(new GetParameterCommand({ Name: name, WithDecryption: true }))).Parameter?.Value;

describe.skipIf(!available)(SUITE, () => {
  beforeAll(async () => {
    moto = await startMoto();
    useMotoInThisProcess(moto);
    ssm = new SSMClient({ region: REGION });
  }, 60_000);
  afterAll(async () => moto?.stop());
  beforeEach(async () => {
    await moto.reset();
    await ensureSecureParameters(ssm, { requestType: 'Create', names: INTERNAL, passwordBytes: 16 });
  });

  describe('the generator (deploy time)', () => {
    it('creates each missing parameter as a SecureString of the standard tier with a generated password', async () => {
      const { Parameters } = await ssm.send(new DescribeParametersCommand({}));
      expect(Parameters?.map((p) => [p.Name, p.Type, p.Tier])).toEqual(INTERNAL.map((n) => [n, 'SecureString', 'Standard']));
      expect(await storedValue(INTERNAL[0] as string)).toMatch(/^[0-9a-f]{32}$/);
    });

    it('never changes a parameter that exists (a running task may use it), and fills placeholders without a password size', async () => {
      const before = await storedValue(INTERNAL[0] as string);
      const again = await ensureSecureParameters(ssm, { requestType: 'Update', names: INTERNAL, passwordBytes: 16 });
      expect(again.created).toEqual([]);
      expect(await storedValue(INTERNAL[0] as string)).toBe(before);
      await ensureSecureParameters(ssm, { requestType: 'Create', names: CERTIFICATE });
      expect(await storedValue(CERTIFICATE[0] as string)).toBe(PLACEHOLDER_VALUE);
    });

    it('deletes them all when the stack is deleted', async () => {
      await ensureSecureParameters(ssm, { requestType: 'Delete', names: INTERNAL });
      expect((await ssm.send(new DescribeParametersCommand({}))).Parameters).toEqual([]);
    });
  });

  describe('the secrets port', () => {
    it('reads a boundary as one JSON object of key → value', async () => {
      const value = JSON.parse(await parameterSecrets(ssm).value(reference(INTERNAL)));
      expect(Object.keys(value)).toEqual(['JICOFO_AUTH_PASSWORD', 'JVB_AUTH_PASSWORD']);
      expect(value.JVB_AUTH_PASSWORD).toBe(await storedValue(INTERNAL[1] as string));
    });

    it('stages without changing anything stored, and promotes by overwriting each parameter', async () => {
      const port = parameterSecrets(ssm);
      const before = await port.value(reference(INTERNAL));
      const next = JSON.stringify({ JICOFO_AUTH_PASSWORD: 'new-jicofo', JVB_AUTH_PASSWORD: 'new-jvb' });
      const version = await port.stage(reference(INTERNAL), next);
      expect(await port.value(reference(INTERNAL))).toBe(before);
      await port.promote(reference(INTERNAL), version);
      expect(await port.value(reference(INTERNAL))).toBe(next);
      const { Parameters } = await ssm.send(new DescribeParametersCommand({}));
      expect(Parameters?.map((p) => p.Type)).toEqual(['SecureString', 'SecureString']);
    });

    it('refuses a staged key that has no parameter, and a promotion of nothing staged', async () => {
      const port = parameterSecrets(ssm);
      await expect(port.stage(reference(INTERNAL), JSON.stringify({ OTHER: 'x' }))).rejects.toThrow('no parameter for OTHER');
      await expect(port.promote(reference(INTERNAL), 'never-staged')).rejects.toThrow('nothing staged');
    });

    it('says which parameter is missing', async () => {
      await expect(parameterSecrets(ssm).value(reference(['/Meet/token/JWT_APP_SECRET']))).rejects.toThrow(
        'missing parameters: /Meet/token/JWT_APP_SECRET',
      );
    });

    it('goes to Parameter Store for parameter ARNs and to Secrets Manager for a secret ARN', async () => {
      const port = storedSecrets({ ssm, secretsmanager: { send: () => Promise.reject(new Error('secrets manager')) } as never });
      expect(JSON.parse(await port.value(reference(INTERNAL)))).toHaveProperty('JVB_AUTH_PASSWORD');
      await expect(port.value(`arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:Meet-AbC`)).rejects.toThrow('secrets manager');
    });
  });

  describe("the direct mode's certificate", () => {
    let pems: { cert: string; private: string };
    const certificate = (): StoredCertificate => ({
      certificatePem: pems.cert,
      privateKeyPem: pems.private,
      accountKeyPem: 'account key',
      host: 'meet.example.org',
      notAfter: 1_800_000_000_000,
      issuedAt: 1_790_000_000_000,
      history: { issued: [1_790_000_000_000], failures: [] },
    });
    beforeAll(async () => {
      pems = await generate([{ name: 'commonName', value: 'meet.example.org' }], { keySize: 2048 });
    });
    beforeEach(() => ensureSecureParameters(ssm, { requestType: 'Create', names: CERTIFICATE }));

    it('holds none while the parameters hold placeholders, and reads back what it saved', async () => {
      const store = parameterCertificateStore(ssm, reference(CERTIFICATE));
      expect(await store.load()).toBeUndefined();
      await store.save(certificate());
      expect(await store.load()).toEqual(certificate());
      // The task reads the chain and the key as parameters of their own.
      expect(await storedValue(CERTIFICATE[0] as string)).toBe(pems.cert);
    });

    it('reads a chain whose key does not match it (a save cut short) as no certificate, so it is issued again', async () => {
      const store = parameterCertificateStore(ssm, reference(CERTIFICATE));
      await store.save(certificate());
      const other = await generate([{ name: 'commonName', value: 'meet.example.org' }], { keySize: 2048 });
      await ssm.send(
        new PutParameterCommand({ Name: CERTIFICATE[1], Value: other.private, Type: 'SecureString', Overwrite: true }),
      );
      expect(await store.load()).toBeUndefined();
    });

    it("refuses a value larger than a standard parameter's 4,096 bytes and writes nothing", async () => {
      const store = parameterCertificateStore(ssm, reference(CERTIFICATE));
      const chain = `${pems.cert}\n`.repeat(Math.ceil(STANDARD_PARAMETER_BYTES / pems.cert.length) + 1);
      await expect(store.save({ ...certificate(), certificatePem: chain })).rejects.toThrow(
        /certificatePem is \d+ bytes, more than a standard parameter holds \(4096\); use "secretStore": "secrets-manager"/,
      );
      expect(await storedValue(CERTIFICATE[0] as string)).toBe(PLACEHOLDER_VALUE);
    });
  });
});
