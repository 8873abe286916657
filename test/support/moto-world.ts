import { createHash, randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { CreateAutoScalingGroupCommand, DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import { CreateStackCommand } from '@aws-sdk/client-cloudformation';
import {
  type CloudWatchLogsClient,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  PutLogEventsCommand,
  PutRetentionPolicyCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import {
  CreateGroupCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  CreateUserPoolDomainCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { type AttributeDefinition, CreateTableCommand, type KeySchemaElement } from '@aws-sdk/client-dynamodb';
import {
  type _InstanceType,
  AllocateAddressCommand,
  AssociateAddressCommand,
  CreateLaunchTemplateCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DescribeImagesCommand,
  EC2Client,
  ModifyVpcAttributeCommand,
} from '@aws-sdk/client-ec2';
import {
  CreateCapacityProviderCommand,
  CreateClusterCommand,
  CreateServiceCommand,
  DescribeTaskDefinitionCommand,
  PutClusterCapacityProvidersCommand,
  RegisterContainerInstanceCommand,
  RegisterTaskDefinitionCommand,
  type RegisterTaskDefinitionCommandInput,
  RunTaskCommand,
} from '@aws-sdk/client-ecs';
import { ChangeResourceRecordSetsCommand, CreateHostedZoneCommand } from '@aws-sdk/client-route-53';
import { CreateBucketCommand, PutBucketVersioningCommand } from '@aws-sdk/client-s3';
import { CreateScheduleGroupCommand } from '@aws-sdk/client-scheduler';
import { CreateSecretCommand } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll } from 'vitest';
import { type SdkClients, sdkClients, sdkControlPorts } from '../../src/aws/control-adapters.js';
import { cloudWatchEventLog } from '../../src/aws/event-log.js';
import { dynamoStateStore } from '../../src/aws/state-store.js';
import type { AsleepTarget } from '../../src/aws/task-dns-adapters.js';
import type { MeetConfig } from '../../src/config/schema.js';
import { DESIRED_COUNT_PARAMETER, OUTPUT_NAMES, POWER_STATE_PARAMETER } from '../../src/control/outputs.js';
import type { ControlPorts, StateStore, TransitionEvent } from '../../src/control/ports.js';
import { INGRESS_ENV } from '../../src/lambda/ingress-environment.js';
import { configWith, ROOT, synth, type TemplateJson } from './fixtures.js';
import { ACCOUNT, REGION } from './iam.js';
import { type MotoServer, motoAvailable, startMoto, useMotoInThisProcess } from './moto-server.js';

/**
 * The world `meetctl` needs, built by hand in moto from the synthesized template: a CloudFormation
 * deploy of the template into moto is not possible (moto's CloudFormation has no ApiGatewayV2 domain,
 * no Cognito domain, no Secrets Manager generation, no custom resources, no alarms), so each resource
 * the control plane touches is created with the service's own API, named and shaped as the template
 * says, and a small stand-in stack carries the parameters and outputs the CLI reads.
 *
 * Names follow the rule of test/support/iam.ts (`arnOf`): a resource's physical name is its name
 * property when the template sets one, else its logical id (buckets lowercased), so the IAM tests'
 * resolved policies name these very resources.
 */
export interface MotoWorld {
  readonly config: MeetConfig;
  readonly template: TemplateJson;
  readonly stackName: string;
  /** The stand-in stack's outputs, as `DescribeStacks` returns them. */
  readonly outputs: Readonly<Record<string, string>>;
  readonly clients: SdkClients & { readonly ec2: EC2Client };
  /** The CLI's control ports over the SDK, pointed at moto. */
  readonly ports: ControlPorts;
  readonly hostedZoneId: string;
  readonly asleep: AsleepTarget;
  readonly network: { readonly subnets: readonly string[]; readonly securityGroup: string };
  /** The DNS function's environment, resolved from the template (the moto zone instead of the config's). */
  readonly taskDnsEnv: Readonly<Record<string, string>>;
}

/** The community config the moto suites deploy (not the example: the CLI refuses to operate that one). */
export const MOTO_CONFIG: MeetConfig = configWith({
  domain: 'meet.ne3d.org',
  // moto's zone ids do not start with Z as Route 53's do: the world's zone id replaces this one where it is used.
  hostedZone: { id: 'Z1234567890ABC', name: 'ne3d.org' },
  alertEmail: 'organizers@ne3d.org',
});

/**
 * API Gateway's regional hosted zone in us-west-2, and a regional domain name: moto keeps an
 * ApiGatewayV2 custom domain's configuration but generates no target name for it (AWS answers
 * `d-<id>.execute-api.<region>.amazonaws.com`), so the asleep alias points at this stand-in.
 */
export const ASLEEP_TARGET: AsleepTarget = {
  dnsName: 'd-moto0asleep.execute-api.us-west-2.amazonaws.com',
  hostedZoneId: 'Z2OJLYMUO9EFXC',
};

type Resource = TemplateJson['Resources'][string];

const NAME_PROPERTY: Record<string, string> = {
  'AWS::DynamoDB::Table': 'TableName',
  'AWS::Logs::LogGroup': 'LogGroupName',
  'AWS::S3::Bucket': 'BucketName',
  'AWS::ECS::Cluster': 'ClusterName',
  'AWS::ECS::Service': 'ServiceName',
  'AWS::Scheduler::ScheduleGroup': 'Name',
  'AWS::SecretsManager::Secret': 'Name',
  'AWS::SNS::Topic': 'TopicName',
  'AWS::Lambda::Function': 'FunctionName',
  'AWS::IAM::Role': 'RoleName',
  'AWS::AutoScaling::AutoScalingGroup': 'AutoScalingGroupName',
  'AWS::ECS::CapacityProvider': 'Name',
};

/** A resource's physical name: its name property when literal, else its logical id (the rule of iam.ts). */
export function physicalName(json: TemplateJson, id: string): string {
  const r = json.Resources[id];
  const property = r ? NAME_PROPERTY[r.Type] : undefined;
  const named = property ? r?.Properties?.[property] : undefined;
  if (typeof named === 'string') return named;
  return r?.Type === 'AWS::S3::Bucket' ? id.toLowerCase() : id;
}

/** The resources of a type, by logical id. */
export function ofType(json: TemplateJson, type: string): Array<[string, Resource]> {
  return Object.entries(json.Resources).filter(([, r]) => r.Type === type);
}

export function single(json: TemplateJson, type: string, idPart = ''): [string, Resource] {
  const found = ofType(json, type).filter(([id]) => id.includes(idPart));
  if (found.length !== 1 || !found[0]) throw new Error(`expected one ${type} "${idPart}", found ${found.length}`);
  return found[0];
}

/**
 * Resolve Ref / Fn::GetAtt / Fn::Join / Fn::Sub against the world: values moto generated (secret
 * ARNs, pool ids, subnet ids) from `actual`, everything else by the naming rule.
 */
function resolver(json: TemplateJson, actual: Readonly<Record<string, string>>) {
  const pseudo: Record<string, string> = {
    'AWS::Partition': 'aws',
    'AWS::AccountId': ACCOUNT,
    'AWS::Region': REGION,
    'AWS::URLSuffix': 'amazonaws.com',
  };
  const arn = (id: string, attribute?: string): string => {
    const known = actual[attribute ? `${id}.${attribute}` : id];
    if (known !== undefined) return known;
    const type = json.Resources[id]?.Type;
    const name = physicalName(json, id);
    switch (type) {
      case 'AWS::Lambda::Function':
        return `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`;
      case 'AWS::IAM::Role':
        return attribute === 'Arn' ? `arn:aws:iam::${ACCOUNT}:role/${name}` : name;
      case 'AWS::SNS::Topic':
        return `arn:aws:sns:${REGION}:${ACCOUNT}:${name}`;
      default:
        if (attribute && attribute !== 'Name') throw new Error(`the moto world has no value for ${id}.${attribute} (${type})`);
        return name;
    }
  };
  const resolve = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(resolve);
    if (!value || typeof value !== 'object') return value;
    const entries = Object.entries(value);
    const [key, arg] = entries[0] ?? [];
    if (entries.length === 1 && key === 'Ref') return pseudo[arg as string] ?? actual[arg as string] ?? arn(arg as string);
    if (entries.length === 1 && key === 'Fn::GetAtt') {
      const [id, attribute] = (typeof arg === 'string' ? arg.split('.') : arg) as [string, string];
      return arn(id, attribute);
    }
    if (entries.length === 1 && key === 'Fn::Join') {
      const [sep, parts] = arg as [string, unknown[]];
      return parts.map((p) => resolve(p)).join(sep);
    }
    if (entries.length === 1 && key === 'Fn::Sub') {
      return (arg as string).replace(/\$\{([^}]+)\}/g, (_m, ref: string) => String(resolve({ Ref: ref })));
    }
    return Object.fromEntries(entries.map(([k, v]) => [k, resolve(v)]));
  };
  return resolve;
}

/** CloudFormation's PascalCase property names as the SDK's camelCase (log driver options and labels kept). */
function camel(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(camel);
  if (!value || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [
      k.charAt(0).toLowerCase() + k.slice(1),
      k === 'Options' || k === 'DockerLabels' ? v : camel(v),
    ]),
  );
}

