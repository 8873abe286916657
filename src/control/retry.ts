import { isTransient } from './errors.js';
import type { Clock } from './ports.js';

export interface RetryOptions {
  readonly attempts?: number;
  /** The pause after attempt n is min(baseMs × 2^n, maxMs). */
  readonly baseMs?: number;
  readonly maxMs?: number;
}

/**
 * Retry a call through transient errors (throttling, a brief service hiccup) with growing pauses on
 * `clock` (anything with a `sleep`); anything else, or the last attempt's error, is thrown.
 */
export async function retryTransient<T>(
  clock: Pick<Clock, 'sleep'>,
  call: () => Promise<T>,
  { attempts = 6, baseMs = 500, maxMs = 8000 }: RetryOptions = {},
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (!isTransient(error) || attempt >= attempts) throw error;
      await clock.sleep(Math.min(baseMs * 2 ** attempt, maxMs));
    }
  }
}
