import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { AutoScalingClient, CreateAutoScalingGroupCommand, DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import { CloudFormationClient, CreateStackCommand } from '@aws-sdk/client-cloudformation';
import { CloudWatchLogsClient, CreateLogGroupCommand } from '@aws-sdk/client-cloudwatch-logs';
import {
  CognitoIdentityProviderClient,
  CreateGroupCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  AllocateAddressCommand,
  AssociateAddressCommand,
  CreateLaunchTemplateCommand,
  CreateNetworkInterfaceCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  EC2Client,
  ModifyVpcAttributeCommand,
} from '@aws-sdk/client-ec2';
import {
  CreateCapacityProviderCommand,
  CreateClusterCommand,
  CreateServiceCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
} from '@aws-sdk/client-ecs';
import { CreateTargetGroupCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { CreateFunctionCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { CreateHostedZoneCommand, Route53Client } from '@aws-sdk/client-route-53';
import { CreateBucketCommand, PutBucketVersioningCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateScheduleGroupCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { SSMClient } from '@aws-sdk/client-ssm';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { vi } from 'vitest';
import type { SdkClients } from '../../src/aws/control-adapters.js';
import { OUTPUT_NAMES } from '../../src/control/outputs.js';
import type { Layer, ObservedCall, PolicyDocument, WorldFacts } from './aws-authorization.js';
import { ROOT, type TemplateJson } from './fixtures.js';
import { ACCOUNT, managedPoliciesOfRole, type Naming, policiesOfRole, REGION, resolve, STACK_NAME } from './iam.js';
import { MOTO_CREDENTIALS, type MotoServer, startMoto, useMotoInThisProcess } from './moto-server.js';
import { pinTaskStates } from './moto-world.js';

/**
 * A moto world for proving the template's IAM as written: every resource the roles' calls touch,
 * created in moto with the names CloudFormation would give it, and every role of the template
 * created in moto's IAM with its policies and assumed through moto's STS.
 *
 * Principals are roles assumed through STS, as in production: Lambda and ECS hand a function or a
 * task the session credentials of its role, and the organizer's IAM Identity Center permission set
 * is a role too. moto evaluates such a session by the role's inline and attached policies
 * (moto/iam/access_control.py `AssumedRoleAccessKey.collect_policies`), which is what AWS evaluates
 * for an identity-based request of a role session in the same account.
 */

export type Credentials = { readonly accessKeyId: string; readonly secretAccessKey: string; readonly sessionToken?: string };

/** Every client the project's adapters use, plus the ones its Lambda entries create themselves. */
export type RoleClients = SdkClients & {
  readonly sns: SNSClient;
  readonly ec2: EC2Client;
  readonly lambda: LambdaClient;
};

/** The clients `sdkClients` (src/aws/control-adapters.ts) makes, with a principal's session credentials. */
export function clientsFor(credentials: Credentials): RoleClients {
  const config = { region: REGION, credentials };
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
    sns: new SNSClient(config),
    ec2: new EC2Client(config),
    lambda: new LambdaClient(config),
  };
}

/**
 * Start moto with AWS's managed policies loaded (so AWSLambdaBasicExecutionRole is AWS's own text,
 * as moto ships it) and Lambda invoked without Docker (moto's "simple" Lambda answers every invoke).
 * moto reads MOTO_IAM_LOAD_MANAGED_POLICIES from its environment only (moto/settings.py).
 */
export async function startIamMoto(): Promise<MotoServer> {
  const previous = process.env.MOTO_IAM_LOAD_MANAGED_POLICIES;
  process.env.MOTO_IAM_LOAD_MANAGED_POLICIES = 'true';
  let moto: MotoServer;
  try {
    moto = await startMoto();
  } finally {
    if (previous === undefined) delete process.env.MOTO_IAM_LOAD_MANAGED_POLICIES;
    else process.env.MOTO_IAM_LOAD_MANAGED_POLICIES = previous;
  }
  const response = await fetch(`${moto.endpoint}/moto-api/config`, {
    method: 'POST',
    body: JSON.stringify({ lambda: { use_docker: false } }),
  });
  if (!response.ok) throw new Error(`moto config answered ${response.status}`);
  return moto;
}

/**
 * moto's IAM Query API (the project has no IAM SDK client). Only before enforcement starts: the
 * Authorization header only names the service and region moto routes by, it is not a signature.
 */
async function iam(moto: MotoServer, action: string, params: Record<string, string>): Promise<string> {
  const response = await fetch(`${moto.endpoint}/`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
      authorization: `AWS4-HMAC-SHA256 Credential=${MOTO_CREDENTIALS.accessKeyId}/20260101/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=0`,
    },
    body: new URLSearchParams({ Action: action, Version: '2010-05-08', ...params }),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`moto IAM ${action} answered ${response.status}: ${text}`);
  return text;
}

/** The default version document of a managed policy, as moto holds it (for AWS managed ones, AWS's text). */
async function managedPolicyDocument(moto: MotoServer, arn: string): Promise<unknown> {
  const policy = await iam(moto, 'GetPolicy', { PolicyArn: arn });
  const version = /<DefaultVersionId>([^<]+)<\/DefaultVersionId>/.exec(policy)?.[1];
  if (!version) throw new Error(`moto has no managed policy ${arn}`);
  const text = await iam(moto, 'GetPolicyVersion', { PolicyArn: arn, VersionId: version });
  const document = /<Document>([\s\S]*?)<\/Document>/.exec(text)?.[1] ?? '';
  const unescaped = document
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
  return JSON.parse(unescaped.trim().startsWith('%') ? decodeURIComponent(unescaped) : unescaped);
}

/** A physical name the way CloudFormation makes one: stack, logical id and a random suffix, within a limit. */
export function cfnName(logicalId: string, max = 128, stackName = STACK_NAME): string {
  const suffix = BigInt(`0x${createHash('sha256').update(logicalId).digest('hex').slice(0, 16)}`)
    .toString(36)
    .toUpperCase()
    .slice(0, 12)
    .padStart(12, '0');
  const room = Math.max(1, max - stackName.length - suffix.length - 2);
  return `${stackName}-${logicalId.slice(0, room)}-${suffix}`;
}

/**
 * An IAM policy as moto can apply it: moto matches the Resource of a non-S3 statement against "*"
 * (see test/support/aws-authorization.ts), so those statements are given Resource "*" and keep their
 * actions; S3 statements keep their ARNs, which moto does match. And moto checks lambda's Invoke
 * operation as `lambda:Invoke`, where IAM's action is `lambda:InvokeFunction` (Service Authorization
 * Reference, AWS Lambda: the Invoke API needs lambda:InvokeFunction): statements allowing the IAM
 * action also name moto's. Resource and condition checks are the layer's (iam-simulate) job.
 */
export function asMotoApplies(document: unknown): unknown {
  const policy = document as { Version: string; Statement: Array<Record<string, unknown>> };
  const statements = policy.Statement.flatMap((statement) => {
    const actions = [statement.Action].flat() as string[];
    const s3 = actions.filter((a) => a.startsWith('s3:'));
    const other = actions.filter((a) => !a.startsWith('s3:'));
    const aliases = other.flatMap((a) => (a === 'lambda:InvokeFunction' ? [a, 'lambda:Invoke'] : [a]));
    return [
      ...(s3.length > 0 ? [{ ...statement, Action: s3 }] : []),
      ...(other.length > 0 ? [{ ...statement, Action: aliases, Resource: '*' }] : []),
    ];
  });
  return { ...policy, Statement: statements };
}

/** The same without conditions, which moto does not evaluate in identity policies: who refuses a request. */
export function asMotoDecides(document: unknown): unknown {
  const policy = asMotoApplies(document) as { Version: string; Statement: Array<Record<string, unknown>> };
  return { ...policy, Statement: policy.Statement.map(({ Condition: _condition, ...rest }) => rest) };
}

export interface Principal {
  /** How the table names it. */
  readonly label: string;
  readonly roleArn: string;
  readonly credentials: Credentials;
  /** Identity policies as AWS evaluates them: the inline ones as written, resolved, and the managed ones' text. */
  readonly policies: readonly PolicyDocument[];
  /** What moto was given and decides by (see `asMotoApplies`, `asMotoDecides`). */
  readonly motoDecides: readonly PolicyDocument[];
}

/** Create a role in moto (before enforcement starts). */
export async function createRole(moto: MotoServer, role: { name: string; path: string; trust: unknown }): Promise<string> {
  await iam(moto, 'CreateRole', {
    RoleName: role.name,
    Path: role.path,
    AssumeRolePolicyDocument: JSON.stringify(role.trust),
  });
  return `arn:aws:iam::${ACCOUNT}:role${role.path}${role.name}`;
}

/** Give a role moto created these identity policies and assume it (before enforcement starts). */
export async function grantAndAssume(
  moto: MotoServer,
  role: { label: string; name: string; arn: string },
  inline: readonly PolicyDocument[],
  managed: readonly string[],
): Promise<Principal> {
  for (const { name, policy } of inline) {
    await iam(moto, 'PutRolePolicy', {
      RoleName: role.name,
      PolicyName: name,
      PolicyDocument: JSON.stringify(asMotoApplies(policy)),
    });
  }
  const managedDocuments: PolicyDocument[] = [];
  for (const arn of managed) {
    await iam(moto, 'AttachRolePolicy', { RoleName: role.name, PolicyArn: arn });
    managedDocuments.push({ name: arn, policy: await managedPolicyDocument(moto, arn) });
  }
  const sts = new STSClient({ region: REGION, credentials: MOTO_CREDENTIALS });
  const { Credentials: c } = await sts.send(new AssumeRoleCommand({ RoleArn: role.arn, RoleSessionName: 'iam-test' }));
  if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken) throw new Error(`moto's STS gave no credentials for ${role.arn}`);
  const policies = [...inline, ...managedDocuments];
  return {
    label: role.label,
    roleArn: role.arn,
    credentials: { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken },
    policies,
    motoDecides: policies.map((p) => ({ name: p.name, policy: asMotoDecides(p.policy) })),
  };
}

/** A tiny valid (empty) zip archive: moto's CreateFunction wants code, its simple Lambda never runs it. */
const EMPTY_ZIP = Uint8Array.from([0x50, 0x4b, 0x05, 0x06, ...new Array(18).fill(0)]);

type Physical = Map<string, Record<string, string>>;

/**
 * Naming from what the world created: `physical.get(id)['']` is Ref, other keys are attributes. A
 * resource the world does not create (a VPC, a load balancer's listener …) gets a CloudFormation-like
 * name, so every policy resolves; no call of the tests touches those.
 */
function namingOf(json: TemplateJson, physical: Physical, pseudo: Record<string, string>): Naming {
  return {
    physical: (id, attribute) => {
      const known = physical.get(id)?.[attribute ?? ''];
      if (known !== undefined || !json.Resources[id]) return known;
      return attribute ? `${cfnName(id)}.${attribute}` : cfnName(id);
    },
    pseudo,
  };
}

export interface IamWorld {
  readonly moto: MotoServer;
  readonly json: TemplateJson;
  readonly naming: Naming;
  readonly facts: WorldFacts;
  /** The stack's outputs, as CloudFormation would report them for this world. */
  readonly outputs: Readonly<Record<string, string>>;
  readonly zoneId: string;
  /** The meeting task's network interface, with a public address (the DNS function reads it). */
  readonly eni: { readonly id: string; readonly publicIp: string };
  /** The subnet of the world's VPC (a meeting task run in it gets a network interface there). */
  readonly subnetId: string;
  /** The template's roles, assumed. */
  readonly roles: ReadonlyMap<string, Principal>;
  /** Clients of a test-only administrator (AWS's AdministratorAccess), for seeding and inspecting the world. */
  readonly admin: RoleClients;
  /** Physical name (Ref) or attribute of a template resource. */
  ref(logicalId: string, attribute?: string): string;
  /** The Lambda environment the template gives a function, resolved for this world. */
  functionEnvironment(functionId: string): Record<string, string>;
}

/** The logical id of a Lambda function's role. */
export function roleOfFunction(json: TemplateJson, functionId: string): string {
  const role = json.Resources[functionId]?.Properties?.Role as { 'Fn::GetAtt'?: [string, string] } | undefined;
  const id = role?.['Fn::GetAtt']?.[0];
  if (!id) throw new Error(`${functionId} is not a function of the template with a role of it`);
  return id;
}

const ofType = (json: TemplateJson, type: string) =>
  Object.entries(json.Resources).filter(([, r]) => r.Type === type) as Array<[string, { Properties?: Record<string, unknown> }]>;

/**
 * Build the world (moto must not enforce IAM yet): the hosted zone comes first, since the template's
 * literal zone id is replaced by moto's (moto generates zone ids), then every resource, then the roles.
 */
export async function buildWorld(
  moto: MotoServer,
  template: TemplateJson,
  zone: { readonly id: string; readonly name: string },
): Promise<IamWorld> {
  const admin = clientsFor(MOTO_CREDENTIALS);
  const created = await admin.route53.send(
    new CreateHostedZoneCommand({ Name: zone.name, CallerReference: `iam-${Date.now()}` }),
  );
  const zoneId = (created.HostedZone?.Id ?? '').split('/').pop() as string;
  const json = JSON.parse(JSON.stringify(template).split(zone.id).join(zoneId)) as TemplateJson;
  const physical: Physical = new Map();
  const pseudo: Record<string, string> = {};
  const naming = namingOf(json, physical, pseudo);
  const value = (v: unknown) => resolve(json, v, naming) as string;
  const set = (id: string, attributes: Record<string, string>) => physical.set(id, { ...physical.get(id), ...attributes });

  nameRolesAndFunctions(json, set);
  for (const [id, r] of ofType(json, 'AWS::IAM::Role')) {
    const arn = await createRole(moto, {
      name: value({ Ref: id }),
      path: (r.Properties?.Path as string | undefined) ?? '/',
      trust: resolve(json, r.Properties?.AssumeRolePolicyDocument, naming),
    });
    if (arn !== value({ 'Fn::GetAtt': [id, 'Arn'] })) throw new Error(`role ${id} is ${arn} in moto`);
  }
  await createStorage(json, admin, set);
  await createSecrets(json, admin, set);
  await createUserPool(json, admin, set);
  const taskDefinitions = await createContainers(json, admin, set, value);
  const groups = await createRecorderGroup(json, admin, set, value);
  await createFunctions(json, admin, value);
  const network = await createTaskNetwork(admin);
  const eni = network.eni;
  for (const [id] of ofType(json, 'AWS::EC2::VPC')) set(id, { '': network.vpcId });
  await createTargetGroups(json, admin, set, network.vpcId);

  const outputs = Object.fromEntries(Object.entries(json.Outputs).map(([key, o]) => [key, value(o.Value)]));
  const parameters = Object.fromEntries(
    Object.entries(json.Parameters).filter(([, p]) => !String(p.Type).startsWith('AWS::SSM')),
  );
  const stack = await admin.cloudformation.send(
    new CreateStackCommand({
      StackName: STACK_NAME,
      TemplateBody: JSON.stringify({
        Parameters: parameters,
        Resources: { Placeholder: { Type: 'AWS::CloudFormation::WaitConditionHandle' } },
        Outputs: Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, { Value: v }])),
      }),
    }),
  );
  pseudo['AWS::StackId'] = stack.StackId ?? '';

  const facts: WorldFacts = {
    stackId: (name) => {
      if (name !== STACK_NAME && name !== stack.StackId) throw new Error(`no stack ${name} in this world`);
      return stack.StackId ?? '';
    },
    taskDefinition: (familyOrArn) => {
      const family = familyOrArn.split('/').pop()?.split(':')[0] ?? familyOrArn;
      const found = taskDefinitions.get(family);
      if (!found) throw new Error(`no task definition ${familyOrArn} in this world`);
      return found;
    },
    autoScalingGroupArn: (name) => {
      const arn = groups.get(name);
      if (!arn) throw new Error(`no Auto Scaling group ${name} in this world`);
      return arn;
    },
    secretArn: (id) => {
      const arns = ofType(json, 'AWS::SecretsManager::Secret').map(([sid]) => physical.get(sid)?.[''] ?? '');
      const found = arns.find((arn) => arn === id || arn.includes(`:secret:${id}-`) || id.startsWith(arn));
      if (!found) throw new Error(`no secret ${id} in this world`);
      return found;
    },
  };

  const roles = await assumeTemplateRoles(moto, json, naming);
  const administrator = { label: 'test administrator', name: 'iam-test-administrator', path: '/' };
  const administratorArn = await createRole(moto, { ...administrator, trust: accountTrust });
  const adminSession = await grantAndAssume(moto, { ...administrator, arn: administratorArn }, [], [ADMINISTRATOR_ACCESS]);
  return {
    admin: clientsFor(adminSession.credentials),
    moto,
    json,
    naming,
    facts,
    outputs,
    zoneId,
    eni,
    subnetId: network.subnetId,
    roles,
    ref: (id, attribute) => {
      const found = naming.physical(id, attribute);
      if (found === undefined) throw new Error(`the world has no ${attribute ?? 'Ref'} for ${id}`);
      return found;
    },
    functionEnvironment: (functionId) =>
      resolve(
        json,
        (json.Resources[functionId]?.Properties?.Environment as { Variables?: unknown } | undefined)?.Variables ?? {},
        naming,
      ) as Record<string, string>,
  };
}

