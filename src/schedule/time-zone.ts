/**
 * Local times in IANA time zones, pure: the offset at an instant, the instant(s) a wall-clock time
 * means (none inside a daylight-saving gap, two inside an overlap), and the zone's transitions. Built
 * on the Intl API's time-zone data; test/schedule/time-zone.test.ts compares it with the JDK's
 * java.time (ZoneRules.getValidOffsets) as an independent implementation.
 */

/** A wall-clock date and time (month 1-12). */
export interface Wall {
  readonly y: number;
  readonly mo: number;
  readonly d: number;
  readonly h: number;
  readonly mi: number;
  readonly s: number;
}

/** What a wall-clock time means in a zone. */
export type Resolved =
  /** It happens once. */
  | { readonly kind: 'unique'; readonly instant: number; readonly offsetMs: number }
  /** It never happens: the clocks jump over it. `before` is the last minute before the jump, `after` the first after. */
  | { readonly kind: 'gap'; readonly before: number; readonly after: number }
  /** It happens twice: the clocks go back over it. */
  | {
      readonly kind: 'overlap';
      readonly earlier: { readonly instant: number; readonly offsetMs: number };
      readonly later: { readonly instant: number; readonly offsetMs: number };
    };

const MINUTE = 60_000;

/**
 * The IANA name of a time zone as people should see it (`europe/berlin` → `Europe/Berlin`), or
 * undefined when it is none. Abbreviations such as EST or CET are refused: they are fixed offsets or
 * other zones' rules, not the wall clock people meet by (UTC itself is fine).
 */
export function canonicalTimeZone(name: string): string | undefined {
  const text = name.trim();
  if (text.toUpperCase() === 'UTC') return 'UTC';
  if (!text.includes('/')) return undefined;
  let resolved: string;
  try {
    resolved = new Intl.DateTimeFormat('en-US', { timeZone: text }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
  const listed = Intl.supportedValuesOf('timeZone').find((z) => z.toLowerCase() === text.toLowerCase());
  if (listed) return listed;
  // A link such as Asia/Kolkata or Europe/Kyiv that this Node lists under its older name: keep it as
  // typed when it is written with capitals, else take the name Intl resolves it to.
  return text === text.toLowerCase() ? resolved : text;
}

/** How to name a time zone, for errors. */
export const TIME_ZONE_HINT =
  'Use an IANA name such as Europe/Berlin, America/New_York or UTC (abbreviations such as EST or CET are not time zones people meet by).';
const DAY = 86_400_000;

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  // Stryker disable next-line ConditionalExpression: a cache: a new formatter for the same zone formats the same
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(tz, f);
  }
  return f;
}

/** The wall-clock time of an instant in a zone. */
export function wallOf(instant: number, tz: string): Wall {
  const parts = Object.fromEntries(
    formatter(tz)
      .formatToParts(new Date(instant))
      .map((p) => [p.type, p.value]),
  );
  const year = Number(parts.year);
  return {
    // Intl writes years before 1 AD with an era; meetups are not scheduled then.
    y: year,
    mo: Number(parts.month),
    d: Number(parts.day),
    h: Number(parts.hour),
    mi: Number(parts.minute),
    s: Number(parts.second),
  };
}

/** A wall-clock time as if it were UTC (epoch ms): the arithmetic of dates without zones. */
export const naive = (w: Wall): number => Date.UTC(w.y, w.mo - 1, w.d, w.h, w.mi, w.s);

/** The wall-clock time of a naive epoch value. */
export function wallOfNaive(ms: number): Wall {
  const d = new Date(ms);
  return {
    y: d.getUTCFullYear(),
    mo: d.getUTCMonth() + 1,
    d: d.getUTCDate(),
    h: d.getUTCHours(),
    mi: d.getUTCMinutes(),
    s: d.getUTCSeconds(),
  };
}

/** The zone's offset from UTC at an instant (ms; +01:00 is 3 600 000). */
export function offsetAt(instant: number, tz: string): number {
  const whole = Math.floor(instant / 1000) * 1000;
  return naive(wallOf(whole, tz)) - whole;
}

