import { describe, expect, it } from 'vitest';
import type { Runtime } from '../../src/control/execute.js';
import { acquireLock, LEASE_SECONDS, LeaseLostError } from '../../src/control/lock.js';
import { RefusedError, type TransitionRequest, transition } from '../../src/control/transition.js';
import { ActorClock, EventClock, SimAws, VirtualClock } from '../../src/sim/simulated-aws.js';

/** Run the event clock until every actor has finished or hangs forever. */
async function settle(clock: EventClock): Promise<void> {
  let quiet = 0;
  while (quiet < 3) {
    await new Promise((resolve) => setImmediate(resolve));
    quiet = clock.pending === 0 ? quiet + 1 : 0;
  }
}

function actorRt(sim: SimAws, name: string, clock: ActorClock, stall: (call: number) => number = () => 0): Runtime {
  let calls = 0;
  return {
    ports: sim.portsFor(
      name,
      clock,
      () => 0,
      () => stall(++calls),
    ),
    clock,
    host: 'meet.ne3d.org',
    pollMs: 5000,
    onProgress: () => {},
  };
}

const request = (goal: TransitionRequest['goal'], actor: string, extra: Partial<TransitionRequest> = {}): TransitionRequest => ({
  goal,
  actor,
  reason: 'test',
  ...extra,
});

describe('a lost lease', () => {
  it('aborts the loser at once: it never compensates and never touches what the new holder started', async () => {
    const clock = new EventClock();
    const sim = new SimAws(clock);
    // The laptop's start sets desired 1, then its lid closes for 3 minutes right after that call.
    const laptop = new ActorClock(clock);
    const laptopRt = actorRt(sim, 'cli:ana@laptop', laptop, () => (sim.desiredCalls.length === 1 && !stalled++ ? 180_000 : 0));
    let stalled = 0;
    const laptopDone = transition(request('running', 'cli:ana@laptop'), laptopRt);
    // The weekly schedule arrives meanwhile, watches the silent lease for one duration and takes over.
    const schedule = new ActorClock(clock);
    const scheduleDone = clock
      .sleep(20_000)
      .then(() =>
        transition(request('running', 'schedule:weekly', { startOnly: true }), actorRt(sim, 'schedule:weekly', schedule)),
      );
    await settle(clock);
    const [loser, winner] = await Promise.all([laptopDone, scheduleDone]);

    expect(winner.tookOverFrom?.owner).toBe('cli:ana@laptop');
    expect(loser.outcome).toBe('aborted');
    expect(loser.result?.compensated).toBeUndefined();
    expect(sim.desiredCalls.map((c) => c.count)).toEqual([1]);
    expect(sim.desired).toBe(1);
    expect(sim.unlockedMutations).toEqual([]);
    expect(sim.state.log.find((e) => e.actor === 'cli:ana@laptop')).toMatchObject({
      outcome: 'aborted',
      detail: expect.stringContaining('lock was taken over'),
    });
  });
});

describe('leases and clocks', () => {
  it('a clock 5 minutes fast cannot steal a live lease', async () => {
    const clock = new EventClock();
    const sim = new SimAws(clock);
    sim.state.hold('schedule:weekly', 'running: meetup');
    const fast = new ActorClock(clock, 5 * 60_000);
    await expect(
      Promise.all([transition(request('stopped', 'cli:bob', { force: true }), actorRt(sim, 'cli:bob', fast)), settle(clock)]),
    ).rejects.toThrow(RefusedError);
    expect(sim.state.lock?.owner).toBe('schedule:weekly');
    expect(sim.desiredCalls).toEqual([]);
  });

  it('a lease written by a clock 5 minutes slow is not mistaken for an expired one', async () => {
    const clock = new EventClock();
    const sim = new SimAws(clock);
    const slow = new ActorClock(clock, -5 * 60_000);
    const starting = transition(request('running', 'cli:slow'), actorRt(sim, 'cli:slow', slow));
    const other = clock
      .sleep(30_000)
      .then(() => transition(request('stopped', 'cli:other', { force: true }), actorRt(sim, 'cli:other', new ActorClock(clock))))
      .catch((error: Error) => error);
    await settle(clock);
    expect((await starting).outcome).toBe('done');
    expect(await other).toBeInstanceOf(RefusedError);
    expect(sim.liveTasks()).toBe(1);
  });

  it('a crashed holder blocks the next actor for about one lease, not for the length of its plan', async () => {
    const clock = new EventClock();
    const sim = new SimAws(clock);
    const begin = clock.now();
    const crashed = new ActorClock(clock, 0, begin + 30_000);
    void transition(request('running', 'cli:crashed'), actorRt(sim, 'cli:crashed', crashed));
    let acquiredAt = 0;
    const next = clock.sleep(31_000).then(async () => {
      const outcome = await transition(
        request('stopped', 'cli:next', { force: true }),
        actorRt(sim, 'cli:next', new ActorClock(clock)),
      );
      acquiredAt = sim.state.grants.find((g) => g.owner === 'cli:next')?.from ?? 0;
      return outcome;
    });
    await settle(clock);
    expect((await next).tookOverFrom?.owner).toBe('cli:crashed');
    const blocked = acquiredAt - (begin + 31_000);
    expect(blocked).toBeGreaterThanOrEqual((LEASE_SECONDS - 20) * 1000);
    expect(blocked).toBeLessThanOrEqual(2 * 60_000);
    expect(sim.liveTasks()).toBe(0);
  });
});

describe('Ctrl-C during a start', () => {
  it('stops what it started, releases the lock and logs the cancellation', async () => {
    const clock = new EventClock();
    const sim = new SimAws(clock);
    let pressed = false;
    const rt: Runtime = { ...actorRt(sim, 'cli:ana', new ActorClock(clock)), cancelled: () => pressed };
    const running = transition(request('running', 'cli:ana'), rt);
    void clock.sleep(20_000).then(() => {
      pressed = true;
    });
    await settle(clock);
    const outcome = await running;
    expect(outcome.outcome).toBe('cancelled');
    expect(outcome.result?.compensated).toBe(true);
    expect(sim.desired).toBe(0);
    expect(sim.liveTasks()).toBe(0);
    expect(sim.state.lock).toBeUndefined();
    expect(sim.state.log.at(-1)).toMatchObject({ outcome: 'cancelled' });
  });
});

describe('a heartbeat answered late proves nothing', () => {
  it('fence heartbeats again, and fails, when the answer came after a pause during which someone took over', async () => {
    const clock = new VirtualClock();
    const sim = new SimAws(clock);
    let stallNext = false;
    // The store as a laptop sees it: this heartbeat lands at once, then the lid closes for 3 minutes.
    const store = {
      ...sim.ports.state,
      heartbeat: async (token: string, version: string, lease: number, now: number) => {
        const ok = await sim.ports.state.heartbeat(token, version, lease, now);
        if (stallNext) {
          stallNext = false;
          await clock.sleep(180_000);
          // Meanwhile another actor watched the silent lease for one duration and took over.
          const held = await sim.state.current();
          await sim.state.takeOver(
            { owner: 'schedule:weekly', reason: 'running', token: 'other', version: 'v', leaseSeconds: 60, now: clock.now() },
            held?.version ?? '',
          );
        }
        return ok;
      },
    };
    const taken = await acquireLock(store, clock, { owner: 'cli:laptop', reason: 'running: r' });
    if (!taken.acquired) throw new Error('not acquired');
    stallNext = true;
    await expect(taken.lock.fence()).rejects.toBeInstanceOf(LeaseLostError);
    expect(sim.state.lock?.owner).toBe('schedule:weekly');
  });
});
