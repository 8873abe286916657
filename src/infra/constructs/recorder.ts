import { Duration, Stack, Validations } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct, type IDependable } from 'constructs';
import type { JitsiRelease } from '../../config/release.js';
import { RECORDER_VOLUME_GB } from '../../cost/model.js';
import { LAUNCHER_ENV } from '../../recording/launcher.js';
import {
  FINALIZE_PATH,
  finalizeScript,
  JIBRI_SECRET_KEYS,
  prepareRecordingsScript,
  RECORDER_CONTAINERS,
  RECORDER_STATUS_SCRIPT,
  RECORDING_DIR,
  RECORDINGS_HOST_PATH,
  RECORDINGS_PREFIX,
  STATUS_RECORDINGS_DIR,
  UPLOADER_SCRIPT,
  XMPP_CLIENT_PORT,
} from '../../recording/recorder.js';
import { writeFilesCommand } from '../../write-files.js';
import { projectFunction } from './function.js';
import { type InternalSecret, passwordSecret } from './internal-secret.js';
import { STATS_IMAGE } from './jitsi-task.js';
import { logicalId } from './nag.js';
import { type StoredSecret, secretsManagerSecret } from './stored-secret.js';

/** The IAM path of the recorder's roles (only the recorder launcher may pass them to ECS). */
export const recorderRolePath = (stackName: string): string => `/meetctl/${stackName}/`;

/**
 * ECS Exec stays off: a request that asks for it (RunTask, UpdateService: `enableExecuteCommand`,
 * the `ecs:enable-execute-command` condition key of the Service Authorization Reference, Amazon ECS)
 * matches no statement that carries this condition. A request that does not name it leaves the key
 * out, and ...IfExists lets it through (IAM User Guide, "Condition operators": ...IfExists).
 */
export const NO_ECS_EXEC = { StringEqualsIfExists: { 'ecs:enable-execute-command': 'false' } } as const;

/** Shared memory Jibri's Chrome needs: the image's shm-check refuses less than 2 GB. */
export const RECORDER_SHM_MIB = 2048;
/** The recorder instance's root volume: the image, and recordings until they are uploaded (the cost model's figure). */
export const RECORDER_VOLUME_GIB = RECORDER_VOLUME_GB;
/** The long meeting the stop timeout is sized for: three hours of recording. */
export const LONG_RECORDING_SECONDS = 3 * 3600;
/**
 * A conservative bitrate of Jibri's recordings, in bit/s. At stable-11146-2 Jibri records
 * 1280x720 at 30 fps with libx264 `-preset ultrafast -crf 25` and no bitrate cap
 * (jibri/rootfs/defaults/jibri.conf), plus AAC at 128 kbit/s (jibri's reference.conf
 * `audio-params`). Twice the cap the same image puts on a live stream of that picture
 * (`streaming-max-bitrate`, 2976 kbit/s) covers screen sharing and motion.
 */
export const CONSERVATIVE_RECORDING_BITS_PER_SECOND = 6_000_000;
/**
 * A conservative upload rate to S3 in the same region, in bytes/s (160 Mbit/s): about a tenth of
 * the baseline network bandwidth of the smallest recorder the config allows (4 vCPU, e.g.
 * c6a.xlarge: 1.5625 Gbit/s baseline, up to 12.5 Gbit/s burst, EC2 instance network specifications).
 */
export const CONSERVATIVE_UPLOAD_BYTES_PER_SECOND = 20_000_000;
/**
 * Seconds ECS waits after SIGTERM before it kills Jibri: 15 minutes. A 3-hour recording at
 * 6 Mbit/s is 8.1 GB; at 20 MB/s one upload takes 405 s, the upload and one retry of it 810 s.
 * On EC2 the value is the container's `stopTimeout` and the ECS agent's `ECS_CONTAINER_STOP_TIMEOUT`
 * (its default for containers without one); Fargate's 120 s maximum does not apply (ECS API,
 * ContainerDefinition.stopTimeout), and the agent only enforces a minimum of 1 s
 * (amazon-ecs-agent agent/config: minimumDockerStopTimeout).
 */
