import { describe, expect, it } from 'vitest';
import type { Runtime } from '../../src/control/execute.js';
import { observe } from '../../src/control/observe.js';
import { recorderPending, recorderState } from '../../src/control/snapshot.js';
import { runStep } from '../../src/control/steps.js';
import { type TransitionRequest, transition } from '../../src/control/transition.js';
import { UPLOAD_RETRY_SECONDS } from '../../src/recording/recorder.js';
import { type Faults, SimAws, VirtualClock } from '../../src/sim/simulated-aws.js';

// A recording that cannot reach S3 is never lost: the control plane keeps the recorder (its task and
// the instance whose disk holds the file) until S3 has it, on a simulated AWS whose recorder behaves
// as src/recording/finalize.sh and the uploader container do (test/boundary/recorder-upload.test.ts
// runs those for real).
function setup(faults: Faults = {}) {
  const clock = new VirtualClock();
  const sim = new SimAws(clock, { ingress: 'direct', recorder: true, faults });
  const rt: Runtime = { ports: sim.ports, clock, host: 'meet.ne3d.org', pollMs: 5000, onProgress: () => {} };
  const run = (goal: TransitionRequest['goal'], extra: Partial<TransitionRequest> = {}) =>
    transition({ goal, actor: 'cli:ana@laptop', reason: 'test', ...extra }, rt);
  const snapshot = async () => {
    const s = await observe(sim.ports, { host: 'meet.ne3d.org', now: clock.now() });
    if (!s) throw new Error('no stack');
    return s;
  };
  /** A meetup recorded for 30 minutes, then the meeting stopped (forced: the recording runs). */
  const recordedMeetup = async () => {
    await run('running', { record: true });
    sim.startRecording();
    clock.t += 30 * 60_000;
    sim.participants = 0;
    return run('stopped', { force: true });
  };
  return { clock, sim, run, snapshot, recordedMeetup };
}

const liveRecorders = (sim: SimAws) => sim.recorderTasks.filter((t) => t.stoppedAt === undefined);
const mp4s = (sim: SimAws) => [...sim.objects.keys()].filter((k) => k.endsWith('.mp4'));

