import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import type { CertificateStatus } from '../control/snapshot.js';
import {
  type CertificatePorts,
  type CertificateResult,
  type CertificateSettings,
  ensureCertificate,
  type StoredCertificate,
} from './certificate.js';

/** What the certificate function needs, injected so tests can run it without AWS. */
export interface CertificateDeps {
  readonly ports: CertificatePorts & {
    /** Where `meetctl health` reads the outcome (no key or certificate in it). */
    readonly report: (status: CertificateStatus) => Promise<void>;
  };
  readonly settings: CertificateSettings;
  /** One JSON log line per run; never a key or a certificate. */
  readonly log: (entry: Record<string, unknown>) => void;
}

/** What the CDK provider framework expects back. */
export interface ProviderResult {
  readonly PhysicalResourceId: string;
  readonly Data?: Record<string, string>;
}

/** Record the outcome for `meetctl health`; returns the stored certificate. */
async function report(deps: CertificateDeps, result: CertificateResult): Promise<StoredCertificate | undefined> {
  const stored = await deps.ports.store.load();
  const current = stored?.host === deps.settings.host ? stored : undefined;
  await deps.ports.report({
    ...(current ? { notAfter: current.notAfter } : {}),
    checkedAt: deps.ports.clock.now(),
    action: result.action,
    ...('why' in result ? { why: result.why } : {}),
  });
  return stored;
}

/** The daily run: renew when due, within the CA's limits; alerts come from `ensureCertificate`. */
export function scheduledRenewal(deps: CertificateDeps) {
  return async (): Promise<CertificateResult> => {
    const result = await ensureCertificate(deps.ports, deps.settings);
    deps.log({ message: 'certificate', host: deps.settings.host, ...result });
    await report(deps, result);
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
    const stored = await report(deps, result);
    if (!stored) {
      const why = 'why' in result ? result.why : result.action;
      throw new Error(
        `no certificate for ${deps.settings.host}: ${why}. Check that the hosted zone is delegated (dig NS) and deploy again.`,
      );
    }
    return { PhysicalResourceId: physicalId, Data: { NotAfter: new Date(stored.notAfter).toISOString() } };
  };
}
