import { describe, expect, it } from 'vitest';
import { classifiedGroup } from '../../src/aws/errors.js';
import { reconcileHostRecord, restoreAsleep, type ServiceTask, servingTask } from '../../src/control/dns-reconcile.js';
import type { RecordTarget, TaskDnsPorts } from '../../src/control/task-dns.js';
import { VirtualClock } from '../../src/sim/simulated-aws.js';
import { memoryHostRecord } from '../support/host-record-memory.js';

/**
 * The record, put right by someone other than the DNS function (the runtime guard, deploy, destroy):
 * Route 53's conditional batch, the task rows and the task's address in memory, with the same
 * contracts as test/control/task-dns.test.ts (the adapters are checked against dynalite and moto).
 */
function world(record: RecordTarget | undefined) {
  const memory = memoryHostRecord(record);
  const ips: Record<string, string> = { 'eni-A': '198.51.100.7', 'eni-B': '203.0.113.9' };
  const ports: TaskDnsPorts = {
    publicIp: async (eni) => ips[eni],
    record: classifiedGroup({ current: memory.current, replace: memory.replace }),
    tasks: { get: async (arn) => memory.rows.get(arn), put: memory.putRow, noteChange: memory.noteChange },
    clock: new VirtualClock(),
  };
  return { ports, changes: memory.changes, rows: memory.rows, record: memory.record, set: memory.set };
}

const task = (id: string, last: string, desired: string, eni?: string): ServiceTask => ({
  arn: `arn:aws:ecs:us-west-2:111122223333:task/meet-cluster/${id}`,
  lastStatus: last,
  desiredStatus: desired,
  ...(eni ? { eniId: eni } : {}),
});
const serving = async () => true;

describe('the runtime guard reconciles the meeting host with the service', () => {
  it('no task: an address the DNS function left behind goes back to the asleep page, in one conditional batch', async () => {
    const w = world({ kind: 'task', ip: '198.51.100.7' });
    const stopped = task('A', 'STOPPED', 'STOPPED', 'eni-A');
    const result = await reconcileHostRecord([stopped], w.ports, serving);
    expect(result).toMatchObject({ action: 'pointed-asleep', was: { kind: 'task', ip: '198.51.100.7' } });
    expect(w.changes).toEqual([{ from: { kind: 'task', ip: '198.51.100.7' }, to: { kind: 'asleep' } }]);
  });

  it('a running task: the record takes its current address, and the change is noted on its row for the control plane', async () => {
    const w = world({ kind: 'asleep' });
    const a = task('A', 'RUNNING', 'RUNNING', 'eni-A');
    const result = await reconcileHostRecord([a], w.ports, serving);
    expect(result.action).toBe('pointed-at-task');
    expect(w.record()).toEqual({ kind: 'task', ip: '198.51.100.7' });
    expect(w.rows.get(a.arn)).toMatchObject({ ip: '198.51.100.7', changeId: '/change/C1' });
  });

  it("a running task with a stale address in the record (a replaced task's): the record follows the new task", async () => {
    const w = world({ kind: 'task', ip: '203.0.113.9' });
    await reconcileHostRecord(
      [task('B', 'STOPPED', 'STOPPED', 'eni-B'), task('A', 'RUNNING', 'RUNNING', 'eni-A')],
      w.ports,
      serving,
    );
    expect(w.changes).toEqual([{ from: { kind: 'task', ip: '203.0.113.9' }, to: { kind: 'task', ip: '198.51.100.7' } }]);
  });

  it('changes nothing when the record is right (no task and asleep; the running task and its address)', async () => {
    const asleep = world({ kind: 'asleep' });
    expect((await reconcileHostRecord([], asleep.ports, serving)).action).toBe('unchanged');
    const running = world({ kind: 'task', ip: '198.51.100.7' });
    expect((await reconcileHostRecord([task('A', 'RUNNING', 'RUNNING', 'eni-A')], running.ports, serving)).action).toBe(
      'unchanged',
    );
    expect([...asleep.changes, ...running.changes]).toEqual([]);
  });

  it('no A record at all: the asleep page is created (the name never answers "no such name")', async () => {
    const w = world(undefined);
    await reconcileHostRecord([], w.ports, serving);
    expect(w.changes).toEqual([{ to: { kind: 'asleep' } }]);
  });

  it('leaves the address of a task that is starting: the DNS function has just pointed the host at it', async () => {
    const w = world({ kind: 'task', ip: '198.51.100.7' });
    const starting = task('A', 'PENDING', 'RUNNING', 'eni-A');
    w.rows.set(starting.arn, { version: 3, ip: '198.51.100.7' });
    expect(await reconcileHostRecord([starting], w.ports, serving)).toMatchObject({ action: 'unchanged' });
    expect(w.changes).toEqual([]);
  });

  it('undoes its switch when the task was told to stop meanwhile (the DNS function saw the old record and left it)', async () => {
    const w = world({ kind: 'asleep' });
    const result = await reconcileHostRecord([task('A', 'RUNNING', 'RUNNING', 'eni-A')], w.ports, async () => false);
    expect(result.action).toBe('pointed-asleep');
    expect(w.record()).toEqual({ kind: 'asleep' });
  });

  it('loses a race with the DNS function without overwriting it: the next round looks again', async () => {
    const w = world({ kind: 'task', ip: '203.0.113.9' });
    const original = w.ports.record.replace;
    let moves = 0;
    (w.ports.record as { replace: TaskDnsPorts['record']['replace'] }).replace = async (from, to) => {
      // The DNS function moves the record every time between our read and our write.
      moves += 1;
      w.set({ kind: 'task', ip: `192.0.2.${moves}` });
      return original(from, to);
    };
    const result = await reconcileHostRecord([], w.ports, serving);
    expect(result).toMatchObject({ action: 'unchanged', why: expect.stringMatching(/DNS function is changing/) });
    expect(w.changes).toEqual([]);
  });
});