export const RECORDER_STOP_TIMEOUT_SECONDS = 900;
/**
 * What the user data appends to /etc/ecs/ecs.config (after CDK's `ECS_CLUSTER` line). The agent
 * parses durations with Go's time.ParseDuration, so the value carries its unit.
 *
 * No `modprobe snd-aloop`: the jibri image captures audio with PulseAudio inside the container
 * since docker-jitsi-meet fbb8a2db (2022-06-13, "jibri: switch to PulseAudio"). At stable-11146-2
 * jibri.conf sets ffmpeg `audio-source = "pulse"`, `audio-device = "default"`, and
 * /home/s6/config/pulse/default.pa makes a virtual sink `jibri-loop` the default sink and its
 * monitor the default source; nothing under jibri/ at the tag mentions ALSA or snd-aloop, so the
 * host needs no sound module (the AL2 ECS AMI lacks it anyway: docs/architecture.md).
 */
export const RECORDER_AGENT_CONFIG: Readonly<Record<string, string>> = {
  ECS_CONTAINER_STOP_TIMEOUT: `${RECORDER_STOP_TIMEOUT_SECONDS}s`,
};
/** The ECS agent's config file on the ECS-optimized AMIs. */
export const ECS_CONFIG_FILE = '/etc/ecs/ecs.config';
/** The task volume of the recordings folder on the instance ({@link RECORDINGS_HOST_PATH}). */
const RECORDINGS_VOLUME = 'recordings';
/** Where the init container prepares that folder. */
const INIT_RECORDINGS_DIR = '/recordings';

/** The recorder's trust boundary: its execution role (and prosody's) reads these, and nothing else. */
export const RECORDER_BOUNDARY = 'recorder';
/** Random bytes of a generated recorder password (32 hex characters). */
const XMPP_PASSWORD_BYTES = 16;

export interface RecorderProps {
  readonly vpc: ec2.IVpc;
  readonly cluster: ecs.Cluster;
  /** The Jitsi task's security group: it admits XMPP (5222) from the recorder, and from nothing else. */
  readonly taskSecurityGroup: ec2.ISecurityGroup;
  /** The meeting host Jibri's Chrome opens. */
  readonly domain: string;
  readonly release: JitsiRelease;
  /** x86_64 instance type (Google Chrome is published for amd64 only). */
  readonly instanceType: string;
  /** Longest recording (Jibri's usage timeout). */
  readonly maxHours: number;
  /** Fills the recorder's own secret ({@link JIBRI_SECRET_KEYS}) at deploy time, as it fills the internal one. */
  readonly passwords: InternalSecret;
  readonly recordings: s3.IBucket;
  /** One log group for the recorder's containers. */
  readonly logGroup: logs.ILogGroup;
}

/** The task volume the init container writes the recorder's files into. */
const CONFIG_VOLUME = 'jibri-config';

/**
 * Server-side recording that costs nothing while nobody records: an Auto Scaling group of at most one
 * x86_64 ECS instance, at 0 between recordings, behind a capacity provider that is NOT the cluster's
 * default (the meeting's Fargate service stays on Fargate). The control plane sets the group's desired
 * capacity to 1, runs the recorder task on the instance with XMPP_SERVER set to the Jitsi task's
 * private address, and sets it back to 0 once the last recording is uploaded.
 *
 * Jibri needs a 2 GB /dev/shm, which Fargate cannot give, hence EC2. Bridge networking: the instance
 * has a public address (Chrome opens the public meeting URL; no NAT gateway), the containers cannot
 * reach the instance metadata service (IMDSv2 only, with a hop limit of 1: a token never reaches a
 * bridged container), and the task role comes through the ECS agent.
 */
