import { describe, expect, it } from 'vitest';
import type { ProgressEvent, Runtime } from '../../src/control/execute.js';
import { observe } from '../../src/control/observe.js';
import { PlanError, plan } from '../../src/control/plan.js';
import { recorderBusy } from '../../src/control/snapshot.js';
import { modelledRecorderSeconds, RECORDER_TIMELINE } from '../../src/control/start-time.js';
import { RefusedError, type TransitionRequest, transition } from '../../src/control/transition.js';
import { type Faults, SimAws, VirtualClock } from '../../src/sim/simulated-aws.js';

function setup(options: { faults?: Faults; recorder?: boolean } = {}) {
  const clock = new VirtualClock();
  const sim = new SimAws(clock, {
    ingress: 'direct',
    recorder: options.recorder ?? true,
    ...(options.faults ? { faults: options.faults } : {}),
  });
  const progress: ProgressEvent[] = [];
  const rt: Runtime = { ports: sim.ports, clock, host: 'meet.ne3d.org', pollMs: 5000, onProgress: (e) => progress.push(e) };
  const run = (goal: TransitionRequest['goal'], extra: Partial<TransitionRequest> = {}) =>
    transition({ goal, actor: 'cli:ana@laptop', reason: 'test', ...extra }, rt);
  const snapshot = async () => {
    const s = await observe(sim.ports, { host: 'meet.ne3d.org', now: clock.now() });
    if (!s) throw new Error('no stack');
    return s;
  };
  return { clock, sim, progress, run, snapshot };
}

const kinds = (steps: ReadonlyArray<{ kind: string }>) => steps.map((s) => s.kind);
const liveRecorders = (sim: SimAws) => sim.recorderTasks.filter((t) => t.stoppedAt === undefined);

describe('start --record', () => {
  it('starts the meeting, then the recorder on an instance from 0, pointed at the meeting task by its private address', async () => {
    const { sim, run, clock } = setup();
    const begin = clock.now();
    const outcome = await run('running', { record: true });
    expect(outcome).toMatchObject({ from: 'STOPPED', to: 'READY', outcome: 'done' });
    expect(kinds(outcome.steps).slice(-4)).toEqual([
      'set-recorder-capacity',
      'wait-recorder-instance',
      'run-recorder',
      'wait-recorder-ready',
    ]);
    expect(sim.recorderCapacity).toBe(1);
    const [recorder] = liveRecorders(sim);
    const meeting = sim.tasks.find((t) => t.stoppedAt === undefined);
    expect(recorder?.xmppServer).toBe(sim.taskPrivateIp(meeting as { arn: string }));
    // The group from 0, the image pull and Jibri's start come after the meeting is READY.
    const seconds = (clock.now() - begin) / 1000;
    expect(seconds).toBeGreaterThanOrEqual(modelledRecorderSeconds().seconds);
  });

  it('adds only the recorder to a meeting that is already READY, and nothing when it records already', async () => {
    const { run } = setup();
    await run('running');
    const add = await run('running', { record: true });
    expect(kinds(add.steps)).toEqual(['set-recorder-capacity', 'wait-recorder-instance', 'run-recorder', 'wait-recorder-ready']);
    expect((await run('running', { record: true })).steps).toEqual([]);
  });

  it('refuses --record on a stack without a recorder, naming the config field', async () => {
    const { run } = setup({ recorder: false });
    await expect(run('running', { record: true })).rejects.toThrow(PlanError);
    await expect(run('running', { record: true })).rejects.toMatchObject({
      hint: expect.stringContaining('"recording": { "enabled": true }'),
    });
  });

  it('removes the recorder again when it cannot start, and leaves the meeting READY', async () => {
    const { sim, run, snapshot } = setup({ faults: { recorderNeverRegisters: true } });
    const outcome = await run('running', { record: true });
    expect(outcome.outcome).toBe('failed');
    expect(outcome.result?.failedStep?.kind).toBe('wait-recorder-instance');
    expect(outcome.result?.compensated).toBe(true);
    expect(sim.recorderCapacity).toBe(0);
    expect(sim.liveTasks()).toBe(1);
    expect(outcome.to).toBe('READY');
    expect((await snapshot()).recorder?.desiredCapacity).toBe(0);
  });
});

