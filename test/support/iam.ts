import { runSimulation } from '@cloud-copilot/iam-simulate';
import type { TemplateJson } from './fixtures.js';

export const ACCOUNT = '111122223333';
export const REGION = 'us-west-2';
export const STACK_NAME = 'Meet-meet-example-org';
export const STACK_ID = `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/${STACK_NAME}/5c0a8f40-d1a2-11f0-9c3e-0a1b2c3d4e5f`;
const SUFFIX = 'AbCdEf';

/**
 * Physical names other than the default rule below: a world that created the template's resources
 * (moto, in test/support/moto-iam.ts) names them as it made them. Undefined keeps the default.
 */
export interface Naming {
  /** The value of `Ref` (no attribute) or `Fn::GetAtt` (with one) of a logical id. */
  physical(logicalId: string, attribute?: string): string | undefined;
  /** Pseudo parameters that differ from the defaults (e.g. the id of the stack a world created). */
  readonly pseudo?: Readonly<Record<string, string>>;
}

/** A concrete ARN (or name) for a resource of the template, the way AWS would form it. */
export function arnOf(json: TemplateJson, logicalId: string, attribute?: string, naming?: Naming): string {
  const named = naming?.physical(logicalId, attribute);
  if (named !== undefined) return named;
  const type = json.Resources[logicalId]?.Type;
  const name = logicalId.toLowerCase();
  switch (type) {
    case 'AWS::SecretsManager::Secret':
      return `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:${logicalId}-${SUFFIX}`;
    case 'AWS::Logs::LogGroup':
      return attribute === 'Arn' ? `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${logicalId}:*` : logicalId;
    case 'AWS::S3::Bucket':
      return attribute === 'Arn' ? `arn:aws:s3:::${name}` : name;
    case 'AWS::Lambda::Function':
      return `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${logicalId}`;
    case 'AWS::IAM::Role':
      return `arn:aws:iam::${ACCOUNT}:role/${logicalId}`;
    case 'AWS::ECS::Cluster':
      return attribute === 'Arn' ? `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/${logicalId}` : logicalId;
    case 'AWS::DynamoDB::Table':
      return attribute === 'Arn' ? `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${logicalId}` : logicalId;
    case 'AWS::AutoScaling::AutoScalingGroup':
      return logicalId;
    case 'AWS::ECS::Service':
      // Ref of a service is its ARN (the long format names the cluster); Name is its name.
      return attribute === 'Name'
        ? logicalId
        : `arn:aws:ecs:${REGION}:${ACCOUNT}:service/${String(resolve(json, json.Resources[logicalId]?.Properties?.Cluster, naming))}/${logicalId}`;
    case 'AWS::SNS::Topic':
      return `arn:aws:sns:${REGION}:${ACCOUNT}:${logicalId}`;
    default:
      throw new Error(`no ARN rule for ${logicalId} (${type})`);
  }
}

/** Resolve Ref / Fn::GetAtt / Fn::Join / Fn::Sub and pseudo parameters to plain strings. */
export function resolve(json: TemplateJson, value: unknown, naming?: Naming): unknown {
  if (Array.isArray(value)) return value.map((v) => resolve(json, v, naming));
  if (!value || typeof value !== 'object') return value;
  const entries = Object.entries(value);
  const [key, arg] = entries[0] ?? [];
  if (entries.length === 1 && key === 'Ref') {
    const pseudo: Record<string, string> = {
      'AWS::Partition': 'aws',
      'AWS::AccountId': ACCOUNT,
      'AWS::Region': REGION,
      'AWS::URLSuffix': 'amazonaws.com',
      'AWS::StackName': STACK_NAME,
      'AWS::StackId': STACK_ID,
      ...naming?.pseudo,
    };
    return pseudo[arg as string] ?? arnOf(json, arg as string, undefined, naming);
  }
  if (entries.length === 1 && key === 'Fn::GetAtt') {
    const [id, attribute] = arg as [string, string];
    return arnOf(json, id, attribute, naming);
  }
  if (entries.length === 1 && key === 'Fn::Join') {
    const [sep, parts] = arg as [string, unknown[]];
    return parts.map((p) => resolve(json, p, naming)).join(sep);
  }
  // The worlds of the tests are powered on: a value that names a powered resource while on (PowerSwitch.value) names it.
  if (entries.length === 1 && key === 'Fn::If') {
    const [, whenTrue] = arg as [string, unknown, unknown];
    return resolve(json, whenTrue, naming);
  }
  if (entries.length === 1 && key === 'Fn::Sub') {
    return (arg as string).replace(/\$\{([^}]+)\}/g, (_m, ref: string) => String(resolve(json, { Ref: ref }, naming)));
  }
  return Object.fromEntries(entries.map(([k, v]) => [k, resolve(json, v, naming)]));
}

/** Identity policies attached to a role (inline, and AWS::IAM::Policy resources naming it), resolved. */
export function policiesOfRole(json: TemplateJson, roleId: string, naming?: Naming): Array<{ name: string; policy: unknown }> {
  const role = json.Resources[roleId];
  if (role?.Type !== 'AWS::IAM::Role') throw new Error(`${roleId} is not a role`);
  const inline = ((role.Properties?.Policies as Array<{ PolicyName: string; PolicyDocument: unknown }>) ?? []).map((p) => ({
    name: p.PolicyName,
    policy: resolve(json, p.PolicyDocument, naming),
  }));
  const attached = Object.entries(json.Resources)
    .filter(([, r]) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties?.Roles).includes(`"${roleId}"`))
    .map(([id, r]) => ({ name: id, policy: resolve(json, r.Properties?.PolicyDocument, naming) }));
  return [...inline, ...attached];
}

/** Managed policy ARNs of a role, resolved. */
export function managedPoliciesOfRole(json: TemplateJson, roleId: string, naming?: Naming): string[] {
  return (resolve(json, json.Resources[roleId]?.Properties?.ManagedPolicyArns ?? [], naming) as string[]) ?? [];
}

export type Decision = 'Allowed' | 'ImplicitlyDenied' | 'ExplicitlyDenied';

/** Evaluate one action on one resource against the role's identity policies, offline. */
export async function decide(
  policies: Array<{ name: string; policy: unknown }>,
  action: string,
  resource: string,
  contextVariables: Record<string, string | string[]> = {},
): Promise<Decision> {
  const result = await runSimulation(
    {
      request: {
        principal: `arn:aws:iam::${ACCOUNT}:role/under-test`,
        action,
        // Global services (S3, Route 53) leave the account out of their ARNs: the resource is this account's.
        resource: { resource, accountId: resource.split(':')[4] || ACCOUNT },
        contextVariables,
      },
      identityPolicies: policies as never,
      serviceControlPolicies: [],
      resourceControlPolicies: [],
    },
    {},
  );
  if (result.resultType === 'error')
    throw new Error(`simulation error for ${action} on ${resource}: ${JSON.stringify(result.errors)}`);
  // A request on "*" for an action that has resource types is a "wildcard" simulation: iam-simulate
  // answers whether some resource matching "*" is allowed (test/support/aws-authorization.ts keeps
  // only the statements that match the literal "*" when it needs AWS's own reading).
  return result.overallResult as Decision;
}
