import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { processDeps } from '../../src/cli/main.js';
import { run } from '../../src/cli/run.js';
import { ExitCode } from '../../src/errors.js';
import { Simulation, simulationFile } from '../../src/sim/simulation.js';
import { EXAMPLE_FILE } from '../support/fixtures.js';

// The commands as a person runs them under MEETCTL_SIMULATE=1: each call is a new process's worth of
// dependencies (the simulated world is loaded from its file and saved after), in a folder of its own.
const dir = mkdtempSync(path.join(tmpdir(), 'meetctl-simulate-'));
const simDir = path.join(dir, 'sim');
const saved: Record<string, string | undefined> = {};
beforeAll(() => {
  for (const key of ['MEETCTL_SIMULATE', 'MEETCTL_SIMULATE_DIR']) saved[key] = process.env[key];
  // processDeps() gives the real wiring; the simulation is added below.
  delete process.env.MEETCTL_SIMULATE;
  delete process.env.MEETCTL_SIMULATE_DIR;
  copyFileSync(EXAMPLE_FILE, path.join(dir, 'meet.config.json'));
});
afterAll(() => {
  for (const [key, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  rmSync(dir, { recursive: true, force: true });
});

async function meetctl(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  // main.ts wires the same (it loads the simulation with require, which vitest does not resolve to .ts).
  const simulation = new Simulation(simDir);
  const deps = {
    ...processDeps(),
    simulation,
    aws: (target: { domain?: string; ingress?: 'direct' | 'load-balancer' }) =>
      simulation.awsPorts(target.domain, target.ingress),
    runCdk: simulation.cdkRunner(),
    controlPorts: (t: { stackName: string; domain?: string; ingress?: 'direct' | 'load-balancer'; recorder?: boolean }) =>
      simulation.controlPorts(t.stackName, t.domain ?? 'meet.example.org', t.ingress, t.recorder),
    clock: simulation.clock,
    pause: (ms: number) => simulation.clock.sleep(ms),
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    isTTY: false,
    stderrIsTTY: false,
    cwd: dir,
    env: { ...process.env, NO_COLOR: '1' },
  };
  const code = await run(argv, deps);
  simulation.save();
  return { code, stdout, stderr };
}

const worldFile = () => simulationFile('Meet-meet-example-org', simDir);

describe('meetctl simulate', () => {
  beforeEach(async () => {
    await meetctl('simulate', 'reset');
    await meetctl('status');
  });

  it('--dry-run changes nothing: reset keeps the world, people keeps the count', async () => {
    expect(existsSync(worldFile())).toBe(true);
    const reset = await meetctl('simulate', 'reset', '--dry-run');
    expect(reset.code).toBe(ExitCode.ok);
    expect(reset.stdout).toContain('Would forget');
    expect(existsSync(worldFile())).toBe(true);
    const people = await meetctl('simulate', 'people', '5', '--dry-run');
    expect(people.stdout).toContain('Would put 5 people');
    expect(JSON.parse(readFileSync(worldFile(), 'utf8')).people).toEqual([]);
    expect((await meetctl('simulate', 'recording', '--dry-run')).stdout).toContain('Would put a 30-minute recording');
    expect(JSON.parse(readFileSync(worldFile(), 'utf8')).objects).toEqual([]);
  });

  it('people joined right after a start are counted at once, so a stop is refused because of them', async () => {
    expect((await meetctl('start')).code).toBe(ExitCode.ok);
    const people = await meetctl('simulate', 'people', '3');
    expect(people.stdout).toContain('the stats sidecar counted them at');
    const stop = await meetctl('stop');
    expect(stop.code).toBe(ExitCode.failed);
    expect(stop.stderr).toContain('3 people are in a call right now');
    expect((await meetctl('stop', '--force')).code).toBe(ExitCode.ok);
  });

  it('makes a recording appear on request; list, download (into a folder) and a missing folder', async () => {
    const empty = await meetctl('recordings', 'list');
    expect(empty.stdout).toContain('Server-side recording is off');
    expect(empty.stdout).toContain('`meetctl simulate recording` puts one here');
    expect(empty.stdout).not.toContain('Start a meeting with `meetctl start --record`');
    const made = await meetctl('simulate', 'recording', '--room', 'weekly', '--minutes', '45', '--json');
    const key = JSON.parse(made.stdout).recording as string;
    expect(key).toMatch(/^recordings\/\d{4}-\d{2}-\d{2}\/weekly\/weekly_.*\.mp4$/);
    const list = await meetctl('recordings', 'list');
    expect(list.stdout).toMatch(/weekly +\d\d:\d\d +0:45:00/);
    const into = path.join(dir, 'downloads');
    mkdirSync(into);
    const download = await meetctl('recordings', 'download', path.basename(key), '--to', into);
    expect(download.code).toBe(ExitCode.ok);
    expect(readFileSync(path.join(into, path.basename(key)), 'utf8')).toContain('simulated video of weekly');
    const missing = await meetctl('recordings', 'download', path.basename(key), '--to', path.join(dir, 'nonexistent', 'x.mp4'));
    expect(missing.code).toBe(ExitCode.usage);
    expect(missing.stderr).toContain('/nonexistent does not exist; nothing was downloaded');
    expect(missing.stderr).not.toContain('AWS');
    expect((await meetctl('simulate', 'recording', '--room', 'weekly/room')).code).toBe(ExitCode.usage);
  });

  it('logs shows what the simulated containers wrote, the stats sidecar counting the people', async () => {
    await meetctl('start');
    await meetctl('simulate', 'people', '4');
    const logs = await meetctl('logs', '--since', '1h');
    expect(logs.code).toBe(ExitCode.ok);
    expect(logs.stdout).toMatch(/Z web +\(simulated\) web started on task task\d+/);
    expect(logs.stdout).toContain('"participants":4');
    const stats = await meetctl('logs', '--container', 'stats', '--since', '1h', '--json');
    const lines = stats.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { container: string; message: string });
    expect(lines.every((l) => l.container === 'stats')).toBe(true);
    expect(lines.some((l) => l.message.startsWith('{"type":"jicofo-stats"'))).toBe(true);
  });
});