const password = () => randomUUID().replace(/-/g, '');

/**
 * A secret created as the template describes it: its literal value, or its generated keys (the
 * template generates one, and the password generator the others its Custom::InternalPasswords names).
 */
function secretValue(r: Resource, id: string, json: TemplateJson): string {
  const literal = r.Properties?.SecretString;
  if (typeof literal === 'string') return literal;
  const generate = r.Properties?.GenerateSecretString as { GenerateStringKey?: string } | undefined;
  const filled = ofType(json, 'Custom::InternalPasswords').find(
    ([, fill]) => (fill.Properties?.SecretArn as { Ref?: string } | undefined)?.Ref === id,
  );
  const keys = (filled?.[1].Properties?.Keys as string[] | undefined) ?? [generate?.GenerateStringKey ?? 'value'];
  return JSON.stringify(Object.fromEntries(keys.map((k) => [k, password() + password()])));
}

/** The template's VPC (with its DNS settings: moto's task network interfaces need them) and public subnets. */
export async function buildNetwork(ec2: EC2Client, json: TemplateJson) {
  const [, vpc] = single(json, 'AWS::EC2::VPC');
  const { Vpc } = await ec2.send(new CreateVpcCommand({ CidrBlock: String(vpc.Properties?.CidrBlock) }));
  const vpcId = Vpc?.VpcId ?? '';
  for (const setting of ['EnableDnsSupport', 'EnableDnsHostnames'] as const) {
    if (vpc.Properties?.[setting] === true) {
      await ec2.send(new ModifyVpcAttributeCommand({ VpcId: vpcId, [setting]: { Value: true } }));
    }
  }
  const subnets = await Promise.all(
    ofType(json, 'AWS::EC2::Subnet').map(async ([, r], i) => {
      const { Subnet } = await ec2.send(
        new CreateSubnetCommand({
          VpcId: vpcId,
          CidrBlock: String(r.Properties?.CidrBlock),
          AvailabilityZone: `${REGION}${'abcdef'[i]}`,
        }),
      );
      return Subnet?.SubnetId ?? '';
    }),
  );
  const [sgId, sg] = single(json, 'AWS::EC2::SecurityGroup', 'TaskSecurityGroup');
  const { GroupId } = await ec2.send(
    new CreateSecurityGroupCommand({ VpcId: vpcId, GroupName: sgId, Description: String(sg.Properties?.GroupDescription) }),
  );
  return { subnets, securityGroup: GroupId ?? '' };
}

