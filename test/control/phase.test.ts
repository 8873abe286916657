import { describe, expect, it } from 'vitest';
import { PHASES, phase, TARGET_GRACE_SECONDS } from '../../src/control/phase.js';
import { EXAMPLES, NOW, snapshot, task } from '../support/snapshots.js';

describe('phase', () => {
  it.each(PHASES)('recognises %s', (name) => {
    expect(phase(EXAMPLES[name])).toBe(name);
  });

  it('has an example for every phase', () => {
    expect(Object.keys(EXAMPLES).sort()).toEqual([...PHASES].sort());
  });

  it('counts a running task with unhealthy targets as STARTING within the registration grace, DEGRADED after', () => {
    const targets = { web: [{ state: 'initial' as const }], media: [{ state: 'initial' as const }] };
    const service = { desired: 1, running: 1, pending: 0 };
    expect(phase(snapshot({ service, tasks: [task({}, 60)], targets }))).toBe('STARTING');
    expect(phase(snapshot({ service, tasks: [task({}, TARGET_GRACE_SECONDS + 1)], targets }))).toBe('DEGRADED');
  });

  it('is DEGRADED when a container is unhealthy or an endpoint check fails', () => {
    const base = EXAMPLES.READY;
    const sick = task({ health: 'UNHEALTHY' }, 30);
    expect(phase({ ...base, tasks: [sick], targets: { web: [] } })).toBe('DEGRADED');
    expect(phase({ ...base, endpoints: [{ name: 'certificate', status: 'fail', detail: 'wrong host' }] })).toBe('DEGRADED');
    expect(phase({ ...base, endpoints: [{ name: 'https', status: 'pass', detail: 'ok' }] })).toBe('READY');
  });

  it('is STARTING right after desired count 1, before ECS placed a task', () => {
    expect(phase(snapshot({ service: { desired: 1, running: 0, pending: 0 } }))).toBe('STARTING');
  });

  it('is STARTING again when a crash is old and ECS is relaunching', () => {
    const old = task({
      lastStatus: 'STOPPED',
      desiredStatus: 'STOPPED',
      stoppedAt: NOW - 3600_000,
      stoppedReason: 'Essential container exited',
    });
    expect(phase(snapshot({ service: { desired: 1, running: 0, pending: 0 }, tasks: [old] }))).toBe('STARTING');
  });

  it('is FAILED when CloudFormation left the stack broken, or the service vanished while powered on', () => {
    expect(phase(snapshot({ stack: { ...snapshot().stack, status: 'UPDATE_ROLLBACK_FAILED' } }))).toBe('FAILED');
    expect(phase(snapshot({ service: undefined } as never))).toBe('FAILED');
  });

  it('follows the tasks during a deploy that keeps the power state', () => {
    const deploying = { ...EXAMPLES.READY, stack: { ...EXAMPLES.READY.stack, status: 'UPDATE_IN_PROGRESS' } };
    expect(phase(deploying)).toBe('READY');
  });

  it('calls a stack being deleted POWERING_DOWN', () => {
    expect(phase(snapshot({ stack: { ...snapshot().stack, status: 'DELETE_IN_PROGRESS' } }))).toBe('POWERING_DOWN');
  });
});
