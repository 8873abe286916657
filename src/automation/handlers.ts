import type { CloudWatchAlarmEvent, ScheduledEvent } from 'aws-lambda';
import { reconcileHost } from '../control/host-record.js';
import { observe } from '../control/observe.js';
import { meetingPhase, phase } from '../control/phase.js';
import type { Clock, ControlPorts } from '../control/ports.js';
import { listed, rotateSecrets } from '../control/rotation.js';
import type { Snapshot } from '../control/snapshot.js';
import { type Precondition, RefusedError, transition } from '../control/transition.js';
import {
  type AutomationSettings,
  type Decision,
  decideGuard,
  decideIdleStop,
  decidePendingAlert,
  decideRecorderStart,
} from './policy.js';

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
  /** Milliseconds left in this invocation (Lambda's `context.getRemainingTimeInMillis`). */
  readonly remainingMs?: () => number;
}

/** The input each EventBridge Scheduler schedule passes to the scheduled start. */
export interface ScheduledStartInput {
  readonly schedule: string;
  /** Minutes between this invocation and the announced meeting start. */
  readonly leadMinutes: number;
  /** Length of the announced meeting. */
  readonly windowMinutes: number;
  /** Start the recorder too: the runtime guard adds it once the meeting is READY (a start takes longer than this function may wait). */
  readonly record?: boolean;
}

export interface HandlerResult {
  readonly action: 'started' | 'stopped' | 'none' | 'refused' | 'failed';
  readonly why: string;
}

/** The longest meetup window a schedule may declare. */
export const MAX_WINDOW_MINUTES = 12 * 60;
/** Time kept back from a Lambda's timeout to log, alert and release the lock. */
export const TIMEOUT_MARGIN_MS = 60_000;
/** How long the idle stop and the guard wait for a live holder's lock before leaving it to the next round. */
export const LOCK_WAIT_SECONDS = 90;

export const runtime = (deps: AutomationDeps) => {
  const remaining = deps.remainingMs?.();
  return {
    ports: deps.ports,
    clock: deps.clock,
    host: deps.host,
    pollMs: 5000,
    onProgress: () => {},
    ...(remaining !== undefined ? { deadline: deps.clock.now() + remaining - TIMEOUT_MARGIN_MS } : {}),
  };
};

/**
 * EventBridge Scheduler → start before a meetup. Records the meeting window first (so the idle stop
 * leaves the room alone until it ends), then gets the service to one task, after the stop the plan
 * needs from DEGRADED or FAILED, and returns: the runtime guard watches readiness, which keeps the
 * function inside its timeout. Already starting or ready, or someone else changing it: no second start.
 * Anything that leaves the meetup without a server is alerted.
 */
export function scheduledStart(deps: AutomationDeps) {
  return async (input: ScheduledStartInput): Promise<HandlerResult> => {
    const now = deps.clock.now();
    // A window is bounded (12 h) even for a schedule made before the bound existed.
    const minutes = Math.min(input.leadMinutes + input.windowMinutes, MAX_WINDOW_MINUTES + input.leadMinutes);
    await deps.ports.state.setWindow({
      schedule: input.schedule,
      from: now,
      until: now + minutes * 60_000,
      ...(input.record ? { record: true } : {}),
    });
    // Stryker disable next-line ObjectLiteral: only the power state is read from this snapshot (phase decides POWERED_DOWN before it reads the time)
    const snapshot = await observe(deps.ports, { host: deps.host, now });
    if (!snapshot) return alert(deps, 'failed', 'the stack does not exist', input);
    if (phase(snapshot) === 'POWERED_DOWN') {
      return alert(
        deps,
        'refused',
        `the platform is powered down; schedule "${input.schedule}" cannot start it. Run \`meetctl power-up\` before the meetup (scheduled starts do not power up)`,
        input,
      );
    }
    try {
      const outcome = await transition(
        {
          goal: 'running',
          actor: `schedule:${input.schedule}`,
          reason: `pre-warm ${input.leadMinutes} min before the meetup`,
          startOnly: true,
        },
        runtime(deps),
      );
      // First: a transition aborted before any step (its lock lost) has no steps, and started nothing.
      if (outcome.result?.error) return alert(deps, 'failed', outcome.result.error.message, input);
      if (outcome.steps.length === 0) return report(deps, { action: 'none', why: `already ${outcome.from}: no second start` });
      return report(deps, { action: 'started', why: `schedule "${input.schedule}": desired count 1 (was ${outcome.from})` });
    } catch (error) {
      if (error instanceof RefusedError) {
        // Someone else is changing the platform: if they are not starting it, the meetup needs a person.
        const starting = error.holder?.reason.startsWith('running:') ?? false;
        if (starting)
          // Stryker disable next-line OptionalChaining: `starting` is true only when the refusal names a holder
          return report(deps, { action: 'none', why: `${error.holder?.owner} is already starting it: no second start` });
        return alert(deps, 'refused', `${error.message} The scheduled start did not run`, input);
      }
      return alert(deps, 'failed', error instanceof Error ? error.message : String(error), input);
    }
  };
}

