import { randomBytes } from 'node:crypto';
import { acquireLock, LeaseLostError } from './lock.js';
import { OUTPUT_NAMES } from './outputs.js';
import { type Phase, phase } from './phase.js';
import { PlanError } from './plan.js';
import type { TransitionEvent } from './ports.js';
import { mutate, observeNow, type Runtime, withRetry } from './runtime.js';
import { isLive, recorderLive, type Snapshot } from './snapshot.js';
import { lockedDetail, lockedOut, RefusedError } from './transition.js';

/**
 * Secret rotation: new internal passwords (jicofo, the bridge), new recorder passwords (Jibri's XMPP
 * accounts, a secret of their own) and a new Jitsi token secret, only while no task runs, under the control-plane lock. Each secret gets its whole new value
 * staged first (AWSPENDING) and promoted only when every secret is staged, so a failure half-way
 * changes nothing, and a failure while promoting leaves each secret whole (old or new). ECS reads the
 * secrets when a task starts: the next start uses the new values. The certificate is renewed by its
 * own function (Let's Encrypt's limits), and the sign-in providers' client secrets belong to them.
 */

/**
 * What rotates, by stack output: the internal passwords, with a recorder its passwords, and with
 * members-only meetings the token secret.
 */
export const ROTATED_SECRETS = [
  { output: OUTPUT_NAMES.secret, name: 'internal passwords', length: 32 },
  { output: OUTPUT_NAMES.recorderSecret, name: 'recorder passwords', length: 32 },
  { output: OUTPUT_NAMES.tokenSecret, name: 'Jitsi token secret', length: 64 },
] as const;

/** `a`, `a and b`, `a, b and c`. */
export const listed = (names: readonly string[]): string =>
  names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;

export interface RotationRequest {
  /** Who asks: `cli:<user>@<host>` or `rotation-schedule`. */
  readonly actor: string;
  readonly reason: string;
}

export interface RotationOutcome {
  readonly outcome: 'done' | 'failed' | 'refused';
  readonly from: Phase;
  /** Secret names whose new value is current. */
  readonly rotated: readonly string[];
  /** How many keys got a new value. */
  readonly keys: number;
  readonly event: TransitionEvent;
  readonly error?: string;
}

/** A random password of `length` letters and digits (no punctuation: the images read them from env files). */
export function newPassword(length: number, random: (bytes: number) => Buffer = randomBytes): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let out = '';
  while (out.length < length) {
    for (const byte of random(length * 2)) {
      // 248 = 4 × 62: rejection sampling keeps every character equally likely.
      if (byte < 248 && out.length < length) out += alphabet[byte % 62];
    }
  }
  return out;
}

/** The same JSON keys with new values. Refuses anything but a flat object of strings. */
export function rotatedValue(current: string, length: number, password = newPassword): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(current);
  } catch {
    throw new Error('the secret is not JSON');
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('the secret is not a JSON object');
  const keys = Object.keys(parsed);
  if (keys.length === 0) throw new Error('the secret has no keys');
  return JSON.stringify(Object.fromEntries(keys.map((key) => [key, password(length)])));
}

/** Why a snapshot must not rotate: anything that may run, or a change in progress. */
export function rotationRefusal(snapshot: Snapshot): string | undefined {
  const current = phase(snapshot);
  if (current !== 'STOPPED' && current !== 'POWERED_DOWN') return `the platform is ${current}`;
  if (snapshot.tasks.some(isLive)) return 'a task is still stopping';
  if (recorderLive(snapshot)) {
    const r = snapshot.recorder;
    return r && r.desiredCapacity === 0 && !r.tasks.some(isLive)
      ? "the recorder's instance is still shutting down (a minute or two)"
      : 'the recorder is still running';
  }
  return undefined;
}

/**
 * Rotate every rotatable secret of the stack while it is stopped. Logs exactly one event (done,
 * failed, refused or aborted) and releases the lock.
 */
