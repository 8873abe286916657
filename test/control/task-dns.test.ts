import { describe, expect, it } from 'vitest';
import { classifiedGroup } from '../../src/aws/errors.js';
import { PortError } from '../../src/control/errors.js';
import { onTaskStateChange, SERVING_CONTAINER, type TaskDnsPorts, taskChangeOf } from '../../src/control/task-dns.js';
import { VirtualClock } from '../../src/sim/simulated-aws.js';
import { memoryHostRecord } from '../support/host-record-memory.js';

/** An ECS "Task State Change" event as EventBridge delivers it (trimmed to what matters, real shape). */
function ecsEvent(o: {
  task: string;
  last: string;
  desired: string;
  version: number;
  eni?: string;
  containers?: Array<{ name: string; lastStatus: string }>;
}) {
  return {
    version: '0',
    id: `e-${o.task}-${o.version}`,
    'detail-type': 'ECS Task State Change',
    source: 'aws.ecs',
    account: '111122223333',
    time: '2026-12-03T17:46:00Z',
    region: 'us-west-2',
    resources: [`arn:aws:ecs:us-west-2:111122223333:task/meet-cluster/${o.task}`],
    detail: {
      clusterArn: 'arn:aws:ecs:us-west-2:111122223333:cluster/meet-cluster',
      taskArn: `arn:aws:ecs:us-west-2:111122223333:task/meet-cluster/${o.task}`,
      group: 'service:meet-service',
      launchType: 'FARGATE',
      lastStatus: o.last,
      desiredStatus: o.desired,
      version: o.version,
      attachments: [
        {
          id: 'a1',
          type: 'eni',
          status: 'ATTACHED',
          details: [
            { name: 'subnetId', value: 'subnet-1' },
            { name: 'networkInterfaceId', value: o.eni ?? `eni-${o.task}` },
            { name: 'privateIPv4Address', value: '10.42.0.17' },
          ],
        },
      ],
      containers: o.containers ?? [],
    },
  };
}

/** Route 53, EC2 and the task table in memory, with Route 53's conditional batch semantics. */
function world(options: { ipVisibleAfterMs?: number; throttleFirst?: number } = {}) {
  const clock = new VirtualClock();
  const start = clock.now();
  const memory = memoryHostRecord({ kind: 'asleep' });
  const ips: Record<string, string> = { 'eni-A': '198.51.100.7', 'eni-B': '203.0.113.9' };
  let throttles = options.throttleFirst ?? 0;
  const ports: TaskDnsPorts = {
    publicIp: async (eni) => (clock.now() - start >= (options.ipVisibleAfterMs ?? 0) ? ips[eni] : undefined),
    record: {
      current: memory.current,
      replace: async (from, to) => {
        if (throttles > 0) {
          throttles -= 1;
          throw new PortError('transient', 'Throttling', 'Rate exceeded');
        }
        return memory.replace(from, to);
      },
    },
    // The row's contract (src/aws/task-dns-adapters.ts, checked on dynalite): newer or the same
    // version is recorded, an older one is not, and the change noted on the row stays.
    tasks: { get: async (arn) => memory.rows.get(arn), put: memory.putRow, noteChange: memory.noteChange },
    clock,
  };
  const handle = (e: ReturnType<typeof ecsEvent>) => onTaskStateChange(taskChangeOf(e), ports);
  return { ports, handle, changes: memory.changes, record: memory.record, clock, start, tasks: memory.rows };
}