type Set = (id: string, attributes: Record<string, string>) => void;

/** AWS's managed AdministratorAccess, as moto ships it. */
const ADMINISTRATOR_ACCESS = 'arn:aws:iam::aws:policy/AdministratorAccess';
/** A trust policy for principals of this account (people and test sessions). */
export const accountTrust = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'sts:AssumeRole' }],
};

function nameRolesAndFunctions(json: TemplateJson, set: Set): void {
  for (const [id, r] of ofType(json, 'AWS::IAM::Role')) {
    const name = (r.Properties?.RoleName as string | undefined) ?? cfnName(id, 64);
    const path = (r.Properties?.Path as string | undefined) ?? '/';
    set(id, { '': name, Arn: `arn:aws:iam::${ACCOUNT}:role${path}${name}` });
  }
  for (const [id, r] of ofType(json, 'AWS::Lambda::Function')) {
    const explicit = r.Properties?.FunctionName;
    const name = typeof explicit === 'string' ? explicit : cfnName(id, 64);
    set(id, { '': name, Arn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}` });
  }
}

async function createStorage(json: TemplateJson, admin: RoleClients, set: Set): Promise<void> {
  for (const [id, r] of ofType(json, 'AWS::DynamoDB::Table')) {
    const name = (r.Properties?.TableName as string | undefined) ?? cfnName(id, 255);
    const keys = r.Properties?.KeySchema as Array<{ AttributeName: string; KeyType: 'HASH' | 'RANGE' }>;
    await admin.dynamodb.send(
      new CreateTableCommand({
        TableName: name,
        KeySchema: keys,
        AttributeDefinitions: keys.map((k) => ({ AttributeName: k.AttributeName, AttributeType: 'S' })),
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    set(id, { '': name, Arn: `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${name}` });
  }
  for (const [id, r] of ofType(json, 'AWS::Logs::LogGroup')) {
    const name = (r.Properties?.LogGroupName as string | undefined) ?? cfnName(id, 512);
    await admin.logs.send(new CreateLogGroupCommand({ logGroupName: name }));
    set(id, { '': name, Arn: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${name}:*` });
  }
  for (const [id, r] of ofType(json, 'AWS::SNS::Topic')) {
    const name = (r.Properties?.TopicName as string | undefined) ?? cfnName(id, 256);
    const { TopicArn } = await admin.sns.send(new CreateTopicCommand({ Name: name }));
    set(id, { '': TopicArn ?? '', TopicName: name, TopicArn: TopicArn ?? '' });
  }
  for (const [id, r] of ofType(json, 'AWS::S3::Bucket')) {
    const name = (r.Properties?.BucketName as string | undefined) ?? cfnName(id, 63).toLowerCase();
    await admin.s3.send(new CreateBucketCommand({ Bucket: name, CreateBucketConfiguration: { LocationConstraint: REGION } }));
    const versioning = r.Properties?.VersioningConfiguration as { Status?: 'Enabled' | 'Suspended' } | undefined;
    if (versioning?.Status) {
      await admin.s3.send(
        new PutBucketVersioningCommand({ Bucket: name, VersioningConfiguration: { Status: versioning.Status } }),
      );
    }
    set(id, { '': name, Arn: `arn:aws:s3:::${name}` });
  }
  for (const [id, r] of ofType(json, 'AWS::Scheduler::ScheduleGroup')) {
    const name = (r.Properties?.Name as string | undefined) ?? cfnName(id, 64);
    await admin.scheduler.send(new CreateScheduleGroupCommand({ Name: name }));
    set(id, { '': name, Arn: `arn:aws:scheduler:${REGION}:${ACCOUNT}:schedule-group/${name}` });
  }
}

