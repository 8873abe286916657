import { meetingPhase } from './phase.js';
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
  // A meeting runs on a stack CloudFormation left broken too: its service and tasks say so.
  const current = meetingPhase(snapshot);
  if (current !== 'READY' && current !== 'DEGRADED') return 'none';
  if (snapshot.participants === undefined) return 'unknown';
  return snapshot.participants === 0 ? 'none' : snapshot.participants;
}

/**
 * Guests waiting in the lobby for a host count as people for at most `lobbyWaitMs` from the first line
 * of their wait (nobody in a call, guests connected), so a forgotten lobby tab cannot keep the server
 * up. A line without the guests count neither counts nor ends a wait; a line with people in a call or
 * with no guest ends it.
 */
function present(samples: readonly StatsSample[], lobbyWaitMs: number): boolean[] {
  let waitingFrom: number | undefined;
  return samples.map((sample) => {
    if (sample.participants > 0) {
      waitingFrom = undefined;
      return true;
    }
    if (sample.guests === undefined) return false;
    if (sample.guests === 0) {
      waitingFrom = undefined;
      return false;
    }
    waitingFrom ??= sample.at;
    return sample.at - waitingFrom < lobbyWaitMs;
  });
}

/**
 * Guests waiting in the lobby now, from a fresh line with nobody in a call, and since when they have
 * waited; undefined when nobody waits or they have waited `lobbyWaitMs` or longer.
 */
export function lobbyWait(
  samples: readonly StatsSample[],
  now: number,
  lobbyWaitMs: number,
): { guests: number; since: number } | undefined {
  const last = samples.at(-1);
  if (!last || freshCount(samples, now) !== 0 || !last.guests || !present(samples, lobbyWaitMs).at(-1)) return undefined;
  let since = last.at;
  for (let i = samples.length - 1; i >= 0; i--) {
    const sample = samples[i] as StatsSample;
    if (sample.participants > 0 || sample.guests === 0) break;
    if (sample.guests !== undefined) since = sample.at;
  }
  return { guests: last.guests, since };
}

/**
 * Since when nobody has been there, from the sidecar's lines: the time of the first line without
 * people after the last line with people (or of the oldest line read). People are those in a call
 * and, up to `lobbyWaitMs` of waiting, guests in the lobby. Undefined when the latest line is not
 * fresh (unknown is not empty) or someone is there now.
 */
export function emptySince(samples: readonly StatsSample[], now: number, lobbyWaitMs = 0): number | undefined {
  if (freshCount(samples, now) !== 0) return undefined;
  const there = present(samples, lobbyWaitMs);
  if (there.at(-1)) return undefined;
  let since = now;
  for (let i = samples.length - 1; i >= 0 && !there[i]; i--) since = (samples[i] as StatsSample).at;
  return since;
}

/** When the sidecar last wrote a line, if it did within the history read. */
export const lastStatsAt = (samples: readonly StatsSample[] | undefined): number | undefined => samples?.at(-1)?.at;
