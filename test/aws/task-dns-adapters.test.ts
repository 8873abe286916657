import { DescribeNetworkInterfacesCommand, EC2Client } from '@aws-sdk/client-ec2';
import {
  ChangeResourceRecordSetsCommand,
  InvalidChangeBatch,
  ListResourceRecordSetsCommand,
  Route53Client,
} from '@aws-sdk/client-route-53';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  dynamoCertificateStatus,
  dynamoTaskRows,
  ec2PublicIp,
  readTaskRow,
  route53HostRecord,
  TASK_RECORD_TTL,
} from '../../src/aws/task-dns-adapters.js';
import { StaleRecordError } from '../../src/control/task-dns.js';
import { createStateTable, startDynalite } from '../support/dynalite.js';

const r53 = mockClient(Route53Client);
const ec2 = mockClient(EC2Client);
beforeEach(() => {
  r53.reset();
  ec2.reset();
});
const asleep = { dnsName: 'd-abc123.execute-api.us-west-2.amazonaws.com', hostedZoneId: 'Z2OJLYMUO9EFXC' };
const record = route53HostRecord(new Route53Client({ region: 'us-east-1' }), 'Z123', 'Meet.Example.org', asleep);

describe('the meeting host record in Route 53', () => {
  it('reads an alias as asleep and a plain A record as the task address', async () => {
    r53
      .on(ListResourceRecordSetsCommand)
      .resolvesOnce({
        ResourceRecordSets: [
          {
            Name: 'meet.example.org.',
            Type: 'A',
            AliasTarget: { HostedZoneId: asleep.hostedZoneId, DNSName: `${asleep.dnsName}.`, EvaluateTargetHealth: false },
          },
        ],
        IsTruncated: false,
        MaxItems: 1,
      })
      .resolvesOnce({
        ResourceRecordSets: [
          { Name: 'meet.example.org.', Type: 'A', TTL: TASK_RECORD_TTL, ResourceRecords: [{ Value: '198.51.100.7' }] },
        ],
        IsTruncated: false,
        MaxItems: 1,
      })
      .resolvesOnce({
        // Written by an older release with another TTL: kept, so that a DELETE names it exactly.
        ResourceRecordSets: [{ Name: 'meet.example.org.', Type: 'A', TTL: 60, ResourceRecords: [{ Value: '198.51.100.7' }] }],
        IsTruncated: false,
        MaxItems: 1,
      })
      .resolvesOnce({
        ResourceRecordSets: [{ Name: 'other.example.org.', Type: 'A', TTL: 60, ResourceRecords: [{ Value: '1.2.3.4' }] }],
        IsTruncated: false,
        MaxItems: 1,
      });
    expect(await record.current()).toEqual({ kind: 'asleep' });
    expect(await record.current()).toEqual({ kind: 'task', ip: '198.51.100.7' });
    expect(await record.current()).toEqual({ kind: 'task', ip: '198.51.100.7', ttl: 60 });
    expect(await record.current()).toBeUndefined();
  });

  it('replaces in one batch that deletes the exact old value and creates the new one', async () => {
    r53.on(ChangeResourceRecordSetsCommand).resolves({ ChangeInfo: { Id: 'C1', Status: 'PENDING', SubmittedAt: new Date() } });
    expect(await record.replace({ kind: 'asleep' }, { kind: 'task', ip: '198.51.100.7' })).toBe('C1');
    expect(r53.commandCalls(ChangeResourceRecordSetsCommand)[0]?.args[0].input.ChangeBatch?.Changes).toEqual([
      {
        Action: 'DELETE',
        ResourceRecordSet: {
          Name: 'meet.example.org',
          Type: 'A',
          AliasTarget: { DNSName: asleep.dnsName, HostedZoneId: asleep.hostedZoneId, EvaluateTargetHealth: false },
        },
      },
      {
        Action: 'CREATE',
        ResourceRecordSet: {
          Name: 'meet.example.org',
          Type: 'A',
          TTL: TASK_RECORD_TTL,
          ResourceRecords: [{ Value: '198.51.100.7' }],
        },
      },
    ]);
  });

  it('turns a batch that no longer matches into a StaleRecordError', async () => {
    r53
      .on(ChangeResourceRecordSetsCommand)
      .rejects(new InvalidChangeBatch({ message: 'Tried to delete resource record set but it was not found', $metadata: {} }));
    await expect(record.replace({ kind: 'task', ip: '198.51.100.7' }, { kind: 'asleep' })).rejects.toBeInstanceOf(
      StaleRecordError,
    );
  });
});

