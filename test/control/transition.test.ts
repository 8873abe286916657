import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Runtime } from '../../src/control/execute.js';
import { LEASE_SECONDS, LeaseLostError } from '../../src/control/lock.js';
import { PlanError, type Step } from '../../src/control/plan.js';
import type { Snapshot, TaskSnapshot } from '../../src/control/snapshot.js';
import {
  lockedDetail,
  lockedOut,
  minutesEnded,
  peopleRefusal,
  RefusedError,
  recordingRefusal,
  runningMinutesEnded,
  stepsToRun,
  stoppedArns,
  type TransitionRequest,
  transition,
} from '../../src/control/transition.js';
import { SimAws, VirtualClock } from '../../src/sim/simulated-aws.js';
import { EXAMPLES, NOW, snapshot, task } from '../support/snapshots.js';

const MINUTE = 60_000;

function world(options: ConstructorParameters<typeof SimAws>[1] = {}) {
  const clock = new VirtualClock();
  const sim = new SimAws(clock, options);
  const rt: Runtime = { ports: sim.ports, clock, host: 'meet.ne3d.org', pollMs: 5000, onProgress: () => {} };
  const run = (goal: TransitionRequest['goal'], extra: Partial<TransitionRequest> = {}) =>
    transition({ goal, actor: 'cli:ana@laptop', reason: 'test', ...extra }, rt);
  return { clock, sim, rt, run };
}

/** A stopped task that ran from `startedAt` for `minutes`. */
const ran = (arn: string, startedAt: number, minutes: number): TaskSnapshot =>
  task({ arn, lastStatus: 'STOPPED', desiredStatus: 'STOPPED', startedAt, stoppedAt: startedAt + minutes * MINUTE });

describe('the running minutes a transition saw end', () => {
  it('are the minutes of the tasks stopped after it and not before, to a tenth', () => {
    const running = task({ arn: 'a', startedAt: NOW - 90 * MINUTE });
    const earlier = ran('old', NOW - 300 * MINUTE, 120);
    const before = snapshot({ tasks: [earlier, running] });
    const after = snapshot({ tasks: [earlier, { ...running, lastStatus: 'STOPPED', stoppedAt: NOW + 30_000 }] });
    expect(runningMinutesEnded(before, after)).toBe(90.5);
    // Nothing stopped in between: nothing ended.
    expect(runningMinutesEnded(before, before)).toBe(0);
    expect(runningMinutesEnded(after, after)).toBe(0);
    // Without a snapshot before, every stopped task counts; without one after, none.
    expect(runningMinutesEnded(undefined, after)).toBe(210.5);
    expect(runningMinutesEnded(before, undefined)).toBe(0);
  });

  it('leave out a task that stopped without ever starting, and round to a tenth of a minute', () => {
    const neverStarted = task({ arn: 'p', lastStatus: 'STOPPED', startedAt: undefined, stoppedAt: NOW });
    expect(minutesEnded([neverStarted], new Set())).toBe(0);
    expect(minutesEnded([ran('a', NOW, 0.26)], new Set())).toBe(0.3);
    expect(minutesEnded([ran('a', NOW, 0.24)], new Set())).toBe(0.2);
    expect(stoppedArns([ran('a', NOW, 1), task({ arn: 'b' })])).toEqual(new Set(['a']));
    expect(stoppedArns(undefined)).toEqual(new Set());
  });

  it('equal an independent sum over the tasks that stopped in between (property)', () => {
    const arbitraryTask = fc.record({
      arn: fc.constantFrom('t1', 't2', 't3', 't4', 't5'),
      startedAt: fc.option(fc.integer({ min: 0, max: 10 * 60 * MINUTE }), { nil: undefined }),
      minutes: fc.integer({ min: 0, max: 600 * 60 }).map((s) => s / 60),
      stoppedBefore: fc.boolean(),
      stoppedAfter: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.uniqueArray(arbitraryTask, { selector: (t) => t.arn }), (drawn) => {
        const at = (t: (typeof drawn)[number], stopped: boolean): TaskSnapshot =>
          task({
            arn: t.arn,
            lastStatus: stopped ? 'STOPPED' : 'RUNNING',
            startedAt: t.startedAt,
            ...(stopped && t.startedAt !== undefined ? { stoppedAt: t.startedAt + Math.round(t.minutes * MINUTE) } : {}),
            ...(stopped && t.startedAt === undefined ? { stoppedAt: NOW } : {}),
          });
        // A task stopped before stays stopped after.
        const before = snapshot({ tasks: drawn.map((t) => at(t, t.stoppedBefore)) });
        const after = snapshot({ tasks: drawn.map((t) => at(t, t.stoppedBefore || t.stoppedAfter)) });
        let seconds = 0;
        for (const t of drawn) {
          if (!t.stoppedBefore && t.stoppedAfter && t.startedAt !== undefined) seconds += Math.round(t.minutes * MINUTE) / 1000;
        }
        expect(runningMinutesEnded(before, after)).toBe(Math.round(seconds / 6) / 10);
      }),
    );
  });

  it('are counted once across a restart and the stop after it (no double count)', () => {
    // A DEGRADED task A is replaced by B (one transition), then B is stopped (the next one).
    const a = task({ arn: 'a', startedAt: NOW - 60 * MINUTE });
    const aStopped = { ...a, lastStatus: 'STOPPED', desiredStatus: 'STOPPED', stoppedAt: NOW + MINUTE };
    const b = task({ arn: 'b', startedAt: NOW + 3 * MINUTE });
    const bStopped = { ...b, lastStatus: 'STOPPED', desiredStatus: 'STOPPED', stoppedAt: NOW + 123 * MINUTE };
    const restart = runningMinutesEnded(snapshot({ tasks: [a] }), snapshot({ tasks: [aStopped, b] }));
    const stop = runningMinutesEnded(snapshot({ tasks: [aStopped, b] }), snapshot({ tasks: [aStopped, bStopped] }));
    expect([restart, stop]).toEqual([61, 120]);
  });
});

