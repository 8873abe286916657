/**
 * Per-client request limits for the organizer page, in the function's memory. API Gateway's HTTP API
 * throttles a stage for every caller together and has no per-client limit (src/infra/constructs/
 * page-api.ts), so the page counts by client itself: by session when the request carries one, else
 * by the caller's address. What "per client" means here, honestly: the count lives in one Lambda
 * container, so a client whose requests land on N warm containers gets up to N times the limit; the
 * stage limit caps the sum. It keeps one signed-in member (or one address) from running up the
 * AWS calls behind /api/status for everyone, not a determined attacker with many addresses.
 */

/** Requests a minute one client may make before answers become 429 for the rest of that minute. */
export interface ThrottleLimits {
  /** A signed-in session (the page polls the status every 5 s: 12 a minute). */
  readonly perSession: number;
  /** An address without a session: sign-in trips and the page itself (a venue shares one address). */
  readonly perAddress: number;
}

export const PAGE_LIMITS: ThrottleLimits = { perSession: 60, perAddress: 120 };

const WINDOW_MS = 60_000;
/** Counters kept at most; beyond, the oldest windows are dropped first (a flood of fresh keys cannot grow memory). */
const MAX_KEYS = 10_000;

/** A fixed one-minute window per key: true while the key is under `limit` in the current window. */
export function clientThrottle(): (key: string, limit: number, now: number) => boolean {
  const windows = new Map<string, { start: number; count: number }>();
  return (key, limit, now) => {
    let entry = windows.get(key);
    if (!entry || now - entry.start >= WINDOW_MS) {
      windows.delete(key);
      if (windows.size >= MAX_KEYS) {
        // Map keeps insertion order: the first keys are the oldest windows.
        for (const old of windows.keys()) {
          windows.delete(old);
          if (windows.size < MAX_KEYS / 2) break;
        }
      }
      entry = { start: now, count: 0 };
      windows.set(key, entry);
    }
    entry.count += 1;
    return entry.count <= limit;
  };
}
