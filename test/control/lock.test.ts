import { describe, expect, it } from 'vitest';
import {
  acquireLock,
  FENCE_FRESH_MS,
  HEARTBEAT_SECONDS,
  type HeldLock,
  LEASE_SECONDS,
  LeaseLostError,
  LOCK_POLL_SECONDS,
} from '../../src/control/lock.js';
import { InMemoryState, VirtualClock } from '../../src/sim/simulated-aws.js';

// The lock's timing rules one by one, on a virtual clock, against the simulator's state table (the
// DynamoDB adapter's conditions are checked against dynalite in test/aws/state-store.test.ts).
const SECOND = 1000;

function setup() {
  const clock = new VirtualClock();
  const state = new InMemoryState(clock);
  const heartbeats: number[] = [];
  const beat = state.heartbeat.bind(state);
  state.heartbeat = async (...args) => {
    heartbeats.push(clock.now());
    return beat(...args);
  };
  return { clock, state, heartbeats };
}

async function held(state: InMemoryState, clock: VirtualClock): Promise<HeldLock> {
  const result = await acquireLock(state, clock, { owner: 'cli:ana', reason: 'test' });
  if (!result.acquired) throw new Error('not acquired');
  return result.lock;
}

describe('a held lock', () => {
  it('heartbeats on keepAlive once HEARTBEAT_SECONDS have passed since the last beat, not before', async () => {
    const { clock, state, heartbeats } = setup();
    const lock = await held(state, clock);
    const version = state.lock?.version;
    clock.t += HEARTBEAT_SECONDS * SECOND - 1;
    await lock.keepAlive();
    expect(heartbeats).toEqual([]);
    clock.t += 1;
    await lock.keepAlive();
    expect(heartbeats).toEqual([clock.now()]);
    expect(state.lock?.version).not.toBe(version);
    // Counted from that beat.
    clock.t += HEARTBEAT_SECONDS * SECOND - 1;
    await lock.keepAlive();
    expect(heartbeats).toHaveLength(1);
  });

  it('fences once when the answer is fresh, and again when it came more than FENCE_FRESH_MS later', async () => {
    const { clock, state, heartbeats } = setup();
    const lock = await held(state, clock);
    const delays = [FENCE_FRESH_MS, FENCE_FRESH_MS + 1, 0];
    const beat = state.heartbeat.bind(state);
    state.heartbeat = async (...args) => {
      clock.t += delays.shift() ?? 0;
      return beat(...args);
    };
    await lock.fence();
    expect(heartbeats).toHaveLength(1);
    await lock.fence();
    expect(heartbeats).toHaveLength(3);
  });

  it('once taken over, throws LeaseLostError on every call without asking the table again', async () => {
    const { clock, state, heartbeats } = setup();
    const lock = await held(state, clock);
    state.hold('schedule:weekly', 'running: meetup'); // someone else's record now
    await expect(lock.fence()).rejects.toBeInstanceOf(LeaseLostError);
    expect(heartbeats).toHaveLength(1);
    await expect(lock.fence()).rejects.toThrow(LeaseLostError);
    await expect(lock.keepAlive()).rejects.toThrow(LeaseLostError);
    expect(heartbeats).toHaveLength(1);
    await expect(lock.fence()).rejects.toMatchObject({ owner: 'cli:ana' });
  });
});

describe('taking the lock', () => {
  it('takes over a dead holder exactly one lease after it first saw its record', async () => {
    const { clock, state } = setup();
    state.hold('cli:bo', 'running: test', { alive: false });
    const begin = clock.now();
    const result = await acquireLock(state, clock, { owner: 'cli:ana', reason: 'test' });
    expect(result).toMatchObject({ acquired: true, tookOverFrom: { owner: 'cli:bo' } });
    expect(clock.now() - begin).toBe(LEASE_SECONDS * SECOND);
  });

  it('waits out the longer of the lease the holder declared and LEASE_SECONDS', async () => {
    const long = setup();
    long.state.hold('cli:bo', 'running: test', { alive: false });
    Object.assign(long.state, { lock: { ...long.state.lock, leaseSeconds: 2 * LEASE_SECONDS } });
    const begin = long.clock.now();
    const result = await acquireLock(long.state, long.clock, { owner: 'cli:ana', reason: 'test', waitSeconds: 300 });
    expect(result.acquired).toBe(true);
    expect(long.clock.now() - begin).toBe(2 * LEASE_SECONDS * SECOND);
    const short = setup();
    short.state.hold('cli:bo', 'running: test', { alive: false });
    Object.assign(short.state, { lock: { ...short.state.lock, leaseSeconds: 10 } });
    const from = short.clock.now();
    await acquireLock(short.state, short.clock, { owner: 'cli:ana', reason: 'test' });
    expect(short.clock.now() - from).toBe(LEASE_SECONDS * SECOND);
  });

  it('gives up on a dead holder with a long lease after its own budget: one lease and one poll', async () => {
    const { clock, state } = setup();
    state.hold('cli:bo', 'running: test', { alive: false });
    Object.assign(state, { lock: { ...state.lock, leaseSeconds: 2 * LEASE_SECONDS } });
    const begin = clock.now();
    const result = await acquireLock(state, clock, { owner: 'cli:ana', reason: 'test' });
    expect(result).toMatchObject({ acquired: false, holder: { owner: 'cli:bo' } });
    expect(clock.now() - begin).toBe((LEASE_SECONDS + LOCK_POLL_SECONDS) * SECOND);
  });

  it('does not get the lock when the takeover write fails (the holder came back), and watches again', async () => {
    const { clock, state } = setup();
    state.hold('cli:bo', 'running: test', { alive: false });
    state.takeOver = async () => {
      // The holder heartbeats right then: alive.
      Object.assign(state, { lock: { ...state.lock, version: 'beat-late' } });
      return false;
    };
    const result = await acquireLock(state, clock, { owner: 'cli:ana', reason: 'test', waitSeconds: 90 });
    expect(result).toMatchObject({ acquired: false, holder: { owner: 'cli:bo' } });
    expect(state.lock?.owner).toBe('cli:bo');
  });

  it('keeps waiting for a live holder until the wait asked for, to the poll', async () => {
    const { clock, state } = setup();
    state.hold('schedule:weekly', 'running: meetup');
    const begin = clock.now();
    const result = await acquireLock(state, clock, {
      owner: 'cli:ana',
      reason: 'test',
      waitSeconds: 20,
      waitForLiveHolder: true,
    });
    expect(result.acquired).toBe(false);
    expect(clock.now() - begin).toBe(20 * SECOND);
  });
});
