import type { CloudWatchAlarmEvent, ScheduledEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { type AutomationDeps, idleStop, runtimeGuard, scheduledStart } from '../../src/automation/handlers.js';
import { decideGuard, decideIdleStop, runBound } from '../../src/automation/policy.js';
import { observe } from '../../src/control/observe.js';
import { transition } from '../../src/control/transition.js';
import { type Faults, SimAws, VirtualClock } from '../../src/sim/simulated-aws.js';
import { NOW, snapshot, task } from '../support/snapshots.js';

const MINUTE = 60_000;
const settings = { idleStopMinutes: 15, startGraceMinutes: 20, maxRuntimeHours: 4 };
const alarm = { alarmData: { alarmName: 'Meet-idle', state: { value: 'ALARM' } } } as unknown as CloudWatchAlarmEvent;
const tick = {} as ScheduledEvent;

/** A clock whose sleeps can run hooks at given times (things that happen while a function waits). */
class HookedClock extends VirtualClock {
  readonly hooks: Array<{ at: number; run: () => void }> = [];
  override async sleep(ms: number): Promise<void> {
    const until = this.t + ms;
    for (const hook of this.hooks.filter((h) => h.at > this.t && h.at <= until)) {
      this.t = hook.at;
      hook.run();
    }
    this.t = until;
  }
}

function world(options: { desired?: number; participants?: number; faults?: Faults; remainingMs?: number } = {}) {
  const clock = new HookedClock();
  const sim = new SimAws(clock, options, options.faults ?? {});
  const alerts: string[] = [];
  const deps: AutomationDeps = {
    ports: sim.ports,
    clock,
    host: 'meet.ne3d.org',
    settings,
    notify: async (subject, message) => {
      alerts.push(`${subject}: ${message}`);
    },
    log: () => {},
    ...(options.remainingMs !== undefined ? { remainingMs: () => options.remainingMs as number } : {}),
  };
  return { clock, sim, deps, alerts };
}

describe('automatic decisions are made again under the lock', () => {
  it('an idle stop that waited for the lock does not stop inside a window that opened meanwhile', async () => {
    const { sim, deps, clock } = world({ desired: 1, participants: 0 });
    sim.state.hold('cli:ana@laptop', 'stopped: test', { alive: false });
    clock.hooks.push({
      at: clock.now() + 30_000,
      run: () => void sim.state.setWindow({ schedule: 'weekly', from: clock.now(), until: clock.now() + 120 * MINUTE }),
    });
    const result = await idleStop(deps)(alarm);
    expect(result).toMatchObject({
      action: 'none',
      why: expect.stringContaining('re-checked under the lock: inside the scheduled window'),
    });
    expect(sim.desiredCalls).toEqual([]);
    expect(sim.liveTasks()).toBe(1);
  });

  it('an idle stop that waited does not stop when people joined meanwhile', async () => {
    const { sim, deps, clock } = world({ desired: 1, participants: 0 });
    sim.state.hold('cli:ana@laptop', 'stopped: test', { alive: false });
    // People join right after the first look; the stats sidecar writes a line a minute, so one shows
    // them before the dead holder's 60 s lease has run out and the stop re-checks under the lock.
    clock.hooks.push({
      at: clock.now() + 1_000,
      run: () => {
        sim.participants = 3;
      },
    });
    clock.hooks.push({ at: clock.now() + 150_000, run: () => {} });
    const result = await idleStop(deps)(alarm);
    expect(result.action).toBe('none');
    expect(sim.desiredCalls).toEqual([]);
  });

  it('only the run bound ends a call with people in it; the idle rule never does', async () => {
    const { sim, deps } = world({ desired: 1, participants: 1 });
    expect((await idleStop(deps)(alarm)).action).toBe('none');
    expect(sim.liveTasks()).toBe(1);
  });
});

describe('the scheduled start', () => {
  it('from FAILED: stops first, then asks for one task, and says started only then', async () => {
    const { sim, deps, clock } = world({ faults: { imagePullError: true } });
    await transition(
      { goal: 'running', actor: 'x', reason: 'r', startOnly: true },
      { ports: sim.ports, clock, host: 'h', pollMs: 5000, onProgress: () => {} },
    );
    await clock.sleep(45_000);
    const before = sim.desiredCalls.length;
    const result = await scheduledStart(deps)({ schedule: 'weekly', leadMinutes: 15, windowMinutes: 120 });
    expect(result.action).toBe('started');
    expect(sim.desiredCalls.slice(before).map((c) => c.count)).toEqual([0, 1]);
    expect(sim.desired).toBe(1);
  });

  it('from STARTING: no second start and no waiting for readiness', async () => {
    const { sim, deps, clock } = world();
    await sim.ports.service.setDesired('meet-cluster', 'meet-service', 1);
    await clock.sleep(15_000);
    const begin = clock.now();
    const result = await scheduledStart(deps)({ schedule: 'weekly', leadMinutes: 15, windowMinutes: 120 });
    expect(result).toMatchObject({ action: 'none', why: expect.stringContaining('already STARTING') });
    expect(clock.now() - begin).toBeLessThan(MINUTE);
  });

  it('never waits past its own timeout: a long deploy in progress ends in an alert, not a timeout', async () => {
    const { sim, deps, alerts } = world({ remainingMs: 15 * MINUTE });
    (sim.faults as Faults).stackBusyUntil = sim.clock.now() + 40 * MINUTE;
    sim.stackStatus = 'UPDATE_IN_PROGRESS';
    const begin = sim.clock.now();
    const result = await scheduledStart(deps)({ schedule: 'weekly', leadMinutes: 15, windowMinutes: 120 });
    expect(result.action).toBe('failed');
    expect(sim.clock.now() - begin).toBeLessThan(15 * MINUTE);
    expect(alerts.join('\n')).toContain('did not start the server');
  });

  it('alerts when someone else holds the lock to stop the platform', async () => {
    const { sim, deps, alerts } = world();
    sim.state.hold('idle-stop', 'stopped: nobody in a call');
    const result = await scheduledStart(deps)({ schedule: 'weekly', leadMinutes: 15, windowMinutes: 120 });
    expect(result.action).toBe('refused');
    expect(alerts).toHaveLength(1);
  });

  it('bounds a window to 12 hours', async () => {
    const { sim, deps, clock } = world({ desired: 1 });
    await scheduledStart(deps)({ schedule: 'marathon', leadMinutes: 15, windowMinutes: 48 * 60 });
    expect(((sim.state.meetingWindow?.until ?? 0) - clock.now()) / MINUTE).toBe(12 * 60 + 15);
  });
});

describe('idle stop timing, driven through the stats lines and the alarm model', () => {
  it('stops within idleStopMinutes + 5 of the window end, with the guard doing it, and no function run every minute', async () => {
    const { sim, deps, clock } = world({ participants: 0 });
    const begin = clock.now();
    await scheduledStart(deps)({ schedule: 'weekly', leadMinutes: 15, windowMinutes: 60 });
    const windowEnd = begin + 75 * MINUTE;
    let runs = 0;
    let previous: 'OK' | 'ALARM' = 'OK';
    let stoppedAt: number | undefined;
    for (let minute = 1; minute <= 150 && stoppedAt === undefined; minute++) {
      await clock.sleep(MINUTE);
      const state = sim.idleAlarmState(settings.idleStopMinutes);
      if (state === 'ALARM' && previous === 'OK') {
        runs += 1;
        if ((await idleStop(deps)(alarm)).action === 'stopped') stoppedAt = clock.now();
      }
      previous = state;
      if (minute % 5 === 0 && stoppedAt === undefined) {
        runs += 1;
        if ((await runtimeGuard(deps)(tick)).action === 'stopped') stoppedAt = clock.now();
      }
    }
    expect(stoppedAt).toBeDefined();
    const after = ((stoppedAt ?? 0) - windowEnd) / MINUTE;
    expect(after).toBeGreaterThanOrEqual(0);
    expect(after).toBeLessThanOrEqual(settings.idleStopMinutes + 5);
    // At most one run per 5 minutes while it waited (the guard), plus the alarm's single invocation.
    const minutes = ((stoppedAt ?? 0) - begin) / MINUTE;
    expect(runs).toBeLessThanOrEqual(Math.ceil(minutes / 5) + 1);
  });
});

describe('an unknown participant count is not zero', () => {
  it('the idle stop does not stop when the stats are silent; the guard alerts after 15 minutes', async () => {
    const { sim, deps } = world({ desired: 1, participants: 0, faults: { statsSilent: true } });
    expect((await idleStop(deps)(alarm)).why).toContain('unknown');
    expect(sim.liveTasks()).toBe(1);
    // The task has run an hour with no line: the guard's alert window is the first 5 minutes past 15.
    const fresh = world({ participants: 0, faults: { statsSilent: true } });
    await scheduledStart(fresh.deps)({ schedule: 'w', leadMinutes: 0, windowMinutes: 1 });
    // 17 minutes after the start: silent for 15-16 minutes since the task started running.
    await fresh.clock.sleep(17 * MINUTE);
    await runtimeGuard(fresh.deps)(tick);
    expect(fresh.alerts.join('\n')).toContain('stats sidecar has written nothing');
  });

  it('stop refuses without --force and says why', async () => {
    const { sim, clock } = world({ desired: 1, faults: { statsSilent: true } });
    const rt = { ports: sim.ports, clock, host: 'h', pollMs: 5000, onProgress: () => {} };
    await expect(transition({ goal: 'stopped', actor: 'cli', reason: 'r' }, rt)).rejects.toThrow(
      'nobody knows whether people are in a call',
    );
    expect(sim.liveTasks()).toBe(1);
    expect((await transition({ goal: 'stopped', actor: 'cli', reason: 'r', force: true }, rt)).outcome).toBe('done');
  });
});

describe('the idle rule waits the whole idleStopMinutes after the last person left', () => {
  it('not before, and then it stops', async () => {
    const { sim, deps, clock } = world({ participants: 2 });
    await scheduledStart(deps)({ schedule: 'w', leadMinutes: 0, windowMinutes: 1 });
    await clock.sleep(30 * MINUTE); // past the grace and the window
    sim.participants = 0;
    await clock.sleep(10 * MINUTE);
    expect((await runtimeGuard(deps)(tick)).why).toMatch(/nobody in a call for \d+ of 15 minutes/);
    expect(sim.liveTasks()).toBe(1);
    await clock.sleep(7 * MINUTE);
    expect((await runtimeGuard(deps)(tick)).action).toBe('stopped');
  });
});

describe('a start that must restart a DEGRADED task', () => {
  it('refuses while people are in the call, unless forced', async () => {
    const { sim, clock } = world({ desired: 1, participants: 2, faults: { targetNeverHealthy: true } });
    const rt = { ports: sim.ports, clock, host: 'h', pollMs: 5000, onProgress: () => {} };
    await expect(transition({ goal: 'running', actor: 'cli', reason: 'r' }, rt)).rejects.toThrow('2 people are in a call');
    expect(sim.desiredCalls).toEqual([]);
  });
});

describe('boundaries', () => {
  it('exactly one participant is never idle, however long', async () => {
    const { sim, clock } = world({ desired: 1, participants: 1 });
    await clock.sleep(3 * 60 * MINUTE);
    const snapshot = await observe(sim.ports, { host: 'h', now: clock.now(), participants: true });
    expect(snapshot?.participants).toBe(1);
    expect(decideIdleStop(snapshot as NonNullable<typeof snapshot>, undefined, settings).act).toBe(false);
    expect(sim.idleAlarmState(15)).toBe('OK');
  });

  it('a stop with one person in the call refuses', async () => {
    const { sim, clock } = world({ desired: 1, participants: 1 });
    const rt = { ports: sim.ports, clock, host: 'h', pollMs: 5000, onProgress: () => {} };
    await expect(transition({ goal: 'stopped', actor: 'cli', reason: 'r' }, rt)).rejects.toThrow('1 person is in a call');
  });

  it('inside a window a run may last until the window ends plus one hour, and no longer', () => {
    const since = 0;
    const window = { schedule: 'hackathon', from: 0, until: 10 * 60 * MINUTE };
    expect(runBound(since, window, settings).until).toBe(11 * 60 * MINUTE);
    expect(runBound(since, undefined, settings).until).toBe(4 * 60 * MINUTE);
  });
});

describe('guests waiting in the lobby for a late host', () => {
  // A task up for an hour (past the 20-minute grace), no window; empty for 40 minutes, and two guests
  // in the lobby for the last `waited` of them.
  const at = (waited: number) => {
    const now = NOW + waited * MINUTE;
    const stats = Array.from({ length: 41 + waited }, (_, i) => {
      const ago = 40 + waited - i;
      return { at: now - ago * MINUTE, participants: 0, guests: ago <= waited ? 2 : 0 };
    });
    return snapshot({
      at: now,
      service: { desired: 1, running: 1, pending: 0 },
      tasks: [task({}, 3600 + waited * 60)],
      targets: { web: [{ state: 'healthy' }] },
      participants: 0,
      stats,
    });
  };

  it('count as people: the idle stop waits while they wait', () => {
    expect(decideIdleStop(at(10), undefined, settings)).toEqual({
      act: false,
      why: '2 guests wait in the lobby for a host (10 of 20 minutes)',
    });
    expect(decideGuard(at(10), undefined, settings).act).toBe(false);
  });

  it('for up to startGraceMinutes of waiting; then the idle countdown runs and the stop says they waited', () => {
    expect(decideIdleStop(at(20 + 14), undefined, settings)).toMatchObject({
      act: false,
      why: 'nobody in a call for 14 of 15 minutes',
    });
    const stop = decideIdleStop(at(20 + 16), undefined, settings);
    expect(stop).toMatchObject({ act: true, why: 'nobody in a call for 15 minutes' });
    expect(stop.act && stop.alert).toContain('2 guests had waited in the lobby for more than 20 minutes and no host came');
  });

  it('negative: without the guests count the same hour stops at once', () => {
    const unknownGuests = at(10);
    const stats = unknownGuests.stats?.map(({ at: t, participants }) => ({ at: t, participants }));
    expect(decideIdleStop({ ...unknownGuests, stats }, undefined, settings).act).toBe(true);
  });
});

describe('a stack CloudFormation left broken while a meeting runs (UPDATE_ROLLBACK_FAILED)', () => {
  /** A meeting with 3 people started through the CLI, then a deploy whose update and rollback both fail. */
  async function brokenDuringMeeting() {
    const w = world({ participants: 3, faults: { updateRollbackFails: true } });
    const rt = { ports: w.sim.ports, clock: w.clock, host: 'meet.ne3d.org', pollMs: 5000, onProgress: () => {} };
    expect((await transition({ goal: 'running', actor: 'cli', reason: 'meetup' }, rt)).to).toBe('READY');
    // A deploy that leaves the task definition alone: the task runs on through the update and its rollback.
    await w.sim.cloudFormation.deploy(1, { changesTaskDefinition: false });
    await w.clock.sleep(5 * MINUTE);
    expect((await w.sim.ports.stack.describe())?.status).toBe('UPDATE_ROLLBACK_FAILED');
    return { ...w, rt };
  }

  it('the meeting runs on, the guard throws nothing round after round and e-mails once; the idle stop works after people leave', async () => {
    const { sim, deps, clock, alerts, rt } = await brokenDuringMeeting();
    const rounds: string[] = [];
    for (let round = 0; round < 24; round++) {
      rounds.push((await runtimeGuard(deps)(tick)).action);
      await clock.sleep(5 * MINUTE);
    }
    expect(new Set(rounds)).toEqual(new Set(['none']));
    expect(sim.liveTasks()).toBe(1);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatch(/^runtime-guard: attention needed: Stack Meet-meet-ne3d-org is UPDATE_ROLLBACK_FAILED/);
    expect(alerts[0]).toContain('Continue update rollback');
    // The idle-stop alarm (a stale one, with people still in the call) decides and throws nothing either.
    expect(await idleStop(deps)(alarm)).toEqual({ action: 'none', why: '3 people are in a call' });
    // Nothing can start it: a start is refused with the message people read today.
    await expect(transition({ goal: 'running', actor: 'cli', reason: 'again' }, rt)).rejects.toThrow(
      'stack Meet-meet-ne3d-org is UPDATE_ROLLBACK_FAILED; CloudFormation needs a person to repair it.',
    );

    sim.participants = 0;
    const left = clock.now();
    let stoppedAt: number | undefined;
    while (stoppedAt === undefined && clock.now() - left < 60 * MINUTE) {
      await clock.sleep(5 * MINUTE);
      const round = clock.now();
      if ((await runtimeGuard(deps)(tick)).action === 'stopped') stoppedAt = round;
    }
    expect(((stoppedAt ?? Infinity) - left) / MINUTE).toBeLessThanOrEqual(settings.idleStopMinutes + 5);
    expect(sim.liveTasks()).toBe(0);
    expect(sim.desired).toBe(0);
    expect(alerts).toHaveLength(2);
    expect(alerts[1]).toMatch(/^Meeting server stopped by the runtime guard: Stopped Meet-meet-ne3d-org: nobody was in a call/);
    expect(alerts[1]).toContain('The stack is still UPDATE_ROLLBACK_FAILED');
    // The stack is as broken as before; the next rounds have nothing to do and say nothing.
    expect(sim.stackStatus).toBe('UPDATE_ROLLBACK_FAILED');
    await clock.sleep(5 * MINUTE);
    expect(await runtimeGuard(deps)(tick)).toEqual({ action: 'none', why: 'no task is running' });
    expect(alerts).toHaveLength(2);

    // The repair the alert names: continue the rollback; then the platform starts again.
    sim.cloudFormation.continueUpdateRollback();
    await clock.sleep(2 * MINUTE);
    expect((await sim.ports.stack.describe())?.status).toBe('UPDATE_ROLLBACK_COMPLETE');
    expect((await transition({ goal: 'running', actor: 'cli', reason: 'repaired' }, rt)).to).toBe('READY');
  });

  it("the idle-stop alarm's function stops it once nobody is in a call", async () => {
    const { sim, deps, clock } = await brokenDuringMeeting();
    sim.participants = 0;
    await clock.sleep((settings.idleStopMinutes + 1) * MINUTE);
    expect(await idleStop(deps)(alarm)).toEqual({ action: 'stopped', why: 'nobody in a call for 15 minutes' });
    expect(sim.liveTasks()).toBe(0);
  });

  it('the run bound still ends it, people or not', async () => {
    const { sim, deps, clock, alerts } = await brokenDuringMeeting();
    const begin = clock.now();
    let result = await runtimeGuard(deps)(tick);
    while (result.action === 'none' && clock.now() - begin < 5 * 60 * MINUTE) {
      await clock.sleep(5 * MINUTE);
      result = await runtimeGuard(deps)(tick);
    }
    expect(result).toMatchObject({ action: 'stopped', why: expect.stringContaining('past the 4 h maximum') });
    expect(sim.liveTasks()).toBe(0);
    expect(alerts.at(-1)).toContain('3 people were still connected');
  });
});
