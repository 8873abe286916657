import { beforeAll, describe, expect, it } from 'vitest';
import { acquireLock, LEASE_SECONDS } from '../../src/control/lock.js';
import type { Clock, LockWrite, StateStore, TransitionEvent } from '../../src/control/ports.js';
import { InMemoryState, VirtualClock } from '../../src/sim/simulated-aws.js';
import type { TemplateJson } from '../support/fixtures.js';
import {
  buildLogs,
  buildStateTable,
  MOTO_CONFIG,
  motoClients,
  motoForThisFile,
  motoStateStore,
  physicalName,
  seedEventLog,
  single,
  synthesizedTemplate,
} from '../support/moto-world.js';

/**
 * One behaviour, two implementations: the control plane's state (the lock record in DynamoDB, the
 * meeting window, the event log in CloudWatch Logs) as the simulator keeps it (src/sim) and as the
 * SDK adapters keep it in moto. Every scenario runs against both and they must agree.
 */
const moto = motoForThisFile('contract tests of the state table and event log against moto');

interface StateBackend {
  readonly store: StateStore;
  /** Put many events into the log at once (moto: PutLogEvents batches of 10,000, AWS's limit). */
  seed(events: readonly TransitionEvent[]): Promise<void>;
}

let template: TemplateJson | undefined;
beforeAll(() => {
  if (moto.available) template = synthesizedTemplate(MOTO_CONFIG);
});

async function motoBackend(): Promise<StateBackend> {
  const server = moto.server();
  await server.reset();
  const json = template as TemplateJson;
  const clients = motoClients();
  await Promise.all([buildStateTable(clients, json), buildLogs(clients, json, 'EventLog')]);
  const logGroupName = physicalName(json, single(json, 'AWS::Logs::LogGroup', 'EventLog')[0]);
  return {
    store: motoStateStore(clients, json),
    seed: (events) => seedEventLog(clients.logs, logGroupName, events),
  };
}

function simulatorBackend(): StateBackend {
  const state = new InMemoryState(new VirtualClock());
  return {
    store: state,
    seed: async (events) => {
      for (const e of events) await state.append(e);
    },
  };
}

const backends: Array<[string, () => Promise<StateBackend>]> = [
  ['the simulator', async () => simulatorBackend()],
  ...(moto.available ? [['moto', motoBackend] as [string, () => Promise<StateBackend>]] : []),
];

/** Event times within the last hour: CloudWatch Logs refuses events from the future or beyond the retention. */
const base = Date.now() - 3_600_000;
const write = (owner: string, token: string, version: string, now = base): LockWrite => ({
  owner,
  reason: `${owner} wants it`,
  token,
  version,
  leaseSeconds: LEASE_SECONDS,
  now,
});
const event = (at: number, actor = 'cli:ana@laptop'): TransitionEvent => ({
  at,
  actor,
  reason: 'meetup',
  goal: 'running',
  from: 'STOPPED',
  to: 'READY',
  outcome: 'done',
});

describe.each(backends)('the lock record in %s', (_name, make) => {
  it('is created only when absent, and a second would-be holder is shown the holder', async () => {
    const { store } = await make();
    expect(await store.current()).toBeUndefined();
    const first = await store.acquire(write('cli:ana', 'token-ana', 'v1'));
    expect(first).toEqual({
      acquired: true,
      lease: {
        owner: 'cli:ana',
        reason: 'cli:ana wants it',
        token: 'token-ana',
        version: 'v1',
        leaseSeconds: LEASE_SECONDS,
        acquiredAt: base,
        heartbeatAt: base,
      },
    });
    const second = await store.acquire(write('schedule:weekly', 'token-weekly', 'w1', base + 5000));
    expect(second).toEqual({ acquired: false, holder: first.acquired ? first.lease : undefined });
    expect(await store.current()).toMatchObject({ owner: 'cli:ana', token: 'token-ana', version: 'v1' });
  });

  it('takes heartbeats only from the holder (fencing by token)', async () => {
    const { store } = await make();
    await store.acquire(write('cli:ana', 'token-ana', 'v1'));
    expect(await store.heartbeat('token-ana', 'v2', LEASE_SECONDS, base + 15_000)).toBe(true);
    expect(await store.current()).toMatchObject({ version: 'v2', heartbeatAt: base + 15_000, acquiredAt: base });
    expect(await store.heartbeat('token-bob', 'v3', LEASE_SECONDS, base + 16_000)).toBe(false);
    expect(await store.current()).toMatchObject({ token: 'token-ana', version: 'v2' });
  });

  it('is taken over only on the version the taker watched, and the old holder is fenced out', async () => {
    const { store } = await make();
    await store.acquire(write('cli:ana', 'token-ana', 'v1'));
    await store.heartbeat('token-ana', 'v2', LEASE_SECONDS, base + 15_000);
    // A taker that watched v1 is too late: the holder heartbeat since.
    expect(await store.takeOver(write('schedule:weekly', 'token-weekly', 'w1'), 'v1')).toBe(false);
    expect(await store.takeOver(write('schedule:weekly', 'token-weekly', 'w1', base + 80_000), 'v2')).toBe(true);
    expect(await store.current()).toMatchObject({ owner: 'schedule:weekly', token: 'token-weekly', version: 'w1' });
    expect(await store.heartbeat('token-ana', 'v3', LEASE_SECONDS, base + 81_000)).toBe(false);
    await store.release('token-ana');
    expect(await store.current()).toMatchObject({ owner: 'schedule:weekly' });
  });

  it('is released only by its holder; releasing twice is harmless; nothing is taken over once it is gone', async () => {
    const { store } = await make();
    await store.acquire(write('cli:ana', 'token-ana', 'v1'));
    await store.release('token-ana');
    expect(await store.current()).toBeUndefined();
    await store.release('token-ana');
    expect(await store.heartbeat('token-ana', 'v2', LEASE_SECONDS, base)).toBe(false);
    expect(await store.takeOver(write('schedule:weekly', 'token-weekly', 'w1'), 'v1')).toBe(false);
    expect(await store.current()).toBeUndefined();
  });

  it('keeps the meeting window next to the lock', async () => {
    const { store } = await make();
    expect(await store.window()).toBeUndefined();
    await store.setWindow({ schedule: 'weekly', from: base, until: base + 7_200_000 });
    expect(await store.window()).toEqual({ schedule: 'weekly', from: base, until: base + 7_200_000 });
    await store.setWindow({ schedule: 'december', from: base + 1, until: base + 2, record: true });
    expect(await store.window()).toEqual({ schedule: 'december', from: base + 1, until: base + 2, record: true });
  });
});

