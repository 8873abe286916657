import { CfnOutput, RemovalPolicy } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { JitsiRelease } from '../../config/release.js';
import type { MeetConfig } from '../../config/schema.js';
import { OUTPUT_NAMES as OUTPUTS } from '../../control/outputs.js';
import { Recorder } from '../constructs/recorder.js';
import type { StackNetwork } from './network.js';
import type { StackStores } from './stores.js';

export interface StackRecordingProps {
  readonly config: MeetConfig;
  readonly release: JitsiRelease;
  readonly network: StackNetwork;
  readonly stores: StackStores;
}

/**
 * The recorder (only when `recording.enabled`): its log group, the Jibri instance group and task, and
 * the outputs `meetctl record` reads. Not a construct of its own (see StackNetwork).
 */
export class StackRecording {
  /** One log group for the recorder's containers. */
  readonly logGroup: logs.LogGroup;
  /** The instance group, capacity provider, task definition, XMPP secret and launcher. */
  readonly recorder: Recorder;

  constructor(scope: Construct, props: StackRecordingProps) {
    const { config, network, stores } = props;
    this.logGroup = new logs.LogGroup(scope, 'RecorderLogs', {
      retention: config.logRetentionDays as logs.RetentionDays,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.recorder = new Recorder(scope, 'Recorder', {
      vpc: network.network.vpc,
      cluster: network.cluster,
      taskSecurityGroup: network.network.taskSecurityGroup,
      domain: config.domain,
      release: props.release,
      instanceType: config.recording.instanceType,
      maxHours: config.recording.maxHours,
      passwords: stores.internalSecret,
      recordings: stores.recordings.bucket,
      logGroup: this.logGroup,
    });
    this.addOutputs(scope);
  }

  private addOutputs(scope: Construct): void {
    const recorder = this.recorder;
    new CfnOutput(scope, OUTPUTS.recorderGroup, {
      value: recorder.autoScalingGroup.autoScalingGroupName,
      description: 'The recorder instance group (0 while nobody records)',
    });
    new CfnOutput(scope, OUTPUTS.recorderTaskFamily, { value: recorder.taskDefinition.family });
    new CfnOutput(scope, OUTPUTS.recorderCapacityProvider, { value: recorder.capacityProvider.capacityProviderName });
    new CfnOutput(scope, OUTPUTS.recorderLogGroup, { value: this.logGroup.logGroupName });
    new CfnOutput(scope, OUTPUTS.recorderLauncher, {
      value: recorder.launcher.functionName,
      description: 'Starts the recorder (organizers may invoke it; nobody else may run the recorder task)',
    });
    new CfnOutput(scope, OUTPUTS.recorderSecret, {
      value: recorder.xmppSecret.reference,
      description: "The recorder's XMPP passwords (ARN only)",
    });
  }
}
