import { describe, expect, it } from 'vitest';
import type { Runtime } from '../../src/control/execute.js';
import { observe } from '../../src/control/observe.js';
import { newPassword, rotatedValue, rotateSecrets, rotationRefusal } from '../../src/control/rotation.js';
import type { Snapshot } from '../../src/control/snapshot.js';
import { RefusedError, transition } from '../../src/control/transition.js';
import {
  EventClock,
  type Faults,
  SIMULATED_INTERNAL_SECRET_ARN,
  SIMULATED_RECORDER_SECRET_ARN,
  SIMULATED_TOKEN_SECRET_ARN,
  SimAws,
  VirtualClock,
} from '../../src/sim/simulated-aws.js';

function setup(faults: Faults = {}, recorder = false) {
  const clock = new VirtualClock();
  const sim = new SimAws(clock, { ingress: 'direct', faults, recorder });
  const rt: Runtime = { ports: sim.ports, clock, host: 'meet.ne3d.org', pollMs: 5000, onProgress: () => {} };
  const rotate = () => rotateSecrets({ actor: 'cli:ana@laptop', reason: 'monthly' }, rt);
  const values = () => sim.secretsAtStart();
  return { clock, sim, rt, rotate, values };
}
const keysOf = (json: string | undefined) => Object.keys(JSON.parse(json ?? '{}')).sort();

describe('secret rotation', () => {
  it('gives every key of both secrets a new value while stopped; the next start reads the new values', async () => {
    const { sim, rotate, values, rt } = setup();
    const before = values();
    const outcome = await rotate();
    expect(outcome).toMatchObject({ outcome: 'done', rotated: ['internal passwords', 'Jitsi token secret'], keys: 3 });
    const after = values();
    for (const arn of [SIMULATED_INTERNAL_SECRET_ARN, SIMULATED_TOKEN_SECRET_ARN]) {
      expect(after[arn]).not.toBe(before[arn]);
      expect(keysOf(after[arn])).toEqual(keysOf(before[arn]));
      for (const [key, value] of Object.entries(JSON.parse(after[arn] ?? '{}'))) {
        expect(value, key).not.toBe(JSON.parse(before[arn] ?? '{}')[key]);
      }
    }
    expect(JSON.parse(after[SIMULATED_TOKEN_SECRET_ARN] ?? '{}').JWT_APP_SECRET).toMatch(/^[A-Za-z0-9]{64}$/);
    expect(sim.state.log.at(-1)).toMatchObject({
      goal: 'rotate-secrets',
      outcome: 'done',
      detail: 'rotated 3 keys in internal passwords and Jitsi token secret',
    });
    expect(sim.state.lock).toBeUndefined();
    expect(sim.unlockedMutations).toEqual([]);
    // A start after the rotation reads what is current now.
    await transition({ goal: 'running', actor: 'cli:ana@laptop', reason: 'meetup' }, rt);
    expect(values()).toEqual(after);
  });

  it("rotates the recorder's passwords too, a secret of their own, when the stack has a recorder", async () => {
    const { rotate, values } = setup({}, true);
    const before = values();
    const outcome = await rotate();
    expect(outcome).toMatchObject({
      outcome: 'done',
      rotated: ['internal passwords', 'recorder passwords', 'Jitsi token secret'],
      keys: 5,
    });
    const after = values();
    expect(keysOf(after[SIMULATED_RECORDER_SECRET_ARN])).toEqual(['JIBRI_RECORDER_PASSWORD', 'JIBRI_XMPP_PASSWORD']);
    expect(after[SIMULATED_RECORDER_SECRET_ARN]).not.toBe(before[SIMULATED_RECORDER_SECRET_ARN]);
    expect(outcome.event.detail).toBe('rotated 5 keys in internal passwords, recorder passwords and Jitsi token secret');
  });

  it('refuses while a meeting runs (and touches nothing), logging the refusal', async () => {
    const { rotate, values, rt, sim } = setup();
    await transition({ goal: 'running', actor: 'cli:ana@laptop', reason: 'meetup' }, rt);
    const before = values();
    await expect(rotate()).rejects.toThrow(RefusedError);
    await expect(rotate()).rejects.toThrow(/only while nothing runs: the platform is READY/);
    expect(values()).toEqual(before);
    expect(sim.state.log.at(-1)).toMatchObject({
      goal: 'rotate-secrets',
      outcome: 'refused',
      detail: 'not stopped: the platform is READY',
    });
    expect(sim.mutations.filter((m) => m.what.startsWith('stage') || m.what.startsWith('promote'))).toEqual([]);
  });

  it('takes the control-plane lock: refused while a start holds it (and heartbeats), changing nothing', async () => {
    const clock = new EventClock();
    const sim = new SimAws(clock, { ingress: 'direct' });
    const rt: Runtime = { ports: sim.ports, clock, host: 'meet.ne3d.org', pollMs: 5000, onProgress: () => {} };
    const before = sim.secretsAtStart();
    const start = transition({ goal: 'running', actor: 'schedule:weekly', reason: 'pre-warm' }, rt);
    await clock.sleep(10_000);
    await expect(rotateSecrets({ actor: 'cli:ana@laptop', reason: 'monthly' }, rt)).rejects.toThrow(
      /schedule:weekly holds the lock/,
    );
    expect((await start).outcome).toBe('done');
    expect(sim.secretsAtStart()).toEqual(before);
    expect(sim.state.log.map((e) => `${e.actor} ${e.goal} ${e.outcome}`)).toEqual([
      'cli:ana@laptop rotate-secrets refused',
      'schedule:weekly running done',
    ]);
  });

  it('changes nothing when staging fails half-way', async () => {
    const { rotate, values, sim } = setup({ rotationFailsAt: 'stage' });
    const before = values();
    const outcome = await rotate();
    expect(outcome.outcome).toBe('failed');
    expect(outcome.error).toMatch(/staging failed .*; no secret changed/);
    expect(values()).toEqual(before);
    expect(sim.state.log.at(-1)).toMatchObject({ outcome: 'failed' });
    expect(sim.state.lock).toBeUndefined();
  });

  it('leaves each secret whole when promoting fails half-way, and says which changed', async () => {
    const { rotate, values } = setup({ rotationFailsAt: 'promote' });
    const before = values();
    const outcome = await rotate();
    expect(outcome).toMatchObject({ outcome: 'failed', rotated: ['internal passwords'] });
    expect(outcome.error).toMatch(/new: internal passwords; unchanged: Jitsi token secret/);
    const after = values();
    expect(after[SIMULATED_INTERNAL_SECRET_ARN]).not.toBe(before[SIMULATED_INTERNAL_SECRET_ARN]);
    expect(after[SIMULATED_TOKEN_SECRET_ARN]).toBe(before[SIMULATED_TOKEN_SECRET_ARN]);
    // The internal passwords changed together: prosody, jicofo and the bridge all read the one secret.
    expect(keysOf(after[SIMULATED_INTERNAL_SECRET_ARN])).toEqual(['JICOFO_AUTH_PASSWORD', 'JVB_AUTH_PASSWORD']);
  });
});

