import type { Snapshot, TaskSnapshot } from '../../src/control/snapshot.js';

export const NOW = Date.UTC(2026, 11, 3, 18, 0);

/** A running, healthy task that started `ageSeconds` ago. */
export function task(overrides: Partial<TaskSnapshot> = {}, ageSeconds = 600): TaskSnapshot {
  return {
    arn: 'arn:aws:ecs:us-west-2:111122223333:task/c/t1',
    lastStatus: 'RUNNING',
    desiredStatus: 'RUNNING',
    health: 'HEALTHY',
    createdAt: NOW - (ageSeconds + 40) * 1000,
    startedAt: NOW - ageSeconds * 1000,
    containers: ['web', 'prosody', 'jicofo', 'jvb'].map((name) => ({ name, lastStatus: 'RUNNING', health: 'HEALTHY' as const })),
    ...overrides,
  };
}

/** A snapshot of a deployed, powered-on, stopped platform, with overrides. */
export function snapshot(overrides: Partial<Snapshot> = {}): Snapshot {
  return {
    at: NOW,
    stack: {
      name: 'Meet-meet-ne3d-org',
      status: 'UPDATE_COMPLETE',
      powerState: 'on',
      outputs: { ClusterName: 'c', ServiceName: 's', WebTargetGroupArn: 'web' },
    },
    ingress: 'load-balancer',
    service: { desired: 0, running: 0, pending: 0 },
    tasks: [],
    targets: { web: [] },
    ...overrides,
  } as Snapshot;
}

const healthyTargets = { web: [{ state: 'healthy' as const }] };

/** One example snapshot per phase. */
export const EXAMPLES = {
  POWERED_DOWN: snapshot({
    stack: { ...snapshot().stack, powerState: 'off', outputs: { ClusterName: 'c' } },
    service: undefined,
  } as Partial<Snapshot>),
  STOPPED: snapshot(),
  STARTING: snapshot({
    service: { desired: 1, running: 0, pending: 1 },
    tasks: [task({ lastStatus: 'PENDING', health: 'UNKNOWN', startedAt: undefined } as Partial<TaskSnapshot>)],
  }),
  READY: snapshot({ service: { desired: 1, running: 1, pending: 0 }, tasks: [task()], targets: healthyTargets }),
  DEGRADED: snapshot({
    service: { desired: 1, running: 1, pending: 0 },
    tasks: [task({}, 900)],
    targets: { web: [{ state: 'unhealthy', reason: 'Target.FailedHealthChecks' }] },
  }),
  STOPPING: snapshot({ tasks: [task({ lastStatus: 'DEACTIVATING', desiredStatus: 'STOPPED' })] }),
  POWERING_UP: snapshot({
    stack: { ...snapshot().stack, status: 'UPDATE_IN_PROGRESS', outputs: { ClusterName: 'c' } },
    service: undefined,
  } as Partial<Snapshot>),
  POWERING_DOWN: snapshot({ stack: { ...snapshot().stack, status: 'UPDATE_IN_PROGRESS', powerState: 'off' } }),
  FAILED: snapshot({
    service: { desired: 1, running: 0, pending: 0 },
    tasks: [
      task({
        lastStatus: 'STOPPED',
        desiredStatus: 'STOPPED',
        stoppedAt: NOW - 30_000,
        stoppedReason: 'CannotPullContainerError: not found',
      }),
    ],
  }),
} satisfies Record<string, Snapshot>;
