import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HEALTH_LATCH, START_UP_CHECK_INTERVAL } from '../../src/infra/constructs/jitsi-task.js';
import { PROSODY_METRICS_ENV } from '../../src/infra/stats-sidecar.js';
import { configWith, synth } from '../support/fixtures.js';
import { JICOFO_STATS } from '../support/stats-endpoints.js';
import { externalTool, TOOLS } from '../support/tools.js';

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
const synthesizedCheck = (name: string): string => {
  const command = variants.direct.find((c) => c.Name === name)?.HealthCheck?.Command[1];
  if (!command) throw new Error(`no health check on ${name}`);
  return command;
};

// ECS (API reference, HealthCheck): a task's health is its essential containers' health, and "for
// tasks that are part of a service, if the task reports as unhealthy then the task will be stopped
// and the service scheduler will replace it". Docker runs CMD-SHELL with the container's /bin/sh:
// exit 0 is healthy, anything else a failure; after the start period, `retries` failures in a row
// make the container UNHEALTHY. Every check below is the synthesized command, run by a real shell
// with the real curl against a local server; only the URL's host:port is changed.
const curl = externalTool(TOOLS.curl, 'container health checks');
const busybox = externalTool(TOOLS.busybox, 'container health checks under busybox sh');
const dir = mkdtempSync(path.join(tmpdir(), 'health-check-'));

interface Shell {
  readonly name: string;
  readonly file: string;
  readonly args: readonly string[];
  readonly path: string;
}
/** Debian's /bin/sh (dash, as in the Jitsi images), bash, and busybox sh with busybox's own grep and touch. */
function shells(): Shell[] {
  const list: Shell[] = [
    { name: 'sh', file: '/bin/sh', args: ['-c'], path: '/usr/bin:/bin' },
    { name: 'bash', file: '/bin/bash', args: ['-c'], path: '/usr/bin:/bin' },
  ];
  if (busybox && curl) {
    const bin = mkdtempSync(path.join(dir, 'busybox-'));
    for (const applet of ['grep', 'touch']) symlinkSync(busybox, path.join(bin, applet));
    symlinkSync(curl, path.join(bin, 'curl'));
    list.push({ name: 'busybox sh', file: busybox, args: ['sh', '-c'], path: bin });
  }
  return list;
}
const SH = { name: 'sh', file: '/bin/sh', args: ['-c'], path: '/usr/bin:/bin' } as const;

/** What the local server answers to every request; `down` closes it (nothing listens on its port). */
const answer: { status: number; body: string } = { status: 200, body: 'OK' };
let server: Server;
let port = 0;
let closedPort = 0;
const listen = (s: Server) =>
  new Promise<number>((resolve) => s.listen(0, '127.0.0.1', () => resolve((s.address() as AddressInfo).port)));

beforeAll(async () => {
  server = createServer((_req, res) => {
    res.writeHead(answer.status, { 'content-type': 'application/json' });
    res.end(answer.body);
  });
  port = await listen(server);
  const closed = createServer();
  closedPort = await listen(closed);
  await new Promise<void>((resolve) => closed.close(() => resolve()));
});
afterAll(async () => {
  await new Promise<void>((resolve) => {
    server?.close(() => resolve());
    server?.closeAllConnections();
  });
  rmSync(dir, { recursive: true, force: true });
});

/** The command with its one URL pointed at 127.0.0.1:`to`: the only change made to it. */
function pointedAt(command: string, to: number): string {
  const url = /http:\/\/127\.0\.0\.1:\d+\//g;
  expect(command.match(url), command).toHaveLength(1);
  return command.replace(url, `http://127.0.0.1:${to}/`);
}

/** Runs a synthesized check once in `shell`, its latch in `latch`, against the server (or nothing). */
function check(shell: Shell, command: string, latch: string, target: 'server' | 'down' = 'server'): Promise<number> {
  const local = pointedAt(command, target === 'server' ? port : closedPort);
  return new Promise((resolve, reject) => {
    const child = spawn(shell.file, [...shell.args, local], { env: { PATH: shell.path, TMPDIR: latch }, stdio: 'ignore' });
    child.on('error', reject);
    child.on('exit', (code, signal) => (code === null ? reject(new Error(`${shell.name} ended by ${signal}`)) : resolve(code)));
  });
}
const serve = (status: number, body: string) => Object.assign(answer, { status, body });

/**
 * jicofo's /stats as its serializer writes it at stable/jitsi-meet_11146: `JICOFO_STATS` (the shape
 * of `JicofoServices.getStats`, test/support/stats-endpoints.ts) through `JSON.stringify`, which
 * writes what Jackson's `JsonNode.toString()` does for these values: one line, no whitespace, keys in
 * insertion order. `bridge_selector` holds `BridgeSelector.stats`' five counts.
 */
