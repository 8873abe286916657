import { describe, expect, it } from 'vitest';
import { modelledStartSeconds, TASK_TIMELINE } from '../../src/control/start-time.js';
import { START_PHASES } from '../../src/control/start-timings.js';
import { ExitCode } from '../../src/errors.js';
import { SimAws, TIMING, VirtualClock } from '../../src/sim/simulated-aws.js';
import { cli, communityConfig, fakeAws } from '../support/cli.js';

// `meetctl start` times each phase of a start (AWS stamps from DescribeTasks and the Route 53 change,
// the rest from the control plane's polls); `--record-timings` keeps them, and `plan` shows the
// median of the recorded starts in place of the model when they match the configured deployment.
const direct = () => new SimAws(new VirtualClock(), { ingress: 'direct' });
const config = communityConfig({ ingress: 'direct' });
const TIMINGS = 'meetctl.start-timings.json';

describe('meetctl start: each phase with its measured time', () => {
  it('prints the phases after READY, the AWS ones from AWS time stamps, in --json too', async () => {
    const result = await cli(['start', '--json'], { files: { 'meet.config.json': config }, sim: direct() });
    expect(result.code, result.stderr).toBe(ExitCode.ok);
    const json = JSON.parse(result.stdout) as { phases: Array<{ name: string; seconds: number; by: string }> };
    // Every phase, in the order it ended.
    expect(json.phases.map((p) => p.name).sort()).toEqual([...START_PHASES].sort());
    const seconds = json.phases.map((p) => p.seconds);
    expect(seconds).toEqual([...seconds].sort((a, b) => a - b));
    const at = Object.fromEntries(json.phases.map((p) => [p.name, p]));
    // The simulated AWS runs on the model: its stamps come back as the model's times.
    expect(at['task placed']).toEqual({ name: 'task placed', seconds: TASK_TIMELINE.placed, by: 'aws' });
    expect(at['images pulled']).toEqual({ name: 'images pulled', seconds: TASK_TIMELINE.pulled, by: 'aws' });
    expect(at['containers started']).toEqual({ name: 'containers started', seconds: TASK_TIMELINE.running, by: 'aws' });
    expect(at['DNS switched']).toEqual({ name: 'DNS switched', seconds: TIMING.dnsSwitched, by: 'aws' });
    // Seen by a poll (every 5 s): no earlier than the model, within one poll of it.
    for (const [name, model] of [
      ['healthy', TASK_TIMELINE.healthy],
      ['INSYNC', TIMING.dnsInSync],
    ] as const) {
      expect(at[name]?.by, name).toBe('observed');
      expect(at[name]?.seconds, name).toBeGreaterThanOrEqual(model);
      expect(at[name]?.seconds, name).toBeLessThanOrEqual(model + 5);
    }
    // Route 53 had the record everywhere while the task was still getting healthy (the sidecar answered
    // first): seen by the polls of the earlier waits. The checks passed before health too (web answers
    // long before the JVMs), so READY is health, not INSYNC and not the checks.
    expect((at.INSYNC?.seconds ?? Number.NaN) < (at.healthy?.seconds ?? 0)).toBe(true);
    expect((at.checks?.seconds ?? Number.NaN) < (at.healthy?.seconds ?? 0)).toBe(true);
    expect(at.READY?.seconds).toBe(at.healthy?.seconds);
    expect(at.READY?.seconds).toBeLessThanOrEqual(modelledStartSeconds('direct').seconds + 5);
  });

  it('shows the phases as lines after READY', async () => {
    const result = await cli(['start'], { files: { 'meet.config.json': config }, sim: direct() });
    expect(result.stdout).toContain('Phases (seconds after the start request');
    expect(result.stdout).toMatch(new RegExp(` {2}images pulled +${TASK_TIMELINE.pulled} s {2}aws`));
    expect(result.stdout).toMatch(/ {2}READY +\d+ s {2}observed/);
  });
});

