import { describe, expect, it } from 'vitest';
import { RECORDER_SHM_MIB } from '../../src/infra/constructs/recorder.js';
import { OUTPUTS } from '../../src/infra/meet-stack.js';
import { LAUNCHER_ENV } from '../../src/recording/launcher.js';
import {
  finalizeScript,
  JIBRI_SECRET_KEYS,
  prepareRecordingsScript,
  RECORDER_CONTAINERS,
  RECORDER_STATUS_SCRIPT,
  RECORDING_DIR,
  RECORDINGS_HOST_PATH,
  UPLOADER_SCRIPT,
} from '../../src/recording/recorder.js';
import { configWith, resource, synth } from '../support/fixtures.js';
import { ACCOUNT, arnOf, decide, policiesOfRole, REGION } from '../support/iam.js';
import { roleOfFunction } from '../support/moto-iam.js';

// One template for the whole file: the example (direct, members) with server-side recording on.
const { json } = synth(configWith({ recording: { enabled: true } }));
const resources = Object.entries(json.Resources) as Array<[string, { Type: string; Properties?: Record<string, unknown> }]>;
const ofType = (type: string) => resources.filter(([, r]) => r.Type === type);
type Container = {
  Name: string;
  Image: unknown;
  Essential?: boolean;
  Environment?: Array<{ Name: string; Value: unknown }>;
  Secrets?: Array<{ Name: string }>;
  LinuxParameters?: { SharedMemorySize?: number; Capabilities?: unknown };
  Links?: string[];
  MountPoints?: Array<{ ContainerPath: string; ReadOnly: boolean }>;
  DependsOn?: Array<{ ContainerName: string; Condition: string }>;
  Privileged?: boolean;
};
const taskDefinitions = ofType('AWS::ECS::TaskDefinition').map(([id, r]) => ({ id, props: r.Properties ?? {} }));
const recorderTask = taskDefinitions.find((t) => t.id.startsWith('RecorderTaskDefinition')) as (typeof taskDefinitions)[number];
const jitsiTask = taskDefinitions.find((t) => t.id.startsWith('PoweredJitsi')) as (typeof taskDefinitions)[number];
const containersOf = (task: { props: Record<string, unknown> }) => task.props.ContainerDefinitions as Container[];
const container = (task: { props: Record<string, unknown> }, name: string) =>
  containersOf(task).find((c) => c.Name === name) as Container;
const env = (c: Container) => Object.fromEntries((c.Environment ?? []).map((e) => [e.Name, e.Value]));
/** Every role of the template with its policies resolved (resources without an ARN rule get a stand-in name: no call names them). */
const everyRole = () =>
  ofType('AWS::IAM::Role').map(([id]) => ({
    id,
    policies: policiesOfRole(json, id, {
      physical: (logical, attribute) => {
        try {
          return arnOf(json, logical, attribute);
        } catch {
          return `${logical}${attribute ? `.${attribute}` : ''}`;
        }
      },
    }),
  }));

