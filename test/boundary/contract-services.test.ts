import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { DeleteObjectCommand, ListObjectVersionsCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sdkClients, sdkControlPorts } from '../../src/aws/control-adapters.js';
import { OUTPUT_NAMES } from '../../src/control/outputs.js';
import type { ControlPorts, MeetupSchedule } from '../../src/control/ports.js';
import { SimAws, TIMING, VirtualClock } from '../../src/sim/simulated-aws.js';
import type { TemplateJson } from '../support/fixtures.js';
import { REGION } from '../support/iam.js';
import {
  buildMotoWorld,
  MOTO_CONFIG,
  type MotoWorld,
  motoForThisFile,
  runServiceTask,
  single,
  synthesizedTemplate,
} from '../support/moto-world.js';

/**
 * One behaviour, two implementations: the control ports over the simulator (src/sim) and over the
 * SDK adapters on moto must answer the same scenario the same way: the stack and its outputs, ECS's
 * service and task shapes, Secrets Manager's staging, EventBridge Scheduler, the Cognito user pool,
 * the recordings bucket, and the error names the code matches on. Where moto deviates from AWS, the
 * scenario is in the simulator-only section at the end, with the AWS document and a check that moto
 * still deviates.
 */
const moto = motoForThisFile('contract tests of the control ports against moto');
const config = MOTO_CONFIG;

interface World {
  readonly ports: ControlPorts;
  readonly outputs: Readonly<Record<string, string>>;
  /** Upload an object (a new version when the key exists: the bucket is versioned). */
  putObject(key: string, body: string): Promise<void>;
  /** Bring one task of the service to RUNNING. */
  runServiceTask(): Promise<void>;
  /** The stack port of a stack that does not exist. */
  readonly absentStack: ControlPorts['stack'];
}

let template: TemplateJson;
beforeAll(() => {
  template = synthesizedTemplate(config);
});

async function simulatorWorld(): Promise<World> {
  const clock = new VirtualClock();
  const sim = new SimAws(clock, { ingress: 'direct', stackName: config.stackName, domain: config.domain });
  const gone = new SimAws(clock, { stackName: 'Meet-nothing-here' });
  gone.deleted = true;
  // Read like the CLI does: from the stack.
  const outputs = { ...((await sim.ports.stack.describe())?.outputs ?? {}) };
  return {
    ports: sim.ports,
    outputs,
    putObject: async (key, body) => {
      sim.objects.set(key, { body, at: clock.now() });
    },
    runServiceTask: async () => {
      await sim.ports.service.setDesired(outputs[OUTPUT_NAMES.cluster] ?? '', outputs[OUTPUT_NAMES.service] ?? '', 1);
      await clock.sleep(TIMING.running * 1000);
    },
    absentStack: gone.ports.stack,
  };
}

async function motoWorld(): Promise<World & { readonly moto: MotoWorld }> {
  const server = moto.server();
  await server.reset();
  const world = await buildMotoWorld(server, { config, template });
  return {
    moto: world,
    ports: world.ports,
    outputs: world.outputs,
    putObject: async (key, body) => {
      await world.clients.s3.send(new PutObjectCommand({ Bucket: world.outputs[OUTPUT_NAMES.bucket], Key: key, Body: body }));
    },
    runServiceTask: async () => {
      await runServiceTask(world);
    },
    absentStack: sdkControlPorts(sdkClients({ region: REGION }), 'Meet-nothing-here').stack,
  };
}

/**
 * One world per implementation for the shared scenarios, built on first use: each scenario uses
 * names of its own, and the bucket's deletion comes last.
 */
const once = <T>(make: () => Promise<T>): (() => Promise<T>) => {
  let made: Promise<T> | undefined;
  return () => {
    made ??= make();
    return made;
  };
};
const worlds: Array<[string, () => Promise<World>]> = [
  ['the simulator', once(simulatorWorld)],
  ...(moto.available ? [['moto', once(motoWorld)] as [string, () => Promise<World>]] : []),
];
/** The moto world of the section on moto's deviations (its own, since the shared one's bucket is deleted). */
const deviating = once(motoWorld);

/** The container names of the meeting's task definition in the synthesized template. */
const containerNames = () =>
  (
    (single(template, 'AWS::ECS::TaskDefinition', 'Jitsi')[1].Properties?.ContainerDefinitions ?? []) as Array<{ Name: string }>
  ).map((c) => c.Name);
