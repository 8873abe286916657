import { CreateLogStreamCommand, PutLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { DescribeTasksCommand, StopTaskCommand, type Task } from '@aws-sdk/client-ecs';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { ecsRecorderLauncher } from '../../src/aws/recorder.js';
import { sdkPorts } from '../../src/aws/sdk-adapters.js';
import { dynamoCertificateStatus, route53HostRecord } from '../../src/aws/task-dns-adapters.js';
import { reconcileHost, restoreHost } from '../../src/control/host-record.js';
import { observe } from '../../src/control/observe.js';
import { OUTPUT_NAMES } from '../../src/control/outputs.js';
import { systemClock } from '../../src/control/ports.js';
import { handler as taskDnsHandler } from '../../src/lambda/task-dns.js';
import { launchRecorder } from '../../src/recording/launcher.js';
import { configWith, type TemplateJson } from '../support/fixtures.js';
import { ACCOUNT, REGION } from '../support/iam.js';
import {
  buildMotoWorld,
  MOTO_CONFIG,
  type MotoWorld,
  motoForThisFile,
  registerRecorderInstance,
  runServiceTask,
  synthesizedTemplate,
} from '../support/moto-world.js';

/**
 * The project's SDK adapters (src/aws) and the DNS function against moto, in the world the stack
 * creates (test/support/moto-world.ts), for what the contract tests with the simulator do not cover:
 * the DNS function end to end (the task's network interface and public address, the record, the
 * task row, INSYNC as the CLI reads it), container logs and stats lines, the certificate row, a
 * presigned download link, the caller's account, and an update of the stand-in stack that changes
 * nothing. The lock, the event log, Route 53's rules, ECS, Secrets Manager, the schedules, the user
 * pool and the bucket are in test/boundary/contract-*.test.ts.
 */
const moto = motoForThisFile('the SDK adapters against moto');
const config = MOTO_CONFIG;

let template: TemplateJson;
let world: MotoWorld;
beforeAll(async () => {
  if (!moto.available) return;
  template = synthesizedTemplate(config);
});

async function freshWorld(): Promise<MotoWorld> {
  await moto.server().reset();
  world = await buildMotoWorld(moto.server(), { config, template });
  return world;
}

const out = (name: keyof typeof OUTPUT_NAMES) => world.outputs[OUTPUT_NAMES[name]] ?? '';

/** An ECS "Task State Change" event as EventBridge delivers it: the task as ECS describes it, with a version. */
function taskStateChange(task: Task, version: number, changes: Partial<Pick<Task, 'lastStatus' | 'desiredStatus'>> = {}) {
  return {
    version: '0',
    id: `event-${version}`,
    'detail-type': 'ECS Task State Change' as const,
    source: 'aws.ecs',
    account: ACCOUNT,
    time: new Date().toISOString(),
    region: REGION,
    resources: [task.taskArn ?? ''],
    detail: {
      taskArn: task.taskArn ?? '',
      lastStatus: changes.lastStatus ?? task.lastStatus ?? '',
      desiredStatus: changes.desiredStatus ?? task.desiredStatus ?? '',
      version,
      attachments: (task.attachments ?? []).map((a) => ({
        type: a.type ?? '',
        details: (a.details ?? []).map((d) => ({ name: d.name ?? '', value: d.value ?? '' })),
      })),
    },
  };
}

describe.skipIf(!moto.available)('the DNS function against moto', () => {
  let saved: NodeJS.ProcessEnv = {};
  beforeEach(() => {
    saved = { ...process.env };
  });
  afterEach(() => {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
    vi.restoreAllMocks();
  });

  it('points the meeting host at the task public address, the CLI sees it in sync, and the stop points it back', async () => {
    await freshWorld();
    // The function's environment, as the template sets it (the moto zone in place of the config's).
    Object.assign(process.env, world.taskDnsEnv);
    vi.spyOn(console, 'log').mockImplementation(() => {});
    const { taskArn, eniId, publicIp } = await runServiceTask(world);
    const { tasks } = await world.clients.ecs.send(new DescribeTasksCommand({ cluster: out('cluster'), tasks: [taskArn] }));
    const task = tasks?.[0] as Task;
    expect(task.attachments?.[0]?.details).toContainEqual({ name: 'networkInterfaceId', value: eniId });

    const running = await taskDnsHandler(taskStateChange(task, 3) as never);
    expect(running).toMatchObject({ action: 'pointed-at-task', why: `the meeting host now points at ${publicIp}` });
    const snapshot = await observe(world.ports, { host: config.domain, now: Date.now() });
    expect(snapshot?.tasks.map((t) => t.lastStatus)).toEqual(['RUNNING']);
    // With the time Route 53 accepted the change (GetChange SubmittedAt), for `start`'s phase timings.
    expect(snapshot?.taskDns).toEqual({ taskArn, ip: publicIp, inSync: true, changeSubmittedAt: expect.any(Number) });

    // EventBridge delivers at least once: the same event again changes nothing (it is handled again,
    // so that Lambda's retry of a failed attempt does the switch).
    expect(await taskDnsHandler(taskStateChange(task, 3) as never)).toMatchObject({ action: 'unchanged' });

    // The service sets the task's desired status to STOPPED: the record goes back before the address is released.
    await world.clients.ecs.send(new StopTaskCommand({ cluster: out('cluster'), task: taskArn, reason: 'desired 0' }));
    const stopping = await taskDnsHandler(taskStateChange(task, 4, { desiredStatus: 'STOPPED' }) as never);
    expect(stopping).toMatchObject({ action: 'pointed-asleep' });
    // An older event that arrives late cannot point the host at the stopped task again.
    expect(await taskDnsHandler(taskStateChange(task, 3) as never)).toMatchObject({ action: 'ignored' });
    const after = await observe(world.ports, { host: config.domain, now: Date.now() });
    expect(after?.taskDns).toBeUndefined();
    const { route53HostRecord } = await import('../../src/aws/task-dns-adapters.js');
    expect(await route53HostRecord(world.clients.route53, world.hostedZoneId, config.domain, world.asleep).current()).toEqual({
      kind: 'asleep',
    });
  });
});

describe.skipIf(!moto.available)("the meeting host's record put right through the control ports, against moto", () => {
  const hostRecord = () => route53HostRecord(world.clients.route53, world.hostedZoneId, config.domain, world.asleep).current();

  it('the runtime guard points the host at a running task the DNS function missed, and back at the asleep page after it', async () => {
    await freshWorld();
    const { taskArn, publicIp } = await runServiceTask(world);
    expect(await hostRecord()).toEqual({ kind: 'asleep' });
    expect(await reconcileHost(world.ports, systemClock)).toMatchObject({ action: 'pointed-at-task', was: { kind: 'asleep' } });
    expect(await hostRecord()).toEqual({ kind: 'task', ip: publicIp });
    // The change is noted on the task's row: the CLI sees the start ready once Route 53 has it.
    const snapshot = await observe(world.ports, { host: config.domain, now: Date.now() });
    // With the time Route 53 accepted the change (GetChange SubmittedAt), for `start`'s phase timings.
    expect(snapshot?.taskDns).toEqual({ taskArn, ip: publicIp, inSync: true, changeSubmittedAt: expect.any(Number) });
    expect(await reconcileHost(world.ports, systemClock)).toMatchObject({ action: 'unchanged' });
    // The task stops and the DNS function fails every attempt: the next round takes the name back.
    await world.clients.ecs.send(new StopTaskCommand({ cluster: out('cluster'), task: taskArn, reason: 'desired 0' }));
    expect(await reconcileHost(world.ports, systemClock)).toMatchObject({
      action: 'pointed-asleep',
      was: { kind: 'task', ip: publicIp },
    });
    expect(await hostRecord()).toEqual({ kind: 'asleep' });
  });

  it('deploy and destroy put back the alias CloudFormation created, whatever the record holds', async () => {
    await freshWorld();
    const { publicIp } = await runServiceTask(world);
    await reconcileHost(world.ports, systemClock);
    expect(await hostRecord()).toEqual({ kind: 'task', ip: publicIp });
    expect(await restoreHost(world.ports, systemClock)).toMatchObject({ action: 'pointed-asleep' });
    expect(await hostRecord()).toEqual({ kind: 'asleep' });
    expect(await restoreHost(world.ports, systemClock)).toMatchObject({ action: 'unchanged' });
  });
});

describe.skipIf(!moto.available)('the control ports against moto', () => {
  const built = { from: 0, by: 0 };
  beforeAll(async () => {
    built.from = Date.now();
    await freshWorld();
    built.by = Date.now();
  });

  it("read when the stack took its status from its own event in moto's DescribeStackEvents (the runtime guard's alert)", async () => {
    const status = (await world.ports.stack.describe())?.status ?? '';
    expect(status).toMatch(/_COMPLETE$/);
    const since = await world.ports.stack.statusSince(status);
    // moto stamps the event when it creates the stack (to the millisecond; 1 s of slack for the clock read).
    expect(since).toBeGreaterThanOrEqual(built.from - 1000);
    expect(since).toBeLessThanOrEqual(built.by + 1000);
    expect(await world.ports.stack.statusSince('UPDATE_ROLLBACK_FAILED')).toBeUndefined();
  });

  it('tail and read container logs, and read the participants from the stats lines', async () => {
    const groups = Object.fromEntries(
      out('logGroups')
        .split(',')
        .map((pair) => pair.split('=') as [string, string]),
    );
    const web = groups.web ?? '';
    const stats = groups.stats ?? '';
    const at = Date.now() - 60_000;
    const put = async (logGroupName: string, logStreamName: string, messages: string[]) => {
      await world.clients.logs.send(new CreateLogStreamCommand({ logGroupName, logStreamName }));
      await world.clients.logs.send(
        new PutLogEventsCommand({
          logGroupName,
          logStreamName,
          logEvents: messages.map((message, i) => ({ timestamp: at + i * 1000, message })),
        }),
      );
    };
    await put(web, 'web/web/task1', ['first line', 'second line', 'third line']);
    await put(stats, 'stats/stats/task1', [
      JSON.stringify({ ok: true, stats: { participants: 3 }, type: 'jicofo-stats' }),
      'not json',
      JSON.stringify({ ok: false, stats: null, type: 'jicofo-stats' }),
      JSON.stringify({ ok: true, stats: { participants: 5 }, type: 'jicofo-stats' }),
    ]);
    expect(await world.ports.logs.tail(web, 'web/web/task1', 2)).toEqual(['second line', 'third line']);
    expect((await world.ports.logs.read(web, at + 1000)).map((l) => [l.stream, l.message])).toEqual([
      ['web/web/task1', 'second line'],
      ['web/web/task1', 'third line'],
    ]);
    expect(await world.ports.participants.samples(stats, at)).toEqual([
      { at, participants: 3 },
      { at: at + 3000, participants: 5 },
    ]);
  });

  it("keep the certificate function's report in the state table, as the CLI reads it", async () => {
    expect(await world.ports.certificate.status()).toBeUndefined();
    const report = { checkedAt: Date.now(), action: 'renewed', notAfter: Date.now() + 90 * 86_400_000 };
    await dynamoCertificateStatus(world.clients.dynamodb, out('stateTable')).report(report);
    expect(await world.ports.certificate.status()).toEqual(report);
  });

  it('give a download link that works without credentials', async () => {
    const key = 'recordings/2026-12-03/weekly/weekly_2026-12-03-18-00-05.mp4';
    await world.clients.s3.send(new PutObjectCommand({ Bucket: out('bucket'), Key: key, Body: 'the video' }));
    const link = await world.ports.recordings.link(out('bucket'), key, 300);
    expect(new URL(link).searchParams.get('X-Amz-Expires')).toBe('300');
    const response = await fetch(link);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('the video');
  });

  it('answer the deploy ports: the account of the credentials, the stack, the service counts', async () => {
    const ports = sdkPorts({ region: REGION });
    expect(await ports.identity.accountId()).toBe(ACCOUNT);
    expect(await ports.stacks.describe(config.stackName)).toMatchObject({ name: config.stackName, powerState: 'on' });
    expect(await ports.stacks.describe('Meet-nothing-here')).toBeUndefined();
    expect(await ports.services.counts(out('cluster'), out('service'))).toEqual({ desired: 0, running: 0, pending: 0 });
  });

  it('flip PowerState on the previous template; an update that changes nothing is done', async () => {
    await world.ports.stack.setPower('on');
    expect(await world.ports.stack.describe()).toMatchObject({ powerState: 'on', status: expect.stringMatching(/_COMPLETE$/) });
  });
});

describe.skipIf(!moto.available)('the recorder against moto (Auto Scaling, ECS on EC2, CloudWatch Logs)', () => {
  const recording = configWith({ ...MOTO_CONFIG, recording: { enabled: true } });
  let recorderWorld: MotoWorld;
  beforeAll(async () => {
    await moto.server().reset();
    recorderWorld = await buildMotoWorld(moto.server(), { config: recording, template: synthesizedTemplate(recording) });
  });
  const o = (name: keyof typeof OUTPUT_NAMES) => recorderWorld.outputs[OUTPUT_NAMES[name]] ?? '';

  it('asks the group for an instance, sees it join the cluster, launches Jibri on the meeting, reads its status, stops it', async () => {
    const r = recorderWorld.ports.recorder;
    expect(await r.capacity(o('recorderGroup'))).toBe(0);
    await r.setCapacity(o('recorderGroup'), 1);
    expect(await r.capacity(o('recorderGroup'))).toBe(1);
    // moto launches the group's instance but runs no ECS agent on it: register it as the agent would.
    expect(await r.instances(o('cluster'))).toBe(0);
    await registerRecorderInstance(recorderWorld);
    expect(await r.instances(o('cluster'))).toBe(1);

    // The launcher (src/recording/launcher.ts, as its Lambda entry builds it) against moto: it finds
    // the meeting task's private address itself and passes that one override, nothing a caller chose.
    const launcher = ecsRecorderLauncher(recorderWorld.clients.ecs, {
      cluster: o('cluster'),
      recorderFamily: o('recorderTaskFamily'),
      capacityProvider: o('recorderCapacityProvider'),
      meetingFamily: o('taskFamily'),
    });
    expect(await launchRecorder(launcher)).toMatchObject({ ok: false, code: 'NoMeetingTask' });
    const meeting = await runServiceTask(recorderWorld);
    const { tasks: meetingTasks } = await recorderWorld.clients.ecs.send(
      new DescribeTasksCommand({ cluster: o('cluster'), tasks: [meeting.taskArn] }),
    );
    const address = meetingTasks?.[0]?.attachments?.[0]?.details?.find((d) => d.name === 'privateIPv4Address')?.value;
    const launched = await launchRecorder(launcher);
    if (!launched.ok) throw new Error(launched.message);
    expect(launched.started).toBe(true);
    const arn = launched.taskArn;
    const { tasks } = await recorderWorld.clients.ecs.send(new DescribeTasksCommand({ cluster: o('cluster'), tasks: [arn] }));
    expect(tasks?.[0]?.overrides?.containerOverrides).toEqual([
      expect.objectContaining({ name: 'jibri', environment: [{ name: 'XMPP_SERVER', value: address }] }),
    ]);
    expect(tasks?.[0]?.overrides?.taskRoleArn).toBeUndefined();
    // A retried invocation finds the recorder it started instead of starting a second one.
    expect(await launchRecorder(launcher)).toEqual({ ok: true, taskArn: arn, started: false });
    expect((await r.tasks(o('cluster'), o('recorderTaskFamily'))).map((t) => [t.arn, t.lastStatus])).toEqual([[arn, 'RUNNING']]);
    await recorderWorld.clients.ecs.send(new StopTaskCommand({ cluster: o('cluster'), task: meeting.taskArn }));

    const at = Date.now() - 30_000;
    const line = (busyStatus: string) =>
      JSON.stringify({
        type: 'recorder-status',
        ok: true,
        health: { status: { busyStatus, health: { healthStatus: 'HEALTHY' } } },
      });
    const logStreamName = `recorder-status/recorder-status/${arn.split('/').pop()}`;
    await recorderWorld.clients.logs.send(new CreateLogStreamCommand({ logGroupName: o('recorderLogGroup'), logStreamName }));
    await recorderWorld.clients.logs.send(
      new PutLogEventsCommand({
        logGroupName: o('recorderLogGroup'),
        logStreamName,
        logEvents: [
          { timestamp: at, message: line('IDLE') },
          { timestamp: at + 15_000, message: line('BUSY') },
        ],
      }),
    );
    expect(await r.status(o('recorderLogGroup'), at - 1000)).toMatchObject({
      at: at + 15_000,
      answering: true,
      busy: 'BUSY',
      healthy: true,
    });

    await r.stop(o('cluster'), arn, 'the meeting ended');
    expect(await r.tasks(o('cluster'), o('recorderTaskFamily'))).toEqual([
      expect.objectContaining({ arn, lastStatus: 'STOPPED', desiredStatus: 'STOPPED', stoppedReason: 'the meeting ended' }),
    ]);
    await r.setCapacity(o('recorderGroup'), 0);
    expect(await r.capacity(o('recorderGroup'))).toBe(0);
  });
});