/**
 * Secrets as CloudFormation creates them: the template's SecretString, or its generated key with a
 * value of the world's (the internal secret's other keys are the password generator's to add).
 */
async function createSecrets(json: TemplateJson, admin: RoleClients, set: Set): Promise<void> {
  for (const [id, r] of ofType(json, 'AWS::SecretsManager::Secret')) {
    const name = (r.Properties?.Name as string | undefined) ?? `${id}-${cfnName(id).split('-').pop()}`;
    const key = (r.Properties?.GenerateSecretString as { GenerateStringKey?: string } | undefined)?.GenerateStringKey;
    const secretString =
      (r.Properties?.SecretString as string | undefined) ??
      JSON.stringify(key ? { [key]: createHash('sha256').update(`${id}/${key}`).digest('hex') } : {});
    const { ARN } = await admin.secretsmanager.send(new CreateSecretCommand({ Name: name, SecretString: secretString }));
    set(id, { '': ARN ?? '' });
  }
}

async function createUserPool(json: TemplateJson, admin: RoleClients, set: Set): Promise<void> {
  for (const [id] of ofType(json, 'AWS::Cognito::UserPool')) {
    const { UserPool } = await admin.cognito.send(new CreateUserPoolCommand({ PoolName: cfnName(id) }));
    const poolId = UserPool?.Id ?? '';
    set(id, { '': poolId, Arn: UserPool?.Arn ?? '', ProviderName: `cognito-idp.${REGION}.amazonaws.com/${poolId}` });
    for (const [, g] of ofType(json, 'AWS::Cognito::UserPoolGroup')) {
      await admin.cognito.send(new CreateGroupCommand({ UserPoolId: poolId, GroupName: g.Properties?.GroupName as string }));
    }
    for (const [clientId] of ofType(json, 'AWS::Cognito::UserPoolClient')) {
      const { UserPoolClient } = await admin.cognito.send(
        new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: cfnName(clientId) }),
      );
      set(clientId, { '': UserPoolClient?.ClientId ?? '' });
    }
    for (const [domainId, d] of ofType(json, 'AWS::Cognito::UserPoolDomain'))
      set(domainId, { '': d.Properties?.Domain as string });
  }
}