describe('stop with a recorder', () => {
  it('refuses while a recording runs, unless --force', async () => {
    const { sim, run, snapshot } = setup();
    await run('running', { record: true });
    sim.startRecording();
    sim.participants = 0;
    expect(recorderBusy(await snapshot())).toBe(true);
    await expect(run('stopped')).rejects.toThrow(RefusedError);
    await expect(run('stopped')).rejects.toThrow(/a recording is running/);
    expect(sim.liveTasks()).toBe(1);
    expect(sim.state.log.at(-1)).toMatchObject({ outcome: 'refused', detail: 'a recording is running' });
  });

  it('after the recording: stops the meeting, waits for the upload, then removes the recorder and its instance', async () => {
    const { sim, run, clock } = setup();
    await run('running', { record: true });
    sim.startRecording();
    clock.t += 1800_000;
    sim.participants = 0;
    // The organizer stops the recording in the meeting; Jibri goes idle… but here the meeting just ends, forced.
    const outcome = await run('stopped', { force: true });
    expect(kinds(outcome.steps)).toEqual([
      'set-desired',
      'wait-tasks-stopped',
      'wait-recorder-idle',
      'stop-recorder',
      'set-recorder-capacity',
    ]);
    expect(outcome.outcome).toBe('done');
    // The upload (a minute) finished before the recorder was stopped: nothing was lost.
    expect(sim.lostRecordings).toBe(0);
    expect([...sim.objects.keys()].filter((k) => k.endsWith('.mp4'))).toHaveLength(1);
    expect(sim.recorderCapacity).toBe(0);
    expect(liveRecorders(sim)).toEqual([]);
  });

  it('waits as long as the upload takes without --force, and fails (keeping the recorder) past its deadline', async () => {
    const { sim, run, snapshot } = setup();
    await run('running', { record: true });
    const planned = plan('stopped', await snapshot());
    expect(kinds(planned)).toContain('wait-recorder-idle');
    expect(planned.find((s) => s.kind === 'wait-recorder-idle')).toMatchObject({ forced: false, deadlineSeconds: 1800 });
    const forced = plan('stopped', await snapshot(), { force: true });
    expect(forced.find((s) => s.kind === 'wait-recorder-idle')).toMatchObject({ forced: true, deadlineSeconds: 180 });
    expect(RECORDER_TIMELINE.upload).toBeLessThan(180);
    sim.participants = 0;
    expect((await run('stopped')).outcome).toBe('done');
  });

  it('--force waits 3 minutes for an upload that does not end, then stops the meeting and keeps the recorder (nothing is lost)', async () => {
    const { sim, run, clock } = setup({ faults: { uploadHangs: true } });
    await run('running', { record: true });
    sim.startRecording();
    clock.t += 600_000;
    sim.participants = 0;
    const begin = clock.now();
    const outcome = await run('stopped', { force: true, reason: 'guard' });
    expect((clock.now() - begin) / 1000).toBeGreaterThanOrEqual(180);
    expect(outcome.outcome).toBe('failed');
    expect(outcome.result?.failedStep?.kind).toBe('wait-recorder-idle');
    expect(outcome.result?.error).toMatchObject({
      kind: 'kept',
      message: expect.stringMatching(/still uploading.*kept so that nothing is lost/),
    });
    expect(sim.liveTasks()).toBe(0);
    expect(liveRecorders(sim)).toHaveLength(1);
    expect(sim.recorderCapacity).toBe(1);
    expect(sim.lostRecordings).toBe(0);
  });

  it('without --force, an upload that does not end keeps the recorder running', async () => {
    const { sim, run, clock } = setup({ faults: { uploadHangs: true } });
    await run('running', { record: true });
    sim.startRecording();
    clock.t += 600_000;
    // The recording ends in the meeting (Jibri finalizes when the meeting stops; here the person stops it).
    await sim.ports.service.setDesired('meet-cluster', 'meet-service', 0);
    clock.t += 60_000;
    const outcome = await run('stopped');
    expect(outcome.outcome).toBe('failed');
    expect(outcome.result?.failedStep?.kind).toBe('wait-recorder-idle');
    expect(outcome.result?.error?.message).toMatch(/still uploading.*`meetctl stop` removes the recorder once S3 has everything/);
    expect(liveRecorders(sim)).toHaveLength(1);
    expect(sim.recorderCapacity).toBe(1);
    expect(sim.lostRecordings).toBe(0);
  });

  it('a meeting already stopped with a recorder left over: the recorder goes', async () => {
    const { sim, run, clock } = setup();
    await run('running', { record: true });
    // Someone set the service to 0 behind meetctl's back: the recorder is left alone.
    await sim.ports.service.setDesired('meet-cluster', 'meet-service', 0);
    clock.t += 120_000;
    const outcome = await run('stopped');
    expect(kinds(outcome.steps)).toEqual(['wait-recorder-idle', 'stop-recorder', 'set-recorder-capacity']);
    expect(sim.recorderCapacity).toBe(0);
  });

  it('destroy removes the recorder before deleting the stack', async () => {
    const { run, snapshot } = setup();
    await run('running', { record: true });
    expect(kinds(plan('destroyed', await snapshot(), { force: true }))).toEqual([
      'set-desired',
      'wait-tasks-stopped',
      'wait-recorder-idle',
      'stop-recorder',
      'set-recorder-capacity',
      'delete-stack',
    ]);
  });
});
