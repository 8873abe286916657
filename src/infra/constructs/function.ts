import { type Duration, RemovalPolicy } from 'aws-cdk-lib';
import type * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { type BundlingOptions, NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { FUNCTION_LOG_RETENTION_DAYS } from '../../cost/model.js';
import { bundlingRoot, sourceEntry } from './entry.js';

export interface ProjectFunctionProps {
  /** Path of the handler under src/, e.g. ['lambda', 'task-dns']. */
  readonly entry: readonly string[];
  readonly description: string;
  readonly timeout: Duration;
  readonly environment?: Record<string, string>;
  readonly logRetention?: logs.RetentionDays;
  readonly memorySize?: number;
  /** A fixed name (only where the function must be named before it exists, e.g. to invoke itself). */
  readonly functionName?: string;
}

/**
 * How esbuild bundles every function (docs/architecture.md, Performance, has the sizes):
 * - minified, for Node.js 24, with the AWS SDK v3 left to the runtime, which ships it;
 * - `module` before `main`: a package that ships an ES module build without an `exports` map is
 *   bundled from it, so esbuild drops what is never imported; esbuild's default for Node prefers the
 *   CommonJS `main` (no bundle of today's changes by it: their packages have `exports` maps);
 * - names kept (about 5% larger): a stack trace in the logs names the functions it went through,
 *   where a minified one says `at a (index.js:1:490)`. No source map: the organizer page's would be
 *   0.8 MB, and Node's --enable-source-maps reads it on every cold start.
 */
export const FUNCTION_BUNDLING = {
  minify: true,
  keepNames: true,
  mainFields: ['module', 'main'],
  externalModules: ['@aws-sdk/*'],
  target: 'node24',
} as const satisfies BundlingOptions;

/**
 * One of the project's Lambda functions: Node.js 24 on arm64, bundled by the local esbuild (the AWS
 * SDK v3 comes from the runtime), its own log group with retention, and its own role that may write
 * that log group and nothing else. (Not AWSLambdaBasicExecutionRole: it allows CreateLogGroup,
 * CreateLogStream and PutLogEvents on every log group of the account, so any function could write
 * lines into the stats sidecar's log group, which the idle alarm counts participants from.)
 */
export function projectFunction(scope: Construct, id: string, props: ProjectFunctionProps): NodejsFunction {
  const logGroup = new logs.LogGroup(scope, `${id}Logs`, {
    // What `plan` prices the runtime guard's stored logs at (the one function that logs while stopped).
    retention: props.logRetention ?? (FUNCTION_LOG_RETENTION_DAYS as logs.RetentionDays),
    removalPolicy: RemovalPolicy.DESTROY,
  });
  const fn = new NodejsFunction(scope, id, {
    description: props.description,
    ...(props.functionName ? { functionName: props.functionName } : {}),
    entry: sourceEntry(props.entry),
    ...bundlingRoot(),
    runtime: lambda.Runtime.NODEJS_24_X,
    architecture: lambda.Architecture.ARM_64,
    memorySize: props.memorySize ?? 256,
    timeout: props.timeout,
    ...(props.environment ? { environment: props.environment } : {}),
    logGroup,
    bundling: FUNCTION_BUNDLING,
  });
  // The role CDK made for it (so acknowledgements on the function cover it), without the managed
  // policy NodejsFunction always attaches (an L1 escape hatch), writing its own log group instead.
  const role = fn.role as iam.Role;
  (role.node.defaultChild as iam.CfnRole).managedPolicyArns = undefined;
  logGroup.grantWrite(role);
  return fn;
}
