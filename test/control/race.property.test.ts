import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Runtime } from '../../src/control/execute.js';
import { HEARTBEAT_SECONDS, LEASE_SECONDS, LOCK_POLL_SECONDS } from '../../src/control/lock.js';
import { type TransitionOutcome, transition } from '../../src/control/transition.js';
import { ActorClock, EventClock, type Faults, SimAws } from '../../src/sim/simulated-aws.js';

/** Run the event clock until every actor has finished or hangs forever (crashed). */
async function settle(clock: EventClock): Promise<void> {
  let quiet = 0;
  while (quiet < 3) {
    await new Promise((resolve) => setImmediate(resolve));
    quiet = clock.pending === 0 ? quiet + 1 : 0;
  }
}

/** A small deterministic PRNG for per-call latencies (mulberry32). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const faultSets: Faults[] = [
  {},
  { imagePullError: true },
  { targetNeverHealthy: true },
  { throttle: { everySeconds: 60, forSeconds: 5 } },
  { stuckPending: true },
];

const actor = fc.record({
  goal: fc.constantFrom('running' as const, 'stopped' as const),
  kind: fc.constantFrom('cli' as const, 'lambda' as const),
  startAfterS: fc.integer({ min: 0, max: 400 }),
  skewS: fc.integer({ min: -300, max: 300 }),
  crashAfterS: fc.option(fc.integer({ min: 0, max: 600 }), { nil: undefined, freq: 3 }),
  maxLatencyMs: fc.constantFrom(0, 300, 2000),
  /** Now and then a call stalls for 3 minutes: a laptop that sleeps past its lease. */
  sleepy: fc.boolean(),
});

/** Lambda functions run at most 15 minutes; the runtime keeps a minute back. */
const LAMBDA_TIMEOUT_MS = 15 * 60_000;
/** How long a crashed holder may block a waiting actor: one lease, a heartbeat interval, a poll, and slack. */
const MAX_BLOCK_MS = (LEASE_SECONDS + HEARTBEAT_SECONDS + LOCK_POLL_SECONDS) * 1000 + 10_000;

describe('actors racing with skewed clocks, lost leases, crashes and Lambda timeouts', () => {
  it('never run together, never mutate without the lock, log each request once, and recover from crashed holders', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(actor, { minLength: 2, maxLength: 4 }),
        fc.constantFrom(...faultSets),
        fc.boolean(),
        fc.integer(),
        async (actors, faults, initiallyRunning, seed) => {
          const clock = new EventClock();
          const base = clock.now();
          const sim = new SimAws(clock, initiallyRunning ? { desired: 1, participants: 0 } : {}, faults);
          const random = prng(seed);
          const finished = new Map<string, TransitionOutcome | 'refused' | string>();
          const info = actors.map((a, i) => {
            const name = `${a.kind}${i}`;
            const startAt = base + a.startAfterS * 1000;
            const lambdaKill = a.kind === 'lambda' ? startAt + LAMBDA_TIMEOUT_MS : Infinity;
            const crashAt = Math.min(a.crashAfterS !== undefined ? startAt + a.crashAfterS * 1000 : Infinity, lambdaKill);
            const own = new ActorClock(clock, a.skewS * 1000, crashAt);
            return { ...a, name, startAt, crashAt, own };
          });
          for (const a of info) {
            void clock.sleep(a.startAt - base).then(async () => {
              if (a.own.crashed) return;
              const rt: Runtime = {
                ports: sim.portsFor(
                  a.name,
                  a.own,
                  () => Math.floor(random() * a.maxLatencyMs),
                  () => (a.sleepy && random() < 0.03 ? 180_000 : 0),
                ),
                clock: a.own,
                host: 'meet.ne3d.org',
                pollMs: 5000,
                onProgress: () => {},
                ...(a.kind === 'lambda' ? { deadline: a.own.now() + LAMBDA_TIMEOUT_MS - 60_000 } : {}),
              };
              await transition({ goal: a.goal, actor: a.name, reason: 'race', force: true }, rt).then(
                (outcome) => finished.set(a.name, outcome),
                (error: Error) => finished.set(a.name, error.name === 'RefusedError' ? 'refused' : `error: ${error.message}`),
              );
            });
          }
          await settle(clock);

          // Nothing blew up: every actor that finished did its job, found nothing to do, failed, lost its lease or was refused.
          for (const [name, result] of finished) {
            expect(typeof result === 'string' ? result : result.outcome, name).toMatch(/^(done|no-op|failed|aborted|refused)$/);
          }
          // Never two live tasks, and never an AWS mutation by an actor that did not hold the lock at that moment.
          expect(sim.maxLive).toBeLessThanOrEqual(1);
          expect(sim.unlockedMutations).toEqual([]);
          // Every request that finished left exactly one event; a crashed one at most one.
          for (const a of info) {
            const events = sim.state.log.filter((e) => e.actor === a.name).length;
            if (finished.has(a.name))
              if (events !== 1)
                throw new Error(
                  `${a.name}: ${events} events; ${JSON.stringify(finished.get(a.name))?.slice(0, 400)} LOG ${JSON.stringify(sim.state.log.map((e) => [e.actor, e.outcome, e.detail]))}`,
                );
              else expect(events, a.name).toBeLessThanOrEqual(1);
          }
          // Lock holdings never overlapped.
          const grants = [...sim.state.grants].sort((x, y) => x.from - y.from);
          for (let i = 1; i < grants.length; i++) {
            expect(grants[i]?.from).toBeGreaterThanOrEqual(grants[i - 1]?.until ?? Infinity);
          }
          // A crashed holder blocked a waiting actor for at most about two minutes.
          for (let i = 1; i < grants.length; i++) {
            const previous = grants[i - 1];
            if (previous?.how !== 'taken-over') continue;
            const dead = info.find((a) => a.name === previous.owner);
            const taker = info.find((a) => a.name === grants[i]?.owner);
            // A taker that stalled itself (sleepy) measures its own pause, not the block.
            if (!dead || !taker || taker.sleepy) continue;
            const blockedFrom = Math.max(Math.min(dead.crashAt, previous.until ?? Infinity), taker.startAt, previous.from);
            expect((grants[i]?.from ?? 0) - blockedFrom).toBeLessThanOrEqual(MAX_BLOCK_MS);
          }
          // The end state is what the last accepted transition left, unless a crashed actor changed AWS after it began.
          const accepted = sim.state.log.filter((e) => ['done', 'no-op', 'failed'].includes(e.outcome));
          const last = accepted.at(-1);
          if (last) {
            const lastGrant = grants.filter((g) => g.owner === last.actor).at(-1);
            const crashedLater = sim.mutations.some((m) => !finished.has(m.actor) && m.at >= (lastGrant?.from ?? Infinity));
            // Later in the log's own order: `at` comes from each actor's (skewed) clock.
            const abortedLater = sim.state.log.slice(sim.state.log.indexOf(last) + 1).some((e) => e.outcome === 'aborted');
            if (!crashedLater && !abortedLater) {
              const shouldRun = last.goal === 'running' && (last.outcome === 'done' || last.outcome === 'no-op');
              if ((last.outcome !== 'failed' || last.goal !== 'running') && sim.liveTasks() !== (shouldRun ? 1 : 0))
                throw new Error(
                  `end state ${sim.liveTasks()} LOG ${JSON.stringify(sim.state.log.map((e) => [e.actor, e.goal, e.outcome, e.detail, e.at]))} MUT ${JSON.stringify(sim.mutations)}`,
                );
            }
          }
        },
      ),
      { numRuns: 120 },
    );
  });
});