export async function buildSecrets(clients: SdkClients, json: TemplateJson, actual: Record<string, string>) {
  await Promise.all(
    ofType(json, 'AWS::SecretsManager::Secret').map(async ([id, r]) => {
      const { ARN } = await clients.secretsmanager.send(
        new CreateSecretCommand({ Name: physicalName(json, id), SecretString: secretValue(r, id, json) }),
      );
      actual[id] = ARN ?? '';
    }),
  );
}

export async function buildMembers(clients: SdkClients, json: TemplateJson, actual: Record<string, string>) {
  const pools = ofType(json, 'AWS::Cognito::UserPool');
  if (pools.length === 0) return;
  const [poolId] = single(json, 'AWS::Cognito::UserPool');
  const { UserPool } = await clients.cognito.send(new CreateUserPoolCommand({ PoolName: poolId }));
  const pool = UserPool?.Id ?? '';
  actual[poolId] = pool;
  for (const [id, r] of ofType(json, 'AWS::Cognito::UserPoolGroup')) {
    await clients.cognito.send(new CreateGroupCommand({ UserPoolId: pool, GroupName: String(r.Properties?.GroupName ?? id) }));
  }
  for (const [id] of ofType(json, 'AWS::Cognito::UserPoolClient')) {
    const { UserPoolClient } = await clients.cognito.send(new CreateUserPoolClientCommand({ UserPoolId: pool, ClientName: id }));
    actual[id] = UserPoolClient?.ClientId ?? '';
  }
  for (const [id, r] of ofType(json, 'AWS::Cognito::UserPoolDomain')) {
    await clients.cognito.send(new CreateUserPoolDomainCommand({ UserPoolId: pool, Domain: String(r.Properties?.Domain) }));
    actual[id] = String(r.Properties?.Domain);
  }
}