describe('the task public IP from EC2', () => {
  it('is the association on the task network interface, or nothing yet', async () => {
    ec2
      .on(DescribeNetworkInterfacesCommand)
      .resolvesOnce({ NetworkInterfaces: [{ NetworkInterfaceId: 'eni-A' }] })
      .resolvesOnce({ NetworkInterfaces: [{ NetworkInterfaceId: 'eni-A', Association: { PublicIp: '198.51.100.7' } }] });
    const publicIp = ec2PublicIp(new EC2Client({ region: 'us-west-2' }));
    expect(await publicIp('eni-A')).toBeUndefined();
    expect(await publicIp('eni-A')).toBe('198.51.100.7');
    expect(ec2.commandCalls(DescribeNetworkInterfacesCommand)[0]?.args[0].input).toEqual({ NetworkInterfaceIds: ['eni-A'] });
  });
});

describe('task rows in the state table (dynalite)', () => {
  let dynamo: Awaited<ReturnType<typeof startDynalite>>;
  beforeAll(async () => {
    dynamo = await startDynalite();
    await createStateTable(dynamo.client, 'state');
  });
  afterAll(() => dynamo.stop());

  it('records newer versions of a task and the same one again (a redelivery), never an older one', async () => {
    const rows = dynamoTaskRows(dynamo.client, 'state');
    expect(await rows.get('arn:task/A')).toBeUndefined();
    expect(await rows.put('arn:task/A', 3, '198.51.100.7')).toBe(true);
    expect(await rows.put('arn:task/A', 3, '198.51.100.7')).toBe(true);
    expect(await rows.put('arn:task/A', 2)).toBe(false);
    expect(await rows.get('arn:task/A')).toEqual({ version: 3, ip: '198.51.100.7' });
    expect(await rows.put('arn:task/A', 4, '198.51.100.7')).toBe(true);
    expect(await rows.get('arn:task/A')).toEqual({ version: 4, ip: '198.51.100.7' });
  });

  it('notes the record change on the current version only, for the control plane to read', async () => {
    const rows = dynamoTaskRows(dynamo.client, 'state');
    await rows.put('arn:task/B', 3, '203.0.113.9');
    await rows.noteChange('arn:task/B', 3, '/change/C7');
    expect(await readTaskRow(dynamo.client, 'state', 'arn:task/B')).toEqual({ ip: '203.0.113.9', changeId: '/change/C7' });
    // A later event of the running task (its health, say) keeps the change that pointed the host at it:
    // the control plane waits for that change, and the later event changes nothing in Route 53.
    await rows.put('arn:task/B', 4, '203.0.113.9');
    expect(await readTaskRow(dynamo.client, 'state', 'arn:task/B')).toEqual({ ip: '203.0.113.9', changeId: '/change/C7' });
    // A stale event's change must not be taken for the current one.
    await rows.noteChange('arn:task/B', 3, '/change/C8');
    expect(await readTaskRow(dynamo.client, 'state', 'arn:task/B')).toEqual({ ip: '203.0.113.9', changeId: '/change/C7' });
    await rows.noteChange('arn:task/B', 4, '/change/C9');
    expect(await readTaskRow(dynamo.client, 'state', 'arn:task/B')).toEqual({ ip: '203.0.113.9', changeId: '/change/C9' });
    expect(await readTaskRow(dynamo.client, 'state', 'arn:task/none')).toBeUndefined();
  });

  it("keeps the certificate function's report in its own row: dates and outcome only", async () => {
    const status = dynamoCertificateStatus(dynamo.client, 'state');
    expect(await status.status()).toBeUndefined();
    await status.report({ checkedAt: 1_764_000_000_000, action: 'failed', why: 'DNS problem' });
    expect(await status.status()).toEqual({ checkedAt: 1_764_000_000_000, action: 'failed', why: 'DNS problem' });
    await status.report({ checkedAt: 1_764_086_400_000, action: 'issued', notAfter: 1_771_776_000_000 });
    expect(await status.status()).toEqual({ checkedAt: 1_764_086_400_000, action: 'issued', notAfter: 1_771_776_000_000 });
  });
});
