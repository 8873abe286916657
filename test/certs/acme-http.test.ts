import { describe, expect, it } from 'vitest';
import { acmeFetch, retryAfterMs } from '../../src/certs/acme-http.js';
import { freePort } from '../support/free-port.js';

describe('the ACME HTTP layer', () => {
  it('reads Retry-After as seconds or as an HTTP date (RFC 9110 §10.2.3), which RFC 8555 §8.2 has clients honour', () => {
    const now = Date.parse('Sun, 06 Dec 2026 13:00:00 GMT');
    expect(retryAfterMs({ 'retry-after': '7' }, now)).toBe(7000);
    expect(retryAfterMs({ 'retry-after': 'Sun, 06 Dec 2026 13:00:30 GMT' }, now)).toBe(30_000);
    expect(retryAfterMs({ 'retry-after': 'Sun, 06 Dec 2026 12:00:00 GMT' }, now)).toBe(0);
    expect(retryAfterMs({ 'retry-after': 'soon' }, now)).toBeUndefined();
    expect(retryAfterMs({}, now)).toBeUndefined();
  });

  it('names the URL it could not reach', async () => {
    const url = `http://127.0.0.1:${await freePort()}/dir`;
    await expect(acmeFetch(url, { method: 'GET' })).rejects.toThrow(`the ACME server could not be reached at ${url}: `);
  });
});
