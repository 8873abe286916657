import { ChangeResourceRecordSetsCommand, GetChangeCommand, Route53Client } from '@aws-sdk/client-route-53';
import { GetSecretValueCommand, PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { secretCertificateStore } from '../../src/aws/certificate-store.js';
import { normalName, route53Zone } from '../../src/aws/route53.js';

const r53 = mockClient(Route53Client);
const sm = mockClient(SecretsManagerClient);
beforeEach(() => {
  r53.reset();
  sm.reset();
});

describe('Route 53 for the DNS-01 challenge', () => {
  const zone = route53Zone(new Route53Client({ region: 'us-east-1' }), 'Z123');

  it('upserts the quoted TXT value with a short TTL and returns the change id', async () => {
    r53
      .on(ChangeResourceRecordSetsCommand)
      .resolves({ ChangeInfo: { Id: '/change/C1', Status: 'PENDING', SubmittedAt: new Date() } });
    expect(await zone.setTxt('_acme-challenge.Meet.Example.org.', 'key-auth')).toBe('/change/C1');
    expect(r53.commandCalls(ChangeResourceRecordSetsCommand)[0]?.args[0].input).toEqual({
      HostedZoneId: 'Z123',
      ChangeBatch: {
        Changes: [
          {
            Action: 'UPSERT',
            ResourceRecordSet: {
              Name: '_acme-challenge.meet.example.org',
              Type: 'TXT',
              TTL: 60,
              ResourceRecords: [{ Value: '"key-auth"' }],
            },
          },
        ],
      },
    });
  });

  it('waits until the change is INSYNC before the CA may look', async () => {
    r53
      .on(GetChangeCommand)
      .resolvesOnce({ ChangeInfo: { Id: 'C1', Status: 'PENDING', SubmittedAt: new Date() } })
      .resolves({
        ChangeInfo: { Id: 'C1', Status: 'INSYNC', SubmittedAt: new Date() },
      });
    await zone.waitInSync('C1');
    expect(r53.commandCalls(GetChangeCommand).length).toBeGreaterThanOrEqual(2);
  }, 30_000);

  it('normalises names as the IAM condition keys expect: lowercase, no trailing dot', () => {
    expect(normalName('Meet.Example.ORG.')).toBe('meet.example.org');
  });
});

describe('the certificate secret', () => {
  const store = secretCertificateStore(new SecretsManagerClient({ region: 'us-west-2' }), 'cert-secret');
  const stored = {
    certificatePem: 'CERT',
    privateKeyPem: 'KEY',
    accountKeyPem: 'ACCOUNT',
    notAfter: 2,
    issuedAt: 1,
    history: { issued: [1], failures: [] },
  };

  it('reads nothing from a secret created empty, and the certificate once saved', async () => {
    sm.on(GetSecretValueCommand)
      .resolvesOnce({ SecretString: '{}' })
      .resolves({ SecretString: JSON.stringify(stored) });
    expect(await store.load()).toBeUndefined();
    expect(await store.load()).toEqual(stored);
  });

  it('saves the whole document as the secret string', async () => {
    sm.on(PutSecretValueCommand).resolves({});
    await store.save(stored);
    expect(sm.commandCalls(PutSecretValueCommand)[0]?.args[0].input).toEqual({
      SecretId: 'cert-secret',
      SecretString: JSON.stringify(stored),
    });
  });
});
