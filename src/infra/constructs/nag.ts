import { type CfnElement, Stack, Validations } from 'aws-cdk-lib';
import type { Construct } from 'constructs';

/** Logical id of a construct's CloudFormation resource, as cdk-nag names it in finding ids. */
export function logicalId(construct: Construct): string {
  return Stack.of(construct).getLogicalId(construct.node.defaultChild as CfnElement);
}

/**
 * Acknowledge the AWS-managed basic execution policy on the CDK provider framework's functions (the
 * project's own functions do without it: src/infra/constructs/function.ts).
 */
export function acknowledgeBasicExecutionRole(scope: Construct): void {
  Validations.of(scope).acknowledge({
    id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
    reason:
      'The CDK provider framework builds its deploy-time function with AWSLambdaBasicExecutionRole (CloudWatch Logs writes on any log group); it runs only while CloudFormation deploys and invokes nothing but the function it fronts.',
  });
}
