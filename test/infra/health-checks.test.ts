import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HEALTH_LATCH, START_UP_CHECK_INTERVAL, startUpCheckCommand } from '../../src/infra/constructs/jitsi-task.js';
import { PROSODY_METRICS_ENV } from '../../src/infra/stats-sidecar.js';
import { configWith, synth } from '../support/fixtures.js';

type Container = {
  Name: string;
  Essential?: boolean;
  HealthCheck?: { Command: string[]; Interval: number; Retries: number; StartPeriod: number; Timeout: number };
  DependsOn?: Array<{ ContainerName: string; Condition: string }>;
  Environment?: Array<{ Name: string; Value: unknown }>;
};

/** The meeting task's containers (the recorder's task definition is not a service task of the meeting). */
function meetingContainers(config: Parameters<typeof configWith>[0]): Container[] {
  const { json } = synth(configWith(config));
  const [task] = Object.values(json.Resources).filter(
    (r) =>
      r.Type === 'AWS::ECS::TaskDefinition' &&
      ((r.Properties?.ContainerDefinitions ?? []) as Container[]).some((c) => c.Name === 'jvb'),
  );
  return (task?.Properties?.ContainerDefinitions ?? []) as Container[];
}

const variants = {
  direct: meetingContainers({}),
  'load-balancer': meetingContainers({ ingress: 'load-balancer', auth: 'open' }),
};

// ECS (API reference, HealthCheck): a task's health is its essential containers' health, and "for
// tasks that are part of a service, if the task reports as unhealthy then the task will be stopped
// and the service scheduler will replace it". Docker runs CMD-SHELL with the container's /bin/sh:
// exit 0 is healthy, anything else a failure; after the start period, `retries` failures in a row
// make the container UNHEALTHY.
const dir = mkdtempSync(path.join(tmpdir(), 'health-check-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs a health check's command in a real shell, with `curl` answering as `curlOk` says. */
function check(command: string, curlOk: boolean, latchDir: string): number {
  const bin = path.join(dir, 'bin');
  spawnSync('mkdir', ['-p', bin]);
  writeFileSync(path.join(bin, 'curl'), `#!/bin/sh\nexit ${curlOk ? 0 : 22}\n`);
  chmodSync(path.join(bin, 'curl'), 0o755);
  return spawnSync('/bin/sh', ['-c', command], { env: { PATH: `${bin}:/usr/bin:/bin`, TMPDIR: latchDir } }).status ?? -1;
}

describe('container health checks never end a meeting', () => {
  for (const [mode, containers] of Object.entries(variants)) {
    it(`${mode}: every essential container's check is a start-up check that latches`, () => {
      const checked = containers.filter((c) => c.HealthCheck);
      expect(checked.map((c) => c.Name).sort()).toEqual(['jicofo', 'jvb', 'prosody', 'web']);
      for (const c of checked) {
        expect(c.Essential, c.Name).toBe(true);
        expect(c.HealthCheck?.Command[0]).toBe('CMD-SHELL');
        expect(c.HealthCheck?.Command[1], c.Name).toContain(`[ -e ${HEALTH_LATCH} ] ||`);
      }
    });

    it(`${mode}: a container that passed once stays healthy through any number of failures`, () => {
      for (const c of containers.filter((c) => c.HealthCheck)) {
        const command = c.HealthCheck?.Command[1] as string;
        const latch = mkdtempSync(path.join(dir, `${c.Name}-`));
        // Start-up: failures count (the task that never gets healthy is replaced), then it passes.
        expect(check(command, false, latch), `${c.Name} before start`).not.toBe(0);
        expect(check(command, true, latch), `${c.Name} started`).toBe(0);
        // Mid-meeting: more failures in a row than its retries allow, and it still reports healthy.
        for (let i = 0; i <= (c.HealthCheck?.Retries ?? 0); i++) expect(check(command, false, latch), c.Name).toBe(0);
      }
    });

    it(`${mode}: no HEALTHY chain: the Jitsi containers start together and are checked every 5 s`, () => {
      for (const name of ['prosody', 'web', 'jicofo', 'jvb']) {
        const c = containers.find((c) => c.Name === name);
        // jicofo and the bridge retry their XMPP login themselves (jitsi-task.ts cites the upstream source).
        expect(
          c?.DependsOn?.some((d) => d.Condition === 'HEALTHY'),
          name,
        ).not.toBe(true);
        // The ECS minimum interval; ECS allows 1–10 retries, timeout below the interval.
        expect(c?.HealthCheck?.Interval, name).toBe(START_UP_CHECK_INTERVAL);
        expect(START_UP_CHECK_INTERVAL).toBe(5);
        expect(c?.HealthCheck?.Retries, name).toBeLessThanOrEqual(10);
        expect(c?.HealthCheck?.Timeout, name).toBeLessThan(START_UP_CHECK_INTERVAL);
      }
      expect(containers.find((c) => c.Name === 'stats')?.DependsOn).toEqual([{ ContainerName: 'jicofo', Condition: 'START' }]);
      expect(containers.find((c) => c.Name === 'stats')?.Essential).toBe(false);
    });
  }

  it('negative: the check as it was (no latch) turns a transient failure into an unhealthy container', () => {
    const plain = 'curl -fsS -o /dev/null --max-time 4 http://127.0.0.1:8080/about/health || exit 1';
    const latch = mkdtempSync(path.join(dir, 'plain-'));
    expect(check(plain, true, latch)).toBe(0);
    expect(check(plain, false, latch)).not.toBe(0);
    expect(check(startUpCheckCommand('http://127.0.0.1:8080/about/health'), true, latch)).toBe(0);
    expect(check(startUpCheckCommand('http://127.0.0.1:8080/about/health'), false, latch)).toBe(0);
  });

  it("turns on prosody's metrics for the guests count, for the task itself only", () => {
    const prosody = variants.direct.find((c) => c.Name === 'prosody');
    const env = Object.fromEntries((prosody?.Environment ?? []).map((e) => [e.Name, e.Value]));
    expect(env).toMatchObject(PROSODY_METRICS_ENV);
    expect(env.PROSODY_METRICS_ALLOWED_CIDR).toBe('127.0.0.1/32');
  });
});
