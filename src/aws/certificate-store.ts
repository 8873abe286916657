import { createPrivateKey, X509Certificate } from 'node:crypto';
import { GetSecretValueCommand, PutSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SSMClient } from '@aws-sdk/client-ssm';
import type { StoredCertificate } from '../certs/certificate.js';
import { parameterValues, putSecureParameter, referencedParameters } from './parameter-secrets.js';

/**
 * The certificate, its key and the ACME account key in a Secrets Manager secret of their own, as
 * one JSON document (the task receives the certificate and key from it as ECS secrets). A secret
 * created empty (`{}`) holds no certificate yet.
 */
export function secretCertificateStore(client: SecretsManagerClient, secretId: string) {
  return {
    async load(): Promise<StoredCertificate | undefined> {
      const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
      if (!SecretString) return undefined;
      return storedCertificate(JSON.parse(SecretString) as Partial<StoredCertificate>);
    },
    async save(certificate: StoredCertificate): Promise<void> {
      await client.send(new PutSecretValueCommand({ SecretId: secretId, SecretString: JSON.stringify(certificate) }));
    },
  };
}

/** A whole stored certificate from a parsed document, or undefined when anything is missing. */
function storedCertificate(value: Partial<StoredCertificate>): StoredCertificate | undefined {
  if (!value.certificatePem || !value.privateKeyPem || !value.accountKeyPem || typeof value.notAfter !== 'number') {
    return undefined;
  }
  return {
    certificatePem: value.certificatePem,
    privateKeyPem: value.privateKeyPem,
    accountKeyPem: value.accountKeyPem,
    ...(value.host ? { host: value.host } : {}),
    ...(value.directoryUrl ? { directoryUrl: value.directoryUrl } : {}),
    notAfter: value.notAfter,
    issuedAt: value.issuedAt ?? 0,
    history: { issued: value.history?.issued ?? [], failures: value.history?.failures ?? [] },
  };
}

/**
 * The certificate's parameters (`secretStore: "parameter-store"`): the task reads the chain and the
 * key as two parameters of their own; the function's bookkeeping (ACME account key, dates, history) is
 * a third. A standard-tier parameter holds at most 4,096 bytes
 * (https://docs.aws.amazon.com/systems-manager/latest/userguide/parameter-store-advanced-parameters.html):
 * a Let's Encrypt ECDSA chain is about 2.5 KB, and save refuses anything larger with a clear message.
 */
export const CERTIFICATE_PARAMETER_KEYS = { certificate: 'certificatePem', privateKey: 'privateKeyPem', state: 'state' } as const;
/** The standard tier's limit on a parameter's value. */
export const STANDARD_PARAMETER_BYTES = 4096;

export function parameterCertificateStore(client: SSMClient, reference: string) {
  const names = Object.fromEntries(referencedParameters(reference).map((p) => [p.key, p.name]));
  const nameOf = (key: string): string => {
    const name = names[key];
    if (!name) throw new Error(`the certificate reference has no ${key} parameter`);
    return name;
  };
  return {
    async load(): Promise<StoredCertificate | undefined> {
      const values = await parameterValues(client, reference);
      let state: Partial<StoredCertificate>;
      try {
        state = JSON.parse(values[CERTIFICATE_PARAMETER_KEYS.state] ?? '') as Partial<StoredCertificate>;
      } catch {
        return undefined;
      }
      const certificatePem = values[CERTIFICATE_PARAMETER_KEYS.certificate] ?? '';
      const privateKeyPem = values[CERTIFICATE_PARAMETER_KEYS.privateKey] ?? '';
      // The three are written one after another: a pair that does not match (an interrupted save) is none.
      if (!keyMatches(certificatePem, privateKeyPem)) return undefined;
      return storedCertificate({ ...state, certificatePem, privateKeyPem });
    },
    async save(certificate: StoredCertificate): Promise<void> {
      const { certificatePem, privateKeyPem, ...state } = certificate;
      const values = [
        [CERTIFICATE_PARAMETER_KEYS.certificate, certificatePem],
        [CERTIFICATE_PARAMETER_KEYS.privateKey, privateKeyPem],
        [CERTIFICATE_PARAMETER_KEYS.state, JSON.stringify(state)],
      ] as const;
      for (const [key, value] of values) {
        const bytes = Buffer.byteLength(value);
        if (bytes > STANDARD_PARAMETER_BYTES) {
          throw new Error(
            `the certificate's ${key} is ${bytes} bytes, more than a standard parameter holds (${STANDARD_PARAMETER_BYTES}); use "secretStore": "secrets-manager"`,
          );
        }
      }
      for (const [key, value] of values) await putSecureParameter(client, nameOf(key), value);
    },
  };
}

/** Whether a PEM certificate (the first of a chain) belongs to a PEM private key. */
function keyMatches(certificatePem: string, privateKeyPem: string): boolean {
  try {
    return new X509Certificate(certificatePem).checkPrivateKey(createPrivateKey(privateKeyPem));
  } catch {
    return false;
  }
}
