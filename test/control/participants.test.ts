import { describe, expect, it } from 'vitest';
import { emptySince, freshCount, lastStatsAt, lobbyWait, STATS_MAX_AGE_MS } from '../../src/control/participants.js';

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

describe('guests waiting in the lobby for a host', () => {
  const WAIT = 20 * MINUTE;
  /** One line a minute from `from` minutes ago to now (inclusive), each from `line(minutesAgo)`. */
  const lines = (from: number, line: (ago: number) => { participants: number; guests?: number }) =>
    Array.from({ length: from + 1 }, (_, i) => ({ at: NOW - (from - i) * MINUTE, ...line(from - i) }));

  it('count as people for up to the wait limit, from the first line of their wait', () => {
    // Empty for 40 minutes; two guests connected for the last 25 of them.
    const samples = lines(40, (ago) => ({ participants: 0, guests: ago <= 25 ? 2 : 0 }));
    expect(emptySince(samples, NOW, WAIT)).toBe(NOW - 5 * MINUTE); // 20 minutes after the wait began
    expect(emptySince(samples.slice(0, -6), NOW - 6 * MINUTE, WAIT)).toBeUndefined(); // still within their wait
    expect(lobbyWait(samples.slice(0, -6), NOW - 6 * MINUTE, WAIT)).toEqual({ guests: 2, since: NOW - 25 * MINUTE });
    expect(lobbyWait(samples, NOW, WAIT)).toBeUndefined(); // waited 25 of 20 minutes
    // Without a wait limit guests never count: empty since the oldest line.
    expect(emptySince(samples, NOW)).toBe(NOW - 40 * MINUTE);
  });

  it('a wait ends with someone in a call or with no guest; a line without the count neither counts nor ends it', () => {
    const afterCall = lines(30, (ago) => ({ participants: ago === 10 ? 3 : 0, guests: 1 }));
    expect(lobbyWait(afterCall, NOW, WAIT)).toEqual({ guests: 1, since: NOW - 9 * MINUTE });
    const gap = lines(30, (ago) => (ago === 24 ? { participants: 0 } : { participants: 0, guests: 1 }));
    expect(lobbyWait(gap, NOW, WAIT)).toBeUndefined(); // the unknown line did not restart the wait
    expect(emptySince(gap, NOW, WAIT)).toBe(NOW - 10 * MINUTE);
    const left = lines(30, (ago) => ({ participants: 0, guests: ago === 5 ? 0 : 1 }));
    expect(lobbyWait(left, NOW, WAIT)).toEqual({ guests: 1, since: NOW - 4 * MINUTE });
  });

  it('say nothing about now from a stale line or one with people in a call', () => {
    const samples = lines(5, () => ({ participants: 0, guests: 2 }));
    expect(lobbyWait(samples, NOW + STATS_MAX_AGE_MS + 1, WAIT)).toBeUndefined();
    expect(lobbyWait([...samples, { at: NOW, participants: 1, guests: 2 }], NOW, WAIT)).toBeUndefined();
  });
});

describe('the edges of a lobby wait', () => {
  const WAIT = 20 * MINUTE;

  it('began at the oldest line read when every line is part of it', () => {
    const samples = [
      { at: NOW - 5 * MINUTE, participants: 0, guests: 2 },
      { at: NOW, participants: 0, guests: 3 },
    ];
    expect(lobbyWait(samples, NOW, WAIT)).toEqual({ guests: 3, since: NOW - 5 * MINUTE });
  });

  it('never began at a line without the guests count', () => {
    const samples = [
      { at: NOW - 6 * MINUTE, participants: 0 },
      { at: NOW - 5 * MINUTE, participants: 0, guests: 2 },
      { at: NOW, participants: 0, guests: 2 },
    ];
    expect(lobbyWait(samples, NOW, WAIT)).toEqual({ guests: 2, since: NOW - 5 * MINUTE });
  });
});

describe('when the sidecar last wrote', () => {
  it('is the time of the newest line, or nothing without lines', () => {
    const samples = [0, 1, 2].map((i) => ({ at: NOW + i * MINUTE, participants: i }));
    expect(lastStatsAt(samples)).toBe(NOW + 2 * MINUTE);
    expect(lastStatsAt([])).toBeUndefined();
    expect(lastStatsAt(undefined)).toBeUndefined();
  });
});
