import type { CloudWatchAlarmEvent, ScheduledEvent } from 'aws-lambda';
import { observe } from '../control/observe.js';
import { phase } from '../control/phase.js';
import type { Clock, ControlPorts } from '../control/ports.js';
import { RefusedError, transition } from '../control/transition.js';
import { type AutomationSettings, decideGuard, decideIdleStop } from './policy.js';

/** What the automation Lambdas need, injected so tests run them against the simulated AWS. */
export interface AutomationDeps {
  readonly ports: ControlPorts;
  readonly clock: Clock;
  /** Public host name (endpoint checks). */
  readonly host: string;
  readonly settings: AutomationSettings;
  /** Publish an alert to the SNS topic (e-mail). */
  readonly notify: (subject: string, message: string) => Promise<void>;
  /** One JSON log line per decision. */
  readonly log: (entry: Record<string, unknown>) => void;
  /**
   * Set the idle alarm back to OK. Alarm actions only fire on a state change, so an alarm left in
   * ALARM after a deferred stop (grace, window, people) would never fire again.
   */
  readonly rearmAlarm: (alarmName: string, reason: string) => Promise<void>;
}

/** The input each EventBridge Scheduler schedule passes to the scheduled start. */
export interface ScheduledStartInput {
  readonly schedule: string;
  /** Minutes between this invocation and the announced meeting start. */
  readonly leadMinutes: number;
  /** Length of the announced meeting. */
  readonly windowMinutes: number;
}

export interface HandlerResult {
  readonly action: 'started' | 'stopped' | 'none' | 'refused' | 'failed';
  readonly why: string;
}

const runtime = (deps: AutomationDeps) => ({
  ports: deps.ports,
  clock: deps.clock,
  host: deps.host,
  pollMs: 5000,
  onProgress: () => {},
});
/** How long the idle stop waits for another actor's lock before it gives up (the guard comes back later). */
export const LOCK_WAIT_ATTEMPTS = 4;

/** Retry while another actor holds the lock; 'refused' when it never became free (or the refusal was not about the lock). */
async function withLock<T>(deps: AutomationDeps, run: () => Promise<T>): Promise<T | 'refused'> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      if (!(error instanceof RefusedError)) throw error;
      // Only a held lock is worth waiting for; a refusal for people in a call is final.
      if (!error.holder || attempt >= LOCK_WAIT_ATTEMPTS) return 'refused';
      deps.log({ message: 'waiting for the lock', holder: error.holder.owner, attempt });
      await deps.clock.sleep(20_000);
    }
  }
}

/**
 * EventBridge Scheduler → start before a meetup. Records the meeting window first (so the idle stop
 * leaves the room alone until it ends), then starts the task and returns: the runtime guard watches
 * readiness, which keeps the function far inside Lambda's 15 minutes. A platform that is already up,
 * or being started by someone else, is left alone: no second start.
 */
export function scheduledStart(deps: AutomationDeps) {
  return async (input: ScheduledStartInput): Promise<HandlerResult> => {
    const now = deps.clock.now();
    await deps.ports.state.setWindow({
      schedule: input.schedule,
      from: now,
      until: now + (input.leadMinutes + input.windowMinutes) * 60_000,
    });
    const snapshot = await observe(deps.ports, { host: deps.host, now });
    if (!snapshot) return report(deps, { action: 'failed', why: 'the stack does not exist' });
    if (phase(snapshot) === 'POWERED_DOWN') {
      const why = `the platform is powered down; schedule "${input.schedule}" cannot start it`;
      await deps.notify(
        'Scheduled start skipped: powered down',
        `${why}. Run \`meetctl power-up\` before the meetup (scheduled starts do not power up).`,
      );
      return report(deps, { action: 'refused', why });
    }
    try {
      const outcome = await transition(
        {
          goal: 'running',
          actor: `schedule:${input.schedule}`,
          reason: `pre-warm ${input.leadMinutes} min before the meetup`,
          until: 'set-desired',
        },
        runtime(deps),
      );
      if (outcome.outcome === 'no-op' || !outcome.steps.some((s) => s.kind === 'set-desired')) {
        return report(deps, { action: 'none', why: `already ${outcome.from}: no second start` });
      }
      if (outcome.result?.error) {
        await deps.notify(
          'Scheduled start failed',
          `Schedule "${input.schedule}" could not start ${snapshot.stack.name}: ${outcome.result.error.message}`,
        );
        return report(deps, { action: 'failed', why: outcome.result.error.message });
      }
      return report(deps, { action: 'started', why: `schedule "${input.schedule}"` });
    } catch (error) {
      if (error instanceof RefusedError)
        return report(deps, { action: 'none', why: `${error.message} (someone is already changing it: no second start)` });
      throw error;
    }
  };
}

/** CloudWatch alarm "no participants for N minutes" → stop, unless the policy says not to. */
export function idleStop(deps: AutomationDeps) {
  return async (event: CloudWatchAlarmEvent): Promise<HandlerResult> => {
    if (event.alarmData.state.value !== 'ALARM')
      return report(deps, { action: 'none', why: `alarm is ${event.alarmData.state.value}` });
    const result = await stopIf(deps, 'idle-stop', decideIdleStop);
    if (result.action !== 'stopped') {
      // Deferred: make the alarm fire again after another idle period instead of staying in ALARM.
      await deps.rearmAlarm(event.alarmData.alarmName, `idle stop deferred: ${result.why}`.slice(0, 1000));
    }
    return result;
  };
}

/** Every 5 minutes: stop runs past the maximum and starts that failed, and alert. */
export function runtimeGuard(deps: AutomationDeps) {
  return async (_event: ScheduledEvent): Promise<HandlerResult> => stopIf(deps, 'runtime-guard', decideGuard);
}

async function stopIf(deps: AutomationDeps, actor: string, decide: typeof decideGuard): Promise<HandlerResult> {
  const [snapshot, window] = await Promise.all([
    observe(deps.ports, { host: deps.host, now: deps.clock.now(), participants: true }),
    deps.ports.state.window(),
  ]);
  if (!snapshot) return report(deps, { action: 'none', why: 'the stack does not exist' });
  const decision = decide(snapshot, window, deps.settings);
  if (!decision.act) return report(deps, { action: 'none', why: decision.why });
  const outcome = await withLock(deps, () =>
    // The policy already weighed the participants (the guard's maximum applies even with people in the call).
    transition({ goal: 'stopped', actor, reason: decision.why, force: true }, runtime(deps)),
  );
  if (outcome === 'refused')
    return report(deps, { action: 'refused', why: 'another actor kept the lock; the next round decides again' });
  if (outcome.result?.error) {
    await deps.notify(`${actor}: stop failed`, `${decision.alert}\nBut the stop failed: ${outcome.result.error.message}`);
    return report(deps, { action: 'failed', why: outcome.result.error.message });
  }
  if (outcome.outcome === 'no-op') return report(deps, { action: 'none', why: 'already stopped' });
  await deps.notify(
    actor === 'idle-stop' ? 'Meeting server stopped: idle' : 'Meeting server stopped by the runtime guard',
    decision.alert,
  );
  return report(deps, { action: 'stopped', why: decision.why });
}

function report(deps: AutomationDeps, result: HandlerResult): HandlerResult {
  deps.log({ message: 'decision', ...result });
  return result;
}
