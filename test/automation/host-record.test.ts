import type { ScheduledEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { runtimeGuard, scheduledStart } from '../../src/automation/handlers.js';
import { observe } from '../../src/control/observe.js';
import { phase } from '../../src/control/phase.js';
import { transition } from '../../src/control/transition.js';
import { automationWorld } from '../support/automation.js';

/*
 * Direct mode on the simulated AWS: the DNS function that points the meeting host at the task is
 * asynchronous, and when every one of its attempts fails the name keeps an address the platform no
 * longer holds. The runtime guard puts it right every round; `destroy` puts back CloudFormation's
 * record before it deletes the stack.
 */
const MINUTE = 60_000;
const guardEvent = {
  version: '0',
  id: 'guard',
  'detail-type': 'Scheduled Event',
  source: 'aws.events',
  account: '111122223333',
  time: '2026-12-03T22:00:00Z',
  region: 'us-west-2',
  resources: [],
  detail: {},
} as ScheduledEvent;

async function startAndStop(w: ReturnType<typeof automationWorld>): Promise<string> {
  await transition({ goal: 'running', actor: 'cli:ana@laptop', reason: 'test' }, w.rt);
  const held = w.sim.hostRecordTarget;
  if (held?.kind !== 'task') throw new Error('the start did not point the host at the task');
  await transition({ goal: 'stopped', actor: 'cli:ana@laptop', reason: 'test', force: true }, w.rt);
  return held.ip;
}

describe('the runtime guard and the meeting host record (simulated AWS)', () => {
  it('points the host back at the asleep page when the DNS function missed the stop, once, and says so', async () => {
    const w = automationWorld({ ingress: 'direct', faults: { dnsMissesStop: true } });
    const released = await startAndStop(w);
    // The task is gone; its released address still has the meeting's name.
    expect(w.sim.liveTasks()).toBe(0);
    expect(w.sim.hostRecordTarget).toEqual({ kind: 'task', ip: released });
    await runtimeGuard(w.deps)(guardEvent);
    expect(w.sim.hostRecordTarget).toEqual({ kind: 'asleep' });
    expect(w.alerts.map((a) => a.subject)).toEqual(['The meeting address was put right by the runtime guard']);
    expect(w.alerts[0]?.message).toContain(released);
    // The next round finds nothing to do, and says nothing.
    await w.clock.sleep(5 * MINUTE);
    await runtimeGuard(w.deps)(guardEvent);
    expect(w.alerts).toHaveLength(1);
    expect(w.logs.filter((l) => l.message === 'host-record').map((l) => l.action)).toEqual(['pointed-asleep', 'unchanged']);
  });

  it('points the host at the running task when the DNS function never did, and the start becomes READY', async () => {
    const w = automationWorld({ ingress: 'direct', faults: { dnsNeverSwitches: true } });
    await scheduledStart(w.deps)({ schedule: 'weekly', leadMinutes: 15, windowMinutes: 120 });
    await w.clock.sleep(3 * MINUTE);
    const before = await observe(w.sim.ports, { host: w.deps.host, now: w.clock.now() });
    expect(before && phase(before)).toBe('STARTING');
    expect(w.sim.hostRecordTarget).toEqual({ kind: 'asleep' });
    await runtimeGuard(w.deps)(guardEvent);
    const task = w.sim.tasks.find((t) => t.stoppedAt === undefined);
    expect(w.sim.hostRecordTarget).toEqual({ kind: 'task', ip: w.sim.taskIp(task as { arn: string }) });
    // The change is noted on the task's row: once Route 53 has it everywhere, the control plane calls the meeting READY.
    await w.clock.sleep(2 * MINUTE);
    const after = await observe(w.sim.ports, { host: w.deps.host, now: w.clock.now(), endpoints: true });
    expect(after && phase(after)).toBe('READY');
    expect(w.sim.liveTasks()).toBe(1);
  });

  it('changes nothing in load-balancer mode (CloudFormation owns the alias there)', async () => {
    const w = automationWorld({ ingress: 'load-balancer', desired: 1 });
    w.sim.hostRecordTarget = { kind: 'task', ip: '192.0.2.1' };
    await runtimeGuard(w.deps)(guardEvent);
    expect(w.sim.hostRecordTarget).toEqual({ kind: 'task', ip: '192.0.2.1' });
    expect(w.logs.filter((l) => l.message === 'host-record')).toEqual([]);
  });
});

describe('destroy puts back the record CloudFormation created before it deletes the stack (simulated AWS)', () => {
  it('deletes the stack although the DNS function missed the stop; without that, CloudFormation fails the delete', async () => {
    const w = automationWorld({ ingress: 'direct', faults: { dnsMissesStop: true } });
    await transition({ goal: 'running', actor: 'cli:ana@laptop', reason: 'test' }, w.rt);
    const outcome = await transition({ goal: 'destroyed', actor: 'cli:ana@laptop', reason: 'test', force: true }, w.rt);
    expect(outcome.result?.error).toBeUndefined();
    expect(w.sim.deleted).toBe(true);
    expect(w.sim.stackStatus).not.toBe('DELETE_FAILED');
  });
});
