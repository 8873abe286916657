import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DNS_INSYNC_SECONDS,
  DNS_SWITCH_SECONDS,
  directStartBudget,
  directStartSecondsWith,
  modelledRecorderSeconds,
  modelledStartSeconds,
  pullBelowWhichDnsBounds,
  recorderStages,
  SIDECAR_LINGER_SECONDS,
  START_TARGET_SECONDS,
  startSecondsWithPullBarrier,
  startStages,
  TASK_TIMELINE,
} from '../../src/control/start-time.js';

// The start-time model that `meetctl plan`, the organizer page and the waking page print
// (src/control/start-time.ts). Its figures are sourced there; these tests pin how they combine:
// which stage bounds READY in each case, the ranges, and the order the stages are listed in.
const stages = (ingress: 'direct' | 'load-balancer') =>
  startStages(ingress).map((s) => [s.name, s.seconds, s.range ?? null, s.endsAt] as const);

describe('the modelled start', () => {
  it('direct: READY is the latest of the record INSYNC, the checks at the task and the task healthy', () => {
    // Midpoint: healthy at placed 10 + pull 60 + start 2 + (jicofo 10, check 3, report 10) = 95 s beats the
    // INSYNC (sidecar 14 + switch 5 + 60 = 79 s) and the checks (web answering 75 + 5 = 80 s).
    // Low ends: the checks bound it (pull 40: 50 + 5 + 5 = 60 s; healthy 57 s, INSYNC 12 + 5 + 10 = 27 s).
    // High ends, with Fargate holding every container until every image is in: the INSYNC after the late
    // sidecar (pulled 210 + 1 + 5 + 60 = 276 s) beats healthy (210 + 2 + 55 = 267 s).
    expect(modelledStartSeconds('direct')).toEqual({ seconds: 95, range: [60, 276] });
  });

  it('load-balancer: READY is one check after both the task is healthy and the target registered', () => {
    // Midpoint and low end: the target's registration (130 s, 70 s) outlasts health (95 s, 57 s); high
    // end: health (267 s) outlasts the registration (190 s). Then one endpoint check, 5 s.
    expect(modelledStartSeconds('load-balancer')).toEqual({ seconds: 135, range: [75, 272] });
  });

  it('with a pull barrier the sidecar starts a second after the pull, so the record is INSYNC later', () => {
    // pulled 70 + 1 + switch 5 + INSYNC 60 = 136 s, later than healthy (95 s).
    expect(startSecondsWithPullBarrier()).toBe(136);
  });

  it('the sidecar keeps answering until every resolver has dropped the task address: INSYNC bound + TTL', () => {
    expect(SIDECAR_LINGER_SECONDS).toBe(60 + 30);
  });

  it('lists the direct stages in the order they end, INSYNC before the checks', () => {
    expect(stages('direct')).toEqual([
      ['task placed', 10, null, 10],
      ['TLS sidecar answering (waking page)', 4, [2, 10], 14],
      ['DNS record switched to the task', 5, null, 19],
      ['images pulled', 60, [40, 200], 70],
      ['containers started', 2, null, 72],
      ['Route 53 change INSYNC', 60, [10, 60], 79],
      ['endpoints checked at the task address', 5, null, 80],
      ['containers healthy', 23, [5, 55], 95],
    ]);
  });

  it('lists the load-balancer stages: no sidecar, no DNS switch; the target and one check last', () => {
    expect(stages('load-balancer')).toEqual([
      ['task placed', 10, null, 10],
      ['images pulled', 60, [40, 200], 70],
      ['containers started', 2, null, 72],
      ['containers healthy', 23, [5, 55], 95],
      ['NLB target healthy', 130, [70, 190], 130],
      ['endpoints checked through the load balancer', 5, null, 135],
    ]);
  });
});

describe('the modelled recorder start', () => {
  it('adds its stages: instance, image and Jibri, each with its range', () => {
    expect(recorderStages().map((s) => [s.seconds, s.range])).toEqual([
      [90, [60, 180]],
      [75, [40, 150]],
      [20, [10, 40]],
    ]);
    expect(modelledRecorderSeconds()).toEqual({ seconds: 185, range: [110, 370] });
  });
});

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