/** The template's log groups with their retention (those whose logical id contains `idPart`). */
export async function buildLogs(clients: SdkClients, json: TemplateJson, idPart = '') {
  await Promise.all(
    ofType(json, 'AWS::Logs::LogGroup')
      .filter(([id]) => id.includes(idPart))
      .map(async ([id, r]) => {
        const logGroupName = physicalName(json, id);
        await clients.logs.send(new CreateLogGroupCommand({ logGroupName }));
        const retention = Number(r.Properties?.RetentionInDays ?? 0);
        if (retention) await clients.logs.send(new PutRetentionPolicyCommand({ logGroupName, retentionInDays: retention }));
      }),
  );
}

export async function buildStateTable(clients: SdkClients, json: TemplateJson) {
  const [id, table] = single(json, 'AWS::DynamoDB::Table', 'StateTable');
  const props = table.Properties ?? {};
  await clients.dynamodb.send(
    new CreateTableCommand({
      TableName: physicalName(json, id),
      AttributeDefinitions: props.AttributeDefinitions as AttributeDefinition[],
      KeySchema: props.KeySchema as KeySchemaElement[],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
}

export async function buildRecordings(clients: SdkClients, json: TemplateJson) {
  const [id, bucket] = single(json, 'AWS::S3::Bucket', 'Recordings');
  const Bucket = physicalName(json, id);
  await clients.s3.send(new CreateBucketCommand({ Bucket, CreateBucketConfiguration: { LocationConstraint: REGION } }));
  const versioning = (bucket.Properties?.VersioningConfiguration as { Status?: string } | undefined)?.Status;
  if (versioning === 'Enabled') {
    await clients.s3.send(new PutBucketVersioningCommand({ Bucket, VersioningConfiguration: { Status: 'Enabled' } }));
  }
}

export async function buildEcs(
  clients: SdkClients,
  json: TemplateJson,
  resolve: (v: unknown) => unknown,
  network: { subnets: readonly string[]; securityGroup: string },
  actual: Record<string, string>,
) {
  const [clusterId] = single(json, 'AWS::ECS::Cluster');
  await clients.ecs.send(new CreateClusterCommand({ clusterName: physicalName(json, clusterId) }));
  for (const [id, r] of ofType(json, 'AWS::ECS::TaskDefinition')) {
    const input = camel(resolve(r.Properties)) as RegisterTaskDefinitionCommandInput;
    // moto refuses an EC2 task definition whose containers reserve memory (memoryReservation) but set
    // no hard limit, unless the task has one; ECS accepts either. The recorder's gets the sum of them.
    const reserved = (input.containerDefinitions ?? []).reduce((sum, c) => sum + (c.memoryReservation ?? 0), 0);
    if (input.requiresCompatibilities?.includes('EC2') && !input.memory) input.memory = String(reserved);
    const { taskDefinition } = await clients.ecs.send(new RegisterTaskDefinitionCommand(input));
    actual[id] = taskDefinition?.taskDefinitionArn ?? '';
  }
  for (const [id, r] of ofType(json, 'AWS::ECS::Service')) {
    const props = r.Properties ?? {};
    await clients.ecs.send(
      new CreateServiceCommand({
        cluster: physicalName(json, clusterId),
        serviceName: physicalName(json, id),
        taskDefinition: resolve(props.TaskDefinition) as string,
        // The DesiredCount parameter's default: a new stack is stopped.
        desiredCount: Number(json.Parameters[DESIRED_COUNT_PARAMETER]?.Default ?? 0),
        launchType: props.LaunchType as 'FARGATE',
        networkConfiguration: {
          awsvpcConfiguration: {
            subnets: [...network.subnets],
            securityGroups: [network.securityGroup],
            assignPublicIp: 'ENABLED',
          },
        },
      }),
    );
  }
}

/**
 * The recorder's instance group at 0, its ECS capacity provider on the cluster, as the template has
 * them (only in a template with server-side recording). The launch template takes one of moto's
 * images: the template's image is an SSM parameter of the ECS-optimized AMI, which moto does not hold.
 */
export async function buildRecorder(
  clients: SdkClients & { readonly ec2: EC2Client },
  json: TemplateJson,
  network: { subnets: readonly string[]; securityGroup: string },
) {
  const groups = ofType(json, 'AWS::AutoScaling::AutoScalingGroup');
  if (groups.length === 0) return;
  const [groupId, group] = single(json, 'AWS::AutoScaling::AutoScalingGroup', 'Recorder');
  const [launchId, launch] = single(json, 'AWS::EC2::LaunchTemplate', 'Recorder');
  const { Images } = await clients.ec2.send(new DescribeImagesCommand({ Owners: ['amazon'] }));
  const instanceType = (launch.Properties?.LaunchTemplateData as { InstanceType?: _InstanceType })?.InstanceType;
  const { LaunchTemplate } = await clients.ec2.send(
    new CreateLaunchTemplateCommand({
      LaunchTemplateName: launchId,
      LaunchTemplateData: { ImageId: Images?.[0]?.ImageId, InstanceType: instanceType },
    }),
  );
  const AutoScalingGroupName = physicalName(json, groupId);
  await clients.autoscaling.send(
    new CreateAutoScalingGroupCommand({
      AutoScalingGroupName,
      LaunchTemplate: { LaunchTemplateId: LaunchTemplate?.LaunchTemplateId, Version: '$Latest' },
      MinSize: Number(group.Properties?.MinSize ?? 0),
      MaxSize: Number(group.Properties?.MaxSize ?? 1),
      DesiredCapacity: 0,
      VPCZoneIdentifier: network.subnets.join(','),
    }),
  );
  const { AutoScalingGroups } = await clients.autoscaling.send(
    new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [AutoScalingGroupName] }),
  );
  const [providerId] = single(json, 'AWS::ECS::CapacityProvider', 'Recorder');
  const [clusterId] = single(json, 'AWS::ECS::Cluster');
  const name = physicalName(json, providerId);
  await clients.ecs.send(
    new CreateCapacityProviderCommand({
      name,
      autoScalingGroupProvider: {
        autoScalingGroupArn: AutoScalingGroups?.[0]?.AutoScalingGroupARN,
        managedTerminationProtection: 'DISABLED',
      },
    }),
  );
  await clients.ecs.send(
    new PutClusterCapacityProvidersCommand({
      cluster: physicalName(json, clusterId),
      capacityProviders: [name],
      defaultCapacityProviderStrategy: [],
    }),
  );
}

/** The asleep alias, as the template's record set describes it, in a new zone named as the config's. */
export async function buildZone(clients: SdkClients, json: TemplateJson, config: MeetConfig): Promise<string> {
  const { HostedZone } = await clients.route53.send(
    new CreateHostedZoneCommand({ Name: config.hostedZone.name, CallerReference: randomUUID() }),
  );
  const zoneId = (HostedZone?.Id ?? '').replace('/hostedzone/', '');
  const [, alias] = single(json, 'AWS::Route53::RecordSet', 'MeetingAlias');
  await clients.route53.send(
    new ChangeResourceRecordSetsCommand({
      HostedZoneId: zoneId,
      ChangeBatch: {
        Changes: [
          {
            // UPSERT, not CloudFormation's CREATE: moto checks a later CREATE of the same record against its
            // journal before applying the DELETE before it in the same batch, and would refuse the DNS
            // function's switch back to the asleep page (test/boundary/moto-deviations.test.ts).
            Action: 'UPSERT',
            ResourceRecordSet: {
              Name: String(alias.Properties?.Name),
              Type: 'A',
              AliasTarget: {
                DNSName: ASLEEP_TARGET.dnsName,
                HostedZoneId: ASLEEP_TARGET.hostedZoneId,
                EvaluateTargetHealth: false,
              },
            },
          },
        ],
      },
    }),
  );
  return zoneId;
}

/**
 * The stand-in stack: the template's PowerState and DesiredCount parameters and every output the
 * control plane reads, resolved to the world's names. One WaitConditionHandle, since a stack needs a resource.
 */
export async function buildStack(clients: SdkClients, json: TemplateJson, stackName: string, outputs: Record<string, string>) {
  const parameters = Object.fromEntries(
    [POWER_STATE_PARAMETER, DESIRED_COUNT_PARAMETER].flatMap((name) => {
      const p = json.Parameters[name];
      return p ? [[name, { Type: p.Type, Default: p.Default, AllowedValues: p.AllowedValues }]] : [];
    }),
  );
  await clients.cloudformation.send(
    new CreateStackCommand({
      StackName: stackName,
      TemplateBody: JSON.stringify({
        Parameters: parameters,
        Resources: { StandIn: { Type: 'AWS::CloudFormation::WaitConditionHandle' } },
        Outputs: Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, { Value: v }])),
      }),
    }),
  );
}

