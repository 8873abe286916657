import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import type { CertificatePorts, StoredCertificate } from '../../src/certs/certificate.js';
import { firstCertificate, scheduledRenewal } from '../../src/certs/handlers.js';
import type { CertificateStatus } from '../../src/control/snapshot.js';
import { VirtualClock } from '../../src/sim/simulated-aws.js';

const DAY = 86_400_000;

// The handlers around ensureCertificate (which runs for real against pebble in certificate.test.ts):
// here the CA is never reached, because the stored certificate is not due or the limits hold.
function deps(stored: StoredCertificate | undefined) {
  const logs: Array<Record<string, unknown>> = [];
  const reports: CertificateStatus[] = [];
  const clock = new VirtualClock();
  let current = stored;
  const ports: CertificatePorts = {
    dns: {
      setTxt: async () => {
        throw new Error('the CA must not be asked');
      },
      waitInSync: async () => {},
      removeTxt: async () => {},
    },
    store: {
      load: async () => current,
      save: async (c) => {
        current = c;
      },
    },
    notify: async () => {},
    clock,
  };
  return {
    reports,
    logs,
    clock,
    value: {
      ports: { ...ports, report: async (s: CertificateStatus) => void reports.push(s) },
      settings: { host: 'meet.community.test', email: 'a@community.test', directoryUrl: 'https://acme.invalid/dir' },
      log: (e: Record<string, unknown>) => logs.push(e),
    },
  };
}

const cert = (notAfter: number, failures: number[] = []): StoredCertificate => ({
  certificatePem: 'CERT',
  privateKeyPem: 'KEY',
  accountKeyPem: 'ACCOUNT',
  host: 'meet.community.test',
  directoryUrl: 'https://acme.invalid/dir',
  notAfter,
  issuedAt: 0,
  history: { issued: [], failures },
});

const cfn = (RequestType: 'Create' | 'Update' | 'Delete') =>
  ({
    RequestType,
    ResourceProperties: { ServiceToken: 'x' },
    StackId: 's',
    RequestId: 'r',
    LogicalResourceId: 'l',
    ResponseURL: 'u',
    ResourceType: 'Custom::Certificate',
    ServiceToken: 'x',
  }) as unknown as CloudFormationCustomResourceEvent;

describe('certificate function', () => {
  it('the daily run logs what it did, without any key or certificate', async () => {
    const d = deps(undefined);
    const held = cert(d.clock.now() + 60 * DAY);
    await d.value.ports.store.save(held);
    expect(await scheduledRenewal(d.value)()).toMatchObject({ action: 'not-due', daysLeft: 60 });
    expect(d.logs).toEqual([{ message: 'certificate', host: 'meet.community.test', action: 'not-due', daysLeft: 60 }]);
    expect(JSON.stringify(d.logs)).not.toMatch(/CERT|KEY|ACCOUNT/);
    // What `meetctl health` reads: the dates and the outcome, never the key or the certificate.
    expect(d.reports).toEqual([{ notAfter: held.notAfter, checkedAt: d.clock.now(), action: 'not-due' }]);
  });

  it('the deploy-time resource succeeds with a certificate in place and says until when', async () => {
    const d = deps(undefined);
    await d.value.ports.store.save(cert(d.clock.now() + 60 * DAY));
    const result = await firstCertificate(d.value)(cfn('Create'));
    expect(result.PhysicalResourceId).toBe('meet.community.test/certificate');
    expect(result.Data?.NotAfter).toBe(new Date(d.clock.now() + 60 * DAY).toISOString());
  });

  it('fails the deploy, with the reason and the fix, when no certificate could be issued', async () => {
    const d = deps(undefined);
    // A CA on loopback that has no directory: the first issuance fails at once (a 404 is not retried).
    const ca = createServer((_req, res) => {
      res.writeHead(404, { 'content-type': 'application/problem+json' });
      res.end('{"type":"urn:ietf:params:acme:error:malformed","detail":"no directory here"}');
    });
    await new Promise<void>((resolve) => ca.listen(0, '127.0.0.1', () => resolve()));
    try {
      const settings = { ...d.value.settings, directoryUrl: `http://127.0.0.1:${(ca.address() as AddressInfo).port}/dir` };
      await expect(firstCertificate({ ...d.value, settings })(cfn('Create'))).rejects.toThrow(
        /^no certificate for meet\.community\.test: no directory here\. Check .*dig NS/,
      );
    } finally {
      ca.close();
    }
  });

  it('does nothing on delete', async () => {
    const d = deps(undefined);
    expect(await firstCertificate(d.value)(cfn('Delete'))).toEqual({ PhysicalResourceId: 'meet.community.test/certificate' });
  });
});
