import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { type CertificatePorts, type CertificateResult, type CertificateSettings, ensureCertificate } from './certificate.js';

/** What the certificate function needs, injected so tests can run it without AWS. */
export interface CertificateDeps {
  readonly ports: CertificatePorts;
  readonly settings: CertificateSettings;
  /** One JSON log line per run; never a key or a certificate. */
  readonly log: (entry: Record<string, unknown>) => void;
}

/** What the CDK provider framework expects back. */
export interface ProviderResult {
  readonly PhysicalResourceId: string;
  readonly Data?: Record<string, string>;
}

/** The daily run: renew when due, within the CA's limits; alerts come from `ensureCertificate`. */
export function scheduledRenewal(deps: CertificateDeps) {
  return async (): Promise<CertificateResult> => {
    const result = await ensureCertificate(deps.ports, deps.settings);
    deps.log({ message: 'certificate', host: deps.settings.host, ...result });
    return result;
  };
}

/**
 * The deploy-time custom resource: the first certificate must be in the secret before the task can
 * start, so a create or update that ends without one fails the deploy with the reason. Delete does
 * nothing: the secret is a stack resource of its own.
 */
export function firstCertificate(deps: CertificateDeps) {
  return async (event: CloudFormationCustomResourceEvent): Promise<ProviderResult> => {
    const physicalId = `${deps.settings.host}/certificate`;
    if (event.RequestType === 'Delete') return { PhysicalResourceId: physicalId };
    const result = await ensureCertificate(deps.ports, deps.settings);
    deps.log({ message: 'first certificate', host: deps.settings.host, ...result });
    const stored = await deps.ports.store.load();
    if (!stored) {
      const why = 'why' in result ? result.why : result.action;
      throw new Error(
        `no certificate for ${deps.settings.host}: ${why}. Check that the hosted zone is delegated (dig NS) and deploy again.`,
      );
    }
    return { PhysicalResourceId: physicalId, Data: { NotAfter: new Date(stored.notAfter).toISOString() } };
  };
}
