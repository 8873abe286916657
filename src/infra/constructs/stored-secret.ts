import { CustomResource, Stack } from 'aws-cdk-lib';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct, IDependable } from 'constructs';
import { PARAMETER_REFERENCE_SEPARATOR } from '../../aws/parameter-secrets.js';

/**
 * One trust boundary's secret values in either store (config `secretStore`): a Secrets Manager secret
 * with one JSON key per value, or one SecureString parameter per value under `/<stackName>/<boundary>/`.
 * Each component is granted exactly the boundaries it needs, on their exact ARNs.
 */
export interface StoredSecret {
  /** What functions and the control plane are given: the secret's ARN, or the parameters' ARNs joined by commas. */
  readonly reference: string;
  /** The exact ARNs a grant names. */
  readonly resources: readonly string[];
  /** Resources that read a value depend on this: every value exists first. */
  readonly ready: IDependable;
  /** ECS injects one key into a container variable (the execution role may read it, and nothing else). */
  ecsSecret(key: string): ecs.Secret;
  /** Read every key (the page's token, `meetctl link`). */
  readStatement(): iam.PolicyStatement;
  /** Read and overwrite (the certificate function). */
  writeStatement(): iam.PolicyStatement;
  /** Read, stage and promote a new value (the rotation). */
  rotationStatement(): iam.PolicyStatement;
}

/** A Secrets Manager secret as a stored secret: the same statements the stack always granted. */
export function secretsManagerSecret(
  secret: secretsmanager.ISecret,
  ready: IDependable,
  ecsSecret: (key: string) => ecs.Secret,
): StoredSecret {
  const resources = [secret.secretArn];
  return {
    reference: secret.secretArn,
    resources,
    ready,
    ecsSecret,
    readStatement: () => new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources }),
    writeStatement: () =>
      new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue', 'secretsmanager:PutSecretValue'], resources }),
    rotationStatement: () =>
      new iam.PolicyStatement({
        actions: [
          'secretsmanager:GetSecretValue',
          'secretsmanager:DescribeSecret',
          'secretsmanager:PutSecretValue',
          'secretsmanager:UpdateSecretVersionStage',
        ],
        resources,
      }),
  };
}

/** The parameter name of a key: `/<stackName>/<boundary>/<key>`. */
export const parameterName = (stackName: string, boundary: string, key: string): string => `/${stackName}/${boundary}/${key}`;

export interface ParameterGroupProps {
  /** The trust boundary: the path segment under the stack's prefix, e.g. `internal`. */
  readonly boundary: string;
  readonly keys: readonly string[];
  /**
   * Random bytes per generated password (hex: twice as many characters), or undefined for values
   * another writer fills (the certificate): they are created holding a placeholder.
   */
  readonly passwordBytes?: number;
  /** The custom resource provider of the generator function (InternalSecret). */
  readonly serviceToken: string;
  /** Allow the generator to create and delete these parameters. */
  readonly grantGenerator: (statement: iam.PolicyStatement) => void;
}

/**
 * One SecureString parameter per key, standard tier, encrypted with the AWS-managed key aws/ssm (no
 * monthly charge: https://aws.amazon.com/systems-manager/pricing/). CloudFormation's
 * AWS::SSM::Parameter cannot create a SecureString
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ssm-parameter.html),
 * so the stack's generator function creates them at deploy time (a generated password, or a
 * placeholder for a value another writer fills) and deletes them with the stack. No value is ever in
 * the template. IAM needs no kms statement: the AWS-managed key's policy lets every principal of the
 * account use it through Systems Manager (kms:ViaService ssm), as
 * https://docs.aws.amazon.com/systems-manager/latest/userguide/sysman-paramstore-access.html says.
 */
export function parameterGroup(scope: Construct, id: string, props: ParameterGroupProps): StoredSecret {
  const stack = Stack.of(scope);
  const names = props.keys.map((key) => parameterName(stack.stackName, props.boundary, key));
  const arnOf = (name: string) => `arn:${stack.partition}:ssm:${stack.region}:${stack.account}:parameter${name}`;
  const resources = names.map(arnOf);
  props.grantGenerator(
    // Create (PutParameter without overwrite) and delete: the generator never reads a value.
    new iam.PolicyStatement({ actions: ['ssm:PutParameter', 'ssm:DeleteParameters'], resources }),
  );
  const ready = new CustomResource(scope, id, {
    serviceToken: props.serviceToken,
    resourceType: 'Custom::SecureParameters',
    properties: {
      Names: names,
      ...(props.passwordBytes ? { PasswordBytes: props.passwordBytes } : {}),
    },
  });
  const statement = (actions: string[]) => new iam.PolicyStatement({ actions, resources });
  return {
    reference: resources.join(PARAMETER_REFERENCE_SEPARATOR),
    resources,
    ready,
    ecsSecret: (key) => {
      const index = props.keys.indexOf(key);
      const arn = resources[index];
      if (index < 0 || !arn) throw new Error(`no parameter for ${key} in ${props.boundary}`);
      // ECS reads a parameter with ssm:GetParameters when the task starts
      // (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/secrets-envvar-ssm-paramstore.html).
      return {
        arn,
        hasField: false,
        grantRead: (grantee: iam.IGrantable) =>
          iam.Grant.addToPrincipal({ grantee, actions: ['ssm:GetParameters'], resourceArns: [arn] }),
      } as unknown as ecs.Secret;
    },
    readStatement: () => statement(['ssm:GetParameters']),
    writeStatement: () => statement(['ssm:GetParameters', 'ssm:PutParameter']),
    rotationStatement: () => statement(['ssm:GetParameters', 'ssm:PutParameter']),
  };
}