async function alert(deps: AutomationDeps, action: HandlerResult['action'], why: string, input: ScheduledStartInput) {
  await deps.notify(
    `Scheduled start "${input.schedule}" did not start the server`,
    `${why}.\nThe meetup in ${input.leadMinutes} minutes may find no server: run \`meetctl start\` or \`meetctl status\`.`,
  );
  return report(deps, { action, why });
}

/**
 * CloudWatch alarm "no participants for N minutes" → stop, if the idle rule agrees on the snapshot
 * taken under the lock. A deferred stop is left to the runtime guard, which applies the same rule
 * every 5 minutes: the alarm is not forced back to OK (CloudWatch would re-fire it within seconds).
 */
export function idleStop(deps: AutomationDeps) {
  return async (event: CloudWatchAlarmEvent): Promise<HandlerResult> => {
    if (event.alarmData.state.value !== 'ALARM')
      return report(deps, { action: 'none', why: `alarm is ${event.alarmData.state.value}` });
    return stopIf(deps, 'idle-stop', decideIdleStop);
  };
}

/**
 * Every 5 minutes: the meeting host's record (direct mode), failed starts, runs past their bound,
 * idle platforms and recorders left without a meeting (alerts for each stop); and the recorder a
 * scheduled meetup asked for, once it is READY.
 */
export function runtimeGuard(deps: AutomationDeps) {
  return async (_event: ScheduledEvent): Promise<HandlerResult> => {
    await reconcileRecord(deps);
    await alertPending(deps);
    // On a broken stack the guard reads since when, for its one alert about it.
    const stopped = await stopIf(deps, 'runtime-guard', decideGuard, { statusSince: true });
    if (stopped.action !== 'none') return stopped;
    await checkEndpointsInCall(deps);
    return (await startRecorderIf(deps)) ?? stopped;
  };
}

/**
 * Direct mode: the meeting host points at the running task's address, or at the asleep page, whatever
 * the DNS function managed (src/control/dns-reconcile.ts). A change made here is e-mailed: it means the name
 * pointed somewhere it should not have. A failure is logged; the rest of the round goes on.
 */
async function reconcileRecord(deps: AutomationDeps): Promise<void> {
  try {
    const result = await reconcileHost(deps.ports, deps.clock);
    if (!result) return;
    deps.log({ message: 'host-record', action: result.action, why: result.why, ...(result.was ? { was: result.was } : {}) });
    if (!result.changeId) return;
    const was = result.was?.kind === 'task' ? `the address ${result.was.ip}` : (result.was?.kind ?? 'nothing');
    await deps.notify(
      'The meeting address was put right by the runtime guard',
      `The meeting host's DNS record held ${was}, which did not match the platform: ${result.why}. The DNS function had not done it (its own failure, if any, was e-mailed separately).`,
    );
  } catch (error) {
    deps.log({ message: 'host-record', action: 'failed', why: error instanceof Error ? error.message : String(error) });
  }
}

