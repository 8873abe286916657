import { randomUUID } from 'node:crypto';
import type { Clock, StateStore } from './ports.js';
import { retryTransient } from './retry.js';
import type { LockLease } from './snapshot.js';

/**
 * The control-plane lock, after the AWS DynamoDB Lock Client (awslabs/amazon-dynamodb-lock-client):
 * the holder writes a record version number (RVN) and a lease *duration*, and rewrites the RVN on
 * every heartbeat. Nobody compares their clock with a time written by another clock: a would-be
 * taker watches the RVN for one lease duration, measured on its own clock, and takes over only if it
 * never changed (a conditional write on that RVN). Clock skew between a laptop and a Lambda therefore
 * cannot steal a live lease, and a dead holder blocks others for at most one lease plus one poll.
 * See docs/control-plane.md.
 */

/** Lease duration every holder declares. A dead holder is taken over this long after its last heartbeat. */
export const LEASE_SECONDS = 60;
/** A live holder rewrites its RVN at least this often (during waits, and right before every mutation). */
export const HEARTBEAT_SECONDS = 15;
/** A heartbeat answered later than this (on our clock) no longer proves we hold the lock now. */
export const FENCE_FRESH_MS = 5000;
/** How often a waiting actor re-reads the lock record. */
export const LOCK_POLL_SECONDS = 5;

/** Our lease was taken over (we slept or stalled past it): stop at once and change nothing more. */
export class LeaseLostError extends Error {
  constructor(readonly owner: string) {
    super(
      'the lock was taken over by another actor: our lease lapsed (the process was paused or cut off for longer than the lease)',
    );
    this.name = 'LeaseLostError';
  }
}

export interface LockRequest {
  readonly owner: string;
  readonly reason: string;
  /**
   * How long to keep trying while another actor holds the lock, in seconds. A holder seen alive (its
   * RVN changed) ends the wait at once unless `waitForLiveHolder` is set; a dead holder is taken
   * over after one lease duration.
   */
  readonly waitSeconds?: number;
  /** Keep waiting (up to `waitSeconds`) even while the holder is alive. */
  readonly waitForLiveHolder?: boolean;
}

export type LockResult =
  | { readonly acquired: true; readonly lock: HeldLock; readonly tookOverFrom?: LockLease }
  | { readonly acquired: false; readonly holder: LockLease };

const newVersion = (): string => randomUUID();

/** A lock we hold. Every mutation of the platform, and every reported outcome, calls `fence()` right before it. */
export class HeldLock {
  private lastBeat: number;
  private lost = false;

  constructor(
    private readonly store: StateStore,
    private readonly clock: Clock,
    readonly owner: string,
    readonly token: string,
  ) {
    this.lastBeat = clock.now();
  }

  /**
   * Heartbeat now and prove we still hold the lock; throws LeaseLostError otherwise. An answer that
   * arrives more than FENCE_FRESH_MS after the heartbeat was sent (the process was paused around it,
   * a laptop lid closed) proves nothing about now: heartbeat again, which fails if someone took over.
   */
  async fence(): Promise<void> {
    for (;;) {
      if (this.lost) throw new LeaseLostError(this.owner);
      const sent = this.clock.now();
      const ok = await retryTransient(this.clock, () =>
        this.store.heartbeat(this.token, newVersion(), LEASE_SECONDS, this.clock.now()),
      );
      if (!ok) {
        this.lost = true;
        throw new LeaseLostError(this.owner);
      }
      this.lastBeat = this.clock.now();
      if (this.clock.now() - sent <= FENCE_FRESH_MS) return;
    }
  }

  /** Heartbeat if the last one is older than HEARTBEAT_SECONDS (call it from every wait loop). */
  async keepAlive(): Promise<void> {
    if (this.lost) throw new LeaseLostError(this.owner);
    if (this.clock.now() - this.lastBeat >= HEARTBEAT_SECONDS * 1000) await this.fence();
  }

  /** Release if still ours (conditional on our token: a lost lease is never deleted from under its new holder). */
  async release(): Promise<void> {
    await retryTransient(this.clock, () => this.store.release(this.token));
  }
}

/**
 * Take the lock. Free: taken at once. Held: watch the holder's RVN; if it stays unchanged for the
 * holder's whole lease duration (on our clock), the holder is dead and we take over with a write
 * conditional on that RVN. If the RVN changes, the holder is alive: refuse (or keep waiting when
 * `waitForLiveHolder`).
 */
export async function acquireLock(store: StateStore, clock: Clock, request: LockRequest): Promise<LockResult> {
  const token = randomUUID();
  const begin = clock.now();
  // A dead holder is detected after one lease duration; never give up before that unless it proves alive.
  const budgetMs = Math.max(request.waitSeconds ?? 0, LEASE_SECONDS + LOCK_POLL_SECONDS) * 1000;
  let watched: { version: string; since: number } | undefined;
  let seenAlive = false;
  for (;;) {
    const record = { owner: request.owner, reason: request.reason, token, version: newVersion(), leaseSeconds: LEASE_SECONDS };
    const attempt = await retryTransient(clock, () => store.acquire({ ...record, now: clock.now() }));
    if (attempt.acquired) return { acquired: true, lock: new HeldLock(store, clock, request.owner, token) };
    const holder = attempt.holder;
    if (!watched || watched.version !== holder.version) {
      if (watched) seenAlive = true;
      watched = { version: holder.version, since: clock.now() };
    } else if (clock.now() - watched.since >= Math.max(holder.leaseSeconds, LEASE_SECONDS) * 1000) {
      const took = await retryTransient(clock, () => store.takeOver({ ...record, now: clock.now() }, holder.version));
      if (took) return { acquired: true, lock: new HeldLock(store, clock, request.owner, token), tookOverFrom: holder };
      watched = undefined;
      continue;
    }
    const waited = clock.now() - begin;
    const userBudget = (request.waitSeconds ?? 0) * 1000;
    if (seenAlive && (!request.waitForLiveHolder || waited >= userBudget)) return { acquired: false, holder };
    if (waited >= budgetMs) return { acquired: false, holder };
    await clock.sleep(LOCK_POLL_SECONDS * 1000);
  }
}