describe('which task the meeting host follows', () => {
  it('only a task that runs and is not told to stop: a starting task, a stopping task and a task without an interface are passed over', async () => {
    const passedOver = [
      task('P', 'PENDING', 'RUNNING', 'eni-A'),
      task('S', 'RUNNING', 'STOPPED', 'eni-A'),
      task('N', 'RUNNING', 'RUNNING'),
    ];
    for (const t of passedOver) {
      const w = world({ kind: 'asleep' });
      expect(await reconcileHostRecord([t], w.ports, serving)).toMatchObject({ action: 'unchanged', was: { kind: 'asleep' } });
      expect(w.changes).toEqual([]);
    }
    const running = task('A', 'RUNNING', 'RUNNING', 'eni-A');
    expect(servingTask([...passedOver, running])).toBe(running);
    expect(servingTask(passedOver)).toBeUndefined();
  });

  it('tells what the record held before it pointed the host at the running task', async () => {
    const w = world({ kind: 'asleep' });
    const result = await reconcileHostRecord([task('A', 'RUNNING', 'RUNNING', 'eni-A')], w.ports, serving);
    expect(result).toMatchObject({ action: 'pointed-at-task', was: { kind: 'asleep' } });
  });

  it('a running task without a public address yet: the record is left alone, and the next round looks again', async () => {
    const w = world({ kind: 'asleep' });
    const result = await reconcileHostRecord([task('C', 'RUNNING', 'RUNNING', 'eni-C')], w.ports, serving);
    expect(result).toEqual({
      action: 'unchanged',
      why: 'the running task has no public address on eni-C yet',
      was: { kind: 'asleep' },
    });
    expect(w.changes).toEqual([]);
  });

  it("notes the change on the version the task's row already has (a row at version 5 is not set back to 0)", async () => {
    const w = world({ kind: 'asleep' });
    const a = task('A', 'RUNNING', 'RUNNING', 'eni-A');
    w.rows.set(a.arn, { version: 5 });
    await reconcileHostRecord([a], w.ports, serving);
    expect(w.rows.get(a.arn)).toEqual({ version: 5, ip: '198.51.100.7', changeId: '/change/C1' });
  });

  it('a failure other than a lost race is not swallowed: the guard reports it', async () => {
    const w = world({ kind: 'task', ip: '203.0.113.9' });
    (w.ports.record as { replace: TaskDnsPorts['record']['replace'] }).replace = async () => {
      throw new Error('AccessDenied: not authorized to perform route53:ChangeResourceRecordSets');
    };
    await expect(reconcileHostRecord([], w.ports, serving)).rejects.toThrow(/AccessDenied/);
  });
});