describe('the meeting host follows the task', () => {
  it('points at the task once it runs, waiting for the public IP to appear', async () => {
    const w = world({ ipVisibleAfterMs: 5000 });
    expect((await w.handle(ecsEvent({ task: 'A', last: 'PROVISIONING', desired: 'RUNNING', version: 1 }))).action).toBe(
      'ignored',
    );
    const result = await w.handle(ecsEvent({ task: 'A', last: 'RUNNING', desired: 'RUNNING', version: 3, eni: 'eni-A' }));
    expect(result.action).toBe('pointed-at-task');
    expect(w.record()).toEqual({ kind: 'task', ip: '198.51.100.7' });
    expect(w.clock.now() - w.start).toBeGreaterThanOrEqual(5000);
    // One conditional batch: the exact old value out, the new one in.
    expect(w.changes).toEqual([{ from: { kind: 'asleep' }, to: { kind: 'task', ip: '198.51.100.7' } }]);
    // The change id is noted on the task's row: the control plane waits for it to be INSYNC.
    expect(result.changeId).toBe('/change/C1');
    expect(w.tasks.get('arn:aws:ecs:us-west-2:111122223333:task/meet-cluster/A')).toMatchObject({
      ip: '198.51.100.7',
      changeId: '/change/C1',
    });
  });

  it('points at the task as soon as its TLS sidecar runs, while the task is still PENDING, and not before', async () => {
    const w = world();
    const starting = [
      { name: 'prosody', lastStatus: 'PENDING' },
      { name: 'web', lastStatus: 'PENDING' },
    ];
    // The sidecar not running yet (PENDING, or another container RUNNING): nothing answers on 443.
    for (const [version, tls] of [
      [1, 'PENDING'],
      [2, 'STOPPED'],
    ] as const) {
      const event = ecsEvent({
        task: 'A',
        last: 'PENDING',
        desired: 'RUNNING',
        version,
        eni: 'eni-A',
        containers: [...starting, { name: 'jvb', lastStatus: 'RUNNING' }, { name: SERVING_CONTAINER, lastStatus: tls }],
      });
      const ignored = await w.handle(event);
      expect(ignored).toMatchObject({
        action: 'ignored',
        why: `task is PENDING and its ${SERVING_CONTAINER} container is not running yet`,
      });
    }
    expect(w.record()).toEqual({ kind: 'asleep' });
    // ECS sends the event "whenever a container in the task changes state": the sidecar RUNNING.
    const event = ecsEvent({
      task: 'A',
      last: 'PENDING',
      desired: 'RUNNING',
      version: 3,
      eni: 'eni-A',
      containers: [...starting, { name: SERVING_CONTAINER, lastStatus: 'RUNNING' }],
    });
    expect(taskChangeOf(event).servingContainerRunning).toBe(true);
    expect(await w.handle(event)).toMatchObject({ action: 'pointed-at-task', changeId: '/change/C1' });
    expect(w.record()).toEqual({ kind: 'task', ip: '198.51.100.7' });
    // The task RUNNING later changes nothing more.
    expect((await w.handle(ecsEvent({ task: 'A', last: 'RUNNING', desired: 'RUNNING', version: 4, eni: 'eni-A' }))).action).toBe(
      'unchanged',
    );
    expect(w.changes).toHaveLength(1);
  });

  it('points back at the asleep page on the first event that says stop, and never deletes the record', async () => {
    const w = world();
    await w.handle(ecsEvent({ task: 'A', last: 'RUNNING', desired: 'RUNNING', version: 3, eni: 'eni-A' }));
    expect((await w.handle(ecsEvent({ task: 'A', last: 'RUNNING', desired: 'STOPPED', version: 4 }))).action).toBe(
      'pointed-asleep',
    );
    expect((await w.handle(ecsEvent({ task: 'A', last: 'DEPROVISIONING', desired: 'STOPPED', version: 5 }))).action).toBe(
      'unchanged',
    );
    expect(w.record()).toEqual({ kind: 'asleep' });
    expect(w.changes.every((c) => c.to !== undefined)).toBe(true);
  });

  it('handles a duplicate again without changing anything, and ignores out-of-order events by their version', async () => {
    const w = world();
    const running = ecsEvent({ task: 'A', last: 'RUNNING', desired: 'RUNNING', version: 3, eni: 'eni-A' });
    await w.handle(running);
    expect((await w.handle(running)).action).toBe('unchanged');
    expect(w.changes).toHaveLength(1);
    await w.handle(ecsEvent({ task: 'A', last: 'RUNNING', desired: 'STOPPED', version: 4 }));
    // The RUNNING event delivered again, late: it must not point the record back at a stopping task.
    expect((await w.handle(running)).action).toBe('ignored');
    expect(w.record()).toEqual({ kind: 'asleep' });
  });

  it('a replaced task with a new IP takes the record, and the old task stopping late leaves it alone', async () => {
    const w = world();
    await w.handle(ecsEvent({ task: 'A', last: 'RUNNING', desired: 'RUNNING', version: 3, eni: 'eni-A' }));
    await w.handle(ecsEvent({ task: 'B', last: 'RUNNING', desired: 'RUNNING', version: 3, eni: 'eni-B' }));
    expect(w.record()).toEqual({ kind: 'task', ip: '203.0.113.9' });
    const late = await w.handle(ecsEvent({ task: 'A', last: 'RUNNING', desired: 'STOPPED', version: 4 }));
    expect(late).toMatchObject({ action: 'unchanged', why: 'the record points elsewhere already' });
    expect(w.record()).toEqual({ kind: 'task', ip: '203.0.113.9' });
  });

  it('points the record when Lambda retries an event whose first attempt failed after it recorded the version', async () => {
    const w = world();
    const original = w.ports.record.replace;
    let failures = 1;
    (w.ports.record as { replace: TaskDnsPorts['record']['replace'] }).replace = async (from, to) => {
      if (failures-- > 0) throw new PortError('other', 'InvalidInput', 'Route 53 refused the batch this once');
      return original(from, to);
    };
    const running = ecsEvent({ task: 'A', last: 'RUNNING', desired: 'RUNNING', version: 3, eni: 'eni-A' });
    await expect(w.handle(running)).rejects.toThrow('refused the batch');
    expect(w.record()).toEqual({ kind: 'asleep' });
    // Lambda's retry (the same event): the version is recorded already, and the switch is done now.
    expect((await w.handle(running)).action).toBe('pointed-at-task');
    expect(w.record()).toEqual({ kind: 'task', ip: '198.51.100.7' });
    expect(w.tasks.get('arn:aws:ecs:us-west-2:111122223333:task/meet-cluster/A')?.changeId).toBe('/change/C1');
  });

  it('a later event of the running task keeps the change the control plane waits for', async () => {
    const w = world();
    await w.handle(ecsEvent({ task: 'A', last: 'RUNNING', desired: 'RUNNING', version: 3, eni: 'eni-A' }));
    // The containers turn HEALTHY: a new event of the same running task.
    expect((await w.handle(ecsEvent({ task: 'A', last: 'RUNNING', desired: 'RUNNING', version: 4, eni: 'eni-A' }))).action).toBe(
      'unchanged',
    );
    expect(w.tasks.get('arn:aws:ecs:us-west-2:111122223333:task/meet-cluster/A')).toMatchObject({
      version: 4,
      changeId: '/change/C1',
    });
  });

  it('survives throttling', async () => {
    const w = world({ throttleFirst: 3 });
    expect((await w.handle(ecsEvent({ task: 'A', last: 'RUNNING', desired: 'RUNNING', version: 3, eni: 'eni-A' }))).action).toBe(
      'pointed-at-task',
    );
  });

  it('fails (so EventBridge retries) when the public IP never appears', async () => {
    const w = world({ ipVisibleAfterMs: 10 * 60_000 });
    await expect(
      w.handle(ecsEvent({ task: 'A', last: 'RUNNING', desired: 'RUNNING', version: 3, eni: 'eni-A' })),
    ).rejects.toThrow('no public IPv4 address on eni-A');
    expect(w.record()).toEqual({ kind: 'asleep' });
  });

  it('re-reads and decides again when another event changed the record between its read and its write', async () => {
    const w = world();
    let raced = false;
    // As in the Lambda: the record port's errors reach the logic classified (a PortError that keeps the name).
    const original = classifiedGroup(w.ports.record).replace;
    (w.ports.record as { replace: TaskDnsPorts['record']['replace'] }).replace = async (from, to) => {
      if (!raced) {
        raced = true;
        // Task B's event lands first.
        await original({ kind: 'asleep' }, { kind: 'task', ip: '203.0.113.9' });
      }
      return original(from, to);
    };
    const result = await w.handle(ecsEvent({ task: 'A', last: 'RUNNING', desired: 'RUNNING', version: 3, eni: 'eni-A' }));
    expect(result.action).toBe('pointed-at-task');
    expect(w.changes.at(-1)).toEqual({ from: { kind: 'task', ip: '203.0.113.9' }, to: { kind: 'task', ip: '198.51.100.7' } });
  });
});