/**
 * moto moves an ECS task one lifecycle state on every read (its state manager's default for
 * ecs::task), so a task read three times is STOPPING; a running Fargate task stays RUNNING until it is
 * stopped. Call after every `moto.reset()` that precedes ECS tasks.
 */
export async function pinTaskStates(moto: MotoServer): Promise<void> {
  const pinned = await fetch(`${moto.endpoint}/moto-api/state-manager/set-transition`, {
    method: 'POST',
    body: JSON.stringify({ model_name: 'ecs::task', transition: { progression: 'manual', times: 1_000_000_000 } }),
  });
  if (!pinned.ok) throw new Error(`moto's state manager answered ${pinned.status}`);
}

/** The state table and the event log of the template in moto, as the CLI's state port composes them. */
export function motoStateStore(clients: SdkClients, json: TemplateJson): StateStore {
  const [tableId] = single(json, 'AWS::DynamoDB::Table', 'StateTable');
  const [logId] = single(json, 'AWS::Logs::LogGroup', 'EventLog');
  const table = dynamoStateStore(clients.dynamodb, physicalName(json, tableId));
  const log = cloudWatchEventLog(clients.logs, physicalName(json, logId));
  return { ...table, append: log.append, events: log.events };
}

/**
 * Put many control-plane events into an event log group at once, as PutLogEvents allows: oldest
 * first, at most 10,000 a call (the control plane itself writes one stream per event).
 */