describe('what a transition plans and refuses, as pure rules', () => {
  const d = (count: 0 | 1): Step => ({ kind: 'set-desired', count, deadlineSeconds: 60 });
  const w: Step = { kind: 'wait-tasks-stopped', deadlineSeconds: 300 };
  const r: Step = { kind: 'wait-task-running', deadlineSeconds: 480 };

  it('runs every step, or only up to the last "desired count 1" for a start-only request', () => {
    expect(stepsToRun([d(0), w, d(1), r], false)).toEqual([d(0), w, d(1), r]);
    expect(stepsToRun([d(0), w, d(1), r], undefined)).toEqual([d(0), w, d(1), r]);
    expect(stepsToRun([d(1), r, d(1), r], true)).toEqual([d(1), r, d(1)]);
    expect(stepsToRun([d(0), w], true)).toEqual([]);
    expect(stepsToRun([r], true)).toEqual([]);
    // The recorder's "capacity 1" is not the meeting's start: the waiting after it is left to the guard too.
    const recorder: Step = { kind: 'set-recorder-capacity', count: 1, deadlineSeconds: 60 };
    expect(stepsToRun([d(1), r, recorder], true)).toEqual([d(1)]);
  });

  it('refuses to end a call: with people, with a count nobody knows, or while recording', () => {
    expect(peopleRefusal(undefined)).toBeUndefined();
    expect(peopleRefusal(EXAMPLES.STOPPED)).toBeUndefined();
    expect(peopleRefusal({ ...EXAMPLES.READY, participants: 0 })).toBeUndefined();
    expect(peopleRefusal({ ...EXAMPLES.READY, participants: 1 })).toEqual({
      detail: '1 people in a call',
      message: '1 person is in a call right now.',
      hint: 'Wait until the meeting ends, or pass --force to end it for everyone.',
    });
    expect(peopleRefusal({ ...EXAMPLES.READY, participants: 3 })?.message).toBe('3 people are in a call right now.');
    expect(peopleRefusal(EXAMPLES.READY)?.detail).toBe('participant count unknown');
    // A meeting runs on a stack CloudFormation left broken too (its phase says FAILED): same refusals.
    const broken = { ...EXAMPLES.READY, stack: { ...EXAMPLES.READY.stack, status: 'UPDATE_ROLLBACK_FAILED' } };
    expect(peopleRefusal({ ...broken, participants: 3 })?.message).toBe('3 people are in a call right now.');
    expect(peopleRefusal(broken)?.detail).toBe('participant count unknown');
    expect(peopleRefusal({ ...broken, tasks: [], service: { desired: 0, running: 0, pending: 0 } })).toBeUndefined();
    const recording: Snapshot = {
      ...EXAMPLES.READY,
      recorder: {
        desiredCapacity: 1,
        instances: 1,
        tasks: [task({ arn: 'arn:recorder' })],
        pending: [],
        status: { at: NOW, answering: true, busy: 'BUSY', pending: [] },
      },
    };
    expect(recordingRefusal(recording)).toEqual({
      detail: 'a recording is running',
      message: 'a recording is running: stopping the meeting ends it.',
      hint: 'Stop the recording in the meeting first, or pass --force (what was recorded so far is still uploaded).',
    });
    expect(recordingRefusal(EXAMPLES.READY)).toBeUndefined();
    expect(recordingRefusal(undefined)).toBeUndefined();
  });

  it('names the holder of the lock, since when, and when a dead one lapses', () => {
    const holder = {
      owner: 'schedule:weekly',
      reason: 'running: meetup',
      token: 't',
      version: 'v',
      leaseSeconds: 60,
      acquiredAt: NOW,
      heartbeatAt: NOW,
    };
    expect(lockedDetail(holder)).toBe('locked by schedule:weekly (running: meetup)');
    const refusal = lockedOut(holder);
    expect(refusal).toBeInstanceOf(RefusedError);
    expect(refusal.message).toBe(
      'another change is running: schedule:weekly holds the lock since 2026-12-03T18:00:00.000Z (running: meetup).',
    );
    expect(refusal.hint).toBe(
      `Wait for it to finish, then try again. If that actor died, its lease lapses by itself within ${LEASE_SECONDS} s of its last heartbeat.`,
    );
    expect(refusal.holder).toBe(holder);
  });
});

