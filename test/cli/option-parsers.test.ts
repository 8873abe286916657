import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import {
  daysBack,
  MAX_DAYS_BACK,
  MAX_REASON_LENGTH,
  MAX_WATCH_SECONDS,
  nonNegativeInt,
  positiveNumber,
  reasonText,
  watchSeconds,
} from '../../src/cli/option-parsers.js';

/** The parser's message, or the value it returned. */
const parse = <T>(parser: (value: string) => T, value: string): T | string => {
  try {
    return parser(value);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidArgumentError);
    return (error as Error).message;
  }
};

describe('option parsers', () => {
  it('read numbers only as decimal digits: an empty or blank value is not 0', () => {
    expect(parse(nonNegativeInt, '0')).toBe(0);
    expect(parse(nonNegativeInt, '15')).toBe(15);
    // Number() reads each of these as a number; a person typing them meant something else.
    for (const value of ['', ' ', '1e3', '0x10', '-1', '1.5', '+3']) {
      expect(parse(nonNegativeInt, value), value).toBe('expected a whole number, 0 or more.');
    }
    expect(parse(positiveNumber, '2.5')).toBe(2.5);
    for (const value of ['', ' ', '0', '1e1', 'Infinity', '-2']) {
      expect(parse(positiveNumber, value), value).toBe('expected a positive number.');
    }
  });

  it('history --days: 1 to the event log retention, so the start time stays a date', () => {
    expect(parse(daysBack, String(MAX_DAYS_BACK))).toBe(MAX_DAYS_BACK);
    expect(parse(daysBack, String(MAX_DAYS_BACK + 1))).toContain(`from 1 to ${MAX_DAYS_BACK}`);
    expect(parse(daysBack, '9999999999999')).toContain(`from 1 to ${MAX_DAYS_BACK}`);
    expect(parse(daysBack, '')).toBe('expected a positive whole number.');
  });

  it('status --interval: at most an hour (a longer Node timer fires at once, refreshing in a tight loop)', () => {
    expect(parse(watchSeconds, String(MAX_WATCH_SECONDS))).toBe(MAX_WATCH_SECONDS);
    expect(parse(watchSeconds, String(MAX_WATCH_SECONDS + 1))).toContain(`from 1 to ${MAX_WATCH_SECONDS}`);
    expect(parse(watchSeconds, '3000000')).toContain(`from 1 to ${MAX_WATCH_SECONDS}`);
  });

  it('--reason: one line of 1 to 200 characters', () => {
    expect(parse(reasonText, 'December meetup')).toBe('December meetup');
    expect(parse(reasonText, 'x'.repeat(MAX_REASON_LENGTH))).toHaveLength(MAX_REASON_LENGTH);
    for (const value of ['', '  ', 'x'.repeat(MAX_REASON_LENGTH + 1), 'two\nlines', 'red \u001b[31mtext']) {
      expect(parse(reasonText, value), JSON.stringify(value)).toContain('on one line');
    }
  });
});