/** A recording that could not be uploaded, the round the guard first sees it: an e-mail with the reason. */
async function alertPending(deps: AutomationDeps): Promise<void> {
  const snapshot = await observe(deps.ports, { host: deps.host, now: deps.clock.now() });
  const alert = snapshot ? decidePendingAlert(snapshot) : undefined;
  if (!alert) return;
  // Stryker disable next-line OptionalChaining: an alert comes only from a snapshot whose recorder holds a pending recording
  deps.log({ message: 'recording-pending', pending: snapshot?.recorder?.pending.length ?? 0 });
  await deps.notify('A recording is not in S3 yet: the recorder is kept', alert);
}

/**
 * While people are in a call, check the meeting's endpoints (HTTPS, certificate, config, websocket)
 * and log one line; a metric filter turns `failingInCall: 1` into the alarm that e-mails organizers.
 */
export async function checkEndpointsInCall(deps: AutomationDeps): Promise<void> {
  const snapshot = await observe(deps.ports, { host: deps.host, now: deps.clock.now(), participants: true });
  if (!snapshot || (snapshot.participants ?? 0) === 0) return;
  // A meeting on a stack CloudFormation left broken is checked too: people are in it.
  const current = meetingPhase(snapshot);
  if (current !== 'READY' && current !== 'DEGRADED') return;
  const checked = await observe(deps.ports, { host: deps.host, now: deps.clock.now(), endpoints: true });
  // Stryker disable next-line ArrayDeclaration: an element that is no check result is never a failing one
  const failing = (checked?.endpoints ?? []).filter((c) => c.status === 'fail');
  deps.log({
    message: 'endpoint-check',
    participants: snapshot.participants,
    failing: failing.length,
    failingInCall: failing.length > 0 ? 1 : 0,
    ...(failing.length > 0 ? { checks: failing.map((c) => `${c.name}: ${c.detail}`) } : {}),
  });
}

/** The recorder a scheduled meetup asked for; undefined (nothing logged) when there is none to start. */
async function startRecorderIf(deps: AutomationDeps): Promise<HandlerResult | undefined> {
  const snapshot = await observe(deps.ports, { host: deps.host, now: deps.clock.now() });
  if (!snapshot) return undefined;
  const first = decideRecorderStart(snapshot, await deps.ports.state.window());
  if (!first.act) return undefined;
  const precondition: Precondition = async (fresh) => {
    const again = decideRecorderStart(fresh, await deps.ports.state.window());
    return again.act ? { proceed: true } : { proceed: false, why: again.why };
  };
  try {
    const outcome = await transition(
      {
        goal: 'running',
        record: true,
        actor: 'runtime-guard',
        reason: first.why,
        precondition,
        lockWaitSeconds: LOCK_WAIT_SECONDS,
      },
      runtime(deps),
    );
    if (outcome.declined) return report(deps, { action: 'none', why: `re-checked under the lock: ${outcome.declined}` });
    // Stryker disable next-line OptionalChaining: the guard starts the recorder only when no recorder task is live, so its plan has steps and a result
    if (outcome.result?.error) {
      await deps.notify('runtime-guard: the recorder did not start', `${first.why}, but: ${outcome.result.error.message}`);
      return report(deps, { action: 'failed', why: outcome.result.error.message });
    }
    return report(deps, { action: 'started', why: first.why });
  } catch (error) {
    if (error instanceof RefusedError)
      return report(deps, { action: 'refused', why: `${error.message} The next round decides again.` });
    throw error;
  }
}

type Decide = typeof decideGuard;

async function decideOn(deps: AutomationDeps, decide: Decide, snapshot: Snapshot): Promise<Decision> {
  return decide(snapshot, await deps.ports.state.window(), deps.settings);
}

/**
 * Decide on a fresh snapshot (cheap, no lock), and only if that says stop, take the lock and decide
 * again on the snapshot taken under it: the window, the participants and the phase may have changed
 * while we waited. Only the guard's run bound may end a call with people in it (`force`).
 */
