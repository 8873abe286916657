import { GetSecretValueCommand, PutSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { StoredCertificate } from '../certs/certificate.js';

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
      const value = JSON.parse(SecretString) as Partial<StoredCertificate>;
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
    },
    async save(certificate: StoredCertificate): Promise<void> {
      await client.send(new PutSecretValueCommand({ SecretId: secretId, SecretString: JSON.stringify(certificate) }));
    },
  };
}
