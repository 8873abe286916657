import { isTransient } from './errors.js';
import type { Clock } from './ports.js';

/**
 * Retry a call through transient errors (throttling, a brief service hiccup) with growing pauses on
 * `clock`; anything else, or the last attempt's error, is thrown.
 */
export async function retryTransient<T>(clock: Clock, call: () => Promise<T>, attempts = 6): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (!isTransient(error) || attempt >= attempts) throw error;
      await clock.sleep(Math.min(500 * 2 ** attempt, 8000));
    }
  }
}