const out = (w: World, name: keyof typeof OUTPUT_NAMES) => w.outputs[OUTPUT_NAMES[name]] ?? '';
const nameOf = (error: unknown) => (error instanceof Error ? error.name : String(error));
async function rejection(call: Promise<unknown>): Promise<string> {
  try {
    await call;
  } catch (error) {
    return nameOf(error);
  }
  return 'no error';
}

describe.each(worlds)('the stack in %s', (_name, make) => {
  let w: World;
  beforeAll(async () => {
    w = await make();
  });

  it('is complete, powered on, and has every output the synthesized template declares', async () => {
    const stack = await w.ports.stack.describe();
    expect(stack).toMatchObject({ name: config.stackName, status: expect.stringMatching(/_COMPLETE$/), powerState: 'on' });
    expect(Object.keys(stack?.outputs ?? {}).sort()).toEqual(expect.arrayContaining(Object.keys(template.Outputs).sort()));
    expect(stack?.outputs[OUTPUT_NAMES.ingress]).toBe('direct');
  });

  it('is undefined when it does not exist (CloudFormation answers with a ValidationError)', async () => {
    expect(await w.absentStack.describe()).toBeUndefined();
  });
});

describe.each(worlds)('the ECS service in %s', (_name, make) => {
  let w: World;
  beforeAll(async () => {
    w = await make();
  });

  it('is at desired 0 with no task, takes desired 1, and names a missing service as such', async () => {
    const cluster = out(w, 'cluster');
    const service = out(w, 'service');
    expect(await w.ports.service.describe(cluster, service)).toEqual({ desired: 0, running: 0, pending: 0 });
    expect(await w.ports.service.tasks(cluster, service)).toEqual([]);
    expect(await w.ports.service.describe(cluster, 'no-such-service')).toBeUndefined();
    expect(await rejection(w.ports.service.setDesired(cluster, 'no-such-service', 1))).toBe('ServiceNotFoundException');
    expect(await rejection(w.ports.service.describe('no-such-cluster', service))).toBe('ClusterNotFoundException');
    await w.ports.service.setDesired(cluster, service, 1);
    expect(await w.ports.service.describe(cluster, service)).toMatchObject({ desired: 1 });
  });

  it('describes a running task: its ARN in the cluster, RUNNING, its private address, containers of the definition', async () => {
    await w.runServiceTask();
    const cluster = out(w, 'cluster');
    const tasks = await w.ports.service.tasks(cluster, out(w, 'service'));
    const running = tasks.filter((t) => t.lastStatus === 'RUNNING');
    expect(running).toHaveLength(1);
    const [task] = running;
    expect(task?.arn).toMatch(new RegExp(`^arn:aws:ecs:${REGION}:111122223333:task/${cluster}/[A-Za-z0-9-]+$`));
    expect(task).toMatchObject({ desiredStatus: 'RUNNING', privateIp: expect.stringMatching(/^10\.\d+\.\d+\.\d+$/) });
    expect(typeof task?.createdAt).toBe('number');
    expect(task?.containers.length).toBeGreaterThan(0);
    for (const c of task?.containers ?? []) expect(containerNames()).toContain(c.name);
  });
});

describe.each(worlds)('Secrets Manager in %s', (_name, make) => {
  let w: World;
  beforeAll(async () => {
    w = await make();
  });

  it('reads the secrets as JSON with the keys the tasks read', async () => {
    expect(Object.keys(JSON.parse(await w.ports.secrets.value(out(w, 'secret')))).sort()).toEqual([
      'JICOFO_AUTH_PASSWORD',
      'JVB_AUTH_PASSWORD',
    ]);
    expect(Object.keys(JSON.parse(await w.ports.secrets.value(out(w, 'tokenSecret'))))).toEqual(['JWT_APP_SECRET']);
  });

  it('stages a new value as AWSPENDING without changing what is read, and promotes any staged version, twice harmlessly', async () => {
    const arn = out(w, 'tokenSecret');
    const before = await w.ports.secrets.value(arn);
    const first = await w.ports.secrets.stage(arn, JSON.stringify({ JWT_APP_SECRET: 'staged-first' }));
    const second = await w.ports.secrets.stage(arn, JSON.stringify({ JWT_APP_SECRET: 'staged-second' }));
    expect(first).toEqual(expect.any(String));
    expect(second).not.toBe(first);
    expect(await w.ports.secrets.value(arn)).toBe(before);
    // The first staged version lost its AWSPENDING label to the second but still exists: it can be made current.
    await w.ports.secrets.promote(arn, first);
    await w.ports.secrets.promote(arn, first);
  });

  it('names a missing secret ResourceNotFoundException', async () => {
    expect(
      await rejection(w.ports.secrets.value(`arn:aws:secretsmanager:${REGION}:111122223333:secret:no-such-secret-AbCdEf`)),
    ).toBe('ResourceNotFoundException');
  });
});

