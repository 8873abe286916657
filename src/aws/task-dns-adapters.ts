import {
  ConditionalCheckFailedException,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { DescribeNetworkInterfacesCommand, type EC2Client } from '@aws-sdk/client-ec2';
import {
  ChangeResourceRecordSetsCommand,
  InvalidChangeBatch,
  ListResourceRecordSetsCommand,
  type ResourceRecordSet,
  type Route53Client,
} from '@aws-sdk/client-route-53';
import type { CertificateStatus } from '../control/snapshot.js';
import { type RecordTarget, StaleRecordError, TASK_RECORD_TTL, type TaskDnsPorts } from '../control/task-dns.js';
import { normalName } from './route53.js';

/** Where the meeting host points while no task runs: the asleep page's API Gateway domain (an alias). */
export interface AsleepTarget {
  /** The regional API Gateway domain name, e.g. d-abc123.execute-api.us-west-2.amazonaws.com. */
  readonly dnsName: string;
  /** Its hosted zone id (API Gateway's, per region). */
  readonly hostedZoneId: string;
}

/** The task record's TTL, 30 s: why, in src/control/task-dns.ts (pure, so the sidecar's linger and the simulator share it). */
export { TASK_RECORD_TTL };

function recordSet(host: string, target: RecordTarget, asleep: AsleepTarget): ResourceRecordSet {
  const Name = normalName(host);
  return target.kind === 'task'
    ? // A record read back keeps its own TTL (one written by an older release had 60 s): a DELETE must match it exactly.
      { Name, Type: 'A', TTL: target.ttl ?? TASK_RECORD_TTL, ResourceRecords: [{ Value: target.ip }] }
    : {
        Name,
        Type: 'A',
        AliasTarget: { DNSName: asleep.dnsName, HostedZoneId: asleep.hostedZoneId, EvaluateTargetHealth: false },
      };
}

/** The Route 53 side: read the host's A record, and replace it in one conditional batch. */
export function route53HostRecord(
  client: Route53Client,
  hostedZoneId: string,
  host: string,
  asleep: AsleepTarget,
): TaskDnsPorts['record'] {
  const name = normalName(host);
  return {
    async current() {
      const { ResourceRecordSets } = await client.send(
        new ListResourceRecordSetsCommand({
          HostedZoneId: hostedZoneId,
          StartRecordName: name,
          StartRecordType: 'A',
          MaxItems: 1,
        }),
      );
      const set = ResourceRecordSets?.find((r) => normalName(r.Name ?? '') === name && r.Type === 'A');
      if (!set) return undefined;
      if (set.AliasTarget) return { kind: 'asleep' };
      const ip = set.ResourceRecords?.[0]?.Value;
      if (!ip) return undefined;
      // A TTL other than this release's (a record written by an older one) is kept for the DELETE.
      return set.TTL !== undefined && set.TTL !== TASK_RECORD_TTL ? { kind: 'task', ip, ttl: set.TTL } : { kind: 'task', ip };
    },
    async replace(from, to) {
      try {
        const { ChangeInfo } = await client.send(
          new ChangeResourceRecordSetsCommand({
            HostedZoneId: hostedZoneId,
            ChangeBatch: {
              Comment: `meeting host → ${to.kind === 'task' ? to.ip : 'asleep page'}`,
              Changes: [
                ...(from ? [{ Action: 'DELETE' as const, ResourceRecordSet: recordSet(host, from, asleep) }] : []),
                { Action: 'CREATE' as const, ResourceRecordSet: recordSet(host, to, asleep) },
              ],
            },
          }),
        );
        return ChangeInfo?.Id ?? '';
      } catch (error) {
        // A DELETE of a value that is no longer there (or a CREATE of one that already is) fails the whole batch.
        if (error instanceof InvalidChangeBatch || (error instanceof Error && error.name === 'InvalidChangeBatch')) {
          throw new StaleRecordError(error.message);
        }
        throw error;
      }
    },
  };
}

/** What the control plane reads of a task's row: its address and the change that pointed the host at it. */
export async function readTaskRow(
  client: DynamoDBClient,
  tableName: string,
  arn: string,
): Promise<{ ip?: string; changeId?: string } | undefined> {
  const { Item } = await client.send(new GetItemCommand({ TableName: tableName, Key: taskKey(arn), ConsistentRead: true }));
  if (!Item) return undefined;
  return { ...(Item.ip?.S ? { ip: Item.ip.S } : {}), ...(Item.changeId?.S ? { changeId: Item.changeId.S } : {}) };
}

/** EC2: the public IPv4 address associated with a task's network interface, once there is one. */
export function ec2PublicIp(client: EC2Client): TaskDnsPorts['publicIp'] {
  return async (eniId) => {
    const { NetworkInterfaces } = await client.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [eniId] }));
    return NetworkInterfaces?.[0]?.Association?.PublicIp;
  };
}