export async function seedEventLog(
  logs: CloudWatchLogsClient,
  logGroupName: string,
  events: readonly TransitionEvent[],
): Promise<void> {
  const logStreamName = `seeded/${randomUUID()}`;
  await logs.send(new CreateLogStreamCommand({ logGroupName, logStreamName }));
  const sorted = [...events].sort((a, b) => a.at - b.at);
  for (let i = 0; i < sorted.length; i += 10_000) {
    const logEvents = sorted.slice(i, i + 10_000).map((e) => ({ timestamp: e.at, message: JSON.stringify(e) }));
    await logs.send(new PutLogEventsCommand({ logGroupName, logStreamName, logEvents }));
  }
}

/** The SDK clients of the CLI (and an EC2 client), pointed at moto through AWS_ENDPOINT_URL. */
export function motoClients(): SdkClients & { ec2: EC2Client } {
  return { ...sdkClients({ region: REGION }), ec2: new EC2Client({ region: REGION }) };
}

/**
 * Build the world in moto (call `moto.reset()` first to start over). Everything the control plane
 * reads comes from `template`; the config gives the stack name and the hosted zone's name.
 */
export async function buildMotoWorld(
  moto: MotoServer,
  spec: { readonly config: MeetConfig; readonly template: TemplateJson },
): Promise<MotoWorld> {
  if (process.env.AWS_ENDPOINT_URL !== moto.endpoint) throw new Error('call useMotoInThisProcess(moto) first');
  const { config, template: json } = spec;
  const clients = motoClients();
  const actual: Record<string, string> = {};
  await pinTaskStates(moto);
  const network = await buildNetwork(clients.ec2, json);
  const [hostedZoneId] = await Promise.all([
    buildZone(clients, json, config),
    buildSecrets(clients, json, actual),
    buildMembers(clients, json, actual),
    buildLogs(clients, json),
    buildStateTable(clients, json),
    buildRecordings(clients, json),
    ...ofType(json, 'AWS::Scheduler::ScheduleGroup').map(([id]) =>
      clients.scheduler.send(new CreateScheduleGroupCommand({ Name: physicalName(json, id) })),
    ),
  ]);
  for (const [id] of ofType(json, 'AWS::ApiGatewayV2::DomainName')) {
    actual[`${id}.RegionalDomainName`] = ASLEEP_TARGET.dnsName;
    actual[`${id}.RegionalHostedZoneId`] = ASLEEP_TARGET.hostedZoneId;
  }
  const resolve = resolver(json, actual);
  await buildEcs(clients, json, resolve, network, actual);
  await buildRecorder(clients, json, network);
  const outputs = Object.fromEntries(Object.entries(json.Outputs).map(([name, o]) => [name, String(resolve(o.Value))])) as Record<
    string,
    string
  >;
  // The zone is moto's (it generates the id), as the DNS function's environment says below.
  if (outputs[OUTPUT_NAMES.hostedZone]) outputs[OUTPUT_NAMES.hostedZone] = hostedZoneId;
  await buildStack(clients, json, config.stackName, outputs);
  const [, dnsFunction] = single(json, 'AWS::Lambda::Function', 'TaskDnsFunction');
  const environment = resolve((dnsFunction.Properties?.Environment as { Variables?: unknown })?.Variables ?? {}) as Record<
    string,
    string
  >;
  return {
    config,
    template: json,
    stackName: config.stackName,
    outputs,
    clients,
    ports: sdkControlPorts(clients, config.stackName),
    hostedZoneId,
    asleep: ASLEEP_TARGET,
    network,
    taskDnsEnv: { ...environment, [INGRESS_ENV.hostedZoneId]: hostedZoneId, AWS_REGION: REGION },
  };
}

