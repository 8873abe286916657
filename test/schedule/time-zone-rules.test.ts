import { describe, expect, it } from 'vitest';
import {
  canonicalTimeZone,
  describeInstant,
  formatOffset,
  formatWall,
  offsetAt,
  parseOffset,
  resolveLocal,
  transitionsBetween,
} from '../../src/schedule/time-zone.js';

// The rules of time-zone.ts one by one, without the JDK (time-zone.test.ts compares it with java.time).
// Europe/Berlin: 28 March 2027 at 01:00 UTC the clocks go 02:00 → 03:00; 31 October 2027 at 01:00 UTC,
// 03:00 → 02:00. Australia/Lord_Howe changes by half an hour.
const BERLIN_SPRING = Date.UTC(2027, 2, 28, 1, 0);
const BERLIN_AUTUMN = Date.UTC(2027, 9, 31, 1, 0);
const HOUR = 3_600_000;

describe('UTC offsets', () => {
  it('are written with their sign and minutes', () => {
    expect(formatOffset(0)).toBe('+00:00');
    expect(formatOffset(-4 * HOUR)).toBe('-04:00');
    expect(formatOffset(5.75 * HOUR)).toBe('+05:45');
    expect(formatOffset(-3.5 * HOUR)).toBe('-03:30');
  });

  it('are read with their sign, with or without the colon, up to ±18:00', () => {
    expect(parseOffset('Z')).toBe(0);
    expect(parseOffset('z')).toBe(0);
    expect(parseOffset('+05:45')).toBe(5.75 * HOUR);
    expect(parseOffset('-0330')).toBe(-3.5 * HOUR);
    expect(parseOffset('+18:00')).toBe(18 * HOUR);
    expect(parseOffset('-05:59')).toBe(-(5 * HOUR + 59 * 60_000));
    for (const text of ['+19:00', '+05:60', '05:00', '+5:00', '+05:00x', 'x+05:00', 'UTC']) {
      expect(parseOffset(text), text).toBeUndefined();
    }
  });

  it('are the zone’s at an instant, to the second it changes', () => {
    expect(offsetAt(BERLIN_SPRING - 1000, 'Europe/Berlin')).toBe(HOUR);
    expect(offsetAt(BERLIN_SPRING, 'Europe/Berlin')).toBe(2 * HOUR);
    // Milliseconds do not make an offset.
    expect(offsetAt(BERLIN_SPRING - 500, 'Europe/Berlin')).toBe(HOUR);
    expect(offsetAt(BERLIN_SPRING + 500, 'Europe/Berlin')).toBe(2 * HOUR);
  });
});

describe('time zone names', () => {
  it('are spelled as IANA does; UTC in any case; abbreviations and unknown names are refused', () => {
    expect(canonicalTimeZone(' europe/berlin ')).toBe('Europe/Berlin');
    expect(canonicalTimeZone('utc')).toBe('UTC');
    expect(canonicalTimeZone('EUROPE/BERLIN')).toBe('Europe/Berlin');
    expect(canonicalTimeZone('Europe/berlin')).toBe('Europe/Berlin');
    expect(canonicalTimeZone('America/New_York')).toBe('America/New_York');
    expect(canonicalTimeZone('EST')).toBeUndefined();
    expect(canonicalTimeZone('CET')).toBeUndefined();
    expect(canonicalTimeZone('Mars/Olympus')).toBeUndefined();
  });

  it('keep a link typed with capitals as typed, and resolve one typed in lower case', () => {
    const listed = Intl.supportedValuesOf('timeZone');
    // Whichever of the two names this Node lists, the other is a link to it.
    const [typed, other] = listed.includes('Asia/Kolkata')
      ? ['Asia/Calcutta', 'Asia/Kolkata']
      : ['Asia/Kolkata', 'Asia/Calcutta'];
    expect(canonicalTimeZone(typed)).toBe(typed);
    expect(canonicalTimeZone(typed.toLowerCase())).toBe(other);
  });
});

