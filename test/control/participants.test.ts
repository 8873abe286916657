import { describe, expect, it } from 'vitest';
import { emptySince, freshCount, STATS_MAX_AGE_MS } from '../../src/control/participants.js';

const NOW = Date.UTC(2026, 11, 3, 19);
const MINUTE = 60_000;

describe('what the stats lines say about now', () => {
  it('a line at most 3 minutes old counts; an older one means unknown, never zero', () => {
    expect(freshCount([{ at: NOW - STATS_MAX_AGE_MS, participants: 0 }], NOW)).toBe(0);
    expect(freshCount([{ at: NOW - STATS_MAX_AGE_MS - 1, participants: 0 }], NOW)).toBeUndefined();
    expect(freshCount([], NOW)).toBeUndefined();
  });

  it('empty since the first zero after the last line with people, and only on a fresh zero', () => {
    const samples = [
      { at: NOW - 10 * MINUTE, participants: 2 },
      { at: NOW - 9 * MINUTE, participants: 0 },
      { at: NOW - MINUTE, participants: 0 },
    ];
    expect(emptySince(samples, NOW)).toBe(NOW - 9 * MINUTE);
    expect(emptySince(samples, NOW + 3 * MINUTE)).toBeUndefined(); // the last line is stale by then
    expect(emptySince([...samples, { at: NOW, participants: 1 }], NOW)).toBeUndefined();
  });
});