/** The state table row where the certificate function reports (dates and outcome only). */
export const CERTIFICATE_ROW = 'CERTIFICATE';
const certificateKey = { pk: { S: CERTIFICATE_ROW }, sk: { S: CERTIFICATE_ROW } };

/** Write and read the certificate function's report. */
export function dynamoCertificateStatus(client: DynamoDBClient, tableName: string) {
  return {
    async report(status: CertificateStatus): Promise<void> {
      await client.send(
        new PutItemCommand({
          TableName: tableName,
          Item: {
            ...certificateKey,
            checkedAt: { N: String(status.checkedAt) },
            action: { S: status.action },
            ...(status.notAfter !== undefined ? { notAfter: { N: String(status.notAfter) } } : {}),
            ...(status.why ? { why: { S: status.why.slice(0, 1000) } } : {}),
          },
        }),
      );
    },
    async status(): Promise<CertificateStatus | undefined> {
      const { Item } = await client.send(new GetItemCommand({ TableName: tableName, Key: certificateKey, ConsistentRead: true }));
      if (!Item?.checkedAt?.N) return undefined;
      return {
        checkedAt: Number(Item.checkedAt.N),
        action: Item.action?.S ?? 'unknown',
        ...(Item.notAfter?.N ? { notAfter: Number(Item.notAfter.N) } : {}),
        ...(Item.why?.S ? { why: Item.why.S } : {}),
      };
    },
  };
}

/** Partition keys of the state table's task rows start with this (the DNS function's IAM is limited to them). */
export const TASK_ROW_PREFIX = 'TASK#';

const taskKey = (arn: string) => ({ pk: { S: `${TASK_ROW_PREFIX}${arn}` }, sk: { S: 'TASK' } });

/** The state table's `TASK#<arn>` rows: the newest event version seen per task, its address and record change (updates only). */
export function dynamoTaskRows(client: DynamoDBClient, tableName: string): TaskDnsPorts['tasks'] {
  const key = taskKey;
  return {
    async get(arn) {
      const { Item } = await client.send(new GetItemCommand({ TableName: tableName, Key: key(arn), ConsistentRead: true }));
      if (!Item?.version?.N) return undefined;
      return { version: Number(Item.version.N), ...(Item.ip?.S ? { ip: Item.ip.S } : {}) };
    },
    async put(arn, version, ip) {
      try {
        // An update, not a put: the change noted on the row stays (a later event of the same running
        // task, or a redelivery, must not make the control plane wait for a change it already saw).
        await client.send(
          new UpdateItemCommand({
            TableName: tableName,
            Key: key(arn),
            UpdateExpression: `SET version = :version, expires = :expires${ip ? ', ip = :ip' : ''}`,
            ConditionExpression: 'attribute_not_exists(pk) OR version <= :version',
            ExpressionAttributeValues: {
              ':version': { N: String(version) },
              // Rows of stopped tasks expire by themselves (DynamoDB TTL on `expires`, epoch seconds).
              ':expires': { N: String(Math.floor(Date.now() / 1000) + 7 * 86_400) },
              ...(ip ? { ':ip': { S: ip } } : {}),
            },
          }),
        );
        return true;
      } catch (error) {
        if (isConditionFailure(error)) return false;
        throw error;
      }
    },
    async noteChange(arn, version, changeId) {
      try {
        await client.send(
          new UpdateItemCommand({
            TableName: tableName,
            Key: key(arn),
            UpdateExpression: 'SET changeId = :change',
            ConditionExpression: 'version = :version',
            ExpressionAttributeValues: { ':change': { S: changeId }, ':version': { N: String(version) } },
          }),
        );
      } catch (error) {
        // A newer event of the task came meanwhile: its own handling decides what the record shows.
        if (!isConditionFailure(error)) throw error;
      }
    },
  };
}

const isConditionFailure = (error: unknown): boolean =>
  error instanceof ConditionalCheckFailedException ||
  (error instanceof Error && error.name === 'ConditionalCheckFailedException');
