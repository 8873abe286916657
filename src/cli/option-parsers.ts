import { InvalidArgumentError } from 'commander';
import { regionProblem, SUPPORTED_REGION_LIST } from '../config/regions.js';

/**
 * Parsers of option and argument values shared by the command definitions. Commander calls them while
 * it parses the command line; an InvalidArgumentError becomes a usage error (exit code 2) that names
 * the option, the value and this message.
 */

/** Digits only: Number() would also read "" and " " as 0, "1e3" as 1000 and "0x10" as 16. */
const WHOLE_NUMBER = /^\d+$/;
const DECIMAL_NUMBER = /^\d+(\.\d+)?$/;

export function nonNegativeInt(value: string): number {
  if (!WHOLE_NUMBER.test(value)) throw new InvalidArgumentError('expected a whole number, 0 or more.');
  return Number(value);
}

/** The longest meetup window: inside a window the runtime guard allows a run until its end plus an hour. */
export const MAX_WINDOW_MINUTES = 12 * 60;

export function windowMinutes(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0 || n > MAX_WINDOW_MINUTES) {
    throw new InvalidArgumentError(
      `expected whole minutes from 1 to ${MAX_WINDOW_MINUTES} (12 hours); split longer events into several schedules.`,
    );
  }
  return n;
}

export function recordingMinutes(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0 || n > MAX_WINDOW_MINUTES) {
    throw new InvalidArgumentError(`expected whole minutes from 1 to ${MAX_WINDOW_MINUTES}.`);
  }
  return n;
}

/** The same rule as the config's "region" field: a region where every service of the stack exists. */
export function regionCode(value: string): string {
  const problem = regionProblem(value);
  if (problem) throw new InvalidArgumentError(`"${value}" ${problem}. Use one of: ${SUPPORTED_REGION_LIST}.`);
  return value;
}

export function positiveNumber(value: string): number {
  const n = Number(value);
  if (!DECIMAL_NUMBER.test(value) || n <= 0) throw new InvalidArgumentError('expected a positive number.');
  return n;
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!WHOLE_NUMBER.test(value) || n <= 0) throw new InvalidArgumentError('expected a positive whole number.');
  return n;
}

/**
 * How far back `history --days` and `report` / `logs --since` may look: the event log keeps ten years
 * (its retention, src/infra/stack/stores.ts), and CloudWatch Logs takes no start time before 1970.
 */
export const MAX_DAYS_BACK = 3653;

export function daysBack(value: string): number {
  const n = positiveInt(value);
  if (n > MAX_DAYS_BACK)
    throw new InvalidArgumentError(`expected whole days from 1 to ${MAX_DAYS_BACK} (the event log keeps ten years).`);
  return n;
}

/** The longest pause of `status --watch`: Node's timers hold at most 2^31-1 ms (24.8 days) and fire at once beyond. */
export const MAX_WATCH_SECONDS = 3600;

export function watchSeconds(value: string): number {
  const n = positiveInt(value);
  if (n > MAX_WATCH_SECONDS) throw new InvalidArgumentError(`expected whole seconds from 1 to ${MAX_WATCH_SECONDS} (an hour).`);
  return n;
}

/** The longest `--reason`: one line for the event log, the lock and `history`. */
export const MAX_REASON_LENGTH = 200;

export function reasonText(value: string): string {
  // Control characters (new lines, terminal escapes) would break the table of `history` and `status`.
  if (value.trim() === '' || value.length > MAX_REASON_LENGTH || /\p{Cc}/u.test(value)) {
    throw new InvalidArgumentError(`expected 1 to ${MAX_REASON_LENGTH} characters on one line, e.g. --reason "December meetup".`);
  }
  return value;
}