describe('a recording the recorder cannot upload', () => {
  it('stop ends the meeting but keeps the recorder and its instance, and says why', async () => {
    const { sim, snapshot, recordedMeetup } = setup({ uploadFails: 'rclone: AccessDenied: Access Denied' });
    const outcome = await recordedMeetup();
    expect(outcome.outcome).toBe('failed');
    expect(outcome.result?.failedStep?.kind).toBe('stop-recorder');
    expect(outcome.result?.error).toMatchObject({
      kind: 'kept',
      message: expect.stringContaining(
        '1 recording(s) on the recorder are not in S3 yet (pending: rclone: AccessDenied: Access Denied)',
      ),
    });
    expect(sim.liveTasks()).toBe(0);
    expect(liveRecorders(sim)).toHaveLength(1);
    expect(sim.recorderCapacity).toBe(1);
    const s = await snapshot();
    expect(recorderState(s)).toBe('pending');
    expect(recorderPending(s)).toEqual([
      expect.objectContaining({
        why: 'rclone: AccessDenied: Access Denied',
        tries: 1,
        key: expect.stringMatching(/^recordings\//),
      }),
    ]);
    expect(mp4s(sim)).toEqual([]);
    expect(sim.lostRecordings).toBe(0);
  });

  it('every later stop keeps it too, until the uploader gets it into S3; then the recorder goes', async () => {
    const { sim, clock, run, snapshot, recordedMeetup } = setup({ uploadFails: 'rclone: AccessDenied: Access Denied' });
    await recordedMeetup();
    clock.t += 2 * 3600_000;
    expect((await run('stopped')).result?.error?.kind).toBe('kept');
    expect(recorderPending(await snapshot())[0]?.tries).toBeGreaterThan(1);
    expect(sim.recorderCapacity).toBe(1);
    // A deploy fixed the role: the uploader's next round (every 5 minutes) uploads it.
    sim.faults.uploadFails = undefined;
    clock.t += UPLOAD_RETRY_SECONDS * 1000;
    expect(recorderPending(await snapshot())).toEqual([]);
    expect(mp4s(sim)).toHaveLength(1);
    const done = await run('stopped');
    expect(done.outcome).toBe('done');
    expect(sim.recorderCapacity).toBe(0);
    expect(liveRecorders(sim)).toEqual([]);
    clock.t += 60_000;
    expect(recorderState(await snapshot())).toBe('off');
    expect(sim.lostRecordings).toBe(0);
  });

  it('a recorder stopped during the upload leaves the file on its disk: the instance is kept, and a later start finishes it', async () => {
    const { sim, clock, run, snapshot } = setup();
    await run('running', { record: true });
    sim.startRecording();
    clock.t += 30 * 60_000;
    // The meeting ends (the recording with it); while Jibri uploads, someone stops the recorder task in the console.
    await sim.ports.service.setDesired('meet-cluster', 'meet-service', 0);
    clock.t += 20_000;
    await observe(sim.ports, { host: 'meet.ne3d.org', now: clock.now() });
    const [recorder] = liveRecorders(sim);
    await sim.ports.recorder.stop('meet-cluster', recorder?.arn ?? '', 'a person');
    clock.t += 60_000;
    const left = await snapshot();
    expect(liveRecorders(sim)).toEqual([]);
    expect(recorderPending(left)).toEqual([expect.objectContaining({ why: 'the recorder was stopped during the upload' })]);
    expect(recorderState(left)).toBe('pending');
    // meetctl stop must not scale the group to 0: the instance's disk holds the recording.
    const stop = await run('stopped');
    expect(stop.result?.error?.kind).toBe('kept');
    expect(sim.recorderCapacity).toBe(1);
    clock.t += 3600_000;
    expect(sim.lostRecordings).toBe(0);
    // The next meetup with the recorder: its uploader takes what the last one left, at its start.
    const start = await run('running', { record: true });
    expect(start.outcome).toBe('done');
    expect(recorderPending(await snapshot())).toEqual([]);
    expect(mp4s(sim)).toHaveLength(1);
    sim.participants = 0;
    expect((await run('stopped')).outcome).toBe('done');
    expect(sim.recorderCapacity).toBe(0);
    expect(sim.lostRecordings).toBe(0);
  });

  it('the scale-in to 0 itself refuses while the disk holds a pending recording, whatever step comes before it', async () => {
    const { sim, clock, recordedMeetup } = setup({ uploadFails: 'rclone: AccessDenied: Access Denied' });
    await recordedMeetup();
    const [recorder] = liveRecorders(sim);
    await sim.ports.recorder.stop('meet-cluster', recorder?.arn ?? '', 'a person');
    clock.t += 60_000;
    const rt: Runtime = { ports: sim.ports, clock, host: 'meet.ne3d.org', pollMs: 5000, onProgress: () => {} };
    const scaleIn = runStep(
      { kind: 'set-recorder-capacity', count: 0, deadlineSeconds: 60 },
      rt,
      { outputs: {}, startedAt: clock.now() },
      clock.now(),
      () => {},
    );
    await expect(scaleIn).rejects.toMatchObject({ kind: 'kept' });
    expect(sim.recorderCapacity).toBe(1);
  });

  it('a recorder that cannot start again does not take the instance away from a waiting recording', async () => {
    const { sim, clock, run, recordedMeetup } = setup({ uploadFails: 'rclone: RequestError: send request failed' });
    await recordedMeetup();
    // The kept task dies; a later start --record cannot get a new recorder ready.
    const [recorder] = liveRecorders(sim);
    await sim.ports.recorder.stop('meet-cluster', recorder?.arn ?? '', 'crashed');
    clock.t += 60_000;
    sim.faults.recorderNeverReady = true;
    const start = await run('running', { record: true });
    expect(start.outcome).toBe('failed');
    expect(start.result?.failedStep?.kind).toBe('wait-recorder-ready');
    expect(start.result?.compensated).toBe(true);
    expect(sim.recorderCapacity).toBe(1);
    expect(sim.lostRecordings).toBe(0);
  });
});