describe('the recorder: EC2 capacity at 0, outside the Fargate service', () => {
  it('has an Auto Scaling group of 0 to 1 instance whose desired capacity the template never sets', () => {
    const [[, group]] = ofType('AWS::AutoScaling::AutoScalingGroup') as unknown as [
      [string, { Properties: Record<string, unknown> }],
    ];
    expect(group.Properties).toMatchObject({ MinSize: '0', MaxSize: '1' });
    expect(group.Properties.DesiredCapacity).toBeUndefined();
  });

  it('launches an encrypted, public, IMDSv2-only x86_64 ECS instance of the configured type, from an SSM parameter (no lookup)', () => {
    const [[, template]] = ofType('AWS::EC2::LaunchTemplate') as unknown as [
      [string, { Properties: { LaunchTemplateData: Record<string, unknown> } }],
    ];
    const data = template.Properties.LaunchTemplateData;
    expect(data).toMatchObject({
      InstanceType: 'c6a.xlarge',
      MetadataOptions: { HttpTokens: 'required', HttpPutResponseHopLimit: 1 },
      NetworkInterfaces: [{ AssociatePublicIpAddress: true, DeviceIndex: 0 }],
      BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { Encrypted: true, VolumeType: 'gp3', DeleteOnTermination: true } }],
    });
    const parameter = (data.ImageId as { Ref: string }).Ref;
    expect((json as unknown as { Parameters: Record<string, { Type: string; Default: string }> }).Parameters[parameter]).toEqual({
      Type: 'AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>',
      Default: '/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id',
    });
  });

  it('adds a capacity provider without managed scaling, and gives the cluster no default strategy', () => {
    const [[, provider]] = ofType('AWS::ECS::CapacityProvider') as unknown as [[string, { Properties: Record<string, unknown> }]];
    const asg = provider.Properties.AutoScalingGroupProvider as Record<string, unknown>;
    expect(asg.ManagedScaling).toBeUndefined();
    expect(asg.ManagedTerminationProtection).toBe('DISABLED');
    // ECS drains the instance on scale-in: it is not terminated while the recorder task runs.
    expect(asg.ManagedDraining).toBe('ENABLED');
    const [[, associations]] = ofType('AWS::ECS::ClusterCapacityProviderAssociations') as unknown as [
      [string, { Properties: Record<string, unknown> }],
    ];
    expect(associations.Properties.DefaultCapacityProviderStrategy).toEqual([]);
    const [[, service]] = ofType('AWS::ECS::Service') as unknown as [[string, { Properties: Record<string, unknown> }]];
    expect(service.Properties.LaunchType).toBe('FARGATE');
    expect(service.Properties.CapacityProviderStrategy).toBeUndefined();
    // No draining Lambda of CDK's: ECS's managed draining does it.
    expect(ofType('AWS::AutoScaling::LifecycleHook')).toEqual([]);
    expect(ofType('AWS::SNS::Topic').filter(([id]) => id.startsWith('Recorder'))).toEqual([]);
  });
});

