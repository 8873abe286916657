import { InvalidArgumentError } from 'commander';
import { regionProblem, SUPPORTED_REGION_LIST } from '../config/regions.js';

/**
 * Parsers of option and argument values shared by the command definitions. Commander calls them while
 * it parses the command line; an InvalidArgumentError becomes a usage error (exit code 2) that names
 * the option, the value and this message.
 */

export function nonNegativeInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected a whole number, 0 or more.');
  return n;
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
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a positive number.');
  return n;
}

export function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('expected a positive whole number.');
  return n;
}
