import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DNS_INSYNC_SECONDS,
  directStartBudget,
  directStartSecondsWith,
  modelledStartSeconds,
  START_TARGET_SECONDS,
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
