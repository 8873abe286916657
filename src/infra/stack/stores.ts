import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { MeetConfig } from '../../config/schema.js';
import { InternalSecret } from '../constructs/internal-secret.js';
import { type ContainerLogGroups, containerLogGroups, secretKeysFor } from '../constructs/jitsi-task.js';
import { RecordingsBucket } from '../constructs/recordings-bucket.js';
import { StateTable } from '../constructs/state-table.js';

/**
 * What outlives a meeting and several parts share: the recordings bucket, the internal passwords, the
 * control-plane state table, the containers' log groups and the event log. Not a construct of its own
 * (see StackNetwork): the constructs keep the stack's scope and their logical ids.
 */
export class StackStores {
  /** Where recordings are uploaded (kept when the stack is deleted). */
  readonly recordings: RecordingsBucket;
  /** The Jitsi components' internal passwords (in the configured store, generated at deploy time); it also creates the other boundaries' parameters. */
  readonly internalSecret: InternalSecret;
  /** The control plane's lock and meeting window. */
  readonly state: StateTable;
  /** One log group per container of the meeting task. */
  readonly logGroups: ContainerLogGroups;
  /** The control plane's append-only event log. */
  readonly eventLog: logs.LogGroup;

  constructor(scope: Construct, config: MeetConfig) {
    this.recordings = new RecordingsBucket(scope, 'Recordings');
    this.internalSecret = new InternalSecret(scope, 'InternalSecret', { keys: secretKeysFor(), store: config.secretStore });
    this.state = new StateTable(scope, 'State');
    this.logGroups = containerLogGroups(
      new Construct(scope, 'Logs'),
      config.logRetentionDays as logs.RetentionDays,
      config.ingress,
    );
    // The control plane's event log: CloudWatch Logs has no call that edits or deletes a single event,
    // so granting only CreateLogStream/PutLogEvents makes it append-only for the functions and organizers.
    this.eventLog = new logs.LogGroup(scope, 'EventLog', {
      logGroupName: `${Stack.of(scope).stackName}-events`,
      retention: logs.RetentionDays.TEN_YEARS,
      removalPolicy: RemovalPolicy.DESTROY,
    });
  }
}