describe("the recorder's task", () => {
  const jibri = container(recorderTask, RECORDER_CONTAINERS.jibri);

  it('runs the pinned jibri image (stable-11146-1 or newer) on EC2 in bridge mode with 2 GB of shared memory and no added capability', () => {
    expect(recorderTask.props).toMatchObject({ NetworkMode: 'bridge', RequiresCompatibilities: ['EC2'] });
    expect(jibri.Image).toBe('ghcr.io/jitsi/jibri:stable-11146-2');
    expect(jibri.LinuxParameters?.SharedMemorySize).toBeGreaterThanOrEqual(2048);
    expect(RECORDER_SHM_MIB).toBe(2048);
    expect((jibri.LinuxParameters?.Capabilities as { Add?: unknown[] } | undefined)?.Add ?? []).toEqual([]);
    expect(jibri.Privileged).toBeUndefined();
  });

  it("opens the public meeting URL and runs the finalize script; XMPP_SERVER is left to the start (the Jitsi task's address)", () => {
    expect(env(jibri)).toMatchObject({
      PUBLIC_URL: 'https://meet.example.org',
      DISPLAY: ':0',
      JIBRI_FINALIZE_RECORDING_SCRIPT_PATH: '/config/finalize.sh',
      JIBRI_USAGE_TIMEOUT: '4 hours',
      RECORDINGS_PREFIX: 'recordings/',
      RCLONE_CONFIG_S3_TYPE: 's3',
      RCLONE_CONFIG_S3_ENV_AUTH: 'true',
    });
    expect(env(jibri).XMPP_SERVER).toBeUndefined();
    expect(jibri.Secrets?.map((s) => s.Name).sort()).toEqual([...JIBRI_SECRET_KEYS].sort());
  });

  it('writes the finalize script, executable, before Jibri starts; a status container reads Jibri over a link', () => {
    const files = container(recorderTask, RECORDER_CONTAINERS.files);
    expect(files.Essential).toBe(false);
    const written = Object.values(env(files)).map((v) => Buffer.from(String(v), 'base64').toString('utf8'));
    expect(written).toEqual([finalizeScript()]);
    expect(jibri.DependsOn).toContainEqual({ ContainerName: RECORDER_CONTAINERS.files, Condition: 'SUCCESS' });
    expect(jibri.MountPoints).toContainEqual({ SourceVolume: 'jibri-config', ContainerPath: '/config', ReadOnly: true });
    const status = container(recorderTask, RECORDER_CONTAINERS.status);
    expect(status.Essential).toBe(false);
    expect(status.Links).toEqual(['jibri:jibri']);
  });

  it("keeps the recordings on the instance's disk, not in a container: a recording outlives a task that stops", () => {
    expect(recorderTask.props.Volumes).toContainEqual({ Name: 'recordings', Host: { SourcePath: RECORDINGS_HOST_PATH } });
    expect(jibri.MountPoints).toContainEqual({ SourceVolume: 'recordings', ContainerPath: RECORDING_DIR, ReadOnly: false });
    const files = container(recorderTask, RECORDER_CONTAINERS.files);
    // The init container prepares the folder (Jibri's user owns it; leftovers get a marker) before Jibri starts.
    expect(files.MountPoints).toContainEqual({ SourceVolume: 'recordings', ContainerPath: '/recordings', ReadOnly: false });
    expect((files as unknown as { Command: string[] }).Command[0]).toContain(prepareRecordingsScript('/recordings'));
    // The status container reads the pending markers, and may not change them.
    const status = container(recorderTask, RECORDER_CONTAINERS.status);
    expect(status.MountPoints).toEqual([{ SourceVolume: 'recordings', ContainerPath: '/recordings', ReadOnly: true }]);
    expect((status as unknown as { Command: string[] }).Command).toEqual([RECORDER_STATUS_SCRIPT]);
  });

  it('runs the uploader from the jibri image: the same script retries what is pending, with the same bucket, prefix and remote', () => {
    const upload = container(recorderTask, RECORDER_CONTAINERS.upload);
    expect(upload.Image).toBe(jibri.Image);
    expect(upload.Essential).toBe(false);
    expect((upload as unknown as { Command: string[] }).Command).toEqual([UPLOADER_SCRIPT]);
    expect(UPLOADER_SCRIPT).toContain('/config/finalize.sh --pending /storage/recordings');
    expect(upload.MountPoints).toEqual([
      { SourceVolume: 'jibri-config', ContainerPath: '/config', ReadOnly: true },
      { SourceVolume: 'recordings', ContainerPath: RECORDING_DIR, ReadOnly: false },
    ]);
    expect(upload.DependsOn).toEqual([{ ContainerName: RECORDER_CONTAINERS.files, Condition: 'SUCCESS' }]);
    const shared = [
      'RECORDINGS_BUCKET',
      'RECORDINGS_PREFIX',
      'RCLONE_CONFIG_S3_TYPE',
      'RCLONE_CONFIG_S3_PROVIDER',
      'RCLONE_CONFIG_S3_ENV_AUTH',
      'RCLONE_CONFIG_S3_REGION',
    ];
    for (const name of shared) expect(env(upload)[name], name).toEqual(env(jibri)[name]);
  });
});

describe('the XMPP path and the Jitsi side', () => {
  it('admits 5222 to the Jitsi task from the recorder only, never from an address range', () => {
    const ingress = ofType('AWS::EC2::SecurityGroupIngress').filter(([, r]) => r.Properties?.FromPort === 5222);
    expect(ingress).toHaveLength(1);
    const [[, rule]] = ingress as unknown as [[string, { Properties: Record<string, unknown> }]];
    expect(JSON.stringify(rule.Properties.SourceSecurityGroupId)).toContain('RecorderSecurityGroup');
    expect(JSON.stringify(rule.Properties.GroupId)).toContain('TaskSecurityGroup');
    const inline = ofType('AWS::EC2::SecurityGroup').flatMap(
      ([, g]) => (g.Properties?.SecurityGroupIngress as Array<Record<string, unknown>>) ?? [],
    );
    expect(inline.filter((r) => r.FromPort === 5222)).toEqual([]);
    const recorderGroup = ofType('AWS::EC2::SecurityGroup').find(([id]) => id.startsWith('RecorderSecurityGroup'));
    expect(recorderGroup?.[1].Properties?.SecurityGroupIngress).toBeUndefined();
  });

  it('turns recording on in prosody, jicofo and web, and gives prosody the recorder passwords', () => {
    for (const name of ['prosody', 'jicofo', 'web']) expect(env(container(jitsiTask, name)).ENABLE_RECORDING).toBe('1');
    expect(container(jitsiTask, 'prosody').Secrets?.map((s) => s.Name)).toEqual(expect.arrayContaining([...JIBRI_SECRET_KEYS]));
    expect(container(jitsiTask, 'web').Secrets ?? []).toEqual([]);
  });

  it('names the recorder in the outputs the control plane reads', () => {
    for (const name of [
      OUTPUTS.recorderGroup,
      OUTPUTS.recorderTaskFamily,
      OUTPUTS.recorderCapacityProvider,
      OUTPUTS.recorderLogGroup,
    ]) {
      expect(json.Outputs?.[name]).toBeDefined();
    }
  });
});

