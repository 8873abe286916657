import { type Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { bundlingRoot, sourceEntry } from './entry.js';
import { acknowledgeBasicExecutionRole } from './nag.js';

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
 * One of the project's Lambda functions: Node.js 24 on arm64, bundled by the local esbuild (the AWS
 * SDK v3 comes from the runtime), its own log group with retention, and its own role that starts
 * with only the basic execution policy.
 */
export function projectFunction(scope: Construct, id: string, props: ProjectFunctionProps): NodejsFunction {
  const fn = new NodejsFunction(scope, id, {
    description: props.description,
    ...(props.functionName ? { functionName: props.functionName } : {}),
    entry: sourceEntry(...props.entry),
    ...bundlingRoot(),
    runtime: lambda.Runtime.NODEJS_24_X,
    architecture: lambda.Architecture.ARM_64,
    memorySize: props.memorySize ?? 256,
    timeout: props.timeout,
    ...(props.environment ? { environment: props.environment } : {}),
    logGroup: new logs.LogGroup(scope, `${id}Logs`, {
      retention: props.logRetention ?? logs.RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.DESTROY,
    }),
    bundling: { minify: true, externalModules: ['@aws-sdk/*'], target: 'node24' },
  });
  acknowledgeBasicExecutionRole(fn);
  return fn;
}