export class Recorder extends Construct {
  readonly securityGroup: ec2.SecurityGroup;
  readonly autoScalingGroup: autoscaling.AutoScalingGroup;
  readonly capacityProvider: ecs.AsgCapacityProvider;
  readonly taskDefinition: ecs.Ec2TaskDefinition;
  /** The task's roles, under {@link recorderRolePath}: whoever runs the recorder passes exactly these. */
  readonly taskRole: iam.Role;
  readonly executionRole: iam.Role;
  readonly logGroup: logs.ILogGroup;
  /**
   * The recorder's XMPP accounts (Jibri's and the hidden recorder user's passwords), a secret of its
   * own: the recorder's execution role reads this one and no other; prosody reads it to register them.
   */
  readonly xmppSecret: StoredSecret;
  /** Resources that read {@link xmppSecret} depend on this: every key exists first. */
  readonly xmppSecretReady: IDependable;
  /**
   * The only principal that may start a recorder task (src/recording/launcher.ts): everyone who
   * records invokes it. It knows the meeting's task family once the stack has it ({@link joins}).
   */
  readonly launcher: NodejsFunction;

  constructor(scope: Construct, id: string, props: RecorderProps) {
    super(scope, id);
    this.securityGroup = this.createSecurityGroup(props);
    const { autoScalingGroup, capacityProvider } = this.createInstances(props);
    this.autoScalingGroup = autoScalingGroup;
    this.capacityProvider = capacityProvider;
    const { taskRole, executionRole } = this.createTaskRoles();
    this.taskRole = taskRole;
    this.executionRole = executionRole;
    this.logGroup = props.logGroup;
    this.xmppSecret =
      props.passwords.store === 'parameter-store'
        ? props.passwords.parameters(this, 'XmppParameters', RECORDER_BOUNDARY, JIBRI_SECRET_KEYS, XMPP_PASSWORD_BYTES)
        : this.createXmppSecret(props.passwords);
    this.xmppSecretReady = this.xmppSecret.ready;
    this.taskDefinition = new ecs.Ec2TaskDefinition(this, 'TaskDefinition', {
      networkMode: ecs.NetworkMode.BRIDGE,
      taskRole: this.taskRole,
      executionRole: this.executionRole,
    });
    this.taskDefinition.node.addDependency(this.xmppSecretReady);
    this.grantRecordingsWrite(props.recordings);
    this.addContainers(props);
    this.launcher = this.createLauncher(props.cluster);
    this.acknowledge();
  }

