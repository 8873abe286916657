import { phase } from './phase.js';
import type { Snapshot, StatsSample } from './snapshot.js';

/** A stats line older than this says nothing about now (the sidecar writes one a minute). */
export const STATS_MAX_AGE_MS = 3 * 60_000;
/** How far back `observe` reads the sidecar's lines: longer than the largest idleStopMinutes (240). */
export const STATS_HISTORY_MS = 250 * 60_000;

/** The latest sample if it is fresh enough to describe `now`. */
export function freshCount(samples: readonly StatsSample[], now: number): number | undefined {
  const last = samples.at(-1);
  return last && now - last.at <= STATS_MAX_AGE_MS ? last.participants : undefined;
}

/**
 * How many people a stop would drop: `none` when no meeting can be running (no usable platform),
 * a number from a fresh stats line, or `unknown` (a meeting may be running and no fresh line says
 * how many are in it). Unknown is never treated as zero.
 */
export function knownParticipants(snapshot: Snapshot): number | 'none' | 'unknown' {
  const current = phase(snapshot);
  if (current !== 'READY' && current !== 'DEGRADED') return 'none';
  if (snapshot.participants === undefined) return 'unknown';
  return snapshot.participants === 0 ? 'none' : snapshot.participants;
}

/**
 * Since when nobody has been in a call, from the sidecar's lines: the time of the first 0 after the
 * last line with people (or of the oldest line read). Undefined when the latest line is not fresh
 * (unknown is not empty) or someone is there now.
 */
export function emptySince(samples: readonly StatsSample[], now: number): number | undefined {
  if (freshCount(samples, now) !== 0) return undefined;
  let since = now;
  for (let i = samples.length - 1; i >= 0; i--) {
    const sample = samples[i] as StatsSample;
    if (sample.participants !== 0) break;
    since = sample.at;
  }
  return since;
}

/** When the sidecar last wrote a line, if it did within the history read. */
export const lastStatsAt = (samples: readonly StatsSample[] | undefined): number | undefined => samples?.at(-1)?.at;