const schedule = (name: string, changes: Partial<MeetupSchedule> = {}): MeetupSchedule => ({
  name,
  expression: 'cron(45 17 ? * WED *)',
  timeZone: 'Europe/Berlin',
  leadMinutes: 15,
  windowMinutes: 120,
  description: `weekly meetup ${name}`,
  oneOff: false,
  ...changes,
});

describe.each(worlds)('EventBridge Scheduler in %s', (_name, make) => {
  let w: World;
  beforeAll(async () => {
    w = await make();
  });
  const target = () => ({ functionArn: out(w, 'scheduledStart'), roleArn: out(w, 'schedulerRole') });

  it('creates, lists with what each schedule carries, and removes schedules', async () => {
    const group = out(w, 'scheduleGroup');
    await w.ports.schedules.create(group, schedule('weekly'), target());
    await w.ports.schedules.create(
      group,
      schedule('december', { expression: 'at(2026-12-03T17:45:00)', oneOff: true, record: true, timeZone: 'UTC' }),
      target(),
    );
    const listed = (await w.ports.schedules.list(group)).sort((a, b) => a.name.localeCompare(b.name));
    expect(listed).toEqual([
      {
        ...schedule('december', { expression: 'at(2026-12-03T17:45:00)', oneOff: true, record: true, timeZone: 'UTC' }),
        state: 'ENABLED',
      },
      { ...schedule('weekly'), state: 'ENABLED' },
    ]);
    await w.ports.schedules.remove(group, 'weekly');
    await w.ports.schedules.remove(group, 'december');
    expect(await w.ports.schedules.list(group)).toEqual([]);
  });

  it('keeps a description to the 512 characters EventBridge Scheduler stores', async () => {
    const group = out(w, 'scheduleGroup');
    await w.ports.schedules.create(group, schedule('long', { description: 'x'.repeat(600) }), target());
    const [listed] = await w.ports.schedules.list(group);
    expect(listed?.description).toBe('x'.repeat(512));
    await w.ports.schedules.remove(group, 'long');
  });

  it('names a second schedule of the same name ConflictException and a missing one ResourceNotFoundException', async () => {
    const group = out(w, 'scheduleGroup');
    await w.ports.schedules.create(group, schedule('twice'), target());
    expect(await rejection(w.ports.schedules.create(group, schedule('twice'), target()))).toBe('ConflictException');
    await w.ports.schedules.remove(group, 'twice');
    expect(await rejection(w.ports.schedules.remove(group, 'twice'))).toBe('ResourceNotFoundException');
  });
});

describe.each(worlds)('the Cognito user pool in %s', (_name, make) => {
  let w: World;
  beforeAll(async () => {
    w = await make();
  });

  it('adds members who must change their password, groups them, removes them, and names the errors', async () => {
    const pool = out(w, 'userPool');
    const users = w.ports.users;
    await users.add(pool, { email: 'ana@ne3d.org', name: 'Ana' });
    await users.add(pool, { email: 'bob@ne3d.org' });
    expect(await rejection(users.add(pool, { email: 'ana@ne3d.org' }))).toBe('UsernameExistsException');
    await users.addToGroup(pool, 'ana@ne3d.org', 'organizers');
    await users.addToGroup(pool, 'ana@ne3d.org', 'members');
    expect(await users.list(pool)).toEqual([
      { email: 'ana@ne3d.org', name: 'Ana', status: 'FORCE_CHANGE_PASSWORD', enabled: true, groups: ['members', 'organizers'] },
      { email: 'bob@ne3d.org', status: 'FORCE_CHANGE_PASSWORD', enabled: true, groups: [] },
    ]);
    await users.removeFromGroup(pool, 'ana@ne3d.org', 'organizers');
    expect((await users.list(pool))[0]?.groups).toEqual(['members']);
    expect(await rejection(users.addToGroup(pool, 'ana@ne3d.org', 'no-such-group'))).toBe('ResourceNotFoundException');
    expect(await rejection(users.addToGroup(pool, 'eve@ne3d.org', 'members'))).toBe('UserNotFoundException');
    await users.remove(pool, 'bob@ne3d.org');
    expect(await rejection(users.remove(pool, 'bob@ne3d.org'))).toBe('UserNotFoundException');
    expect((await users.list(pool)).map((m) => m.email)).toEqual(['ana@ne3d.org']);
  });
});