type TaskDefinitions = Map<string, { arn: string; taskRole?: string; executionRole?: string }>;

async function createContainers(
  json: TemplateJson,
  admin: RoleClients,
  set: Set,
  value: (v: unknown) => string,
): Promise<TaskDefinitions> {
  const clusters = new Map<string, string>();
  for (const [id, r] of ofType(json, 'AWS::ECS::Cluster')) {
    const name = (r.Properties?.ClusterName as string | undefined) ?? cfnName(id, 255);
    await admin.ecs.send(new CreateClusterCommand({ clusterName: name }));
    clusters.set(id, name);
    set(id, { '': name, Arn: `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/${name}` });
  }
  const definitions: TaskDefinitions = new Map();
  for (const [id, r] of ofType(json, 'AWS::ECS::TaskDefinition')) {
    const p = r.Properties ?? {};
    const taskRole = p.TaskRoleArn ? value(p.TaskRoleArn) : undefined;
    const executionRole = p.ExecutionRoleArn ? value(p.ExecutionRoleArn) : undefined;
    const { taskDefinition } = await admin.ecs.send(
      new RegisterTaskDefinitionCommand({
        family: p.Family as string,
        // The meeting's task is awsvpc on Fargate (moto gives it a network interface with a private address).
        ...(p.NetworkMode ? { networkMode: p.NetworkMode as 'awsvpc' | 'bridge' } : {}),
        ...(taskRole ? { taskRoleArn: taskRole } : {}),
        ...(executionRole ? { executionRoleArn: executionRole } : {}),
        // The containers by name and image; the world runs nothing, so their sizes are moto's to fit.
        containerDefinitions: (p.ContainerDefinitions as Array<{ Name: string; Image: string }>).map((c) => ({
          name: c.Name,
          image: c.Image,
          memory: 16,
        })),
      }),
    );
    const arn = taskDefinition?.taskDefinitionArn ?? '';
    definitions.set(p.Family as string, { arn, ...(taskRole ? { taskRole } : {}), ...(executionRole ? { executionRole } : {}) });
    set(id, { '': arn });
  }
  for (const [id, r] of ofType(json, 'AWS::ECS::Service')) {
    const cluster = value(r.Properties?.Cluster);
    const name = (r.Properties?.ServiceName as string | undefined) ?? cfnName(id, 255);
    const { service } = await admin.ecs.send(
      new CreateServiceCommand({
        cluster,
        serviceName: name,
        taskDefinition: value(r.Properties?.TaskDefinition),
        desiredCount: 0,
      }),
    );
    set(id, { '': service?.serviceArn ?? '', Name: name });
  }
  return definitions;
}

