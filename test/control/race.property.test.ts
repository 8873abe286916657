import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Runtime } from '../../src/control/execute.js';
import type { Clock, ControlPorts } from '../../src/control/ports.js';
import { transition } from '../../src/control/transition.js';
import { type Faults, SimAws, VirtualClock } from '../../src/sim/simulated-aws.js';

/** Route every port call through the scheduler so fast-check picks the interleaving. */
function scheduled(ports: ControlPorts, s: fc.Scheduler): ControlPorts {
  const wrap = <T extends object>(group: T): T =>
    Object.fromEntries(
      Object.entries(group).map(([name, fn]) => [
        name,
        s.scheduleFunction(async (...args: unknown[]) => (fn as (...a: unknown[]) => Promise<unknown>)(...args)),
      ]),
    ) as T;
  return Object.fromEntries(Object.entries(ports).map(([key, group]) => [key, wrap(group as object)])) as unknown as ControlPorts;
}

const faultSets: Faults[] = [
  {},
  { imagePullError: true },
  { targetNeverHealthy: true },
  { throttle: { everySeconds: 60, forSeconds: 5 } },
];

describe('two or more actors starting and stopping at once', () => {
  it('never run together, never double-start, always log, and never leave a failed start running', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        fc.array(fc.constantFrom('running' as const, 'stopped' as const), { minLength: 2, maxLength: 4 }),
        fc.constantFrom(...faultSets),
        fc.boolean(),
        async (s, goals, faults, initiallyRunning) => {
          const clock = new VirtualClock();
          const sim = new SimAws(clock, initiallyRunning ? { desired: 1 } : {}, faults);
          const schedClock: Clock = {
            now: () => clock.now(),
            sleep: (ms) => s.schedule(Promise.resolve(), `sleep ${ms}`).then(() => clock.sleep(ms)),
          };
          const rt: Runtime = {
            ports: scheduled(sim.ports, s),
            clock: schedClock,
            host: 'meet.ne3d.org',
            pollMs: 5000,
            onProgress: () => {},
          };
          const actors = goals.map((goal, i) =>
            transition({ goal, actor: `actor${i}`, reason: 'race' }, rt).then(
              (outcome) => ({ goal, outcome: outcome.outcome }),
              (error: Error) => ({ goal, outcome: error.name === 'RefusedError' ? 'refused' : `error: ${error.message}` }),
            ),
          );
          const results = await s.waitFor(Promise.all(actors));

          // Nothing crashed: every actor either did its job, found nothing to do, failed cleanly or was refused.
          for (const r of results) expect(['done', 'no-op', 'failed', 'refused']).toContain(r.outcome);
          // Every request left exactly one event.
          expect(sim.state.log).toHaveLength(goals.length);
          // Leases never overlapped: each lock holder released before the next acquired.
          const grants = [...sim.state.grants].sort((a, b) => a.from - b.from);
          for (let i = 1; i < grants.length; i++) {
            const previous = grants[i - 1];
            expect(previous?.releasedAt).toBeDefined();
            expect(grants[i]?.from).toBeGreaterThanOrEqual(previous?.releasedAt ?? Infinity);
          }
          // No double start: never two tasks live at once.
          expect(sim.maxLive).toBeLessThanOrEqual(1);
          // The end state is what the last transition under the lock left.
          const last = sim.state.log.filter((e) => e.outcome !== 'refused').at(-1);
          if (last) {
            const shouldRun = last.goal === 'running' && (last.outcome === 'done' || last.outcome === 'no-op');
            expect(sim.liveTasks()).toBe(shouldRun ? 1 : 0);
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});
