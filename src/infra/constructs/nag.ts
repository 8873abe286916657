import { type CfnElement, Stack, Validations } from 'aws-cdk-lib';
import type { Construct } from 'constructs';

/** Logical id of a construct's CloudFormation resource, as cdk-nag names it in finding ids. */
export function logicalId(construct: Construct): string {
  return Stack.of(construct).getLogicalId(construct.node.defaultChild as CfnElement);
}

/** Acknowledge the AWS-managed basic execution policy on a function (or what contains functions). */
export function acknowledgeBasicExecutionRole(scope: Construct): void {
  Validations.of(scope).acknowledge({
    id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
    reason:
      "AWSLambdaBasicExecutionRole only allows writing the function's own CloudWatch logs; it is the AWS-maintained minimum for a Lambda function.",
  });
}