// Stryker disable next-line ArrowFunction,ArithmeticOperator: offsets are tried in time order and a repeat's earlier offset is the larger, so the instants come sorted already
const byInstant = (a: { instant: number }, b: { instant: number }) => a.instant - b.instant;

/**
 * The instant(s) a wall-clock time means in a zone. Every offset the zone has within a day either side
 * is tried: an offset fits when the zone really has it at the instant it gives.
 */
export function resolveLocal(wall: Wall, tz: string): Resolved {
  const local = naive(wall);
  const offsets = new Set([offsetAt(local - DAY, tz), offsetAt(local, tz), offsetAt(local + DAY, tz)]);
  const fits = [...offsets]
    .map((offsetMs) => ({ instant: local - offsetMs, offsetMs }))
    .filter((c) => offsetAt(c.instant, tz) === c.offsetMs)
    .sort(byInstant);
  const [first, second] = fits;
  if (first && second) return { kind: 'overlap', earlier: first, later: second };
  if (first) return { kind: 'unique', instant: first.instant, offsetMs: first.offsetMs };
  // In a gap: the jump over this wall time is the transition whose two offsets put it before and after.
  const jump = transitionsBetween(local - 2 * DAY, local + 2 * DAY, tz).find(
    (t) => t.offsetAfterMs > t.offsetBeforeMs && local >= t.at + t.offsetBeforeMs && local < t.at + t.offsetAfterMs,
  );
  // Stryker disable next-line ArithmeticOperator,OptionalChaining: a gap always lies in a jump found within two days; the fallback is defensive
  const after = jump?.at ?? local - offsetAt(local + DAY, tz);
  return { kind: 'gap', before: after - MINUTE, after };
}

/** A change of the zone's offset: at `at` the clocks go from one offset to the other. */
export interface Transition {
  readonly at: number;
  readonly offsetBeforeMs: number;
  readonly offsetAfterMs: number;
}

/**
 * The zone's transitions between two instants. Offsets are sampled every 6 hours (no zone changes
 * twice within that) and each change is found to the second.
 */
export function transitionsBetween(from: number, to: number, tz: string): Transition[] {
  const step = 6 * 3_600_000;
  const out: Transition[] = [];
  let t = from;
  let before = offsetAt(t, tz);
  while (t < to) {
    const next = Math.min(t + step, to);
    const after = offsetAt(next, tz);
    if (after !== before) {
      let lo = t;
      let hi = next;
      while (hi - lo > 1000) {
        const mid = Math.floor((lo + hi) / 2000) * 1000;
        if (offsetAt(mid, tz) === before) lo = mid;
        else hi = mid;
      }
      out.push({ at: hi, offsetBeforeMs: before, offsetAfterMs: after });
    }
    t = next;
    before = after;
  }
  return out;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** `+01:00`, `-04:00`, `+05:45`. */
export function formatOffset(offsetMs: number): string {
  const sign = offsetMs < 0 ? '-' : '+';
  const minutes = Math.abs(Math.round(offsetMs / MINUTE));
  return `${sign}${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}`;
}

/** `2027-03-28 01:59` */
export function formatWall(w: Wall): string {
  return `${w.y}-${pad(w.mo)}-${pad(w.d)} ${pad(w.h)}:${pad(w.mi)}${w.s ? `:${pad(w.s)}` : ''}`;
}

/** `Sun 2027-03-28 03:10 +02:00` for an instant in a zone. */
export function describeInstant(instant: number, tz: string): string {
  const w = wallOf(instant, tz);
  const weekday = new Date(naive(w)).toLocaleDateString('en-GB', { weekday: 'short', timeZone: 'UTC' });
  return `${weekday} ${formatWall(w)} ${formatOffset(offsetAt(instant, tz))}`;
}

/** `-05:00` (or `Z`) → ms; undefined when it is no offset. */
export function parseOffset(text: string): number | undefined {
  if (text === 'Z' || text === 'z') return 0;
  const m = /^([+-])(\d{2}):?(\d{2})$/.exec(text);
  if (!m) return undefined;
  const minutes = Number(m[2]) * 60 + Number(m[3]);
  if (Number(m[2]) > 18 || Number(m[3]) > 59) return undefined;
  return (m[1] === '-' ? -1 : 1) * minutes * MINUTE;
}