describe('rotation and the recorder', () => {
  it("waits for the recorder's instance to be gone, and says so", async () => {
    const clock = new VirtualClock();
    const sim = new SimAws(clock, { ingress: 'direct', recorder: true });
    const rt: Runtime = { ports: sim.ports, clock, host: 'meet.ne3d.org', pollMs: 5000, onProgress: () => {} };
    await transition({ goal: 'running', record: true, actor: 'cli:ana', reason: 'meetup' }, rt);
    const snapshot = async () => (await observe(sim.ports, { host: 'meet.ne3d.org', now: clock.now() })) as Snapshot;
    expect(rotationRefusal(await snapshot())).toBe('the platform is READY');
    sim.participants = 0;
    await transition({ goal: 'stopped', actor: 'cli:ana', reason: 'done' }, rt);
    expect(rotationRefusal(await snapshot())).toBe("the recorder's instance is still shutting down (a minute or two)");
    clock.t += 60_000;
    expect(rotationRefusal(await snapshot())).toBeUndefined();
  });
});

describe('new values', () => {
  it('are letters and digits of the asked length, all characters equally likely', () => {
    for (const length of [1, 32, 64]) expect(newPassword(length)).toMatch(new RegExp(`^[A-Za-z0-9]{${length}}$`));
    // Bytes at or above 248 are skipped (248 = 4 × 62): a byte of 255 never becomes a character.
    expect(newPassword(3, (n) => Buffer.from(Array.from({ length: n }, (_v, i) => (i % 2 ? 255 : 0))))).toBe('AAA');
  });

  it("keep the secret's keys and refuse anything that is not a JSON object", () => {
    expect(keysOf(rotatedValue('{"A":"x","B":"y"}', 8))).toEqual(['A', 'B']);
    expect(() => rotatedValue('not json', 8)).toThrow(/not JSON/);
    expect(() => rotatedValue('[1]', 8)).toThrow(/not a JSON object/);
    expect(() => rotatedValue('{}', 8)).toThrow(/no keys/);
  });
});