describe('a transition, end to end on the simulator', () => {
  it('on a stack that is not there: destroying is a no-op nobody can log, anything else needs a deploy', async () => {
    const { run, sim } = world();
    sim.deleted = true;
    const outcome = await run('destroyed');
    expect(outcome).toMatchObject({ from: 'ABSENT', to: 'ABSENT', outcome: 'no-op', steps: [] });
    expect(outcome.event).toMatchObject({ actor: 'cli:ana@laptop', goal: 'destroyed', outcome: 'no-op' });
    expect(sim.state.log).toEqual([]);
    await expect(run('running')).rejects.toThrow(PlanError);
  });

  it('logs the start with the task start time, the steps time, and no minutes', async () => {
    const { run, sim, clock } = world();
    const begin = clock.now();
    const outcome = await run('running');
    expect(outcome).toMatchObject({ from: 'STOPPED', to: 'READY', outcome: 'done', logged: true });
    const [event] = sim.state.log;
    expect(event).toEqual(outcome.event);
    expect(event?.taskStartedAt).toBeGreaterThan(begin);
    expect(event?.elapsedSeconds).toBe(Math.round((clock.now() - begin) / 1000));
    expect(event?.runningMinutes).toBeUndefined();
    expect(event?.recorderMinutes).toBeUndefined();
    expect(event?.detail).toBeUndefined();
  });

  it('logs the minutes of the task a stop ended, and no start time', async () => {
    const { run, sim } = world({ desired: 1, participants: 0 });
    const outcome = await run('stopped');
    expect(outcome).toMatchObject({ from: 'READY', to: 'STOPPED', outcome: 'done' });
    expect(sim.state.log[0]?.runningMinutes).toBeGreaterThan(59);
    expect(sim.state.log[0]?.taskStartedAt).toBeUndefined();
  });

  it('refuses a stop while people are in a call, logging the refusal once; --force stops', async () => {
    const { run, sim } = world({ desired: 1, participants: 2 });
    await expect(run('stopped')).rejects.toThrow('2 people are in a call right now.');
    expect(sim.state.log).toEqual([
      expect.objectContaining({ outcome: 'refused', detail: '2 people in a call', from: 'READY', to: 'READY' }),
    ]);
    expect(sim.state.lock).toBeUndefined();
    expect((await run('stopped', { force: true })).outcome).toBe('done');
  });

  it('lets the automation decide under the lock: a decline is a no-op, a forced decision stops a call', async () => {
    const { run, sim } = world({ desired: 1, participants: 2 });
    const declined = await run('stopped', { precondition: async () => ({ proceed: false, why: 'inside the window' }) });
    expect(declined).toMatchObject({ outcome: 'no-op', declined: 'inside the window', steps: [] });
    expect(sim.state.log.at(-1)?.detail).toBe('declined under the lock: inside the window');
    expect(sim.liveTasks()).toBe(1);
    const seen: Array<number | undefined> = [];
    const forced = await run('stopped', {
      precondition: async (s) => {
        seen.push(s.participants);
        return { proceed: true, force: true };
      },
    });
    expect(seen).toEqual([2]);
    expect(forced.outcome).toBe('done');
    expect(sim.liveTasks()).toBe(0);
  });

  it('refuses for a precondition that proceeds without force while people are in a call', async () => {
    const { run, sim } = world({ desired: 1, participants: 2 });
    await expect(run('stopped', { precondition: async () => ({ proceed: true }) })).rejects.toThrow(RefusedError);
    expect(sim.liveTasks()).toBe(1);
  });

  it('refuses a restart of a DEGRADED task with people in it, since it ends their call', async () => {
    const { run, sim } = world({ desired: 1, participants: 1, faults: { targetNeverHealthy: true } });
    await expect(run('running')).rejects.toThrow('1 person is in a call right now.');
    expect(sim.state.log.at(-1)).toMatchObject({ goal: 'running', outcome: 'refused', from: 'DEGRADED' });
  });

  it('is refused while another actor holds the lock, naming it, and changes nothing', async () => {
    const { run, sim } = world({ desired: 1, participants: 0 });
    const holder = sim.state.hold('schedule:weekly', 'running: meetup');
    const refused = run('stopped');
    await expect(refused).rejects.toThrow(RefusedError);
    await expect(refused).rejects.toMatchObject({ holder: expect.objectContaining({ owner: 'schedule:weekly' }) });
    expect(sim.state.log).toEqual([
      expect.objectContaining({ outcome: 'refused', detail: 'locked by schedule:weekly (running: meetup)', from: 'READY' }),
    ]);
    expect(sim.state.lock?.token).toBe(holder.token);
    expect(sim.liveTasks()).toBe(1);
  });

  it('waits for a live holder only as long as asked, and only when asked', async () => {
    const waited = async (extra: Partial<TransitionRequest>) => {
      const { run, sim, clock } = world();
      sim.state.hold('schedule:weekly', 'running: meetup');
      const begin = clock.now();
      await expect(run('running', extra)).rejects.toThrow(RefusedError);
      return (clock.now() - begin) / 1000;
    };
    expect(await waited({ lockWaitSeconds: 120, waitForLiveHolder: true })).toBeGreaterThanOrEqual(120);
    expect(await waited({ lockWaitSeconds: 120 })).toBeLessThan(30);
    expect(await waited({ waitForLiveHolder: true })).toBeLessThan(30);
  });

  it('takes over a dead holder after its lease and says from whom', async () => {
    const { run, sim } = world();
    sim.state.hold('cli:bo@laptop', 'running: test', { alive: false });
    const outcome = await run('running');
    expect(outcome.outcome).toBe('done');
    expect(outcome.tookOverFrom?.owner).toBe('cli:bo@laptop');
    const noop = await run('running');
    expect(noop.tookOverFrom).toBeUndefined();
  });

  it('ends a request whose lease was lost before it logged as aborted: one event, no change, the lock released', async () => {
    const { run, sim } = world({ desired: 1, participants: 0 });
    const outcome = await run('stopped', {
      precondition: async () => {
        throw new LeaseLostError('cli:ana@laptop');
      },
    });
    expect(outcome).toMatchObject({ from: 'READY', to: 'READY', outcome: 'aborted', steps: [] });
    expect(outcome.result).toMatchObject({ ok: false, elapsedMs: 0, completed: 0, error: { kind: 'lease-lost' } });
    expect(outcome.result?.error?.message).toBe(new LeaseLostError('x').message);
    expect(sim.state.log).toEqual([expect.objectContaining({ outcome: 'aborted', detail: new LeaseLostError('x').message })]);
    expect(sim.liveTasks()).toBe(1);
    expect(sim.state.lock).toBeUndefined();
  });

  it('logs any other error before it logged as failed, once, and throws it', async () => {
    const { run, sim } = world({ desired: 1, participants: 0 });
    const boom = new Error('the precondition broke');
    await expect(run('stopped', { precondition: async () => Promise.reject(boom) })).rejects.toBe(boom);
    expect(sim.state.log).toEqual([expect.objectContaining({ outcome: 'failed', detail: 'the precondition broke' })]);
    expect(sim.state.lock).toBeUndefined();
    // Not even the event can be written: the error still comes out.
    sim.state.append = async () => Promise.reject(new Error('table gone'));
    await expect(run('stopped', { precondition: async () => Promise.reject('a string') })).rejects.toBe('a string');
  });

  it('reports aborted when the lease was lost by the time the outcome is logged', async () => {
    const { run, sim } = world({ desired: 1, participants: 0 });
    // Heartbeats fail once the steps are done: someone took the lock over meanwhile.
    const heartbeat = sim.state.heartbeat.bind(sim.state);
    sim.state.heartbeat = async (...args) => (sim.liveTasks() === 0 ? false : heartbeat(...args));
    const outcome = await run('stopped');
    expect(outcome.outcome).toBe('aborted');
    expect(outcome.event.detail).toBe(new LeaseLostError('x').message);
    const noop = world();
    noop.sim.state.heartbeat = async () => false;
    const quiet = await noop.run('stopped');
    expect(quiet).toMatchObject({ outcome: 'aborted', steps: [] });
  });

  it('reports a lease lost during the steps as aborted, saying so once', async () => {
    const { run, sim } = world({ desired: 1, participants: 0 });
    // Taken over right after the stop was asked for: the next heartbeat, while waiting, fails.
    const heartbeat = sim.state.heartbeat.bind(sim.state);
    sim.state.heartbeat = async (...args) => (sim.desiredCalls.length > 0 ? false : heartbeat(...args));
    const outcome = await run('stopped');
    expect(outcome.result?.error?.kind).toBe('lease-lost');
    expect(outcome).toMatchObject({ outcome: 'aborted', event: { outcome: 'aborted', detail: new LeaseLostError('x').message } });
  });

  it('still returns the result when the event cannot be written after the steps', async () => {
    const { run, sim } = world({ desired: 1, participants: 0 });
    sim.state.append = async () => Promise.reject(new Error('ExpiredTokenException'));
    const outcome = await run('stopped');
    expect(outcome).toMatchObject({ outcome: 'done', to: 'STOPPED', logged: false });
    expect(outcome.event.runningMinutes).toBeGreaterThan(59);
  });

  it('says the phase its steps reached when the read after them fails, not the phase before', async () => {
    for (const [goal, from, to, desired, power] of [
      ['stopped', 'READY', 'STOPPED', 1, 'on'],
      ['running', 'STOPPED', 'READY', 0, 'on'],
      ['powered-down', 'STOPPED', 'POWERED_DOWN', 0, 'on'],
      ['powered-up', 'POWERED_DOWN', 'STOPPED', 0, 'off'],
    ] as const) {
      const clock = new VirtualClock();
      const sim = new SimAws(clock, { desired, participants: 0, power });
      let stepsDone = false;
      const rt: Runtime = {
        ports: sim.ports,
        clock,
        host: 'meet.ne3d.org',
        pollMs: 5000,
        onProgress: (e) => {
          stepsDone ||= e.type === 'done' && e.index === e.total;
        },
      };
      const describe = sim.ports.stack.describe.bind(sim.ports.stack);
      sim.ports.stack.describe = async () => {
        if (stepsDone) throw new Error('ExpiredTokenException');
        return describe();
      };
      const outcome = await transition({ goal, actor: 'cli:ana@laptop', reason: 'test' }, rt);
      expect(outcome, goal).toMatchObject({ from, to, outcome: 'done' });
    }
  });

  it('a start that only asks for the task (startOnly) ends STARTING, read or not', async () => {
    const { run } = world({ desired: 0 });
    expect(await run('running', { startOnly: true })).toMatchObject({ from: 'STOPPED', to: 'STARTING', outcome: 'done' });
    const failing = world({ desired: 0 });
    const describe = failing.sim.ports.stack.describe.bind(failing.sim.ports.stack);
    let desiredSet = false;
    const setDesired = failing.sim.ports.service.setDesired.bind(failing.sim.ports.service);
    failing.sim.ports.service.setDesired = async (...args) => {
      await setDesired(...args);
      desiredSet = true;
    };
    failing.sim.ports.stack.describe = async () => {
      if (desiredSet) throw new Error('ExpiredTokenException');
      return describe();
    };
    expect(await failing.run('running', { startOnly: true })).toMatchObject({ to: 'STARTING', outcome: 'done' });
  });

  it('says the phase it observed after steps that failed, not the goal', async () => {
    const { run } = world({ faults: { stuckPending: true } });
    const outcome = await run('running');
    expect(outcome.outcome).toBe('failed');
    // The failed start stopped its task again: never READY.
    expect(outcome.to).not.toBe('READY');
    expect(['STOPPED', 'STOPPING']).toContain(outcome.to);
  });

  it('says ABSENT after a destroy, and the minutes of the recorder a stop ended', async () => {
    const destroy = world({ desired: 1, participants: 0 });
    const gone = await destroy.run('destroyed');
    expect(gone).toMatchObject({ outcome: 'done', to: 'ABSENT' });
    // Also when the read after the delete fails (credentials expired during it): the delete said it is gone.
    const expiring = world({ desired: 1, participants: 0 });
    const stack = expiring.sim.ports.stack;
    const describe = stack.describe.bind(stack);
    let deleted = false;
    stack.describe = async () => {
      if (deleted) throw new Error('ExpiredTokenException');
      const described = await describe();
      deleted = described === undefined;
      return described;
    };
    expect(await expiring.run('destroyed')).toMatchObject({ from: 'READY', outcome: 'done', to: 'ABSENT' });
    const { run, sim, clock } = world({ recorder: true });
    await run('running', { record: true });
    clock.t += 30 * MINUTE;
    sim.participants = 0;
    const stop = await run('stopped');
    expect(stop.event.recorderMinutes).toBeGreaterThan(29);
  });

  it('does not read the stats for a forced stop, nor a second time for the automation', async () => {
    const { sim, clock } = world({ desired: 1, participants: 0 });
    let reads = 0;
    const broken: Runtime = {
      ports: { ...sim.ports, participants: { samples: async () => Promise.reject(new Error('AccessDeniedException')) } },
      clock,
      host: 'meet.ne3d.org',
      pollMs: 5000,
      onProgress: () => {},
    };
    const forced = await transition({ goal: 'stopped', actor: 'a', reason: 'r', force: true }, broken);
    expect(forced.outcome).toBe('done');
    const again = world({ desired: 1, participants: 0 });
    const samples = again.sim.ports.participants.samples.bind(again.sim.ports.participants);
    const counting: Runtime = {
      ...again.rt,
      ports: {
        ...again.sim.ports,
        participants: {
          samples: async (...args) => {
            reads += 1;
            return samples(...args);
          },
        },
      },
    };
    const decided = await transition(
      { goal: 'stopped', actor: 'idle-stop', reason: 'r', precondition: async () => ({ proceed: true }) },
      counting,
    );
    expect(decided.outcome).toBe('done');
    expect(reads).toBe(1);
  });

  it('logs the start time of the new task after a restart, not of the one it replaced', async () => {
    const { run, sim, clock } = world({ desired: 1, participants: 0, faults: { targetNeverHealthy: true } });
    const begin = clock.now();
    const restart = await run('running', {
      precondition: async () => {
        sim.faults.targetNeverHealthy = false;
        return { proceed: true };
      },
    });
    expect(restart).toMatchObject({ from: 'DEGRADED', to: 'READY', outcome: 'done' });
    expect(restart.event.taskStartedAt).toBeGreaterThan(begin);
    expect(restart.event.runningMinutes).toBeGreaterThan(59);
  });

  it('reaches READY in the direct mode, reading the host record after the steps too', async () => {
    const { run } = world({ ingress: 'direct' });
    expect(await run('running')).toMatchObject({ from: 'STOPPED', to: 'READY', outcome: 'done' });
  });

  it('says the task could not be stopped only when that is so', async () => {
    const { run } = world({ faults: { stuckPending: true } });
    const failed = await run('running');
    expect(failed.result?.compensated).toBe(true);
    expect(failed.event.detail).toBe(failed.result?.error?.message);
  });

  it('keeps the outcome when a heartbeat fails for another reason than a lost lease', async () => {
    const { run, sim } = world();
    sim.state.heartbeat = async () => Promise.reject(new Error('AccessDeniedException'));
    expect((await run('stopped')).outcome).toBe('no-op');
  });

  it('returns an aborted outcome with the lost lease as its cause, even when that event cannot be written', async () => {
    const { run, sim } = world({ desired: 1, participants: 0 });
    sim.state.append = async () => Promise.reject(new Error('ExpiredTokenException'));
    const lost = new LeaseLostError('cli:ana@laptop');
    const outcome = await run('stopped', { precondition: async () => Promise.reject(lost) });
    expect(outcome.event).toMatchObject({ outcome: 'aborted', from: 'READY', to: 'READY', detail: lost.message });
    expect(outcome.result?.error?.cause).toBe(lost);
  });
});
