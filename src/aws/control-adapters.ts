import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import {
  CloudFormationClient,
  DeleteStackCommand,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
  UpdateStackCommand,
} from '@aws-sdk/client-cloudformation';
import { CloudWatchLogsClient, FilterLogEventsCommand, GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EC2Client } from '@aws-sdk/client-ec2';
import { DescribeServicesCommand, ECSClient, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { DescribeTargetHealthCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { GetChangeCommand, Route53Client } from '@aws-sdk/client-route-53';
import { S3Client } from '@aws-sdk/client-s3';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SSMClient } from '@aws-sdk/client-ssm';
import { DESIRED_COUNT_PARAMETER, OUTPUT_NAMES, POWER_STATE_PARAMETER } from '../control/outputs.js';
import { type ControlPorts, type HostRecordPort, wrapPorts } from '../control/ports.js';
import type { StackSnapshot, StatsSample, TargetSnapshot, TargetState } from '../control/snapshot.js';
import { peopleFromLine, STATS_LINE } from '../control/stats-lines.js';
import { checkEndpoints, type EndpointCheckOptions } from '../net/endpoint-checks.js';
import { ecsTasks } from './ecs-tasks.js';
import { classifying } from './errors.js';
import { cloudWatchEventLog } from './event-log.js';
import type { AwsTarget } from './ports.js';
import { sdkRecorder } from './recorder.js';
import { sdkRecordings } from './recordings.js';
import { sdkSchedules } from './schedules.js';
import { storedSecrets } from './secrets.js';
import { dynamoStateStore } from './state-store.js';
import { dynamoCertificateStatus, dynamoTaskRows, ec2PublicIp, readTaskRow, route53HostRecord } from './task-dns-adapters.js';
import { cognitoUsers } from './users.js';

export interface SdkClients {
  readonly cloudformation: CloudFormationClient;
  readonly ecs: ECSClient;
  readonly elbv2: ElasticLoadBalancingV2Client;
  readonly logs: CloudWatchLogsClient;
  readonly dynamodb: DynamoDBClient;
  readonly s3: S3Client;
  readonly scheduler: SchedulerClient;
  readonly route53: Route53Client;
  readonly secretsmanager: SecretsManagerClient;
  readonly ssm: SSMClient;
  readonly cognito: CognitoIdentityProviderClient;
  readonly autoscaling: AutoScalingClient;
  readonly ec2: EC2Client;
  readonly lambda: LambdaClient;
}

/** One client per service, SSO profiles through the default credential chain, standard retries. */
export function sdkClients(target: AwsTarget): SdkClients {
  const config = { region: target.region, ...(target.profile ? { profile: target.profile } : {}) };
  return {
    cloudformation: new CloudFormationClient(config),
    ecs: new ECSClient(config),
    elbv2: new ElasticLoadBalancingV2Client(config),
    logs: new CloudWatchLogsClient(config),
    dynamodb: new DynamoDBClient(config),
    s3: new S3Client(config),
    scheduler: new SchedulerClient(config),
    route53: new Route53Client(config),
    secretsmanager: new SecretsManagerClient(config),
    ssm: new SSMClient(config),
    cognito: new CognitoIdentityProviderClient(config),
    autoscaling: new AutoScalingClient(config),
    ec2: new EC2Client(config),
    lambda: new LambdaClient(config),
  };
}

export async function describeStack(client: CloudFormationClient, stackName: string): Promise<StackSnapshot | undefined> {
  try {
    const { Stacks } = await client.send(new DescribeStacksCommand({ StackName: stackName }));
    const stack = Stacks?.[0];
    if (!stack) return undefined;
    const power = stack.Parameters?.find((p) => p.ParameterKey === POWER_STATE_PARAMETER)?.ParameterValue;
    return {
      name: stack.StackName ?? stackName,
      status: stack.StackStatus ?? 'UNKNOWN',
      powerState: power === 'off' ? 'off' : 'on',
      outputs: Object.fromEntries((stack.Outputs ?? []).map((o) => [o.OutputKey ?? '', o.OutputValue ?? ''])),
    };
  } catch (error) {
    // CloudFormation answers a missing stack with a ValidationError, not a typed NotFound.
    if (error instanceof Error && error.name === 'ValidationError' && /does not exist/.test(error.message)) return undefined;
    throw error;
  }
}

/**
 * When the stack took its current status: the Timestamp of the stack's own newest event with it.
 * DescribeStackEvents "returns all stack related events for a specified stack in reverse
 * chronological order" (CloudFormation API Reference); the stack's own events are those of type
 * AWS::CloudFormation::Stack whose logical id is the stack's name. The first page has the newest.
 */
export async function stackStatusSince(
  client: CloudFormationClient,
  stackName: string,
  status: string,
): Promise<number | undefined> {
  const { StackEvents } = await client.send(new DescribeStackEventsCommand({ StackName: stackName }));
  const own = StackEvents?.find(
    (e) => e.ResourceType === 'AWS::CloudFormation::Stack' && e.LogicalResourceId === stackName && e.ResourceStatus === status,
  );
  return own?.Timestamp?.getTime();
}

/** Task counts of an ECS service, or undefined when it does not exist (or is INACTIVE). */
export async function describeService(
  client: ECSClient,
  cluster: string,
  service: string,
): Promise<{ desired: number; running: number; pending: number } | undefined> {
  const { services } = await client.send(new DescribeServicesCommand({ cluster, services: [service] }));
  const found = services?.find((s) => s.status !== 'INACTIVE');
  return found
    ? { desired: found.desiredCount ?? 0, running: found.runningCount ?? 0, pending: found.pendingCount ?? 0 }
    : undefined;
}

/** CloudFormation answers an update that changes nothing with a ValidationError: that is success here. */
async function ignoreNoUpdates(call: Promise<unknown>): Promise<void> {
  try {
    await call;
  } catch (error) {
    if (error instanceof Error && error.name === 'ValidationError' && /No updates are to be performed/.test(error.message))
      return;
    throw error;
  }
}

/** The control ports over AWS SDK v3 for one deployed stack; every error reaches the core classified. */
export function sdkControlPorts(
  clients: SdkClients,
  stackName: string,
  endpointOptions: EndpointCheckOptions = {},
): ControlPorts {
  return classifiedPorts(rawControlPorts(clients, stackName, endpointOptions));
}

/** Wrap every port function so that what it throws is a PortError the core can classify. */
export function classifiedPorts(ports: ControlPorts): ControlPorts {
  return wrapPorts(ports, classifying);
}

function rawControlPorts(clients: SdkClients, stackName: string, endpointOptions: EndpointCheckOptions): ControlPorts {
  const output = stackOutputs(clients, stackName);
  return {
    stack: stackPort(clients, stackName),
    service: servicePort(clients),
    targets: targetsPort(clients),
    endpoints: {
      check: (host, connectTo) => checkEndpoints(host, connectTo ? { ...endpointOptions, connectTo } : endpointOptions),
    },
    users: cognitoUsers(clients.cognito),
    secrets: storedSecrets(clients),
    certificate: {
      status: async () => dynamoCertificateStatus(clients.dynamodb, await output(OUTPUT_NAMES.stateTable)).status(),
    },
    taskDns: taskDnsPort(clients, output),
    hostRecord: hostRecordPort(clients, output),
    logs: logsPort(clients),
    participants: participantsPort(clients),
    recordings: sdkRecordings(clients.s3),
    recorder: sdkRecorder(clients),
    schedules: sdkSchedules(clients.scheduler),
    state: statePort(clients, output),
  };
}

/** One stack output by name, the outputs read once; a missing one says to deploy first. */
function stackOutputs(clients: SdkClients, stackName: string): (name: string) => Promise<string> {
  let outputs: Readonly<Record<string, string>> | undefined;
  return async (name) => {
    outputs ??= (await describeStack(clients.cloudformation, stackName))?.outputs ?? {};
    const value = outputs[name];
    if (!value) throw new Error(`stack ${stackName} has no ${name} output; run \`meetctl deploy\` to update it first`);
    return value;
  };
}

/** The stack: its snapshot, the power switch (an update of the previous template's parameters), deletion. */
function stackPort(clients: SdkClients, stackName: string): ControlPorts['stack'] {
  return {
    describe: () => describeStack(clients.cloudformation, stackName),
    statusSince: (status) => stackStatusSince(clients.cloudformation, stackName, status),
    async setPower(power) {
      const { Stacks } = await clients.cloudformation.send(new DescribeStacksCommand({ StackName: stackName }));
      const fixed = [POWER_STATE_PARAMETER, DESIRED_COUNT_PARAMETER];
      const others = (Stacks?.[0]?.Parameters ?? []).filter((p) => !fixed.includes(p.ParameterKey ?? ''));
      const hasDesired = (Stacks?.[0]?.Parameters ?? []).some((p) => p.ParameterKey === DESIRED_COUNT_PARAMETER);
      await ignoreNoUpdates(
        clients.cloudformation.send(
          new UpdateStackCommand({
            StackName: stackName,
            UsePreviousTemplate: true,
            Parameters: [
              { ParameterKey: POWER_STATE_PARAMETER, ParameterValue: power },
              // Power changes run from STOPPED only: a service (re)created by power-up starts with no task.
              ...(hasDesired ? [{ ParameterKey: DESIRED_COUNT_PARAMETER, ParameterValue: '0' }] : []),
              ...others.map((p) => ({ ParameterKey: p.ParameterKey, UsePreviousValue: true })),
            ],
            Capabilities: ['CAPABILITY_IAM'],
          }),
        ),
      );
    },
    async delete() {
      await clients.cloudformation.send(new DeleteStackCommand({ StackName: stackName }));
    },
  };
}

/** The meeting's ECS service: its counts, its desired count, its tasks. */
function servicePort(clients: SdkClients): ControlPorts['service'] {
  return {
    async describe(cluster, service) {
      const { services } = await clients.ecs.send(new DescribeServicesCommand({ cluster, services: [service] }));
      const found = services?.find((s) => s.status !== 'INACTIVE');
      return found
        ? { desired: found.desiredCount ?? 0, running: found.runningCount ?? 0, pending: found.pendingCount ?? 0 }
        : undefined;
    },
    async setDesired(cluster, service, count) {
      await clients.ecs.send(new UpdateServiceCommand({ cluster, service, desiredCount: count }));
    },
    tasks: (cluster, service) => ecsTasks(clients.ecs, cluster, { serviceName: service }),
  };
}

/** Load-balancer mode: the target group's health. */
function targetsPort(clients: SdkClients): ControlPorts['targets'] {
  return {
    async health(targetGroupArn): Promise<TargetSnapshot[]> {
      const { TargetHealthDescriptions } = await clients.elbv2.send(
        new DescribeTargetHealthCommand({ TargetGroupArn: targetGroupArn }),
      );
      return (TargetHealthDescriptions ?? []).map((d) => ({
        state: (d.TargetHealth?.State ?? 'unavailable') as TargetState,
        ...(d.TargetHealth?.Reason ? { reason: d.TargetHealth.Reason } : {}),
      }));
    },
  };
}

/** Direct mode: what the DNS function recorded for a task, and whether Route 53 has applied it. */
function taskDnsPort(clients: SdkClients, output: (name: string) => Promise<string>): ControlPorts['taskDns'] {
  return {
    async status(taskArn) {
      const row = await readTaskRow(clients.dynamodb, await output(OUTPUT_NAMES.stateTable), taskArn);
      if (!row) return undefined;
      let inSync = false;
      let submittedAt: Date | undefined;
      if (row.changeId) {
        const { ChangeInfo } = await clients.route53.send(new GetChangeCommand({ Id: row.changeId }));
        inSync = ChangeInfo?.Status === 'INSYNC';
        submittedAt = ChangeInfo?.SubmittedAt;
      }
      return {
        taskArn,
        ...(row.ip ? { ip: row.ip } : {}),
        inSync,
        ...(submittedAt ? { changeSubmittedAt: submittedAt.getTime() } : {}),
      };
    },
  };
}

/** CloudWatch Logs: a stream's last lines, and a group's lines since a time (every page). */
function logsPort(clients: SdkClients): ControlPorts['logs'] {
  return {
    async tail(logGroup, stream, lines) {
      const { events } = await clients.logs.send(
        new GetLogEventsCommand({ logGroupName: logGroup, logStreamName: stream, limit: lines, startFromHead: false }),
      );
      return (events ?? []).map((e) => e.message ?? '');
    },
    async read(logGroup, since) {
      const lines: Array<{ at: number; stream: string; message: string }> = [];
      let token: string | undefined;
      do {
        const page = await clients.logs.send(
          new FilterLogEventsCommand({ logGroupName: logGroup, startTime: since, nextToken: token }),
        );
        for (const e of page.events ?? [])
          lines.push({ at: e.timestamp ?? 0, stream: e.logStreamName ?? '', message: (e.message ?? '').trimEnd() });
        token = page.nextToken;
      } while (token);
      return lines;
    },
  };
}

/** The stats sidecar's people counts from the log group, oldest first. */
function participantsPort(clients: SdkClients): ControlPorts['participants'] {
  return {
    async samples(logGroup, since) {
      const samples: StatsSample[] = [];
      let token: string | undefined;
      do {
        const page = await clients.logs.send(
          new FilterLogEventsCommand({ logGroupName: logGroup, startTime: since, nextToken: token }),
        );
        for (const e of page.events ?? []) {
          const people = e.message?.includes(STATS_LINE.people) ? peopleFromLine(e.message) : undefined;
          if (people) samples.push({ at: e.timestamp ?? 0, ...people });
        }
        token = page.nextToken;
      } while (token);
      return samples.sort((x, y) => x.at - y.at);
    },
  };
}

/**
 * The lock, the window and the event log. The lock needs only the table and the event log only its
 * group, so a stack deployed before the event log existed can still be locked by the deploy that adds it.
 */
function statePort(clients: SdkClients, output: (name: string) => Promise<string>): ControlPorts['state'] {
  let lockStore: ReturnType<typeof dynamoStateStore> | undefined;
  let eventLog: ReturnType<typeof cloudWatchEventLog> | undefined;
  const table = async () => {
    lockStore ??= dynamoStateStore(clients.dynamodb, await output(OUTPUT_NAMES.stateTable));
    return lockStore;
  };
  const log = async () => {
    eventLog ??= cloudWatchEventLog(clients.logs, await output(OUTPUT_NAMES.eventLog));
    return eventLog;
  };
  return {
    acquire: async (r) => (await table()).acquire(r),
    takeOver: async (r, version) => (await table()).takeOver(r, version),
    heartbeat: async (token, version, lease, now) => (await table()).heartbeat(token, version, lease, now),
    release: async (token) => (await table()).release(token),
    current: async () => (await table()).current(),
    append: async (e) => (await log()).append(e),
    events: async (since) => (await log()).events(since),
    setWindow: async (w) => (await table()).setWindow(w),
    window: async () => (await table()).window(),
  };
}

/**
 * Direct mode: the meeting host's record (the zone, the host and the asleep page's alias from the
 * stack's outputs), the task rows of the state table and the task's public address.
 */
function hostRecordPort(clients: SdkClients, output: (name: string) => Promise<string>): HostRecordPort {
  const record = async () =>
    route53HostRecord(clients.route53, await output(OUTPUT_NAMES.hostedZone), new URL(await output(OUTPUT_NAMES.url)).host, {
      dnsName: await output(OUTPUT_NAMES.asleepDnsName),
      hostedZoneId: await output(OUTPUT_NAMES.asleepZone),
    });
  const rows = async () => dynamoTaskRows(clients.dynamodb, await output(OUTPUT_NAMES.stateTable));
  return {
    current: async () => (await record()).current(),
    replace: async (from, to) => (await record()).replace(from, to),
    publicIp: (eniId) => ec2PublicIp(clients.ec2)(eniId),
    taskRow: async (arn) => (await rows()).get(arn),
    putTaskRow: async (arn, version, ip) => (await rows()).put(arn, version, ip),
    noteChange: async (arn, version, changeId) => (await rows()).noteChange(arn, version, changeId),
  };
}

/** Participants from the sidecar's JSON line; undefined when there is none or jicofo did not answer. */
export function participantsFromStatsLine(line: string | undefined): number | undefined {
  return peopleFromLine(line)?.participants;
}
