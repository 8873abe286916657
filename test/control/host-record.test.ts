import { describe, expect, it } from 'vitest';
import { namesHostRecord, reconcileHost, restoreHost } from '../../src/control/host-record.js';
import { OUTPUT_NAMES } from '../../src/control/outputs.js';
import type { ControlPorts, HostRecordPort } from '../../src/control/ports.js';
import type { StackSnapshot, TaskSnapshot } from '../../src/control/snapshot.js';
import type { RecordTarget } from '../../src/control/task-dns.js';
import { VirtualClock } from '../../src/sim/simulated-aws.js';
import { memoryHostRecord } from '../support/host-record-memory.js';
import { task } from '../support/snapshots.js';

/**
 * Direct mode: which stacks have a meeting host record the control plane may put right, and the
 * runtime guard's and deploy/destroy's rounds through the control ports. The ports are plain objects:
 * the stack's outputs, the service's task list and the host record port with the same contract as
 * test/control/dns-reconcile.test.ts (Route 53's conditional batch; adapters checked against moto).
 */
const DIRECT_OUTPUTS: Record<string, string> = {
  [OUTPUT_NAMES.ingress]: 'direct',
  [OUTPUT_NAMES.cluster]: 'meet-cluster',
  [OUTPUT_NAMES.service]: 'meet-service',
  [OUTPUT_NAMES.hostedZone]: 'Z0HOSTED',
  [OUTPUT_NAMES.asleepDnsName]: 'asleep.example.cloudfront.net',
  [OUTPUT_NAMES.asleepZone]: 'Z2FDTNDATAQYW2',
};
const RECORD_OUTPUTS = [OUTPUT_NAMES.hostedZone, OUTPUT_NAMES.asleepDnsName, OUTPUT_NAMES.asleepZone];
const without = (outputs: Record<string, string>, name: string) =>
  Object.fromEntries(Object.entries(outputs).filter(([key]) => key !== name));

const ENI_IPS: Record<string, string> = { 'eni-A': '198.51.100.7', 'eni-B': '203.0.113.9' };
const running = (id: string, eniId: string): TaskSnapshot =>
  task({ arn: `arn:aws:ecs:us-west-2:111122223333:task/meet-cluster/${id}`, eniId });

/**
 * `taskLists` are the service's answers, in order (the last one repeats): the reconcile reads the
 * list once, and again to ask whether the task it pointed the host at still serves.
 */
function world(options: {
  outputs?: Record<string, string>;
  stack?: false;
  record?: RecordTarget;
  taskLists?: TaskSnapshot[][];
}) {
  const memory = memoryHostRecord(options.record);
  const taskCalls: Array<[string, string]> = [];
  const recordCalls: string[] = [];
  const lists = options.taskLists ?? [[]];
  const stack: StackSnapshot = {
    name: 'meetctl',
    status: 'UPDATE_COMPLETE',
    powerState: 'on',
    outputs: options.outputs ?? DIRECT_OUTPUTS,
  };
  const hostRecord: HostRecordPort = {
    current: async () => {
      recordCalls.push('current');
      return memory.current();
    },
    replace: async (from, to) => {
      recordCalls.push('replace');
      return memory.replace(from, to);
    },
    publicIp: async (eniId) => ENI_IPS[eniId],
    taskRow: async (arn) => memory.rows.get(arn),
    putTaskRow: memory.putRow,
    noteChange: memory.noteChange,
  };
  // Only the ports host-record.ts may use; any other port it reached would be undefined and fail the test.
  const ports = {
    stack: { describe: async () => (options.stack === false ? undefined : stack) },
    service: {
      tasks: async (cluster: string, service: string) => {
        taskCalls.push([cluster, service]);
        return lists[Math.min(taskCalls.length, lists.length) - 1] ?? [];
      },
    },
    hostRecord,
  } as unknown as ControlPorts;
  return {
    ports,
    clock: new VirtualClock(),
    changes: memory.changes,
    rows: memory.rows,
    taskCalls,
    recordCalls,
    record: memory.record,
  };
}

describe('namesHostRecord: a direct-mode stack whose outputs name its record', () => {
  it('is true for a direct-mode stack with the hosted zone, the asleep name and its zone', () => {
    expect(namesHostRecord(DIRECT_OUTPUTS)).toBe(true);
  });

  it('is false in load-balancer mode, with every record output present (CloudFormation owns the alias there)', () => {
    expect(namesHostRecord({ ...DIRECT_OUTPUTS, [OUTPUT_NAMES.ingress]: 'load-balancer' })).toBe(false);
    expect(namesHostRecord(without(DIRECT_OUTPUTS, OUTPUT_NAMES.ingress))).toBe(false);
  });

  it.each(RECORD_OUTPUTS)('is false for a direct-mode stack deployed before it had the output %s', (name) => {
    expect(namesHostRecord(without(DIRECT_OUTPUTS, name))).toBe(false);
    expect(namesHostRecord({ ...DIRECT_OUTPUTS, [name]: '' })).toBe(false);
  });
});