async function stopIf(
  deps: AutomationDeps,
  actor: string,
  decide: Decide,
  read: { statusSince?: boolean } = {},
): Promise<HandlerResult> {
  const snapshot = await observe(deps.ports, { host: deps.host, now: deps.clock.now(), participants: true, ...read });
  if (!snapshot) return report(deps, { action: 'none', why: 'the stack does not exist' });
  const first = await decideOn(deps, decide, snapshot);
  if (!first.act) {
    if (first.alert) await deps.notify(`${actor}: attention needed`, first.alert);
    return report(deps, { action: 'none', why: first.why });
  }
  let decision: Decision = first;
  const precondition: Precondition = async (fresh) => {
    decision = await decideOn(deps, decide, fresh);
    return decision.act ? { proceed: true, force: decision.force ?? false } : { proceed: false, why: decision.why };
  };
  try {
    const outcome = await transition(
      { goal: 'stopped', actor, reason: first.why, precondition, lockWaitSeconds: LOCK_WAIT_SECONDS, waitForLiveHolder: true },
      runtime(deps),
    );
    if (outcome.declined) return report(deps, { action: 'none', why: `re-checked under the lock: ${outcome.declined}` });
    if (outcome.result?.error?.kind === 'kept') {
      // The meeting stopped; the recorder stays on purpose, with a recording that is not in S3 yet.
      await deps.notify(
        actor === 'idle-stop'
          ? 'Meeting server stopped: idle; the recorder is kept'
          : 'Meeting server stopped by the runtime guard; the recorder is kept',
        `${decision.alert ?? decision.why}\n${outcome.result.error.message}`,
      );
      return report(deps, { action: 'stopped', why: `${decision.why}; ${outcome.result.error.message}` });
    }
    // Stryker disable next-line OptionalChaining: a stop decided under the lock always has steps (a task, a failed start or a live recorder), so a result
    if (outcome.result?.error) {
      await deps.notify(
        `${actor}: stop failed`,
        `${decision.alert ?? decision.why}\nBut the stop failed: ${outcome.result.error.message}`,
      );
      return report(deps, { action: 'failed', why: outcome.result.error.message });
    }
    // Stryker disable next-line ObjectLiteral: no rule decides to stop a platform whose stop plan is empty; kept in case one ever does
    if (outcome.outcome === 'no-op') return report(deps, { action: 'none', why: 'already stopped' });
    await deps.notify(
      actor === 'idle-stop' ? 'Meeting server stopped: idle' : 'Meeting server stopped by the runtime guard',
      decision.alert ?? decision.why,
    );
    return report(deps, { action: 'stopped', why: decision.why });
  } catch (error) {
    if (error instanceof RefusedError)
      return report(deps, { action: 'refused', why: `${error.message} The next round decides again.` });
    throw error;
  }
}

function report(deps: AutomationDeps, result: HandlerResult): HandlerResult {
  deps.log({ message: 'decision', ...result });
  return result;
}

/**
 * The monthly rotation: new internal passwords and token secret if the platform is stopped, through
 * the same lock as everything else. A meeting running at that hour is never touched: the attempt is
 * logged and e-mailed, and `meetctl rotate-secrets` does it later.
 */
export function scheduledRotation(deps: AutomationDeps) {
  return async (_event: ScheduledEvent): Promise<HandlerResult> => {
    try {
      const outcome = await rotateSecrets({ actor: 'rotation-schedule', reason: 'monthly rotation' }, runtime(deps));
      if (outcome.outcome !== 'done') {
        await deps.notify(
          'Secret rotation failed',
          `${outcome.error ?? outcome.outcome}\nRun \`meetctl rotate-secrets\` while the platform is stopped.`,
        );
        return report(deps, { action: 'failed', why: outcome.error ?? outcome.outcome });
      }
      return report(deps, { action: 'none', why: `rotated ${outcome.keys} keys in ${listed(outcome.rotated)}` });
    } catch (error) {
      if (error instanceof RefusedError) {
        await deps.notify(
          'Secret rotation postponed',
          `${error.message}\nNothing was changed. Run \`meetctl rotate-secrets\` once the platform is stopped (or wait for next month's attempt).`,
        );
        return report(deps, { action: 'refused', why: error.message });
      }
      throw error;
    }
  };
}
