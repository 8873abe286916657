import { describe, expect, it } from 'vitest';
import { fillMissingKeys } from '../../../src/infra/lambda/secret-keys.js';

describe('fillMissingKeys', () => {
  it('adds every missing key and keeps existing values', () => {
    let n = 0;
    const result = fillMissingKeys('{"A":"kept"}', ['A', 'B', 'C'], () => `gen${++n}`);
    expect(JSON.parse(result.secretString)).toEqual({ A: 'kept', B: 'gen1', C: 'gen2' });
    expect(result.added).toEqual(['B', 'C']);
  });

  it('adds nothing when all keys exist (idempotent)', () => {
    const result = fillMissingKeys('{"A":"x","B":"y"}', ['A', 'B'], () => 'never');
    expect(result.added).toEqual([]);
    expect(JSON.parse(result.secretString)).toEqual({ A: 'x', B: 'y' });
  });

  it('treats empty values, missing secrets and non-JSON as missing', () => {
    expect(fillMissingKeys('{"A":""}', ['A'], () => 'g').added).toEqual(['A']);
    expect(fillMissingKeys(undefined, ['A'], () => 'g').added).toEqual(['A']);
    expect(JSON.parse(fillMissingKeys('not json', ['A'], () => 'g').secretString)).toEqual({ A: 'g' });
  });

  it('generates 128-bit hex passwords by default, different each time', () => {
    const first = JSON.parse(fillMissingKeys(undefined, ['A', 'B']).secretString) as Record<string, string>;
    expect(first.A).toMatch(/^[0-9a-f]{32}$/);
    expect(first.A).not.toBe(first.B);
  });
});
