/**
 * A value loaded at most once per `ttlMs`, shared by every caller: while a load runs, callers wait
 * for that same load (a burst of requests costs one load, not one each). A failed load is not kept,
 * so the next caller tries again. Used by the web functions for what they read from AWS: the asleep
 * page's next meetup, the page's token secret (a rotation is picked up within the TTL) and status.
 */
export function ttlCache<T>(load: () => Promise<T>, ttlMs: number, now: () => number): () => Promise<T> {
  let entry: { readonly at: number; readonly value: Promise<T> } | undefined;
  return () => {
    const t = now();
    if (entry && t - entry.at < ttlMs) return entry.value;
    const value = load();
    const mine = { at: t, value };
    entry = mine;
    value.catch(() => {
      if (entry === mine) entry = undefined;
    });
    return value;
  };
}