function jicofoStats(bridgeSelector: Record<string, number> | undefined, extra: Record<string, unknown> = {}): string {
  const entries = Object.entries(JICOFO_STATS).flatMap(([key, value]) =>
    key !== 'bridge_selector' ? [[key, value]] : bridgeSelector ? [[key, bridgeSelector]] : [],
  );
  return JSON.stringify({ ...Object.fromEntries(entries), ...extra });
}
const selector = (operational: number | undefined) => ({
  bridge_count: 1,
  ...(operational === undefined ? {} : { operational_bridge_count: operational }),
  in_shutdown_bridge_count: 0,
  lost_bridges: 0,
  bridge_version_count: 1,
});
/** What the passing answer of each container's check is: jicofo's /stats with a bridge, the others 200. */
const passing = (name: string) => (name === 'jicofo' ? jicofoStats(selector(1)) : 'OK');

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

    it.skipIf(!curl)(`${mode}: a container that passed once stays healthy through any number of failures`, async () => {
      for (const c of containers.filter((c) => c.HealthCheck)) {
        const command = c.HealthCheck?.Command[1] as string;
        const latch = mkdtempSync(path.join(dir, `${c.Name}-`));
        // Start-up: failures count (the task that never gets healthy is replaced), then it passes.
        expect(await check(SH, command, latch, 'down'), `${c.Name} before start`).not.toBe(0);
        serve(500, 'Error');
        expect(await check(SH, command, latch), `${c.Name} failing`).not.toBe(0);
        serve(200, passing(c.Name));
        expect(await check(SH, command, latch), `${c.Name} started`).toBe(0);
        // Mid-meeting: more failures in a row than its retries allow, and it still reports healthy.
        serve(500, 'Error');
        for (let i = 0; i <= (c.HealthCheck?.Retries ?? 0); i++) {
          expect(await check(SH, command, latch, i % 2 ? 'down' : 'server'), c.Name).toBe(0);
        }
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

  it.skipIf(!curl)('negative: the check as it was (no latch) turns a transient failure into an unhealthy container', async () => {
    const plain = 'curl -fsS -o /dev/null --max-time 4 http://127.0.0.1:8080/about/health || exit 1';
    const latch = mkdtempSync(path.join(dir, 'plain-'));
    serve(200, 'OK');
    expect(await check(SH, plain, latch)).toBe(0);
    expect(await check(SH, plain, latch, 'down')).not.toBe(0);
    expect(await check(SH, synthesizedCheck('jvb'), latch)).toBe(0);
    expect(await check(SH, synthesizedCheck('jvb'), latch, 'down')).toBe(0);
  });

  it("turns on prosody's metrics for the guests count, for the task itself only", () => {
    const prosody = variants.direct.find((c) => c.Name === 'prosody');
    const env = Object.fromEntries((prosody?.Environment ?? []).map((e) => [e.Name, e.Value]));
    expect(env).toMatchObject(PROSODY_METRICS_ENV);
    expect(env.PROSODY_METRICS_ALLOWED_CIDR).toBe('127.0.0.1/32');
  });
});

// jicofo's /about/health answers 200 before its first real check (jicoco's HealthChecker starts with a
// passing result, jicofo's interval is 10 s), so READY on it could come before any bridge has joined.
// Its start-up check reads /stats instead (JICOFO_HAS_OPERATIONAL_BRIDGE in jitsi-task.ts).
describe.skipIf(!curl)("jicofo's start-up check passes only once jicofo counts an operational bridge", () => {
  const command = synthesizedCheck('jicofo');
  const failing: Array<[string, number, string | 'down']> = [
    ['no bridge yet (operational_bridge_count 0)', 200, jicofoStats(selector(0))],
    ['bridge_selector without operational_bridge_count', 200, jicofoStats(selector(undefined))],
    ['no bridge_selector at all', 200, jicofoStats(undefined)],
    [
      'operational_bridge_count 1 in other sections, 0 in bridge_selector',
      200,
      jicofoStats(selector(0), { jigasi: { operational_bridge_count: 1 }, operational_bridge_count: 1 }),
    ],
    [
      'a section before bridge_selector with the key',
      200,
      jicofoStats(selector(0)).replace('"queues":{}', '"queues":{"operational_bridge_count":1}'),
    ],
    ["/about/health's answer", 200, 'OK'],
    ["HTTP 500 with ktor's error text (ExceptionHandler: plain text)", 500, 'Error'],
    ['HTTP 500 whose body would otherwise pass', 500, jicofoStats(selector(1))],
    ['HTTP 404', 404, ''],
    ['nothing listening yet', 0, 'down'],
  ];

  it("runs against /stats on jicofo's REST port and reads the body", () => {
    expect(command).toContain('http://127.0.0.1:8888/stats');
    expect(command).not.toContain('/about/health');
  });

  for (const shell of shells()) {
    it(`${shell.name}: passes with one operational bridge or more, not with 0, a missing key or an error`, async () => {
      for (const bridges of [1, 2, 12]) {
        serve(200, jicofoStats(selector(bridges)));
        expect(await check(shell, command, mkdtempSync(path.join(dir, 'ok-'))), `${bridges} bridges`).toBe(0);
      }
      for (const [what, status, body] of failing) {
        const latch = mkdtempSync(path.join(dir, 'fail-'));
        if (body !== 'down') serve(status, body);
        const code = await check(shell, command, latch, body === 'down' ? 'down' : 'server');
        expect(code, what).not.toBe(0);
        // A failure leaves no latch: the next check asks again.
        serve(200, jicofoStats(selector(0)));
        expect(await check(shell, command, latch), `${what}, then still no bridge`).not.toBe(0);
      }
    });

    it(`${shell.name}: latches after its first pass`, async () => {
      const latch = mkdtempSync(path.join(dir, 'latch-'));
      serve(200, jicofoStats(selector(0)));
      expect(await check(shell, command, latch)).not.toBe(0);
      serve(200, jicofoStats(selector(1)));
      expect(await check(shell, command, latch)).toBe(0);
      for (const [what, status, body] of failing) {
        if (body !== 'down') serve(status, body);
        expect(await check(shell, command, latch, body === 'down' ? 'down' : 'server'), `latched, then ${what}`).toBe(0);
      }
    });
  }
});
