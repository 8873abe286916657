import type { Clock } from '../control/ports.js';

/** A clock that only moves when someone sleeps: minutes of AWS waiting run in microseconds. */
export class VirtualClock implements Clock {
  constructor(public t = Date.UTC(2026, 11, 3, 17, 45)) {}
  now(): number {
    return this.t;
  }
  async sleep(ms: number): Promise<void> {
    this.t += ms;
  }
}

/**
 * A discrete-event clock for several actors at once: `sleep` registers a timer, and time jumps to
 * the earliest timer only when every actor is waiting (nothing else is left to run). Calls take no
 * time, so a holder that heartbeats is never mistaken for a dead one, exactly as on a real clock.
 */
export class EventClock implements Clock {
  private timers: Array<{ at: number; seq: number; resolve: () => void }> = [];
  private seq = 0;
  private scheduled = false;
  constructor(public t = Date.UTC(2026, 11, 3, 17, 45)) {}
  now(): number {
    return this.t;
  }
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.timers.push({ at: this.t + Math.max(0, ms), seq: this.seq++, resolve });
      this.schedule();
    });
  }
  /** Timers still waiting (0 when every actor has finished or hangs forever). */
  get pending(): number {
    return this.timers.length;
  }
  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = this.timers.shift();
      if (!next) return;
      this.t = Math.max(this.t, next.at);
      next.resolve();
      if (this.timers.length > 0) this.schedule();
    });
  }
}

/** One actor's view of time: its own skew, and a crash after which it never runs again. */
export class ActorClock implements Clock {
  constructor(
    private readonly base: Clock,
    readonly skewMs = 0,
    /** Base time at which this actor dies (a laptop lid closed for good, a Lambda killed at its timeout). */
    readonly crashAt = Infinity,
  ) {}
  now(): number {
    return this.base.now() + this.skewMs;
  }
  get crashed(): boolean {
    return this.base.now() >= this.crashAt;
  }
  sleep(ms: number): Promise<void> {
    if (this.crashed) return new Promise(() => {});
    return this.base.sleep(ms);
  }
}