describe.each(worlds)('the recordings bucket in %s', (_name, make) => {
  let w: World;
  const folder = mkdtempSync(path.join(tmpdir(), 'meetctl-contract-'));
  afterAll(() => rmSync(folder, { recursive: true, force: true }));
  beforeAll(async () => {
    w = await make();
  });
  const day = 'recordings/2026-12-03/weekly';

  it('lists the current objects under a prefix in key order (S3 lists UTF-8 binary order), with sizes', async () => {
    const bucket = out(w, 'bucket');
    for (const key of [`${day}/b.mp4`, `${day}/a.mp4`, `${day}/a.json`, 'recordings/2026-11-05/board/c.mp4']) {
      await w.putObject(key, `body of ${key}`);
    }
    const listed = await w.ports.recordings.list(bucket, `${day}/`);
    expect(listed.map((o) => o.key)).toEqual([`${day}/a.json`, `${day}/a.mp4`, `${day}/b.mp4`]);
    expect(listed.map((o) => o.size)).toEqual(listed.map((o) => `body of ${o.key}`.length));
    expect(listed.every((o) => Number.isFinite(o.lastModified) && o.lastModified > 0)).toBe(true);
  });

  it('reads and downloads an object, never over an existing file, and names a missing key NoSuchKey', async () => {
    const bucket = out(w, 'bucket');
    expect(await w.ports.recordings.read(bucket, `${day}/a.json`)).toBe(`body of ${day}/a.json`);
    const file = path.join(folder, `${_name.replace(/\W/g, '')}.mp4`);
    expect(await w.ports.recordings.download(bucket, `${day}/a.mp4`, file)).toBe(`body of ${day}/a.mp4`.length);
    expect(readFileSync(file, 'utf8')).toBe(`body of ${day}/a.mp4`);
    writeFileSync(file, 'mine');
    await expect(w.ports.recordings.download(bucket, `${day}/b.mp4`, file)).rejects.toThrow(/EEXIST/);
    expect(readFileSync(file, 'utf8')).toBe('mine');
    expect(await rejection(w.ports.recordings.read(bucket, `${day}/missing.json`))).toBe('NoSuchKey');
    expect(existsSync(path.join(folder, 'missing.json'))).toBe(false);
  });

  it('removes every version of exactly one key (the bucket is versioned) and nothing else', async () => {
    const bucket = out(w, 'bucket');
    await w.putObject(`${day}/b.mp4`, 'second upload of b');
    expect(await w.ports.recordings.remove(bucket, `${day}/b.mp4`)).toBe(2);
    expect((await w.ports.recordings.list(bucket, `${day}/`)).map((o) => o.key)).toEqual([`${day}/a.json`, `${day}/a.mp4`]);
    expect(await w.ports.recordings.remove(bucket, `${day}/b.mp4`)).toBe(0);
  });

  it('deletes every version and the bucket, counting the versions', async () => {
    const bucket = out(w, 'bucket');
    // a.json, a.mp4 and c.mp4 remain, one version each; a.mp4 gets a second one.
    await w.putObject(`${day}/a.mp4`, 'second upload of a');
    expect(await w.ports.recordings.deleteAll(bucket)).toBe(4);
    expect(await rejection(w.ports.recordings.list(bucket, ''))).toBe('NoSuchBucket');
  });
});

/**
 * Where moto deviates from AWS: the simulator follows the AWS document cited, and moto is checked
 * to deviate still, so this list stays true (when a moto release fixes one, its check fails: move
 * the scenario into the shared contract above).
 */
