import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DNS_INSYNC_SECONDS,
  DNS_SWITCH_SECONDS,
  directStartBudget,
  directStartSecondsWith,
  modelledStartSeconds,
  pullBelowWhichDnsBounds,
  START_TARGET_SECONDS,
  startStages,
  TASK_TIMELINE,
} from '../../src/control/start-time.js';

const MODELLED_PULL = TASK_TIMELINE.pulled - TASK_TIMELINE.placed;

describe('what a direct start within the target would need', () => {
  it('gives the modelled start back with the modelled pull and propagation', () => {
    expect(directStartSecondsWith({ pull: MODELLED_PULL, insync: DNS_INSYNC_SECONDS })).toBe(
      modelledStartSeconds('direct').seconds,
    );
  });

  it('is met exactly at the budget, and missed one second past either part of it', () => {
    const budget = directStartBudget();
    expect(directStartSecondsWith(budget)).toBe(START_TARGET_SECONDS);
    expect(directStartSecondsWith({ ...budget, pull: budget.pull + 1 })).toBe(START_TARGET_SECONDS + 1);
    expect(directStartSecondsWith({ ...budget, insync: budget.insync + 1 })).toBe(START_TARGET_SECONDS + 1);
  });

  it('holds for any target: within the budget never later, past it always later', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 40, max: 300 }),
        fc.integer({ min: 0, max: 60 }),
        fc.integer({ min: 0, max: 60 }),
        (target, pullShort, insyncShort) => {
          const budget = directStartBudget(target);
          fc.pre(budget.pull - pullShort >= 0 && budget.insync - insyncShort >= 0);
          const within = { pull: budget.pull - pullShort, insync: budget.insync - insyncShort };
          expect(directStartSecondsWith(within)).toBeLessThanOrEqual(target);
          expect(directStartSecondsWith({ ...within, pull: budget.pull + 1 + pullShort })).toBeGreaterThan(target);
          expect(directStartSecondsWith({ ...within, insync: budget.insync + 1 + insyncShort })).toBeGreaterThan(target);
        },
      ),
    );
  });

  it('needs both a shorter pull and a Route 53 faster than its modelled bound: the model meets neither', () => {
    const budget = directStartBudget();
    expect(budget.pull).toBeLessThan(MODELLED_PULL);
    expect(budget.insync).toBeLessThan(DNS_INSYNC_SECONDS);
    // With no pull at all, propagation alone keeps the modelled start past the target.
    expect(directStartSecondsWith({ pull: 0, insync: DNS_INSYNC_SECONDS })).toBeGreaterThan(START_TARGET_SECONDS);
  });
});

describe('which stage bounds a direct start', () => {
  const dnsDone = TASK_TIMELINE.sidecar + DNS_SWITCH_SECONDS + DNS_INSYNC_SECONDS;

  it('is Route 53 below the pull it names, and the pull from there on', () => {
    const bound = pullBelowWhichDnsBounds();
    for (const pull of [0, bound - 1, bound])
      expect(directStartSecondsWith({ pull, insync: DNS_INSYNC_SECONDS }), `pull ${pull}`).toBe(dnsDone);
    expect(directStartSecondsWith({ pull: bound + 1, insync: DNS_INSYNC_SECONDS })).toBe(dnsDone + 1);
  });

  it("says so in the last stage's source, with the model's own figures", () => {
    const last = startStages('direct').at(-1);
    const budget = directStartBudget();
    expect(last?.source).toContain(
      `With a pull under ${pullBelowWhichDnsBounds()} s, Route 53's propagation would (done at ~${dnsDone} s). READY within ${START_TARGET_SECONDS} s would need the pull within ${budget.pull} s and the propagation within ${budget.insync} s`,
    );
  });
});
