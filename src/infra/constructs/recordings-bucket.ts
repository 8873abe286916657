import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { NONCURRENT_VERSION_EXPIRY_DAYS } from '../../cost/assumptions.js';

/** Days after which recordings move to a cheaper storage class. */
export const RECORDINGS_TRANSITION_DAYS = 30;

/**
 * Recordings bucket: encrypted, versioned, public access blocked, TLS-only, moved to Infrequent Access
 * after 30 days, and retained when the stack is deleted (recordings are only deleted on an explicit
 * `meetctl destroy --delete-recordings`). A deleted or overwritten recording stays recoverable as an
 * old version for NONCURRENT_VERSION_EXPIRY_DAYS, then S3 expires it (the cost model bills it for
 * exactly that long), and the delete marker left behind is removed.
 */
export class RecordingsBucket extends Construct {
  readonly bucket: s3.Bucket;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.bucket = new s3.Bucket(this, 'Bucket', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      versioned: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [
        {
          id: 'cheaper-storage-after-30-days',
          transitions: [
            {
              storageClass: s3.StorageClass.INFREQUENT_ACCESS,
              transitionAfter: Duration.days(RECORDINGS_TRANSITION_DAYS),
            },
          ],
          // Old versions were kept forever (and billed forever). An old version is not moved to
          // Infrequent Access first: its 30-day minimum would bill as long as the expiry anyway.
          noncurrentVersionExpiration: Duration.days(NONCURRENT_VERSION_EXPIRY_DAYS),
          expiredObjectDeleteMarker: true,
          abortIncompleteMultipartUploadAfter: Duration.days(7),
        },
      ],
    });
    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'Only the task role can write (under recordings/) and nobody but account administrators can read; a separate access-log bucket would add a second retained bucket to every deployment for little value. CloudTrail data events can be enabled by the account owner if an audit trail is needed.',
    });
  }
}
