import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { oneOff, ScheduleInputError } from '../../src/schedule/expression.js';
import { resolveLocal, transitionsBetween, type Wall } from '../../src/schedule/time-zone.js';
import { externalTool, TOOLS } from '../support/tools.js';

// The JDK's java.time (ZoneRules.getValidOffsets, ZonedDateTime.minusMinutes on the instant time-line)
// is an implementation of time zones written by someone else: every wall-clock time fast-check draws
// around the 2026/2027 clock changes must mean the same instants here as there.
const java = externalTool(TOOLS.java, 'time zones against java.time');
const ZONES = ['Europe/Berlin', 'America/New_York', 'Australia/Lord_Howe'] as const;
/** The clock-change days of 2026 and 2027 (and a half-hour one in Lord Howe). */
const CHANGE_DAYS: Record<(typeof ZONES)[number], string[]> = {
  'Europe/Berlin': ['2026-03-29', '2026-10-25', '2027-03-28', '2027-10-31'],
  'America/New_York': ['2026-03-08', '2026-11-01', '2027-03-14', '2027-11-07'],
  'Australia/Lord_Howe': ['2026-04-05', '2026-10-04', '2027-04-04', '2027-10-03'],
};

interface Case {
  zone: (typeof ZONES)[number];
  local: string;
  lead: number;
}

const pad = (n: number) => String(n).padStart(2, '0');
const caseArbitrary: fc.Arbitrary<Case> = fc.oneof(
  // Night hours of the clock-change days, minute by minute.
  fc
    .record({
      zone: fc.constantFrom(...ZONES),
      day: fc.nat(3),
      h: fc.integer({ min: 0, max: 4 }),
      mi: fc.nat(59),
      lead: fc.oneof(fc.integer({ min: 0, max: 180 }), fc.integer({ min: 0, max: 720 })),
    })
    .map(({ zone, day, h, mi, lead }) => ({ zone, local: `${CHANGE_DAYS[zone][day]}T${pad(h)}:${pad(mi)}:00`, lead })),
  // Any time of 2026 and 2027.
  fc
    .record({
      zone: fc.constantFrom(...ZONES),
      at: fc.integer({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2027, 11, 31) }),
      lead: fc.integer({ min: 0, max: 720 }),
    })
    .map(({ zone, at, lead }) => ({ zone, local: new Date(Math.floor(at / 60_000) * 60_000).toISOString().slice(0, 19), lead })),
);

const cases = fc.sample(caseArbitrary, { seed: 20261203, numRuns: 4000 });

/** One answer line of the JDK per question line. */
function oracle(lines: readonly string[]): string[] {
  const source = path.join(__dirname, 'TimeZoneOracle.java');
  const output = execFileSync(java as string, [source], {
    input: `${lines.join('\n')}\n`,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return output.trimEnd().split('\n');
}

const wallOf = (local: string): Wall => {
  const [y, mo, d, h, mi, s] = local.split(/[-T:]/).map(Number) as [number, number, number, number, number, number];
  return { y, mo, d, h, mi, s };
};
/** java.time writes 01:55 for 01:55:00; at() always has the seconds. */
const javaLocal = (text: string) => (text.length === 16 ? `${text}:00` : text);

describe.skipIf(!java)('time zones, compared with the JDK', () => {
  const answers = java ? oracle(cases.map((c) => `R|${c.zone}|${c.local}|${c.lead}`)) : [];

  it('resolves each wall-clock time to the same offsets: none in a gap, two in an overlap', () => {
    for (const [i, c] of cases.entries()) {
      const [offsets = '', gapAt = ''] = (answers[i] ?? '').split('|');
      const resolved = resolveLocal(wallOf(c.local), c.zone);
      const ours =
        resolved.kind === 'unique'
          ? [resolved.offsetMs]
          : resolved.kind === 'overlap'
            ? [resolved.earlier.offsetMs, resolved.later.offsetMs]
            : [];
      // java.time lists an overlap's offsets earlier instant first, as we do.
      expect(ours.map((o) => o / 1000).join(','), `${c.zone} ${c.local}`).toBe(offsets);
      if (resolved.kind === 'gap') expect(resolved.after, `${c.zone} ${c.local}`).toBe(Number(gapAt));
    }
    // The samples reach every kind in every zone.
    for (const zone of ZONES) {
      const kinds = new Set(cases.filter((c) => c.zone === zone).map((c) => resolveLocal(wallOf(c.local), zone).kind));
      expect([...kinds].sort(), zone).toEqual(['gap', 'overlap', 'unique']);
    }
  });

  it('starts a one-off meetup lead minutes earlier on the instant time-line, refusing gaps and writing an ambiguous start in UTC', () => {
    let ambiguous = 0;
    for (const [i, c] of cases.entries()) {
      const [, , start = ''] = (answers[i] ?? '').split('|');
      const run = () => oneOff(c.local, c.zone, c.lead, 0);
      if (start === '') {
        expect(run, `${c.zone} ${c.local}`).toThrow(ScheduleInputError);
        continue;
      }
      const [zone, local] = start.split(' ') as [string, string];
      const schedule = run();
      expect(`${schedule.timeZone} ${schedule.expression}`, `${c.zone} ${c.local} lead ${c.lead}`).toBe(
        `${zone} at(${javaLocal(local)})`,
      );
      if (zone === 'UTC') ambiguous += 1;
    }
    expect(ambiguous).toBeGreaterThan(0);
  });

  it('finds the same clock changes as java.time in 2026 and 2027', () => {
    const from = Date.UTC(2026, 0, 1);
    const to = Date.UTC(2028, 0, 1);
    const expected = oracle(ZONES.map((zone) => `T|${zone}|${from}|${to}`));
    for (const [i, zone] of ZONES.entries()) {
      const ours = transitionsBetween(from, to, zone).map((t) => `${t.at}:${t.offsetBeforeMs / 1000}:${t.offsetAfterMs / 1000}`);
      expect(ours.join(','), zone).toBe(expected[i]);
      expect(ours).toHaveLength(4);
    }
  });
});