/**
 * Run one task of the service's task definition on Fargate, as the ECS service scheduler would for
 * desired count 1: moto's services place no tasks (its ListTasks also ignores `serviceName`), and
 * its Fargate tasks get a network interface with no public address, so one is associated as
 * `assignPublicIp: ENABLED` does on AWS. Returns the task and its network interface.
 */
export async function runServiceTask(world: MotoWorld): Promise<{ taskArn: string; eniId: string; publicIp: string }> {
  const { ecs, ec2 } = world.clients;
  const service = world.outputs[OUTPUT_NAMES.service] ?? '';
  // moto places a task by the memory of each container and fails (HTTP 500) when a container names
  // none; Fargate sizes by the task's memory. A revision with each container's share of it runs instead.
  const { taskDefinition: current } = await ecs.send(
    new DescribeTaskDefinitionCommand({ taskDefinition: world.outputs[OUTPUT_NAMES.taskFamily] }),
  );
  if (!current?.containerDefinitions) throw new Error('the service has no task definition');
  const share = Math.floor(Number(current.memory) / current.containerDefinitions.length);
  const { taskDefinition: sized } = await ecs.send(
    new RegisterTaskDefinitionCommand({
      ...(current as RegisterTaskDefinitionCommandInput),
      containerDefinitions: current.containerDefinitions.map((c) => ({ ...c, memoryReservation: c.memoryReservation ?? share })),
    }),
  );
  const { tasks } = await ecs.send(
    new RunTaskCommand({
      cluster: world.outputs[OUTPUT_NAMES.cluster],
      taskDefinition: sized?.taskDefinitionArn,
      launchType: 'FARGATE',
      group: `service:${service}`,
      startedBy: 'ecs-svc/0123456789',
      networkConfiguration: {
        awsvpcConfiguration: {
          subnets: [...world.network.subnets],
          securityGroups: [world.network.securityGroup],
          assignPublicIp: 'ENABLED',
        },
      },
    }),
  );
  const task = tasks?.[0];
  const eniId = task?.attachments?.flatMap((a) => a.details ?? []).find((d) => d.name === 'networkInterfaceId')?.value;
  if (!task?.taskArn || !eniId) throw new Error(`moto ran no task with a network interface: ${JSON.stringify(tasks)}`);
  const { AllocationId, PublicIp } = await ec2.send(new AllocateAddressCommand({ Domain: 'vpc' }));
  await ec2.send(new AssociateAddressCommand({ AllocationId, NetworkInterfaceId: eniId }));
  return { taskArn: task.taskArn, eniId, publicIp: PublicIp ?? '' };
}

