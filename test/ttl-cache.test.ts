import { describe, expect, it } from 'vitest';
import { ttlCache } from '../src/ttl-cache.js';

describe('ttlCache', () => {
  it('loads once for every caller within the TTL, waiting callers included, and again after it', async () => {
    let t = 0;
    let loads = 0;
    let release: (value: number) => void = () => {};
    const get = ttlCache(
      () => {
        loads += 1;
        return new Promise<number>((resolve) => {
          release = resolve;
        });
      },
      1000,
      () => t,
    );
    const waiting = [get(), get(), get()];
    release(7);
    expect(await Promise.all(waiting)).toEqual([7, 7, 7]);
    t = 999;
    expect(await get()).toBe(7);
    expect(loads).toBe(1);
    t = 1000;
    const again = get();
    release(8);
    expect(await again).toBe(8);
    expect(loads).toBe(2);
  });

  it('keeps no failed load: the next caller tries again', async () => {
    let loads = 0;
    const get = ttlCache(
      async () => {
        loads += 1;
        if (loads === 1) throw new Error('unreachable');
        return 'ok';
      },
      60_000,
      () => 0,
    );
    await expect(get()).rejects.toThrow('unreachable');
    expect(await get()).toBe('ok');
    expect(loads).toBe(2);
  });
});
