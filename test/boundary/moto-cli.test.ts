import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { DescribeServicesCommand } from '@aws-sdk/client-ecs';
import { ListObjectVersionsCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { GetScheduleCommand } from '@aws-sdk/client-scheduler';
import { DescribeSecretCommand, GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OUTPUT_NAMES } from '../../src/control/outputs.js';
import type { TransitionEvent } from '../../src/control/ports.js';
import { ExitCode } from '../../src/errors.js';
import { ROOT } from '../support/fixtures.js';
import { motoChildEnv } from '../support/moto-server.js';
import {
  buildMotoWorld,
  MOTO_CONFIG,
  type MotoWorld,
  motoForThisFile,
  seedEventLog,
  synthesizedTemplate,
} from '../support/moto-world.js';

/**
 * The real `meetctl` process (tsx and bin/meetctl.ts, as test/cli/process.test.ts runs it) against
 * moto: the SDK's standard AWS_ENDPOINT_URL and dummy static credentials that only this test sets,
 * and a preload that refuses any connection off 127.0.0.1 (test/support/loopback-only.cjs), so no
 * command reaches real AWS. The world is built by hand from the synthesized template
 * (test/support/moto-world.ts).
 *
 * What stays simulator-only, and why: a start that reaches READY. moto's ECS places no task for a
 * service at desired 1, and a task's endpoint checks would dial its public address; the start here
 * shows the part moto can answer (UpdateService on the stack's service under the lock, then a clean
 * Ctrl-C), and test/control/scenarios.test.ts runs the whole start on the simulator.
 */
const moto = motoForThisFile('meetctl as a process against moto');
const config = MOTO_CONFIG;
const bin = path.join(ROOT, 'bin', 'meetctl.ts');
const tsx = path.join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');
const guard = path.join(ROOT, 'test', 'support', 'loopback-only.cjs');
const folder = mkdtempSync(path.join(tmpdir(), 'meetctl-moto-'));
const configFile = path.join(folder, 'meet.config.json');
writeFileSync(
  configFile,
  JSON.stringify({
    domain: config.domain,
    hostedZone: config.hostedZone,
    alertEmail: config.alertEmail,
    monthlyBudgetUsd: config.monthlyBudgetUsd,
    jitsiRelease: config.jitsiRelease,
  }),
);
afterAll(() => rmSync(folder, { recursive: true, force: true }));

let world: MotoWorld;
beforeAll(async () => {
  if (!moto.available) return;
  world = await buildMotoWorld(moto.server(), { config, template: synthesizedTemplate(config) });
}, 180_000);

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Start `meetctl ARGS` in the config's folder, talking to moto only. */
function start(args: readonly string[]) {
  const child = spawn(process.execPath, [tsx, bin, '-c', configFile, ...args], {
    cwd: folder,
    env: motoChildEnv(moto.server(), {
      NO_COLOR: '1',
      NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require ${guard}`.trim(),
    }),
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => {
    stdout += String(d);
  });
  child.stderr.on('data', (d) => {
    stderr += String(d);
  });
  const done = new Promise<Run>((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
  return { child, done, stderr: () => stderr };
}

async function meetctl(...args: string[]): Promise<Run> {
  const run = await start(args).done;
  // Nothing was dialled off the loopback, and no stack trace reached the person.
  expect(run.stderr).not.toMatch(/loopback-only|\n\s+at /);
  return run;
}

const json = (run: Run) => JSON.parse(run.stdout) as Record<string, unknown>;
const out = (name: keyof typeof OUTPUT_NAMES) => world.outputs[OUTPUT_NAMES[name]] ?? '';

async function desiredCount(): Promise<number | undefined> {
  const { services } = await world.clients.ecs.send(
    new DescribeServicesCommand({ cluster: out('cluster'), services: [out('service')] }),
  );
  return services?.[0]?.desiredCount;
}

async function lockOwner(): Promise<string | undefined> {
  const { Item } = await world.clients.dynamodb.send(
    new GetItemCommand({ TableName: out('stateTable'), Key: { pk: { S: 'LOCK' }, sk: { S: 'LOCK' } }, ConsistentRead: true }),
  );
  return Item?.owner?.S;
}

/** Poll moto (not the clock) until `ready` holds while the command runs; the test's own timeout bounds it. */
async function until(run: ReturnType<typeof start>, ready: () => Promise<boolean>): Promise<void> {
  let ended = false;
  void run.done.then(() => {
    ended = true;
  });
  while (!(await ready())) {
    if (ended) throw new Error(`meetctl ended before it got there: ${run.stderr()}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe.skipIf(!moto.available)('meetctl against moto', () => {
  it('refuses, in the preload, a connection that would leave 127.0.0.1 (the guard every run below carries)', async () => {
    const probe = spawn(
      process.execPath,
      ['--require', guard, '-e', "require('node:net').connect(443, '192.0.2.1').on('error', (e) => console.log(e.code))"],
      { env: motoChildEnv(moto.server()) },
    );
    let stdout = '';
    let stderr = '';
    probe.stdout.on('data', (d) => {
      stdout += String(d);
    });
    probe.stderr.on('data', (d) => {
      stderr += String(d);
    });
    await new Promise((resolve) => probe.on('close', resolve));
    expect(stderr).toContain('loopback-only: refused a connection to 192.0.2.1:443');
    expect(stdout.trim()).toBe('ECONNREFUSED');
  });

  it('status: the stopped stack, from CloudFormation, ECS and DynamoDB in moto', async () => {
    const run = await meetctl('status', '--json');
    expect(run.code).toBe(ExitCode.ok);
    expect(json(run)).toMatchObject({
      phase: 'STOPPED',
      url: 'https://meet.ne3d.org',
      stack: { name: config.stackName, status: 'CREATE_COMPLETE', powerState: 'on' },
      service: { desired: 0, running: 0, pending: 0 },
      tasks: [],
      ingress: 'direct',
      lock: null,
    });
  });

  it('stop of a stack at desired 0: nothing to do, nothing changed, and said so', async () => {
    const run = await meetctl('stop', '--json');
    expect(run.code).toBe(ExitCode.ok);
    expect(json(run)).toMatchObject({ goal: 'stopped', from: 'STOPPED', to: 'STOPPED', outcome: 'no-op', steps: [] });
    expect(await desiredCount()).toBe(0);
    expect(await lockOwner()).toBeUndefined();
  });

  it('start: asks ECS for one task of the stack service under the lock; Ctrl-C sets it back to 0 and logs why', async () => {
    const since = Date.now() - 60_000;
    const run = start(['start', '--reason', 'moto boundary test']);
    // moto places no task for the service: the start waits for one until it is interrupted.
    await until(run, async () => (await desiredCount()) === 1 && (await lockOwner()) !== undefined);
    expect(await lockOwner()).toMatch(/^cli:/);
    await until(run, async () => run.stderr().includes('wait'));
    run.child.kill('SIGINT');
    const result = await run.done;
    expect(result.stderr).not.toMatch(/loopback-only|\n\s+at /);
    expect(result.stderr).toContain('cancelled (Ctrl-C)');
    expect(result.code).toBe(ExitCode.interrupted);
    expect(await desiredCount()).toBe(0);
    expect(await lockOwner()).toBeUndefined();
    const events = await world.ports.state.events(since);
    expect(events.at(-1)).toMatchObject({
      actor: expect.stringMatching(/^cli:/),
      reason: 'moto boundary test',
      goal: 'running',
      from: 'STOPPED',
      outcome: 'cancelled',
    });
  }, 180_000);

  it('schedule add, list and remove, in EventBridge Scheduler; a second add of the name is refused by name', async () => {
    const added = await meetctl('schedule', 'add', 'weekly', '--cron', '0 18 ? * WED *', '--tz', 'Europe/Berlin', '--json');
    expect(added.code).toBe(ExitCode.ok);
    const stored = await world.clients.scheduler.send(
      new GetScheduleCommand({ GroupName: out('scheduleGroup'), Name: 'weekly' }),
    );
    expect(stored).toMatchObject({
      ScheduleExpression: 'cron(45 17 ? * WED *)',
      ScheduleExpressionTimezone: 'Europe/Berlin',
      Target: { Arn: out('scheduledStart'), RoleArn: out('schedulerRole') },
    });
    const listed = await meetctl('schedule', 'list', '--json');
    expect(json(listed)).toMatchObject({
      group: out('scheduleGroup'),
      schedules: [{ name: 'weekly', expression: 'cron(45 17 ? * WED *)', timeZone: 'Europe/Berlin', leadMinutes: 15 }],
    });
    const twice = await meetctl('schedule', 'add', 'weekly', '--cron', '0 18 ? * WED *', '--tz', 'Europe/Berlin');
    expect(twice.code).toBe(ExitCode.failed);
    expect(twice.stderr).toContain('a schedule named weekly already exists');
    expect((await meetctl('schedule', 'remove', 'weekly')).code).toBe(ExitCode.ok);
    await expect(
      world.clients.scheduler.send(new GetScheduleCommand({ GroupName: out('scheduleGroup'), Name: 'weekly' })),
    ).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  }, 180_000);

  it('history: reads the event log past the first page of 10,000 events', async () => {
    const base = Date.now() - 2 * 3_600_000;
    const seeded: TransitionEvent[] = Array.from({ length: 10_001 }, (_v, i) => ({
      at: base + i * 100,
      actor: `seeded:${i}`,
      reason: 'paging',
      goal: 'running',
      from: 'STOPPED',
      to: 'READY',
      outcome: 'done',
    }));
    await seedEventLog(world.clients.logs, out('eventLog'), seeded);
    const run = await meetctl('history', '--json', '--days', '1');
    expect(run.code).toBe(ExitCode.ok);
    const events = (json(run).events as TransitionEvent[]).filter((e) => e.actor.startsWith('seeded:'));
    expect(events).toHaveLength(10_001);
    expect(events[0]?.actor).toBe('seeded:0');
    expect(events.at(-1)?.actor).toBe('seeded:10000');
  });

  it('recordings list (past 1,000 objects), download and delete, in the versioned bucket', async () => {
    const bucket = out('bucket');
    const keys = Array.from(
      { length: 1_001 },
      (_v, i) => `recordings/2026-11-05/board/board_2026-11-05-19-${String(i).padStart(4, '0')}.mp4`,
    );
    const latest = 'recordings/2026-12-03/weekly/weekly_2026-12-03-18-00-05.mp4';
    const uploads = [
      ...keys.map((Key) => ({ Key, Body: 'old video' })),
      { Key: latest, Body: 'the video' },
      {
        Key: latest.replace('.mp4', '.json'),
        Body: JSON.stringify({ room: 'weekly', start: '2026-12-03T18:00:05Z', durationSeconds: 5400 }),
      },
    ];
    for (let i = 0; i < uploads.length; i += 25) {
      await Promise.all(
        uploads.slice(i, i + 25).map((o) => world.clients.s3.send(new PutObjectCommand({ Bucket: bucket, ...o }))),
      );
    }
    const listed = await meetctl('recordings', 'list', '--json');
    expect(listed.code).toBe(ExitCode.ok);
    const recordings = json(listed).recordings as Array<{ key: string; durationSeconds?: number }>;
    expect(recordings).toHaveLength(1_002);
    expect(recordings[0]).toMatchObject({ key: latest, durationSeconds: 5400, room: 'weekly' });

    const file = path.join(folder, 'weekly.mp4');
    const downloaded = await meetctl('recordings', 'download', path.basename(latest), '--to', file, '--json');
    expect(json(downloaded)).toMatchObject({ downloaded: latest, bytes: 'the video'.length });
    expect(readFileSync(file, 'utf8')).toBe('the video');

    const deleted = await meetctl('recordings', 'delete', latest, '--yes', '--json');
    expect(json(deleted)).toEqual({ deleted: [latest, latest.replace('.mp4', '.json')], versions: 2 });
    const left = await world.clients.s3.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: 'recordings/2026-12-03/' }));
    expect([...(left.Versions ?? []), ...(left.DeleteMarkers ?? [])]).toEqual([]);
  }, 180_000);

  it('rotate-secrets: new values made AWSCURRENT in both secrets, with the same keys', async () => {
    const secrets = [out('secret'), out('tokenSecret')];
    const read = (SecretId: string) =>
      world.clients.secretsmanager.send(new GetSecretValueCommand({ SecretId, VersionStage: 'AWSCURRENT' }));
    const before = await Promise.all(secrets.map(async (id) => JSON.parse((await read(id)).SecretString ?? '{}')));
    const run = await meetctl('rotate-secrets', '--reason', 'moto boundary test', '--yes', '--json');
    expect(run.code).toBe(ExitCode.ok);
    expect(json(run)).toMatchObject({ outcome: 'done' });
    for (const [i, id] of secrets.entries()) {
      const after = JSON.parse((await read(id)).SecretString ?? '{}') as Record<string, string>;
      expect(Object.keys(after)).toEqual(Object.keys(before[i]));
      for (const key of Object.keys(after)) expect(after[key]).not.toBe(before[i][key]);
      const { VersionIdsToStages } = await world.clients.secretsmanager.send(new DescribeSecretCommand({ SecretId: id }));
      expect(Object.values(VersionIdsToStages ?? {}).filter((s) => s.includes('AWSPREVIOUS'))).toHaveLength(1);
    }
    expect(await lockOwner()).toBeUndefined();
  });
});