describe('the recorder task role (iam-simulate)', () => {
  const role = (recorderTask.props.TaskRoleArn as { 'Fn::GetAtt': [string] })['Fn::GetAtt'][0];
  const bucket = arnOf(json, resource(json, 'AWS::S3::Bucket').id, 'Arn');
  const check = async (cases: Array<[string, string]>) =>
    Promise.all(cases.map(async ([action, res]) => `${action} ${res} ${await decide(policiesOfRole(json, role), action, res)}`));

  it('can write (with the one ACL the bucket takes), read back (HEAD) and finish multipart uploads under the recordings prefix', async () => {
    const key = `${bucket}/recordings/2026-12-03/weekly/weekly_2026-12-03-18-00-00.mp4`;
    const cases: Array<[string, string]> = [
      's3:PutObject',
      's3:PutObjectAcl',
      's3:GetObject',
      's3:AbortMultipartUpload',
      's3:ListMultipartUploadParts',
    ].map((a) => [a, key]);
    expect(await check(cases)).toEqual(cases.map(([a, r]) => `${a} ${r} Allowed`));
  });

  // No s3:ListBucket: finalize.sh uploads with --no-check-dest, so rclone never looks a key up before
  // writing it (test/boundary/recorder-upload.test.ts runs that against moto with S3's 403 rule).
  it('can do nothing else: no other prefix, no delete, no listing, no other bucket or service', async () => {
    const cases: Array<[string, string]> = [
      ['s3:PutObject', `${bucket}/other/x.mp4`],
      ['s3:PutObject', `${bucket}/recordingsX/x.mp4`],
      ['s3:PutObject', 'arn:aws:s3:::another-bucket/recordings/x.mp4'],
      ['s3:DeleteObject', `${bucket}/recordings/x.mp4`],
      ['s3:ListBucket', bucket],
      ['s3:PutObjectAcl', `${bucket}/other/x.mp4`],
      ['s3:PutBucketPolicy', bucket],
      ['ecs:RunTask', `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/x:1`],
    ];
    expect(await check(cases)).toEqual(cases.map(([a, r]) => `${a} ${r} ImplicitlyDenied`));
  });
});

