import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { normalName } from '../../aws/route53.js';

/** ARN of a hosted zone (Route 53 is global: no region, no account). */
export function hostedZoneArn(scope: Construct, hostedZoneId: string): string {
  return `arn:${Stack.of(scope).partition}:route53:::hostedzone/${hostedZoneId}`;
}

/**
 * ChangeResourceRecordSets in one zone, limited by Route 53's own condition keys to one record name
 * (lowercase, no trailing dot), its types and the actions given. `ForAllValues` makes every change
 * of a batch match: one change to another name or type denies the whole batch.
 */
export function recordChangeStatement(
  scope: Construct,
  hostedZoneId: string,
  record: { readonly name: string; readonly types: readonly string[]; readonly actions: readonly string[] },
): iam.PolicyStatement {
  return new iam.PolicyStatement({
    actions: ['route53:ChangeResourceRecordSets'],
    resources: [hostedZoneArn(scope, hostedZoneId)],
    conditions: {
      'ForAllValues:StringEquals': {
        'route53:ChangeResourceRecordSetsNormalizedRecordNames': [normalName(record.name)],
        'route53:ChangeResourceRecordSetsRecordTypes': [...record.types],
        'route53:ChangeResourceRecordSetsActions': [...record.actions],
      },
    },
  });
}