/** Another team's Auto Scaling group in the same account: no role of the stack may touch it. */
export const UNRELATED_GROUP = 'another-teams-group';

/** The recorder's Auto Scaling group (from a launch template), its capacity provider, and an unrelated group. */
async function createRecorderGroup(
  json: TemplateJson,
  admin: RoleClients,
  set: Set,
  value: (v: unknown) => string,
): Promise<Map<string, string>> {
  const groups = new Map<string, string>();
  const names = [...ofType(json, 'AWS::AutoScaling::AutoScalingGroup').map(([id]): [string, string] => [id, cfnName(id, 255)])];
  for (const [id, name] of [...names, ['', UNRELATED_GROUP] as [string, string]]) {
    await admin.ec2.send(
      new CreateLaunchTemplateCommand({
        LaunchTemplateName: name,
        LaunchTemplateData: { ImageId: 'ami-12c6146b', InstanceType: 'c6a.xlarge' },
      }),
    );
    await admin.autoscaling.send(
      new CreateAutoScalingGroupCommand({
        AutoScalingGroupName: name,
        MinSize: 0,
        MaxSize: 1,
        DesiredCapacity: 0,
        LaunchTemplate: { LaunchTemplateName: name, Version: '$Latest' },
        AvailabilityZones: [`${REGION}a`],
      }),
    );
    const { AutoScalingGroups } = await admin.autoscaling.send(
      new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [name] }),
    );
    groups.set(name, AutoScalingGroups?.[0]?.AutoScalingGroupARN ?? '');
    if (id) set(id, { '': name });
  }
  for (const [id, r] of ofType(json, 'AWS::ECS::CapacityProvider')) {
    const name = cfnName(id, 255);
    const provider = r.Properties?.AutoScalingGroupProvider as { AutoScalingGroupArn: unknown } | undefined;
    const group = value(provider?.AutoScalingGroupArn);
    await admin.ecs.send(
      new CreateCapacityProviderCommand({ name, autoScalingGroupProvider: { autoScalingGroupArn: groups.get(group) ?? group } }),
    );
    set(id, { '': name });
  }
  return groups;
}