describe('clock changes', () => {
  it('are found to the second, both ways, whole hours and half hours', () => {
    expect(transitionsBetween(Date.UTC(2027, 0, 1), Date.UTC(2028, 0, 1), 'Europe/Berlin')).toEqual([
      { at: BERLIN_SPRING, offsetBeforeMs: HOUR, offsetAfterMs: 2 * HOUR },
      { at: BERLIN_AUTUMN, offsetBeforeMs: 2 * HOUR, offsetAfterMs: HOUR },
    ]);
    expect(transitionsBetween(Date.UTC(2027, 0, 1), Date.UTC(2028, 0, 1), 'Australia/Lord_Howe')).toEqual([
      { at: Date.UTC(2027, 3, 3, 15, 0), offsetBeforeMs: 11 * HOUR, offsetAfterMs: 10.5 * HOUR },
      { at: Date.UTC(2027, 9, 2, 15, 30), offsetBeforeMs: 10.5 * HOUR, offsetAfterMs: 11 * HOUR },
    ]);
    expect(transitionsBetween(Date.UTC(2027, 0, 1), Date.UTC(2028, 0, 1), 'UTC')).toEqual([]);
  });

  it('count within [from, to]: a change in the last six hours is found, one after `to` is not', () => {
    expect(transitionsBetween(BERLIN_SPRING - 2 * HOUR, BERLIN_SPRING + 1000, 'Europe/Berlin')).toHaveLength(1);
    expect(transitionsBetween(BERLIN_SPRING - 2 * HOUR, BERLIN_SPRING - 1000, 'Europe/Berlin')).toEqual([]);
  });
});

describe('wall-clock times', () => {
  it('inside a jump are a gap: the last minute before it and the first after, at both edges of the gap', () => {
    const gap = { kind: 'gap', before: BERLIN_SPRING - 60_000, after: BERLIN_SPRING };
    expect(resolveLocal({ y: 2027, mo: 3, d: 28, h: 2, mi: 0, s: 0 }, 'Europe/Berlin')).toEqual(gap);
    expect(resolveLocal({ y: 2027, mo: 3, d: 28, h: 2, mi: 59, s: 59 }, 'Europe/Berlin')).toEqual(gap);
    expect(resolveLocal({ y: 2027, mo: 3, d: 28, h: 3, mi: 0, s: 0 }, 'Europe/Berlin')).toEqual({
      kind: 'unique',
      instant: BERLIN_SPRING,
      offsetMs: 2 * HOUR,
    });
  });

  it('inside a jump west of UTC are a gap too (the jump is later than the naive time there)', () => {
    // New York, 14 March 2027: 02:00 EST (07:00 UTC) becomes 03:00 EDT.
    const at = Date.UTC(2027, 2, 14, 7, 0);
    expect(resolveLocal({ y: 2027, mo: 3, d: 14, h: 2, mi: 30, s: 0 }, 'America/New_York')).toEqual({
      kind: 'gap',
      before: at - 60_000,
      after: at,
    });
  });

  it('inside a repeat happen twice, earlier first; the hour after happens once', () => {
    expect(resolveLocal({ y: 2027, mo: 10, d: 31, h: 2, mi: 0, s: 0 }, 'Europe/Berlin')).toEqual({
      kind: 'overlap',
      earlier: { instant: BERLIN_AUTUMN - HOUR, offsetMs: 2 * HOUR },
      later: { instant: BERLIN_AUTUMN, offsetMs: HOUR },
    });
    expect(resolveLocal({ y: 2027, mo: 10, d: 31, h: 3, mi: 0, s: 0 }, 'Europe/Berlin')).toEqual({
      kind: 'unique',
      instant: BERLIN_AUTUMN + HOUR,
      offsetMs: HOUR,
    });
  });

  it('are written with seconds only when there are some, and with the weekday and offset for an instant', () => {
    expect(formatWall({ y: 2027, mo: 3, d: 8, h: 1, mi: 5, s: 0 })).toBe('2027-03-08 01:05');
    expect(formatWall({ y: 2027, mo: 3, d: 8, h: 1, mi: 5, s: 7 })).toBe('2027-03-08 01:05:07');
    expect(describeInstant(BERLIN_SPRING, 'Europe/Berlin')).toBe('Sun 2027-03-28 03:00 +02:00');
    expect(describeInstant(BERLIN_SPRING - 30_000, 'Europe/Berlin')).toBe('Sun 2027-03-28 01:59:30 +01:00');
  });
});
