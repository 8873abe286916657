import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { EXPIRES_AT } from '../../aws/page-sessions.js';

/** Partition keys of the state table: the lock record and the latest meeting window. */
export const STATE_KEYS = { lock: 'LOCK', window: 'WINDOW' } as const;
/** Every partition key the control plane writes (IAM limits writers to these with dynamodb:LeadingKeys). */
export const STATE_ROWS: readonly string[] = Object.values(STATE_KEYS);

/**
 * The control plane's DynamoDB table: one lock record (conditional writes, see src/control/lock.ts)
 * and the latest scheduled meeting window, and the organizer page's sessions, which DynamoDB's TTL
 * deletes after they end. The event log lives in CloudWatch Logs, where it is append-only by IAM.
 * On-demand billing costs nothing idle.
 */
export class StateTable extends Construct {
  readonly table: dynamodb.Table;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      removalPolicy: RemovalPolicy.DESTROY,
      timeToLiveAttribute: EXPIRES_AT,
    });
  }
}
