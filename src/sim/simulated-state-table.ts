import type { Clock, LockWrite, MeetingWindow, StateStore, TransitionEvent } from '../control/ports.js';
import type { LockLease } from '../control/snapshot.js';

/**
 * The state table (DynamoDB) in memory: the lock with its lease, the meeting window and the
 * transition log, with every lock holding kept to check that two never overlapped.
 */
export class InMemoryState implements StateStore {
  lock?: LockLease;
  meetingWindow?: MeetingWindow;
  readonly log: TransitionEvent[] = [];
  /** Every lock holding, to check that two never overlapped. `until`: released or taken over (base clock). */
  readonly grants: Array<{ token: string; owner: string; from: number; until?: number; how?: 'released' | 'taken-over' }> = [];
  constructor(private readonly clock: Clock) {}

  private record(r: LockWrite): LockLease {
    return {
      owner: r.owner,
      reason: r.reason,
      token: r.token,
      version: r.version,
      leaseSeconds: r.leaseSeconds,
      acquiredAt: r.now,
      heartbeatAt: r.now,
    };
  }
  private end(token: string, how: 'released' | 'taken-over'): void {
    const grant = this.grants.find((g) => g.token === token && g.until === undefined);
    if (grant) Object.assign(grant, { until: this.clock.now(), how });
  }

  /** Tokens of holders that keep heartbeating by themselves (see `hold`). */
  private readonly alive = new Set<string>();
  private beats = 0;

  /**
   * Hold the lock as another actor (tests and demos). An `alive` holder heartbeats between any two
   * reads, as a running actor does; a dead one never does and is taken over after its lease.
   */
  hold(owner: string, reason: string, options: { alive?: boolean; token?: string } = {}): LockLease {
    const token = options.token ?? `held-by-${owner}`;
    this.lock = this.record({ owner, reason, token, version: 'v0', leaseSeconds: 60, now: this.clock.now() });
    this.grants.push({ token, owner, from: this.clock.now() });
    if (options.alive ?? true) this.alive.add(token);
    return this.lock;
  }

  async acquire(r: LockWrite) {
    if (this.lock && this.alive.has(this.lock.token)) {
      this.beats += 1;
      this.lock = { ...this.lock, version: `beat-${this.beats}`, heartbeatAt: this.clock.now() };
    }
    if (this.lock) return { acquired: false as const, holder: this.lock };
    this.lock = this.record(r);
    this.grants.push({ token: r.token, owner: r.owner, from: this.clock.now() });
    return { acquired: true as const, lease: this.lock };
  }
  async takeOver(r: LockWrite, expectedVersion: string) {
    if (!this.lock || this.lock.version !== expectedVersion) return false;
    this.end(this.lock.token, 'taken-over');
    this.lock = this.record(r);
    this.grants.push({ token: r.token, owner: r.owner, from: this.clock.now() });
    return true;
  }
  async heartbeat(token: string, version: string, leaseSeconds: number, now: number) {
    if (this.lock?.token !== token) return false;
    this.lock = { ...this.lock, version, leaseSeconds, heartbeatAt: now };
    return true;
  }
  async release(token: string) {
    this.alive.delete(token);
    if (this.lock?.token === token) {
      this.lock = undefined;
      this.end(token, 'released');
    }
  }
  async current() {
    return this.lock;
  }
  async append(event: TransitionEvent) {
    this.log.push(event);
  }
  /** Oldest first by the time each writer put in, as the CloudWatch Logs adapter returns them. */
  async events(since: number) {
    return this.log.filter((e) => e.at >= since).sort((a, b) => a.at - b.at);
  }
  async setWindow(window: MeetingWindow) {
    this.meetingWindow = window;
  }
  async window() {
    return this.meetingWindow;
  }
}

/** The state table's port behind the same fault injection as every other call (`call` first). */
export function guardedStateStore(state: StateStore, call: () => void): StateStore {
  const guard =
    <A extends unknown[], R>(fn: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      call();
      return fn(...args);
    };
  return {
    acquire: guard((r) => state.acquire(r)),
    takeOver: guard((r, version) => state.takeOver(r, version)),
    heartbeat: guard((token, version, lease, now) => state.heartbeat(token, version, lease, now)),
    release: guard((token) => state.release(token)),
    current: guard(() => state.current()),
    append: guard((e) => state.append(e)),
    events: guard((since) => state.events(since)),
    setWindow: guard((w) => state.setWindow(w)),
    window: guard(() => state.window()),
  };
}