async function createFunctions(json: TemplateJson, admin: RoleClients, value: (v: unknown) => string): Promise<void> {
  for (const [id, r] of ofType(json, 'AWS::Lambda::Function')) {
    await admin.lambda.send(
      new CreateFunctionCommand({
        FunctionName: value({ Ref: id }),
        Role: value(r.Properties?.Role),
        Runtime: 'nodejs20.x',
        Handler: 'index.handler',
        Code: { ZipFile: EMPTY_ZIP },
      }),
    );
  }
}

/** A VPC, a subnet and the meeting task's network interface with an Elastic IP on it. */
async function createTaskNetwork(
  admin: RoleClients,
): Promise<{ vpcId: string; subnetId: string; eni: { id: string; publicIp: string } }> {
  const { Vpc } = await admin.ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }));
  // As the template's VPC: moto names a task's network interface from the VPC's DNS settings.
  for (const setting of ['EnableDnsSupport', 'EnableDnsHostnames'] as const) {
    await admin.ec2.send(new ModifyVpcAttributeCommand({ VpcId: Vpc?.VpcId, [setting]: { Value: true } }));
  }
  const { Subnet } = await admin.ec2.send(
    new CreateSubnetCommand({ VpcId: Vpc?.VpcId, CidrBlock: '10.0.1.0/24', AvailabilityZone: `${REGION}a` }),
  );
  const { NetworkInterface } = await admin.ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: Subnet?.SubnetId }));
  const address = await admin.ec2.send(new AllocateAddressCommand({ Domain: 'vpc' }));
  await admin.ec2.send(
    new AssociateAddressCommand({ AllocationId: address.AllocationId, NetworkInterfaceId: NetworkInterface?.NetworkInterfaceId }),
  );
  return {
    vpcId: Vpc?.VpcId ?? '',
    subnetId: Subnet?.SubnetId ?? '',
    eni: { id: NetworkInterface?.NetworkInterfaceId ?? '', publicIp: address.PublicIp ?? '' },
  };
}