export async function rotateSecrets(request: RotationRequest, rt: Runtime): Promise<RotationOutcome> {
  const { ports, clock } = rt;
  const first = await observeNow(rt);
  if (!first) throw new PlanError('the stack is not deployed.', 'Run `meetctl deploy` first.');
  const base = { at: 0, actor: request.actor, reason: request.reason, goal: 'rotate-secrets' };
  const log = async (entry: Pick<TransitionEvent, 'from' | 'to' | 'outcome'> & { detail?: string }) => {
    const event: TransitionEvent = { ...base, ...entry, at: clock.now() };
    await withRetry(rt, () => ports.state.append(event));
    return event;
  };
  const taken = await acquireLock(ports.state, clock, { owner: request.actor, reason: `rotate-secrets: ${request.reason}` });
  if (!taken.acquired) {
    const from = phase(first);
    await log({ from, to: from, outcome: 'refused', detail: lockedDetail(taken.holder) });
    throw lockedOut(taken.holder);
  }
  const locked: Runtime = { ...rt, lock: taken.lock };
  try {
    const snapshot = await observeNow(locked);
    if (!snapshot) throw new PlanError('the stack is not deployed.', 'Run `meetctl deploy` first.');
    const from = phase(snapshot);
    const why = rotationRefusal(snapshot);
    if (why) {
      await log({ from, to: from, outcome: 'refused', detail: `not stopped: ${why}` });
      throw new RefusedError(
        `secrets rotate only while nothing runs: ${why}.`,
        'Run `meetctl stop` first (a running meeting is never touched); the next start uses the new values.',
      );
    }
    const targets = ROTATED_SECRETS.flatMap((s) => {
      const arn = snapshot.stack.outputs[s.output];
      return arn ? [{ ...s, arn }] : [];
    });
    // Stage every new value first: until all are staged, nothing current has changed.
    const staged: Array<{ name: string; arn: string; version: string; keys: number }> = [];
    try {
      for (const t of targets) {
        const next = rotatedValue(await withRetry(locked, () => ports.secrets.value(t.arn)), t.length);
        const version = await mutate(locked, () => ports.secrets.stage(t.arn, next));
        staged.push({ name: t.name, arn: t.arn, version, keys: Object.keys(JSON.parse(next)).length });
      }
    } catch (error) {
      if (error instanceof LeaseLostError) throw error;
      const message = `staging failed (${(error as Error).message}); no secret changed`;
      const event = await log({ from, to: from, outcome: 'failed', detail: message });
      return { outcome: 'failed', from, rotated: [], keys: 0, event, error: message };
    }
    const rotated: string[] = [];
    try {
      for (const s of staged) {
        await mutate(locked, () => ports.secrets.promote(s.arn, s.version));
        rotated.push(s.name);
      }
    } catch (error) {
      if (error instanceof LeaseLostError) throw error;
      const kept = staged.filter((s) => !rotated.includes(s.name)).map((s) => s.name);
      const message = `promoting failed (${(error as Error).message}); new: ${rotated.join(', ') || 'none'}; unchanged: ${kept.join(', ')}. Each secret is whole, and the next start reads whichever is current; run it again`;
      const event = await log({ from, to: from, outcome: 'failed', detail: message });
      return { outcome: 'failed', from, rotated, keys: 0, event, error: message };
    }
    const keys = staged.reduce((n, s) => n + s.keys, 0);
    await taken.lock.fence();
    const event = await log({ from, to: from, outcome: 'done', detail: `rotated ${keys} keys in ${listed(rotated)}` });
    return { outcome: 'done', from, rotated, keys, event };
  } catch (error) {
    if (error instanceof LeaseLostError) {
      const from = phase(first);
      await log({ from, to: from, outcome: 'aborted', detail: error.message }).catch(() => undefined);
    }
    throw error;
  } finally {
    await taken.lock.release().catch(() => undefined);
  }
}