describe('the control plane and the recorder (iam-simulate)', () => {
  const guard = resource(json, 'AWS::IAM::Role', 'AutomationRuntimeGuardServiceRole').id;
  const groupName = resource(json, 'AWS::AutoScaling::AutoScalingGroup').id;
  const family = recorderTask.props.Family as string;
  const clusterId = resource(json, 'AWS::ECS::Cluster').id;
  const cluster = `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/${clusterId}`;
  const roles = ['RecorderTaskRole', 'RecorderExecutionRole'].map((id) => arnOf(json, resource(json, 'AWS::IAM::Role', id).id));
  const launcher = arnOf(json, resource(json, 'AWS::Lambda::Function', 'RecorderLauncher').id);
  const decideAs = (action: string, res: string, context?: Record<string, string>) =>
    decide(policiesOfRole(json, guard), action, res, context);
  const definition = (name: string) => `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/${name}:3`;

  it('sets the capacity of the recorder group only', async () => {
    const group = (name: string) =>
      `arn:aws:autoscaling:${REGION}:${ACCOUNT}:autoScalingGroup:0f1e2d3c-aaaa-bbbb-cccc-0123456789ab:autoScalingGroupName/${name}`;
    expect(await decideAs('autoscaling:SetDesiredCapacity', group(groupName))).toBe('Allowed');
    expect(await decideAs('autoscaling:SetDesiredCapacity', group('someone-elses-group'))).toBe('ImplicitlyDenied');
    expect(await decideAs('autoscaling:UpdateAutoScalingGroup', group(groupName))).toBe('ImplicitlyDenied');
  });

  it('starts the recorder through the launcher only: it may invoke it, and may neither run the task nor pass its roles', async () => {
    expect(await decideAs('lambda:InvokeFunction', launcher)).toBe('Allowed');
    expect(await decideAs('lambda:InvokeFunction', `${launcher}-other`)).toBe('ImplicitlyDenied');
    expect(await decideAs('ecs:RunTask', definition(family), { 'ecs:cluster': cluster })).toBe('ImplicitlyDenied');
    for (const role of roles) {
      expect(await decideAs('iam:PassRole', role, { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' })).toBe('ImplicitlyDenied');
    }
  });

  it('stops tasks of this cluster only', async () => {
    const task = `arn:aws:ecs:${REGION}:${ACCOUNT}:task/${clusterId}/abc`;
    expect(await decideAs('ecs:StopTask', task, { 'ecs:cluster': cluster })).toBe('Allowed');
    expect(
      await decideAs('ecs:StopTask', `arn:aws:ecs:${REGION}:${ACCOUNT}:task/other/abc`, {
        'ecs:cluster': 'arn:aws:ecs:us-west-2:111122223333:cluster/other',
      }),
    ).toBe('ImplicitlyDenied');
  });
});

describe('the recorder launcher: the one principal that may start a recorder task (iam-simulate)', () => {
  const fn = resource(json, 'AWS::Lambda::Function', 'RecorderLauncher');
  const role = roleOfFunction(json, fn.id);
  const family = recorderTask.props.Family as string;
  const clusterId = resource(json, 'AWS::ECS::Cluster').id;
  const cluster = `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/${clusterId}`;
  const definition = (name: string) => `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/${name}:3`;
  const roles = ['RecorderTaskRole', 'RecorderExecutionRole'].map((id) => arnOf(json, resource(json, 'AWS::IAM::Role', id).id));
  const decideAs = (action: string, res: string, context?: Record<string, string>) =>
    decide(policiesOfRole(json, role), action, res, context);

  it("finds the meeting task and the recorder's tasks in this cluster (its input is ignored: it derives everything)", async () => {
    const variables = (fn.props.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(Object.keys(variables).sort()).toEqual(Object.values(LAUNCHER_ENV).sort());
    expect(variables[LAUNCHER_ENV.recorderFamily]).toBe(family);
    expect(variables[LAUNCHER_ENV.meetingFamily]).toBe(jitsiTask.props.Family);
    expect(await decideAs('ecs:ListTasks', '*', { 'ecs:cluster': cluster })).toBe('Allowed');
    expect(await decideAs('ecs:ListTasks', '*', { 'ecs:cluster': `${cluster}-other` })).toBe('ImplicitlyDenied');
    expect(await decideAs('ecs:DescribeTasks', `arn:aws:ecs:${REGION}:${ACCOUNT}:task/${clusterId}/abc`)).toBe('Allowed');
  });

  it('runs the recorder family in this cluster only, never with ECS Exec, and passes exactly its two roles to ECS tasks', async () => {
    expect(await decideAs('ecs:RunTask', definition(family), { 'ecs:cluster': cluster })).toBe('Allowed');
    expect(
      await decideAs('ecs:RunTask', definition(family), { 'ecs:cluster': cluster, 'ecs:enable-execute-command': 'false' }),
    ).toBe('Allowed');
    expect(
      await decideAs('ecs:RunTask', definition(family), { 'ecs:cluster': cluster, 'ecs:enable-execute-command': 'true' }),
    ).toBe('ImplicitlyDenied');
    expect(await decideAs('ecs:RunTask', definition(family), { 'ecs:cluster': `${cluster}-other` })).toBe('ImplicitlyDenied');
    expect(await decideAs('ecs:RunTask', definition(jitsiTask.props.Family as string), { 'ecs:cluster': cluster })).toBe(
      'ImplicitlyDenied',
    );
    for (const r of roles) {
      expect(await decideAs('iam:PassRole', r, { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' })).toBe('Allowed');
      expect(await decideAs('iam:PassRole', r, { 'iam:PassedToService': 'ec2.amazonaws.com' })).toBe('ImplicitlyDenied');
    }
    expect(
      await decideAs('iam:PassRole', `arn:aws:iam::${ACCOUNT}:role/admin`, { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' }),
    ).toBe('ImplicitlyDenied');
  });

  it('can do nothing else: no service, no other task call, no secret, no recording', async () => {
    const secret = arnOf(json, resource(json, 'AWS::SecretsManager::Secret', 'RecorderXmppSecret').id);
    for (const [action, res] of [
      ['ecs:UpdateService', `arn:aws:ecs:${REGION}:${ACCOUNT}:service/${clusterId}/meeting`],
      ['ecs:StartTask', definition(family)],
      ['ecs:StopTask', `arn:aws:ecs:${REGION}:${ACCOUNT}:task/${clusterId}/abc`],
      ['ecs:ExecuteCommand', `arn:aws:ecs:${REGION}:${ACCOUNT}:task/${clusterId}/abc`],
      ['ecs:RegisterTaskDefinition', '*'],
      ['secretsmanager:GetSecretValue', secret],
      ['s3:PutObject', `${arnOf(json, resource(json, 'AWS::S3::Bucket').id, 'Arn')}/recordings/a.mp4`],
    ] as const) {
      expect(await decideAs(action, res, { 'ecs:cluster': cluster }), action).toBe('ImplicitlyDenied');
    }
  });

  it('is the only role of the template that may start the recorder task (RunTask or StartTask) or pass its roles', async () => {
    const allowed: string[] = [];
    for (const { id, policies } of everyRole()) {
      const may = await Promise.all([
        decide(policies, 'ecs:RunTask', definition(family), { 'ecs:cluster': cluster }),
        decide(policies, 'ecs:StartTask', definition(family), { 'ecs:cluster': cluster }),
        ...roles.map((role) => decide(policies, 'iam:PassRole', role, { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' })),
      ]);
      if (may.includes('Allowed')) allowed.push(id);
    }
    expect(allowed).toEqual([role]);
  });
});

describe("the organizer page's recordings (iam-simulate)", () => {
  const page = resource(json, 'AWS::IAM::Role', 'OrganizerPageFunctionServiceRole').id;
  const bucket = arnOf(json, resource(json, 'AWS::S3::Bucket').id, 'Arn');
  const decideAs = (action: string, res: string, context?: Record<string, string>) =>
    decide(policiesOfRole(json, page), action, res, context);

  it('lists the recordings prefix and reads (signs links for) the recordings, and nothing else', async () => {
    expect(await decideAs('s3:ListBucket', bucket, { 's3:prefix': 'recordings/' })).toBe('Allowed');
    expect(await decideAs('s3:ListBucket', bucket, { 's3:prefix': 'other/' })).toBe('ImplicitlyDenied');
    expect(await decideAs('s3:GetObject', `${bucket}/recordings/2026-12-03/weekly/a.mp4`)).toBe('Allowed');
    expect(await decideAs('s3:GetObject', `${bucket}/other/a.txt`)).toBe('ImplicitlyDenied');
    for (const action of ['s3:PutObject', 's3:DeleteObject', 's3:DeleteObjectVersion']) {
      expect(await decideAs(action, `${bucket}/recordings/2026-12-03/weekly/a.mp4`), action).toBe('ImplicitlyDenied');
    }
  });

  it('tells the page function that there are recordings to show', () => {
    const variables = (
      resource(json, 'AWS::Lambda::Function', 'OrganizerPageFunction').props.Environment as { Variables: Record<string, unknown> }
    ).Variables;
    expect(variables.RECORDINGS).toBe('on');
  });
});

describe("the recorder's XMPP passwords: a secret of their own (iam-simulate)", () => {
  const secretOf = (part: string) => arnOf(json, resource(json, 'AWS::SecretsManager::Secret', part).id);
  const recorderSecret = secretOf('RecorderXmppSecret');
  const internalSecret = secretOf('InternalSecret');
  const tokenSecret = secretOf('JitsiAuthTokenSecret');
  const roleOf = (task: { props: Record<string, unknown> }) =>
    (task.props.ExecutionRoleArn as { 'Fn::GetAtt': [string] })['Fn::GetAtt'][0];
  const readers = async (secret: string) => {
    const found: string[] = [];
    for (const { id, policies } of everyRole()) {
      if ((await decide(policies, 'secretsmanager:GetSecretValue', secret)) === 'Allowed') found.push(id);
    }
    return found.sort();
  };
  const generator = roleOfFunction(json, resource(json, 'AWS::Lambda::Function', 'InternalSecretGenerator').id);

  it('Jibri gets both passwords from it, and prosody (which registers the accounts) too', () => {
    const from = (c: Container) => (c.Secrets ?? []).map((x) => JSON.stringify(x)).join();
    expect(
      container(recorderTask, RECORDER_CONTAINERS.jibri)
        .Secrets?.map((x) => x.Name)
        .sort(),
    ).toEqual([...JIBRI_SECRET_KEYS].sort());
    expect(from(container(recorderTask, RECORDER_CONTAINERS.jibri))).toContain('RecorderXmppSecret');
    expect(from(container(recorderTask, RECORDER_CONTAINERS.jibri))).not.toContain('InternalSecret');
    const prosody = (container(jitsiTask, 'prosody').Secrets ?? []) as Array<{ Name: string; ValueFrom: unknown }>;
    for (const key of JIBRI_SECRET_KEYS) {
      expect(JSON.stringify(prosody.find((x) => x.Name === key)?.ValueFrom), key).toContain('RecorderXmppSecret');
    }
    // Generated at deploy time, like the internal passwords: the first key by CloudFormation, the other by the generator.
    expect(resource(json, 'AWS::SecretsManager::Secret', 'RecorderXmppSecret').props.GenerateSecretString).toMatchObject({
      GenerateStringKey: JIBRI_SECRET_KEYS[0],
    });
    const fills = ofType('Custom::InternalPasswords').map(([, r]) => r.Properties ?? {});
    expect(fills.find((p) => JSON.stringify(p.SecretArn).includes('RecorderXmppSecret'))?.Keys).toEqual([...JIBRI_SECRET_KEYS]);
    expect(fills.find((p) => JSON.stringify(p.SecretArn).includes('InternalSecret'))?.Keys).not.toContain(JIBRI_SECRET_KEYS[0]);
  });

  it("the recorder's task and execution roles read no other secret", async () => {
    const execution = roleOf(recorderTask);
    const task = (recorderTask.props.TaskRoleArn as { 'Fn::GetAtt': [string] })['Fn::GetAtt'][0];
    const may = (role: string, secret: string) => decide(policiesOfRole(json, role), 'secretsmanager:GetSecretValue', secret);
    expect(await may(execution, recorderSecret)).toBe('Allowed');
    for (const secret of [internalSecret, tokenSecret]) {
      expect(await may(execution, secret)).toBe('ImplicitlyDenied');
      expect(await may(task, secret)).toBe('ImplicitlyDenied');
    }
    expect(await may(task, recorderSecret)).toBe('ImplicitlyDenied');
  });

  it('each secret is read by the components that need it and by nobody else', async () => {
    const meeting = roleOf(jitsiTask);
    expect(await readers(recorderSecret)).toEqual([generator, meeting, roleOf(recorderTask)].sort());
    expect(await readers(internalSecret)).toEqual([generator, meeting].sort());
    const page = roleOfFunction(json, resource(json, 'AWS::Lambda::Function', 'OrganizerPageFunction').id);
    expect(await readers(tokenSecret)).toEqual([meeting, page].sort());
  });
});

describe('no shell into a task: ECS Exec stays off', () => {
  it('the meeting service does not enable it', () => {
    const [[, service]] = ofType('AWS::ECS::Service') as unknown as [[string, { Properties: Record<string, unknown> }]];
    expect(service.Properties.EnableExecuteCommand).toBe(false);
  });

  it('no role may run a command in a task, and no task role could open the session ECS Exec needs', async () => {
    const clusterId = resource(json, 'AWS::ECS::Cluster').id;
    const task = `arn:aws:ecs:${REGION}:${ACCOUNT}:task/${clusterId}/abc`;
    const allowed: string[] = [];
    for (const { id, policies } of everyRole()) {
      for (const action of ['ecs:ExecuteCommand', 'ssmmessages:CreateControlChannel', 'ssmmessages:OpenDataChannel']) {
        if ((await decide(policies, action, action.startsWith('ecs') ? task : '*')) === 'Allowed')
          allowed.push(`${id} ${action}`);
      }
    }
    expect(allowed).toEqual([]);
  });
});