/**
 * One moto server for this test file: started before its tests (this process's SDK clients pointed
 * at it), stopped after them, also when one fails. `available` is false, after the one skip line,
 * when moto_server is not installed (CI fails instead).
 */
export function motoForThisFile(suite: string): { readonly available: boolean; server(): MotoServer } {
  const available = motoAvailable(suite);
  let moto: MotoServer | undefined;
  if (available) {
    beforeAll(async () => {
      moto = await startMoto();
      useMotoInThisProcess(moto);
    }, 120_000);
    afterAll(async () => {
      await moto?.stop();
    });
  }
  return {
    available,
    server: () => {
      if (!moto) throw new Error('moto is not running');
      return moto;
    },
  };
}

/** Every file under `dir`, sorted. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name)) : [path.join(dir, e.name)]))
    .sort();
}

/**
 * The synthesized template of `config` (test/support/fixtures.ts `synth`), kept under the temp folder
 * by a hash of the config, every source file and the lock file, so the moto suites of one run
 * synthesize each config once instead of once per test file (a synth takes seconds on 2 cores).
 */
export function synthesizedTemplate(config: MeetConfig): TemplateJson {
  const hash = createHash('sha256').update(JSON.stringify(config));
  const inputs = [
    ...filesUnder(path.join(ROOT, 'src')),
    path.join(ROOT, 'package-lock.json'),
    path.join(ROOT, 'test', 'support', 'fixtures.ts'),
  ];
  for (const file of inputs) {
    hash.update(file).update(readFileSync(file));
  }
  const cached = path.join(tmpdir(), 'meetctl-moto-templates', `${hash.digest('hex')}.json`);
  try {
    return JSON.parse(readFileSync(cached, 'utf8')) as TemplateJson;
  } catch {
    const { json } = synth(config);
    mkdirSync(path.dirname(cached), { recursive: true });
    const partial = `${cached}.${process.pid}`;
    writeFileSync(partial, JSON.stringify(json));
    renameSync(partial, cached);
    return json;
  }
}

/**
 * Register the recorder group's instance with the cluster, as the ECS agent on it does once it boots
 * (moto runs no agent): the group must have launched it (desired capacity 1).
 */
export async function registerRecorderInstance(world: MotoWorld): Promise<string> {
  const group = world.outputs[OUTPUT_NAMES.recorderGroup];
  const { AutoScalingGroups } = await world.clients.autoscaling.send(
    new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [group ?? ''] }),
  );
  const instanceId = AutoScalingGroups?.[0]?.Instances?.[0]?.InstanceId;
  if (!instanceId) throw new Error(`the recorder group ${group} has no instance`);
  const { containerInstance } = await world.clients.ecs.send(
    new RegisterContainerInstanceCommand({
      cluster: world.outputs[OUTPUT_NAMES.cluster],
      instanceIdentityDocument: JSON.stringify({ instanceId, region: REGION, accountId: ACCOUNT }),
    }),
  );
  return containerInstance?.containerInstanceArn ?? '';
}