describe('meetctl start --record-timings, and plan', () => {
  it('records each start next to the config; plan then shows the measured median in place of the model', async () => {
    const files: Record<string, string> = { 'meet.config.json': config };
    for (let i = 0; i < 3; i++) {
      const sim = direct();
      const result = await cli(['start', '--record-timings'], { files, sim });
      expect(result.code, result.stderr).toBe(ExitCode.ok);
      expect(result.stderr).toContain(`Recorded this start in /work/community/${TIMINGS}`);
    }
    const recorded = JSON.parse(files[TIMINGS] as string) as { schema: number; starts: Array<Record<string, unknown>> };
    expect(recorded.schema).toBe(1);
    expect(recorded.starts).toHaveLength(3);
    expect(recorded.starts[0]).toMatchObject({ ingress: 'direct', size: expect.any(String), architecture: expect.any(String) });
    const plan = await cli(['plan', '--json'], { files });
    expect(plan.code, plan.stderr).toBe(ExitCode.ok);
    const [configured, other] = (JSON.parse(plan.stdout) as { modes: Array<{ start: Record<string, unknown> }> }).modes;
    expect(configured?.start).toMatchObject({
      measured: { starts: 3, file: `/work/community/${TIMINGS}` },
      modelledSeconds: modelledStartSeconds('direct').seconds,
    });
    expect(configured?.start.seconds).toBe(recorded.starts[0]?.readySeconds);
    // The other ingress mode was never measured: its model stays.
    expect(other?.start.measured).toBe(false);
    const text = await cli(['plan'], { files });
    expect(text.stdout).toContain('direct: measured, median of 3 starts');
  });

  it('a named file in a folder that does not exist: exit 2 before anything starts', async () => {
    const files: Record<string, string> = { 'meet.config.json': config };
    const sim = direct();
    const result = await cli(['start', '--record-timings', 'nowhere/timings.json'], { files, sim });
    expect(result.code).toBe(ExitCode.usage);
    expect(result.stderr).toContain('--record-timings: the folder of /work/community/nowhere/timings.json does not exist');
    expect(sim.mutations).toEqual([]);
  });

  it('a bad timings file stops the start before anything starts: exit 253', async () => {
    const files: Record<string, string> = { 'meet.config.json': config, [TIMINGS]: '{"schema": 1, "starts": [{}]}' };
    const sim = direct();
    const result = await cli(['start', '--record-timings'], { files, sim });
    expect(result.code).toBe(ExitCode.config);
    expect(result.stderr).toContain(TIMINGS);
    expect(sim.mutations).toEqual([]);
  });

  it('a file that cannot be written (/sys, a read-only disk): exit 2 before anything starts', async () => {
    const files: Record<string, string> = { 'meet.config.json': config };
    const sim = direct();
    const result = await cli(['start', '--record-timings', '--json'], { files, sim, writeError: 'EACCES' });
    expect(result.code).toBe(ExitCode.usage);
    expect(JSON.parse(result.stdout).error.message).toBe(
      `--record-timings: /work/community/${TIMINGS} cannot be written (EACCES); nothing was started`,
    );
    expect(sim.mutations).toEqual([]);
  });

  it('a named file elsewhere: says that plan reads only the one next to the config', async () => {
    const files: Record<string, string> = { 'meet.config.json': config };
    const result = await cli(['start', '--record-timings', 'timings.json'], { files, sim: direct() });
    expect(result.stderr).toContain(
      `Recorded this start in /work/community/timings.json. \`meetctl plan\` reads only /work/community/${TIMINGS}: copy the file there`,
    );
  });

  it('a start of another release does not count for this one: the model, and a note why', async () => {
    const files: Record<string, string> = { 'meet.config.json': config };
    await cli(['start', '--record-timings', 'timings.json'], { files, sim: direct() });
    expect(files['timings.json']).toBeDefined();
    files[TIMINGS] = (files['timings.json'] as string).replace(/"jitsiRelease": "[^"]+"/, '"jitsiRelease": "stable-9584"');
    const plan = await cli(['plan'], { files });
    expect(plan.code).toBe(ExitCode.ok);
    expect(plan.stderr).toContain('has no start of this ingress, release, size and architecture');
    expect(plan.stdout).toContain('direct (model):');
  });

  it('a bad timings file: exit 253, naming the field and the fix', async () => {
    const files: Record<string, string> = { 'meet.config.json': config };
    await cli(['start', '--record-timings'], { files, sim: direct() });
    const bad = JSON.parse(files[TIMINGS] as string);
    bad.starts[0].readySeconds = -3;
    files[TIMINGS] = JSON.stringify(bad);
    const plan = await cli(['plan'], { files });
    expect(plan.code).toBe(ExitCode.config);
    expect(plan.stderr).toContain('starts[0].readySeconds');
    expect(plan.stderr).toContain('delete the file');
    expect(plan.stderr).not.toMatch(/\n\s+at /);
    files[TIMINGS] = '{ not json';
    const broken = await cli(['plan'], { files });
    expect(broken.code).toBe(ExitCode.config);
    expect(broken.stderr).toContain('it is not JSON');
    // A start with --record-timings refuses to overwrite a file it cannot read.
    const start = await cli(['start', '--record-timings'], { files, sim: direct() });
    expect(start.code).toBe(ExitCode.config);
    expect(files[TIMINGS]).toBe('{ not json');
  });
});

describe('meetctl deploy and the timings file: the organizer page gets the measured start', () => {
  it('a bad timings file stops the deploy before AWS or cdk: exit 253, naming the file, the field and the fix', async () => {
    const files: Record<string, string> = { 'meet.config.json': config };
    await cli(['start', '--record-timings'], { files, sim: direct() });
    const bad = JSON.parse(files[TIMINGS] as string);
    bad.starts[0].size = '';
    files[TIMINGS] = JSON.stringify(bad);
    const aws = fakeAws();
    for (const argv of [
      ['deploy', '--yes'],
      ['deploy', '--dry-run'],
    ]) {
      const deploy = await cli(argv, { files, aws });
      expect(deploy.code, argv.join(' ')).toBe(ExitCode.config);
      expect(deploy.stderr).toContain(`the start timings file /work/community/${TIMINGS} cannot be used: starts[0].size`);
      expect(deploy.stderr).toContain('delete the file');
      expect(deploy.stderr).not.toMatch(/\n\s+at /);
      expect(deploy.cdkCalls).toHaveLength(0);
    }
    // Not even the identity check ran.
    expect(aws.targets).toEqual([]);
  });

  it('says which start time the page will show: the measured median, or the model when no start matches', async () => {
    const files: Record<string, string> = { 'meet.config.json': config };
    await cli(['start', '--record-timings'], { files, sim: direct() });
    const ready = (JSON.parse(files[TIMINGS] as string) as { starts: Array<{ readySeconds: number }> }).starts[0]?.readySeconds;
    const measured = await cli(['deploy', '--yes'], { files, aws: fakeAws() });
    expect(measured.code, measured.stderr).toBe(ExitCode.ok);
    expect(measured.stderr).toContain(`The organizer page shows a start of about ${ready} s, measured`);
    expect(measured.cdkCalls).toHaveLength(1);
    files[TIMINGS] = (files[TIMINGS] as string).replace(/"size": "[^"]+"/, '"size": "large"');
    const model = await cli(['deploy', '--yes'], { files, aws: fakeAws() });
    expect(model.code, model.stderr).toBe(ExitCode.ok);
    expect(model.stderr).toContain('the organizer page shows the modelled start time');
  });
});