describe('the undo after the task stopped serving meanwhile is conditional', () => {
  it('leaves a record the DNS function has moved to another address since', async () => {
    const w = world({ kind: 'asleep' });
    const result = await reconcileHostRecord([task('A', 'RUNNING', 'RUNNING', 'eni-A')], w.ports, async () => {
      w.set({ kind: 'task', ip: '203.0.113.9' });
      return false;
    });
    expect(result).toMatchObject({ action: 'unchanged', why: 'the record points elsewhere already' });
    expect(w.record()).toEqual({ kind: 'task', ip: '203.0.113.9' });
  });

  it('leaves a record that is gone since (the next round creates the asleep page) without failing', async () => {
    const w = world({ kind: 'asleep' });
    const result = await reconcileHostRecord([task('A', 'RUNNING', 'RUNNING', 'eni-A')], w.ports, async () => {
      w.set(undefined as unknown as RecordTarget);
      return false;
    });
    expect(result).toMatchObject({ action: 'unchanged', why: 'the record points elsewhere already' });
    expect(w.record()).toBeUndefined();
  });
});

describe('no task serves: only a live task keeps its address in the record', () => {
  const held = { kind: 'task', ip: '198.51.100.7' } as const;

  it('the address a stopped or stopping task recorded goes back to the asleep page', async () => {
    const done = [
      task('A', 'STOPPED', 'STOPPED', 'eni-A'),
      task('A', 'RUNNING', 'STOPPED', 'eni-A'),
      task('A', 'DEPROVISIONING', 'STOPPED', 'eni-A'),
      task('A', 'STOPPED', 'RUNNING', 'eni-A'),
    ];
    for (const t of done) {
      const w = world(held);
      w.rows.set(t.arn, { version: 4, ip: held.ip });
      expect(await reconcileHostRecord([t], w.ports, serving)).toMatchObject({ action: 'pointed-asleep', was: held });
      expect(w.changes).toEqual([{ from: held, to: { kind: 'asleep' } }]);
    }
  });

  it('a starting task with no row yet claims no address', async () => {
    const w = world(held);
    const result = await reconcileHostRecord([task('B', 'PROVISIONING', 'RUNNING', 'eni-B')], w.ports, serving);
    expect(result.action).toBe('pointed-asleep');
    expect(w.record()).toEqual({ kind: 'asleep' });
  });
});

describe('deploy and destroy put back what CloudFormation created', () => {
  it('an address goes back to the asleep page, whatever runs', async () => {
    const w = world({ kind: 'task', ip: '198.51.100.7' });
    expect(await restoreAsleep(w.ports)).toMatchObject({ action: 'pointed-asleep', was: { kind: 'task', ip: '198.51.100.7' } });
    expect(w.changes).toEqual([{ from: { kind: 'task', ip: '198.51.100.7' }, to: { kind: 'asleep' } }]);
  });

  it('the asleep page stays as it is, and the result says what the record held', async () => {
    const w = world({ kind: 'asleep' });
    expect(await restoreAsleep(w.ports)).toEqual({
      action: 'unchanged',
      why: 'the record is the asleep page',
      was: { kind: 'asleep' },
    });
    expect(w.changes).toEqual([]);
  });

  it('no A record at all: the asleep page is created, and nothing is said to have been there', async () => {
    const w = world(undefined);
    const result = await restoreAsleep(w.ports);
    expect(result.action).toBe('pointed-asleep');
    expect(result).not.toHaveProperty('was');
    expect(w.changes).toEqual([{ to: { kind: 'asleep' } }]);
  });
});