/** The load balancer's target groups (load-balancer mode): the control plane reads their health. */
async function createTargetGroups(json: TemplateJson, admin: RoleClients, set: Set, vpcId: string): Promise<void> {
  for (const [id, r] of ofType(json, 'AWS::ElasticLoadBalancingV2::TargetGroup')) {
    // Target group names have at most 32 characters; CloudFormation shortens them the same way.
    const name = `tg-${cfnName(id).split('-').pop()}`;
    const { TargetGroups } = await admin.elbv2.send(
      new CreateTargetGroupCommand({
        Name: name,
        Protocol: r.Properties?.Protocol as 'TCP',
        Port: r.Properties?.Port as number,
        TargetType: r.Properties?.TargetType as 'ip',
        VpcId: vpcId,
      }),
    );
    const arn = TargetGroups?.[0]?.TargetGroupArn ?? '';
    set(id, { '': arn, TargetGroupName: name, TargetGroupFullName: arn.split(':').pop() ?? '' });
  }
}

/** Every role of the template, with its policies as written (resolved for this world), assumed. */
async function assumeTemplateRoles(moto: MotoServer, json: TemplateJson, naming: Naming): Promise<Map<string, Principal>> {
  const roles = new Map<string, Principal>();
  for (const [id] of ofType(json, 'AWS::IAM::Role')) {
    const role = { label: id, name: naming.physical(id) ?? id, arn: naming.physical(id, 'Arn') ?? id };
    roles.set(id, await grantAndAssume(moto, role, policiesOfRole(json, id, naming), managedPoliciesOfRole(json, id, naming)));
  }
  return roles;
}

