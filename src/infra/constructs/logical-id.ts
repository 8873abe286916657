import { type CfnElement, Stack } from 'aws-cdk-lib';
import type { Construct } from 'constructs';

/** Logical id of a construct's CloudFormation resource, as cdk-nag names it in finding ids. */
export function logicalId(construct: Construct): string {
  return Stack.of(construct).getLogicalId(construct.node.defaultChild as CfnElement);
}