  /** Nothing inbound; the meeting task admits XMPP from this group only. */
  private createSecurityGroup(props: RecorderProps): ec2.SecurityGroup {
    const securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: 'Recorder: nothing inbound; out to the meeting (HTTPS and media), S3 and the image registry',
      allowAllOutbound: true,
    });
    props.taskSecurityGroup.addIngressRule(
      securityGroup,
      ec2.Port.tcp(XMPP_CLIENT_PORT),
      'XMPP from the recorder only (Jibri logs in to prosody)',
    );
    return securityGroup;
  }

  /**
   * The recorder instance (0 or 1, from a launch template with IMDSv2 and an encrypted volume) and
   * the cluster's capacity provider over it.
   */
  private createInstances(props: RecorderProps): {
    autoScalingGroup: autoscaling.AutoScalingGroup;
    capacityProvider: ecs.AsgCapacityProvider;
  } {
    const role = new iam.Role(this, 'InstanceRole', {
      assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
      description:
        'The recorder instance: the ECS agent registers it with the cluster (the capacity provider adds what it needs)',
    });
    const userData = ec2.UserData.forLinux();
    userData.addCommands(
      ...Object.entries(RECORDER_AGENT_CONFIG).map(([key, value]) => `echo ${key}=${value} >> ${ECS_CONFIG_FILE}`),
    );
    const launchTemplate = new ec2.LaunchTemplate(this, 'LaunchTemplate', {
      machineImage: ecs.EcsOptimizedImage.amazonLinux2023(ecs.AmiHardwareType.STANDARD),
      instanceType: new ec2.InstanceType(props.instanceType),
      securityGroup: this.securityGroup,
      associatePublicIpAddress: true,
      requireImdsv2: true,
      httpPutResponseHopLimit: 1,
      role,
      userData,
      blockDevices: [
        {
          deviceName: '/dev/xvda',
          volume: ec2.BlockDeviceVolume.ebs(RECORDER_VOLUME_GIB, {
            volumeType: ec2.EbsDeviceVolumeType.GP3,
            encrypted: true,
            deleteOnTermination: true,
          }),
        },
      ],
    });
    const autoScalingGroup = new autoscaling.AutoScalingGroup(this, 'Group', {
      vpc: props.vpc,
      vpcSubnets: { subnets: props.vpc.publicSubnets },
      launchTemplate,
      minCapacity: 0,
      maxCapacity: 1,
      // No desiredCapacity: the control plane owns it, and a deploy must never reset a recording's instance.
    });
    const capacityProvider = new ecs.AsgCapacityProvider(this, 'CapacityProvider', {
      autoScalingGroup,
      // Managed scaling from 0 waits for a metric, an alarm and a launch; the control plane sets 1 and 0 itself.
      enableManagedScaling: false,
      enableManagedTerminationProtection: false,
      // ECS's own draining: a scale-in waits until the recorder task has stopped, so an instance is
      // never terminated under an upload (and CDK adds no draining Lambda and topic of its own).
      enableManagedDraining: true,
    });
    // Never a default strategy: the cluster's Fargate service keeps its launch type.
    props.cluster.addAsgCapacityProvider(capacityProvider);
    return { autoScalingGroup, capacityProvider };
  }

  /** The recorder task's role and its execution role, under the recorder's role path. */
  private createTaskRoles(): { taskRole: iam.Role; executionRole: iam.Role } {
    const path = recorderRolePath(Stack.of(this).stackName);
    const taskRole = new iam.Role(this, 'TaskRole', {
      assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com'),
      path,
      description: 'The recorder task: writes recordings under the recordings prefix, and nothing else',
    });
    const executionRole = new iam.Role(this, 'ExecutionRole', {
      assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com'),
      path,
      description: "The recorder task's start: pull the images, read the XMPP passwords, write its logs",
    });
    return { taskRole, executionRole };
  }

  /** The recorder's XMPP passwords, generated at deploy time and rotated only through the control plane. */
  private createXmppSecret(passwords: InternalSecret): StoredSecret {
    const secret = passwordSecret(this, 'XmppSecret', {
      description: "The recorder's XMPP passwords (Jibri's and the recorder user's accounts), generated at deploy time.",
      firstKey: JIBRI_SECRET_KEYS[0],
      whyNoManagedRotation:
        "The passwords log Jibri in to prosody on 5222, which only the recorder's security group reaches. Secrets Manager's own rotation would change them under a running prosody; `meetctl rotate-secrets` (and the optional monthly schedule) rotates them through the control-plane lock, only while nothing runs, and the next start reads them.",
    });
    const ready = passwords.fill(this, 'XmppPasswords', secret, JIBRI_SECRET_KEYS);
    return secretsManagerSecret(secret, ready, (key) => ecs.Secret.fromSecretsManager(secret, key));
  }

  /** The meeting's task family: where the launcher finds the XMPP server's address. */
  joins(meetingTaskFamily: string): void {
    this.launcher.addEnvironment(LAUNCHER_ENV.meetingFamily, meetingTaskFamily);
  }

  /**
   * The launcher function and its role: list and read the cluster's tasks, RunTask of the recorder's
   * family in this cluster with ECS Exec off, and pass exactly the recorder's two roles to ECS tasks.
   */
  private createLauncher(cluster: ecs.ICluster): NodejsFunction {
    const stack = Stack.of(this);
    const launcher = projectFunction(this, 'Launcher', {
      entry: ['lambda', 'recorder-launcher'],
      description: "Starts the recorder for this stack's meeting (fixed task, capacity provider and XMPP server)",
      timeout: Duration.seconds(30),
      environment: {
        [LAUNCHER_ENV.cluster]: cluster.clusterName,
        [LAUNCHER_ENV.recorderFamily]: this.taskDefinition.family,
        [LAUNCHER_ENV.capacityProvider]: this.capacityProvider.capacityProviderName,
      },
    });
    const inCluster = { ArnEquals: { 'ecs:cluster': cluster.clusterArn } };
    const tasks = stack.formatArn({ service: 'ecs', resource: 'task', resourceName: `${cluster.clusterName}/*` });
    const definitions = stack.formatArn({
      service: 'ecs',
      resource: 'task-definition',
      resourceName: `${this.taskDefinition.family}:*`,
    });
    for (const statement of [
      // ListTasks of a cluster names no container instance: AWS authorizes it against "*" with the ecs:cluster key.
      new iam.PolicyStatement({ actions: ['ecs:ListTasks'], resources: ['*'], conditions: inCluster }),
      new iam.PolicyStatement({ actions: ['ecs:DescribeTasks'], resources: [tasks] }),
      new iam.PolicyStatement({
        actions: ['ecs:RunTask'],
        resources: [definitions],
        conditions: { ...inCluster, ...NO_ECS_EXEC },
      }),
      new iam.PolicyStatement({
        actions: ['iam:PassRole'],
        resources: [this.taskRole.roleArn, this.executionRole.roleArn],
        conditions: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } },
      }),
    ]) {
      launcher.addToRolePolicy(statement);
    }
    const clusterId = `<${logicalId(cluster as ecs.Cluster)}>`;
    for (const [resource, reason] of [
      [
        '*',
        'ecs:ListTasks of a cluster names no container instance and is authorized against "*"; the ecs:cluster condition limits it to this cluster.',
      ],
      [
        `arn:aws:ecs:${stack.region}:<AWS::AccountId>:task/${clusterId}/*`,
        'Task ids are random; DescribeTasks is limited to tasks of this cluster.',
      ],
      [
        `arn:aws:ecs:${stack.region}:<AWS::AccountId>:task-definition/${this.taskDefinition.family}:*`,
        'Every revision of the recorder task definition, RunTask only in this cluster and never with ECS Exec (conditions).',
      ],
    ] as const) {
      Validations.of(launcher).acknowledge({ id: `AwsSolutions-IAM5[Resource::${resource}]`, reason });
    }
    return launcher;
  }

  /**
   * Write under the recordings prefix, read back what was written (the finalize script's HEAD that
   * confirms an upload), and finish or abort multipart uploads; nothing else. No s3:ListBucket: the
   * finalize script tells rclone not to look the key up before the upload (`--no-check-dest`), so
   * the role never needs to list. s3:PutObjectAcl because rclone sends an ACL with every upload
   * (`bucket-owner-full-control`, the only one the bucket accepts: its ACLs are disabled, so the
   * grant changes nothing an ACL could); S3 requires it for a PutObject that carries one.
   */
  private grantRecordingsWrite(bucket: s3.IBucket): void {
    this.taskDefinition.addToTaskRolePolicy(
      new iam.PolicyStatement({
        actions: ['s3:PutObject', 's3:PutObjectAcl', 's3:GetObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'],
        resources: [bucket.arnForObjects(`${RECORDINGS_PREFIX}*`)],
      }),
    );
    Validations.of(this.taskRole).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${logicalId(bucket)}.Arn>/${RECORDINGS_PREFIX}*]`,
      reason:
        'Each recording is a new object with its own name; the wildcard is limited to the recordings prefix, to writing and to reading back what was written.',
    });
  }

  /** What the finalize script needs to upload: the bucket, the prefix, and rclone's "s3" remote (the task role's credentials). */
  private uploadEnvironment(props: RecorderProps): Record<string, string> {
    return {
      RECORDINGS_BUCKET: props.recordings.bucketName,
      RECORDINGS_PREFIX,
      RCLONE_CONFIG_S3_TYPE: 's3',
      RCLONE_CONFIG_S3_PROVIDER: 'AWS',
      RCLONE_CONFIG_S3_ENV_AUTH: 'true',
      RCLONE_CONFIG_S3_REGION: Stack.of(this).region,
    };
  }

  /** The recorder's containers: files, Jibri, the upload retries and the status reporter. */
  private addContainers(props: RecorderProps): void {
    this.taskDefinition.addVolume({ name: CONFIG_VOLUME });
    // The recordings live on the instance's disk, not in a container: they outlive a task that stops.
    this.taskDefinition.addVolume({ name: RECORDINGS_VOLUME, host: { sourcePath: RECORDINGS_HOST_PATH } });
    const init = this.addFilesInit(props);
    const jibri = this.addJibri(props, init);
    this.addUploadRetries(props, init);
    this.addStatus(props, jibri);
  }

  /** A one-shot container that writes the finalize script and prepares the recordings folder. */
  private addFilesInit(props: RecorderProps): ecs.ContainerDefinition {
    const files = writeFilesCommand({ 'finalize.sh': finalizeScript() }, '/recorder-config', {
      envPrefix: 'RECORDER_FILE',
      executable: ['finalize.sh'],
    });
    const init = this.taskDefinition.addContainer(RECORDER_CONTAINERS.files, {
      containerName: RECORDER_CONTAINERS.files,
      image: ecs.ContainerImage.fromRegistry(STATS_IMAGE),
      essential: false,
      entryPoint: ['sh', '-c'],
      command: [`${files.command}\n${prepareRecordingsScript(INIT_RECORDINGS_DIR)}`],
      environment: files.environment,
      memoryReservationMiB: 16,
      logging: ecs.LogDrivers.awsLogs({ streamPrefix: RECORDER_CONTAINERS.files, logGroup: props.logGroup }),
    });
    init.addMountPoints(
      { sourceVolume: CONFIG_VOLUME, containerPath: '/recorder-config', readOnly: false },
      { sourceVolume: RECORDINGS_VOLUME, containerPath: INIT_RECORDINGS_DIR, readOnly: false },
    );
    return init;
  }

  /** Jibri itself, after the files are written. */
  private addJibri(props: RecorderProps, init: ecs.ContainerDefinition): ecs.ContainerDefinition {
    const secret = (key: string) => this.xmppSecret.ecsSecret(key);
    const jibri = this.taskDefinition.addContainer(RECORDER_CONTAINERS.jibri, {
      containerName: RECORDER_CONTAINERS.jibri,
      image: ecs.ContainerImage.fromRegistry(`${props.release.imageRepository}/jibri:${props.release.tag}`),
      essential: true,
      memoryReservationMiB: 3072,
      // shm-check refuses less than 2 GB; no capability is added (the images are rootless since stable-11146).
      linuxParameters: new ecs.LinuxParameters(this, 'JibriLinux', { sharedMemorySize: RECORDER_SHM_MIB }),
      stopTimeout: Duration.seconds(RECORDER_STOP_TIMEOUT_SECONDS),
      environment: {
        TZ: 'UTC',
        DISPLAY: ':0',
        PUBLIC_URL: `https://${props.domain}`,
        // XMPP_SERVER is the Jitsi task's private address, new at every start: the control plane passes it.
        JIBRI_INSTANCE_ID: 'recorder',
        JIBRI_RECORDING_DIR: RECORDING_DIR,
        JIBRI_FINALIZE_RECORDING_SCRIPT_PATH: FINALIZE_PATH,
        JIBRI_USAGE_TIMEOUT: `${props.maxHours} hours`,
        ...this.uploadEnvironment(props),
      },
      secrets: Object.fromEntries(JIBRI_SECRET_KEYS.map((key) => [key, secret(key)])),
      logging: ecs.LogDrivers.awsLogs({ streamPrefix: RECORDER_CONTAINERS.jibri, logGroup: props.logGroup }),
    });
    jibri.addMountPoints(
      { sourceVolume: CONFIG_VOLUME, containerPath: '/config', readOnly: true },
      { sourceVolume: RECORDINGS_VOLUME, containerPath: RECORDING_DIR, readOnly: false },
    );
    jibri.addContainerDependencies({ container: init, condition: ecs.ContainerDependencyCondition.SUCCESS });
    return jibri;
  }

  /** The retries: the jibri image (bash, jq, rclone; already on the instance) running the same script. */
  private addUploadRetries(props: RecorderProps, init: ecs.ContainerDefinition): void {
    const upload = this.taskDefinition.addContainer(RECORDER_CONTAINERS.upload, {
      containerName: RECORDER_CONTAINERS.upload,
      image: ecs.ContainerImage.fromRegistry(`${props.release.imageRepository}/jibri:${props.release.tag}`),
      essential: false,
      entryPoint: ['bash', '-c'],
      command: [UPLOADER_SCRIPT],
      // Its report lines go to its own log already.
      environment: { ...this.uploadEnvironment(props), FINALIZE_LOG_COPY: '/dev/null' },
      memoryReservationMiB: 128,
      logging: ecs.LogDrivers.awsLogs({ streamPrefix: RECORDER_CONTAINERS.upload, logGroup: props.logGroup }),
    });
    upload.addMountPoints(
      { sourceVolume: CONFIG_VOLUME, containerPath: '/config', readOnly: true },
      { sourceVolume: RECORDINGS_VOLUME, containerPath: RECORDING_DIR, readOnly: false },
    );
    upload.addContainerDependencies({ container: init, condition: ecs.ContainerDependencyCondition.SUCCESS });
  }

  /** Reports what Jibri is doing, reading the recordings folder. */
  private addStatus(props: RecorderProps, jibri: ecs.ContainerDefinition): void {
    const status = this.taskDefinition.addContainer(RECORDER_CONTAINERS.status, {
      containerName: RECORDER_CONTAINERS.status,
      image: ecs.ContainerImage.fromRegistry(STATS_IMAGE),
      essential: false,
      entryPoint: ['sh', '-c'],
      command: [RECORDER_STATUS_SCRIPT],
      memoryReservationMiB: 16,
      logging: ecs.LogDrivers.awsLogs({ streamPrefix: RECORDER_CONTAINERS.status, logGroup: props.logGroup }),
    });
    status.addMountPoints({ sourceVolume: RECORDINGS_VOLUME, containerPath: STATUS_RECORDINGS_DIR, readOnly: true });
    status.addLink(jibri, RECORDER_CONTAINERS.jibri);
    status.addContainerDependencies({ container: jibri, condition: ecs.ContainerDependencyCondition.START });
  }

  private acknowledge(): void {
    Validations.of(this.taskDefinition).acknowledge({
      id: 'AwsSolutions-ECS2',
      reason:
        'The environment variables are non-secret settings (host name, bucket, paths, the finalize script); the XMPP passwords come from the secret store through `secrets`.',
    });
    Validations.of(this.autoScalingGroup).acknowledge(
      {
        id: 'AwsSolutions-AS1',
        reason:
          'One instance for one recorder task, started and stopped by the control plane; ECS tracks the task, not a load balancer.',
      },
      {
        id: 'AwsSolutions-AS2',
        reason: 'The control plane sets the capacity and reports every start and stop in its own event log.',
      },
      {
        id: 'AwsSolutions-AS3',
        reason:
          'Scaling events are the control plane setting 1 and 0 on purpose; the runtime guard alerts on a recorder left running.',
      },
    );
    Validations.of(this.autoScalingGroup.role).acknowledge(
      {
        id: 'AwsSolutions-IAM5[Action::ecs:Submit*]',
        reason:
          "The ECS agent's state-change reports (SubmitTaskStateChange, SubmitContainerStateChange, SubmitAttachmentStateChanges), as CDK grants them on this cluster for an EC2 capacity provider.",
      },
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'What the ECS agent needs on its instance: ecs:DiscoverPollEndpoint and ecr:GetAuthorizationToken support no resource-level permissions; everything else CDK scopes to this cluster.',
      },
    );
  }
}