describe('reconcileHost: the runtime guard round', () => {
  it('points the host at the running task of the stack’s service, and notes the change on its row', async () => {
    const a = running('A', 'eni-A');
    const w = world({ record: { kind: 'asleep' }, taskLists: [[a]] });
    const result = await reconcileHost(w.ports, w.clock);
    expect(result).toMatchObject({ action: 'pointed-at-task', changeId: '/change/C1', was: { kind: 'asleep' } });
    expect(w.record()).toEqual({ kind: 'task', ip: '198.51.100.7' });
    expect(w.rows.get(a.arn)).toMatchObject({ ip: '198.51.100.7', changeId: '/change/C1' });
    // The list of the service the outputs name, read once for the switch and once to ask whether the task still serves.
    expect(w.taskCalls).toEqual([
      ['meet-cluster', 'meet-service'],
      ['meet-cluster', 'meet-service'],
    ]);
  });

  it('undoes its switch when the task no longer serves on the second look (told to stop meanwhile)', async () => {
    const a = running('A', 'eni-A');
    const w = world({ record: { kind: 'asleep' }, taskLists: [[a], []] });
    expect(await reconcileHost(w.ports, w.clock)).toMatchObject({ action: 'pointed-asleep' });
    expect(w.changes.map((c) => c.to)).toEqual([{ kind: 'task', ip: '198.51.100.7' }, { kind: 'asleep' }]);
    expect(w.record()).toEqual({ kind: 'asleep' });
  });

  it('undoes its switch when another task serves on the second look (the task was replaced)', async () => {
    const a = running('A', 'eni-A');
    const b = running('B', 'eni-B');
    const w = world({ record: { kind: 'asleep' }, taskLists: [[a], [{ ...a, desiredStatus: 'STOPPED' }, b]] });
    expect(await reconcileHost(w.ports, w.clock)).toMatchObject({ action: 'pointed-asleep' });
    expect(w.record()).toEqual({ kind: 'asleep' });
  });

  it('points an address left behind back at the asleep page when no task serves', async () => {
    const w = world({ record: { kind: 'task', ip: '203.0.113.9' }, taskLists: [[]] });
    const result = await reconcileHost(w.ports, w.clock);
    expect(result).toMatchObject({ action: 'pointed-asleep', was: { kind: 'task', ip: '203.0.113.9' } });
    expect(w.changes).toEqual([{ from: { kind: 'task', ip: '203.0.113.9' }, to: { kind: 'asleep' } }]);
  });

  const noRecord: Array<[string, Parameters<typeof world>[0]]> = [
    ['there is no stack', { stack: false }],
    ['the stack is in load-balancer mode', { outputs: { ...DIRECT_OUTPUTS, [OUTPUT_NAMES.ingress]: 'load-balancer' } }],
    ['the stack predates the record outputs', { outputs: without(DIRECT_OUTPUTS, OUTPUT_NAMES.asleepZone) }],
    ['the stack names no cluster', { outputs: without(DIRECT_OUTPUTS, OUTPUT_NAMES.cluster) }],
    ['the stack names no service', { outputs: without(DIRECT_OUTPUTS, OUTPUT_NAMES.service) }],
  ];
  it.each(noRecord)('returns undefined and touches neither the service nor the record when %s', async (_, options) => {
    const w = world({ ...options, record: { kind: 'task', ip: '203.0.113.9' }, taskLists: [[]] });
    expect(await reconcileHost(w.ports, w.clock)).toBeUndefined();
    expect(w.taskCalls).toEqual([]);
    expect(w.recordCalls).toEqual([]);
    expect(w.record()).toEqual({ kind: 'task', ip: '203.0.113.9' });
  });
});

describe('restoreHost: deploy and destroy put back what CloudFormation created', () => {
  it('points an address back at the asleep page, whatever the service runs', async () => {
    const w = world({ record: { kind: 'task', ip: '198.51.100.7' }, taskLists: [[running('A', 'eni-A')]] });
    const result = await restoreHost(w.ports, w.clock);
    expect(result).toMatchObject({ action: 'pointed-asleep', was: { kind: 'task', ip: '198.51.100.7' } });
    expect(w.changes).toEqual([{ from: { kind: 'task', ip: '198.51.100.7' }, to: { kind: 'asleep' } }]);
  });

  it('leaves the asleep page as it is', async () => {
    const w = world({ record: { kind: 'asleep' } });
    expect(await restoreHost(w.ports, w.clock)).toMatchObject({ action: 'unchanged', was: { kind: 'asleep' } });
    expect(w.changes).toEqual([]);
  });

  it.each([
    ['there is no stack', { stack: false } as const],
    ['the stack is in load-balancer mode', { outputs: { ...DIRECT_OUTPUTS, [OUTPUT_NAMES.ingress]: 'load-balancer' } }],
    ['the stack predates the record outputs', { outputs: without(DIRECT_OUTPUTS, OUTPUT_NAMES.hostedZone) }],
  ])('returns undefined and leaves the record alone when %s', async (_, options) => {
    const w = world({ ...options, record: { kind: 'task', ip: '198.51.100.7' } });
    expect(await restoreHost(w.ports, w.clock)).toBeUndefined();
    expect(w.recordCalls).toEqual([]);
    expect(w.record()).toEqual({ kind: 'task', ip: '198.51.100.7' });
  });
});
