import { describe, expect, it } from 'vitest';
import {
  modelledRecorderSeconds,
  modelledStartSeconds,
  recorderStages,
  SIDECAR_LINGER_SECONDS,
  startSecondsWithPullBarrier,
  startStages,
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
