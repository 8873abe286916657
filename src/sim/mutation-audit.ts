import type { ControlPorts, LockWrite } from '../control/ports.js';
import { wrapPorts } from '../control/ports.js';
import type { ActorClock } from './clock.js';

type Mutation = { at: number; actor: string; what: string };

/**
 * Every mutation of the simulated AWS, with the actor that made it, checked against the lock that
 * actor held when it landed (two actors never change the stack at once: `unlocked` must stay empty).
 */
export class MutationAudit {
  /** Every mutation, with the actor that made it (when it came through `portsFor`). */
  readonly mutations: Mutation[] = [];
  /** Mutations made while the caller did not hold the lock (must stay empty). */
  readonly unlockedMutations: Mutation[] = [];
  /** Who is calling a mutation (set by actor ports); checked against the lock. */
  private caller?: { actor: string; tokens: Set<string> };

  constructor(
    private readonly now: () => number,
    /** The token of the lock's holder now. */
    private readonly holder: () => string | undefined,
  ) {}

  record(what: string): void {
    const holder = this.holder();
    const ok = this.caller ? holder !== undefined && this.caller.tokens.has(holder) : holder !== undefined;
    const entry = { at: this.now(), actor: this.caller?.actor ?? '?', what };
    this.mutations.push(entry);
    if (!ok) this.unlockedMutations.push(entry);
  }

  /**
   * The ports as one actor sees them: every call is in flight for `latencyMs` of (event-clock) time
   * (bounded in reality by the SDK's request timeout), the actor may then stall for `stallMs` after
   * the answer (a laptop lid closed, a paused process), a crashed actor's calls never return, and
   * every mutation is checked against the lock that actor holds when it lands.
   */
  portsFor(ports: ControlPorts, actor: string, clock: ActorClock, latencyMs: () => number, stallMs: () => number): ControlPorts {
    const tokens = new Set<string>();
    return wrapPorts(ports, (call, group, name) => async (...args) => {
      const latency = latencyMs();
      if (latency > 0) await clock.sleep(latency);
      if (clock.crashed) return new Promise(() => {});
      const previous = this.caller;
      this.caller = { actor, tokens };
      try {
        const result = await call(...args);
        if (group === 'state' && (name === 'acquire' || name === 'takeOver')) {
          const ok = name === 'acquire' ? (result as { acquired: boolean }).acquired : result === true;
          if (ok) tokens.add((args[0] as LockWrite).token);
        }
        const stall = stallMs();
        if (stall > 0) await clock.sleep(stall);
        if (clock.crashed) return new Promise(() => {});
        return result;
      } finally {
        this.caller = previous;
      }
    });
  }
}