/**
 * Run `run` as the Lambda function `functionId` runs: the environment the template gives it, resolved
 * for this world, the region, its name, and its role's session credentials in the variables Lambda
 * sets (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN). Modules are loaded afresh, so
 * the entry builds its clients from this environment, as in a new Lambda container.
 */
export async function asLambda<T>(world: IamWorld, functionId: string, run: () => Promise<T>): Promise<T> {
  const role = roleOfFunction(world.json, functionId);
  const principal = world.roles.get(role);
  if (!principal) throw new Error(`no role ${role} for ${functionId}`);
  const environment: Record<string, string> = {
    ...world.functionEnvironment(functionId),
    AWS_REGION: REGION,
    AWS_LAMBDA_FUNCTION_NAME: world.ref(functionId),
    AWS_ACCESS_KEY_ID: principal.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: principal.credentials.secretAccessKey,
    AWS_SESSION_TOKEN: principal.credentials.sessionToken ?? '',
  };
  const saved = Object.fromEntries(Object.keys(environment).map((k) => [k, process.env[k]]));
  Object.assign(process.env, environment);
  vi.resetModules();
  try {
    return await run();
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

/**
 * The organizers' permission set (docs/organizer-policy.json, never retyped) with its placeholders
 * filled from this world's stack outputs, as IAM Identity Center makes it: a role under
 * /aws-reserved/sso.amazonaws.com/ with the inline policy, assumed.
 */
export async function organizerPermissionSet(world: IamWorld, file: string): Promise<Principal> {
  const out = (name: keyof typeof OUTPUT_NAMES) => world.outputs[OUTPUT_NAMES[name]] ?? '';
  const names: Record<string, string> = {
    '<region>': REGION,
    '<account>': ACCOUNT,
    '<stackName>': STACK_NAME,
    '<ClusterName>': out('cluster'),
    '<StateTableName>': out('stateTable'),
    '<UserPoolId>': out('userPool'),
    '<RecorderGroupName>': out('recorderGroup'),
    '<RecorderLauncherName>': out('recorderLauncher'),
    '<TaskDefinitionFamily>': out('taskFamily'),
    '<RecordingsBucketName>': out('bucket'),
  };
  const text = Object.entries(names).reduce((t, [k, v]) => t.split(k).join(v), readFileSync(file, 'utf8'));
  if (/<[A-Za-z]+>/.test(text))
    throw new Error(`${file} has a placeholder this world does not fill: ${/<[A-Za-z]+>/.exec(text)?.[0]}`);
  const role = {
    label: 'organizer',
    name: 'AWSReservedSSO_MeetOrganizer_0123456789abcdef',
    path: '/aws-reserved/sso.amazonaws.com/',
  };
  const arn = await createRole(world.moto, { ...role, trust: accountTrust });
  return grantAndAssume(world.moto, { ...role, arn }, [{ name: 'MeetOrganizer', policy: JSON.parse(text) }], []);
}

/**
 * A moto world of the template with IAM on: its roles and the organizers' permission set
 * (docs/organizer-policy.json) assumed, tasks pinned in the state they are put in, this process's SDK
 * pointed at it, and the authorization layer's inputs (`calls` collects what each principal sent).
 * Enforcement is left off (`enforceIam(0)`, every request signed by a known principal and checked):
 * the caller finishes its own set-up and installs the layer.
 */
export async function enforcedMotoWorld(
  template: TemplateJson,
  zone: Parameters<typeof buildWorld>[2],
  calls: ObservedCall[],
): Promise<{ moto: MotoServer; world: IamWorld; organizer: Principal; layer: Layer }> {
  const moto = await startIamMoto();
  useMotoInThisProcess(moto);
  await pinTaskStates(moto);
  const world = await buildWorld(moto, template, zone);
  const organizer = await organizerPermissionSet(world, path.join(ROOT, 'docs', 'organizer-policy.json'));
  const principals = new Map([...world.roles.values(), organizer].map((p) => [p.credentials.accessKeyId, p]));
  const unverified = async <T>(send: () => Promise<T>): Promise<T> => {
    await moto.enforceIam(1);
    try {
      return await send();
    } finally {
      await moto.enforceIam(0);
    }
  };
  const layer: Layer = { principals, facts: world.facts, calls, unverified };
  await moto.enforceIam(0);
  return { moto, world, organizer, layer };
}