/** A clock on which every sleep lets `between` run first (another actor acting while we wait). */
function clockWith(between: () => Promise<void>): Clock & { readonly t: number } {
  const clock = new VirtualClock(base);
  return {
    now: () => clock.now(),
    get t() {
      return clock.now();
    },
    sleep: async (ms) => {
      await between();
      await clock.sleep(ms);
    },
  };
}

describe.each(backends)('the lock protocol (src/control/lock.ts) over %s', (_name, make) => {
  it('takes over a holder that stopped heartbeating, after one lease on its own clock', async () => {
    const { store } = await make();
    await store.acquire(write('lambda:idle-stop', 'token-dead', 'd1'));
    const clock = clockWith(async () => {});
    const result = await acquireLock(store, clock, { owner: 'cli:ana', reason: 'start' });
    expect(result.acquired && result.tookOverFrom?.owner).toBe('lambda:idle-stop');
    expect(clock.t - base).toBeGreaterThanOrEqual(LEASE_SECONDS * 1000);
    expect(await store.current()).toMatchObject({ owner: 'cli:ana' });
    expect(await store.heartbeat('token-dead', 'd2', LEASE_SECONDS, clock.t)).toBe(false);
  });

  it('refuses while the holder heartbeats, and leaves its record alone', async () => {
    const { store } = await make();
    await store.acquire(write('schedule:weekly', 'token-live', 'l0'));
    let beats = 0;
    const clock = clockWith(async () => {
      beats += 1;
      await store.heartbeat('token-live', `l${beats}`, LEASE_SECONDS, base + beats * 5000);
    });
    const result = await acquireLock(store, clock, { owner: 'cli:bob', reason: 'stop' });
    expect(result.acquired).toBe(false);
    expect(!result.acquired && result.holder.owner).toBe('schedule:weekly');
    expect(await store.current()).toMatchObject({ owner: 'schedule:weekly', token: 'token-live' });
  });
});

describe.each(backends)('the event log in %s', (_name, make) => {
  it('returns the events at or after a time, oldest first, whatever order they were written in', async () => {
    const { store } = await make();
    // A Lambda and a laptop write with their own clocks: the later write can carry the earlier time.
    await store.append(event(base + 2000, 'lambda:idle-stop'));
    await store.append(event(base, 'cli:ana@laptop'));
    await store.append(event(base + 1000, 'schedule:weekly'));
    expect((await store.events(base)).map((e) => e.actor)).toEqual(['cli:ana@laptop', 'schedule:weekly', 'lambda:idle-stop']);
    expect((await store.events(base + 1000)).map((e) => e.at)).toEqual([base + 1000, base + 2000]);
    expect(await store.events(base + 3000)).toEqual([]);
  });

  it('reads past the first page of results (CloudWatch Logs returns at most 10,000 events a page)', async () => {
    const backend = await make();
    const events = Array.from({ length: 10_001 }, (_v, i) => event(base + i * 10, `actor-${i}`));
    await backend.seed(events);
    const read = await backend.store.events(base);
    expect(read).toHaveLength(10_001);
    expect(read[0]).toEqual(events[0]);
    expect(read.at(-1)).toEqual(events.at(-1));
    expect(read.every((e, i) => i === 0 || (read[i - 1] as TransitionEvent).at <= e.at)).toBe(true);
  });
});