describe('where moto deviates from AWS', () => {
  it('ECS keeps a service at its desired count: desired 1 places a task (the service scheduler)', async () => {
    // https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs_services.html: "Amazon ECS runs and
    // maintains your desired number of tasks simultaneously in an Amazon ECS cluster."
    const w = await simulatorWorld();
    await w.runServiceTask();
    expect((await w.ports.service.tasks(out(w, 'cluster'), out(w, 'service'))).map((t) => t.lastStatus)).toEqual(['RUNNING']);
    if (!moto.available) return;
    // moto's services place no task: the moto suite starts one with RunTask (runServiceTask) instead.
    const m = await deviating();
    await m.ports.service.setDesired(out(m, 'cluster'), out(m, 'service'), 1);
    expect(await m.ports.service.tasks(out(m, 'cluster'), out(m, 'service'))).toEqual([]);
  });

  it('ECS describes a task with one container per container definition and its creation time', async () => {
    // https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Task.html: "containers: The containers
    // that's associated with the task"; "createdAt: The Unix timestamp for the time when the task was created".
    const w = await simulatorWorld();
    await w.runServiceTask();
    const [task] = await w.ports.service.tasks(out(w, 'cluster'), out(w, 'service'));
    expect(task?.containers.map((c) => c.name).sort()).toEqual(containerNames().sort());
    expect(task?.createdAt).toBeGreaterThan(0);
    if (!moto.available) return;
    // moto answers one container (the definition's first) and no createdAt.
    const m = await deviating();
    await m.runServiceTask();
    const [motoTask] = await m.ports.service.tasks(out(m, 'cluster'), out(m, 'service'));
    expect(motoTask?.containers.map((c) => c.name)).toEqual([containerNames()[0]]);
    expect(motoTask?.createdAt).toBe(0);
  });

  it('Secrets Manager reads the version promoted to AWSCURRENT when no stage is named', async () => {
    // https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_GetSecretValue.html: "If you don't
    // specify either a VersionStage or VersionId, then Secrets Manager defaults to returning the AWSCURRENT version."
    const promoted = JSON.stringify({ JWT_APP_SECRET: 'promoted' });
    const w = await simulatorWorld();
    await w.ports.secrets.promote(out(w, 'tokenSecret'), await w.ports.secrets.stage(out(w, 'tokenSecret'), promoted));
    expect(await w.ports.secrets.value(out(w, 'tokenSecret'))).toBe(promoted);
    if (!moto.available) return;
    // moto moves the AWSCURRENT label but its GetSecretValue without a stage still returns the old value.
    const m = await deviating();
    const before = await m.ports.secrets.value(out(m, 'tokenSecret'));
    await m.ports.secrets.promote(out(m, 'tokenSecret'), await m.ports.secrets.stage(out(m, 'tokenSecret'), promoted));
    expect(await m.ports.secrets.value(out(m, 'tokenSecret'))).toBe(before);
  });

  it('EventBridge Scheduler refuses a schedule in a group that does not exist with ResourceNotFoundException', async () => {
    // https://docs.aws.amazon.com/scheduler/latest/APIReference/API_CreateSchedule.html (Errors):
    // "ResourceNotFoundException: The request references a resource which does not exist."
    const w = await simulatorWorld();
    const target = { functionArn: out(w, 'scheduledStart'), roleArn: out(w, 'schedulerRole') };
    expect(await rejection(w.ports.schedules.create('no-such-group', schedule('lost'), target))).toBe(
      'ResourceNotFoundException',
    );
    if (!moto.available) return;
    // moto fails with HTTP 500 (an HTML error page the SDK cannot parse).
    const m = await deviating();
    const motoTarget = { functionArn: out(m, 'scheduledStart'), roleArn: out(m, 'schedulerRole') };
    expect(await rejection(m.ports.schedules.create('no-such-group', schedule('lost'), motoTarget))).toBe('SyntaxError');
  });

  it('S3 lists object versions from a marker whose version was deleted meanwhile (deleteAll of more than a page)', async () => {
    // https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectVersions.html: KeyMarker "Specifies the
    // key to start with", VersionIdMarker "Specifies the object version you want to start listing from"; the
    // listing goes on in key order from there. deleteAll deletes each page before it asks for the next.
    const w = await simulatorWorld();
    for (let i = 0; i < 1001; i++) await w.putObject(`recordings/2026-12-03/weekly/${String(i).padStart(4, '0')}.mp4`, 'v');
    expect(await w.ports.recordings.deleteAll(out(w, 'bucket'))).toBe(1001);
    if (!moto.available) return;
    // moto resumes only at the exact marker version: once it is deleted, the next page comes back empty.
    const m = await deviating();
    const { s3 } = m.moto.clients;
    const Bucket = out(m, 'bucket');
    for (const key of ['a.mp4', 'b.mp4', 'c.mp4']) await m.putObject(key, 'v');
    const first = await s3.send(new ListObjectVersionsCommand({ Bucket, MaxKeys: 1 }));
    const [version] = first.Versions ?? [];
    await s3.send(new DeleteObjectCommand({ Bucket, Key: version?.Key, VersionId: version?.VersionId }));
    const next = await s3.send(
      new ListObjectVersionsCommand({
        Bucket,
        MaxKeys: 1,
        KeyMarker: first.NextKeyMarker,
        VersionIdMarker: first.NextVersionIdMarker,
      }),
    );
    expect(next.Versions ?? []).toEqual([]);
    expect((await s3.send(new ListObjectVersionsCommand({ Bucket }))).Versions).toHaveLength(2);
  });
});
