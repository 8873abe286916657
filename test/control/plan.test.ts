import { describe, expect, it } from 'vitest';
import { PHASES, type Phase } from '../../src/control/phase.js';
import { DEADLINES, describeStep, GOALS, type Goal, PlanError, plan, type Step } from '../../src/control/plan.js';
import type { RecorderSnapshot, Snapshot } from '../../src/control/snapshot.js';
import { EXAMPLES, snapshot, task } from '../support/snapshots.js';

const kinds = (goal: Goal, from: Phase) =>
  plan(goal, EXAMPLES[from]).map((s) =>
    s.kind === 'set-desired' ? `desired=${s.count}` : s.kind === 'set-power' ? `power=${s.power}` : s.kind,
  );

// The whole table: every goal from every phase.
const EXPECTED: Record<Exclude<Goal, 'destroyed'>, Record<Phase, string[]>> = {
  running: {
    READY: [],
    STARTING: ['wait-task-running', 'wait-targets-healthy', 'check-endpoints'],
    STOPPED: ['desired=1', 'wait-task-running', 'wait-targets-healthy', 'check-endpoints'],
    STOPPING: ['wait-tasks-stopped', 'desired=1', 'wait-task-running', 'wait-targets-healthy', 'check-endpoints'],
    DEGRADED: ['desired=0', 'wait-tasks-stopped', 'desired=1', 'wait-task-running', 'wait-targets-healthy', 'check-endpoints'],
    FAILED: ['desired=0', 'wait-tasks-stopped', 'desired=1', 'wait-task-running', 'wait-targets-healthy', 'check-endpoints'],
    POWERED_DOWN: ['power=on', 'desired=1', 'wait-task-running', 'wait-targets-healthy', 'check-endpoints'],
    POWERING_UP: ['wait-stack-stable', 'desired=1', 'wait-task-running', 'wait-targets-healthy', 'check-endpoints'],
    POWERING_DOWN: ['wait-stack-stable', 'power=on', 'desired=1', 'wait-task-running', 'wait-targets-healthy', 'check-endpoints'],
  },
  'powered-up': {
    READY: [],
    STARTING: [],
    STOPPED: [],
    STOPPING: [],
    DEGRADED: [],
    FAILED: [],
    POWERED_DOWN: ['power=on'],
    POWERING_UP: ['wait-stack-stable'],
    POWERING_DOWN: ['wait-stack-stable', 'power=on'],
  },
  stopped: {
    READY: ['desired=0', 'wait-tasks-stopped'],
    STARTING: ['desired=0', 'wait-tasks-stopped'],
    STOPPED: [],
    STOPPING: ['wait-tasks-stopped'],
    DEGRADED: ['desired=0', 'wait-tasks-stopped'],
    FAILED: ['desired=0', 'wait-tasks-stopped'],
    POWERED_DOWN: ['power=on'],
    POWERING_UP: ['wait-stack-stable'],
    POWERING_DOWN: ['wait-stack-stable', 'power=on'],
  },
  'powered-down': {
    READY: ['desired=0', 'wait-tasks-stopped', 'power=off'],
    STARTING: ['desired=0', 'wait-tasks-stopped', 'power=off'],
    STOPPED: ['power=off'],
    STOPPING: ['wait-tasks-stopped', 'power=off'],
    DEGRADED: ['desired=0', 'wait-tasks-stopped', 'power=off'],
    FAILED: ['desired=0', 'wait-tasks-stopped', 'power=off'],
    POWERED_DOWN: [],
    POWERING_UP: ['wait-stack-stable', 'power=off'],
    POWERING_DOWN: ['wait-stack-stable'],
  },
};

describe('plan', () => {
  for (const goal of ['running', 'powered-up', 'stopped', 'powered-down'] as const) {
    it.each(PHASES)(`to ${goal} from %s`, (from) => {
      expect(kinds(goal, from)).toEqual(EXPECTED[goal][from]);
    });
  }

  it('is empty exactly when the goal already holds (idempotent)', () => {
    const holds: Record<Exclude<Goal, 'destroyed' | 'powered-up'>, Phase> = {
      running: 'READY',
      stopped: 'STOPPED',
      'powered-down': 'POWERED_DOWN',
    };
    for (const [goal, at] of Object.entries(holds) as Array<[Exclude<Goal, 'destroyed'>, Phase]>) {
      for (const from of PHASES) expect(plan(goal, EXAMPLES[from]).length === 0, `${goal} from ${from}`).toBe(from === at);
    }
  });

  it('never moves the platform down for an "at least" goal (power-up, start)', () => {
    for (const from of PHASES) {
      const up = kinds('powered-up', from);
      expect(
        up.filter((k) => k.startsWith('desired=') || k === 'power=off'),
        `powered-up from ${from}`,
      ).toEqual([]);
      expect(kinds('running', from), `running from ${from}`).not.toContain('power=off');
      // A start only stops a task that cannot serve (a restart), never a healthy one.
      if (kinds('running', from).includes('desired=0')) expect(['DEGRADED', 'FAILED']).toContain(from);
    }
  });

  it('stops the task before deleting the stack, and deletes recordings only when asked', () => {
    expect(plan('destroyed', EXAMPLES.READY).map((s) => s.kind)).toEqual(['set-desired', 'wait-tasks-stopped', 'delete-stack']);
    expect(plan('destroyed', EXAMPLES.STOPPED, { deleteRecordings: true }).map((s) => s.kind)).toEqual([
      'delete-stack',
      'delete-recordings',
    ]);
    expect(plan('destroyed', undefined)).toEqual([]);
  });

  it('waits for a deploy in progress before acting', () => {
    const deploying = { ...EXAMPLES.READY, stack: { ...EXAMPLES.READY.stack, status: 'UPDATE_IN_PROGRESS' } };
    expect(plan('stopped', deploying).map((s) => s.kind)).toEqual(['wait-stack-stable', 'set-desired', 'wait-tasks-stopped']);
  });

  it('refuses a stack that is not deployed', () => {
    for (const goal of GOALS.filter((g) => g !== 'destroyed')) expect(() => plan(goal, undefined)).toThrow('not deployed');
  });

  it('gives every step a positive deadline and a description', () => {
    for (const goal of GOALS) {
      for (const from of PHASES) {
        const steps = goal === 'destroyed' ? plan(goal, EXAMPLES[from], { deleteRecordings: true }) : plan(goal, EXAMPLES[from]);
        for (const s of steps) {
          expect(s.deadlineSeconds).toBeGreaterThan(0);
          expect(describeStep(s).length).toBeGreaterThan(10);
        }
      }
    }
  });
});

/** Step kinds, with the count, power and forced flag where a step has one. */
const named = (steps: readonly Step[]) =>
  steps.map((s) =>
    s.kind === 'set-desired'
      ? `desired=${s.count}`
      : s.kind === 'set-power'
        ? `power=${s.power}`
        : s.kind === 'set-recorder-capacity'
          ? `recorder=${s.count}`
          : s.kind === 'wait-recorder-idle'
            ? `recorder-idle${s.forced ? ' (forced)' : ''}`
            : s.kind,
  );
const TEARDOWN = ['recorder-idle', 'stop-recorder', 'recorder=0'];
const START = ['recorder=1', 'wait-recorder-instance', 'run-recorder', 'wait-recorder-ready'];
const recorderTask = task({ arn: 'arn:recorder' });
/** A phase's example with a recorder: `task` a live recorder task, `instance` only its instance. */
const withRecorder = (from: Phase, live: 'task' | 'instance' | 'off'): Snapshot => {
  const recorder: RecorderSnapshot = {
    desiredCapacity: live === 'off' ? 0 : 1,
    instances: live === 'off' ? 0 : 1,
    tasks: live === 'task' ? [recorderTask] : [],
    pending: [],
  };
  return { ...EXAMPLES[from], recorder };
};

describe('plan: the recorder around the meeting', () => {
  it('removes a live recorder right after the meeting task stopped, before a power-down', () => {
    expect(named(plan('stopped', withRecorder('READY', 'task')))).toEqual(['desired=0', 'wait-tasks-stopped', ...TEARDOWN]);
    expect(named(plan('powered-down', withRecorder('READY', 'task')))).toEqual([
      'desired=0',
      'wait-tasks-stopped',
      ...TEARDOWN,
      'power=off',
    ]);
    // Already stopping: the wait is the first step.
    expect(named(plan('stopped', withRecorder('STOPPING', 'task')))).toEqual(['wait-tasks-stopped', ...TEARDOWN]);
  });

  it('waits only briefly for the upload when forced', () => {
    const steps = plan('stopped', withRecorder('READY', 'task'), { force: true });
    expect(named(steps)).toEqual(['desired=0', 'wait-tasks-stopped', 'recorder-idle (forced)', 'stop-recorder', 'recorder=0']);
    expect(steps[2]?.deadlineSeconds).toBe(DEADLINES.recorderIdleForced);
    expect(plan('stopped', withRecorder('READY', 'task'))[2]?.deadlineSeconds).toBe(DEADLINES.recorderIdle);
  });

  it('with the meeting stopped already, removes the recorder at the end, or before the power-down or the delete', () => {
    expect(named(plan('stopped', withRecorder('STOPPED', 'instance')))).toEqual(TEARDOWN);
    expect(named(plan('powered-down', withRecorder('STOPPED', 'task')))).toEqual([...TEARDOWN, 'power=off']);
    expect(named(plan('destroyed', withRecorder('STOPPED', 'task'), { deleteRecordings: true }))).toEqual([
      ...TEARDOWN,
      'delete-stack',
      'delete-recordings',
    ]);
  });

  it('waits for a deploy in progress before removing the recorder, and deletes the stack only after that', () => {
    const busy = (from: Phase): Snapshot => {
      const s = withRecorder(from, 'task');
      return { ...s, stack: { ...s.stack, status: 'UPDATE_IN_PROGRESS' } };
    };
    expect(named(plan('stopped', busy('STOPPED')))).toEqual(['wait-stack-stable', ...TEARDOWN]);
    expect(named(plan('destroyed', busy('STOPPED')))).toEqual(['wait-stack-stable', ...TEARDOWN, 'delete-stack']);
  });

  it('keeps the recorder through a start, unless the meeting task is replaced', () => {
    expect(named(plan('powered-up', withRecorder('STOPPED', 'task')))).toEqual([]);
    expect(named(plan('running', withRecorder('STOPPED', 'instance')))).toEqual(named(plan('running', EXAMPLES.STOPPED)));
    // A meeting task still stopping is waited for; the recorder goes with it.
    expect(named(plan('running', withRecorder('STOPPING', 'task')))).toEqual([
      'wait-tasks-stopped',
      ...TEARDOWN,
      'desired=1',
      'wait-task-running',
      'wait-targets-healthy',
      'check-endpoints',
    ]);
  });

  it('starts the recorder with --record once the meeting is ready: not a second one, but again after a restart', () => {
    expect(named(plan('running', withRecorder('STOPPED', 'off'), { record: true }))).toEqual([
      ...named(plan('running', EXAMPLES.STOPPED)),
      ...START,
    ]);
    expect(named(plan('running', withRecorder('READY', 'off'), { record: true }))).toEqual(START);
    expect(named(plan('running', withRecorder('READY', 'task'), { record: true }))).toEqual([]);
    expect(named(plan('running', withRecorder('DEGRADED', 'task'), { record: true }))).toEqual([
      'desired=0',
      'wait-tasks-stopped',
      ...TEARDOWN,
      'desired=1',
      'wait-task-running',
      'wait-targets-healthy',
      'check-endpoints',
      ...START,
    ]);
    // A recorder still live from the last meeting (uploading) never joined the new meeting task: a start
    // records with one of its own. A meeting still starting keeps the recorder it has: no second one.
    expect(named(plan('running', withRecorder('STOPPED', 'task'), { record: true }))).toEqual([
      ...named(plan('running', EXAMPLES.STOPPED)),
      ...START,
    ]);
    expect(named(plan('running', withRecorder('STARTING', 'task'), { record: true }))).toEqual(
      named(plan('running', EXAMPLES.STARTING)),
    );
    expect(plan('running', EXAMPLES.STARTING).length).toBeGreaterThan(0);
    // Only a start records.
    expect(named(plan('stopped', withRecorder('STOPPED', 'off'), { record: true }))).toEqual([]);
    expect(() => plan('running', EXAMPLES.STOPPED, { record: true })).toThrow(
      'the deployed stack has no recorder: server-side recording is off.',
    );
  });
});

describe('plan: a stack CloudFormation left broken', () => {
  const BROKEN = ['UPDATE_ROLLBACK_FAILED', 'DELETE_FAILED', 'CREATE_FAILED', 'ROLLBACK_COMPLETE'];
  const broken = (s: Snapshot, status = 'UPDATE_ROLLBACK_FAILED'): Snapshot => ({ ...s, stack: { ...s.stack, status } });

  it('refuses every goal but stopped and destroyed, with the message people read today: powering needs a stack update', () => {
    for (const status of BROKEN) {
      for (const goal of ['running', 'powered-up', 'powered-down'] as const) {
        for (const from of ['READY', 'STOPPED'] as const) {
          let refusal: unknown;
          try {
            plan(goal, broken(EXAMPLES[from], status));
          } catch (error) {
            refusal = error;
          }
          expect(refusal).toBeInstanceOf(PlanError);
          expect((refusal as PlanError).message).toBe(
            `stack Meet-meet-ne3d-org is ${status}; CloudFormation needs a person to repair it.`,
          );
        }
      }
    }
  });

  it('stops whatever the service still runs, with ECS alone (no power change, no waiting for CloudFormation)', () => {
    for (const status of BROKEN) {
      expect(named(plan('stopped', broken(EXAMPLES.READY, status)))).toEqual(['desired=0', 'wait-tasks-stopped']);
    }
    // The service wants a task (a start, a failed start, a sick task): desired 0 first.
    for (const from of ['STARTING', 'DEGRADED', 'FAILED'] as const) {
      expect(named(plan('stopped', broken(EXAMPLES[from])))).toEqual(['desired=0', 'wait-tasks-stopped']);
    }
    // Desired 0 already, a task still stopping: only the wait.
    expect(named(plan('stopped', broken(EXAMPLES.STOPPING)))).toEqual(['wait-tasks-stopped']);
    // A power-down that failed its rollback may say PowerState off while the service still runs a task.
    const saysOff = broken({ ...EXAMPLES.READY, stack: { ...EXAMPLES.READY.stack, powerState: 'off' } });
    expect(named(plan('stopped', saysOff))).toEqual(['desired=0', 'wait-tasks-stopped']);
  });

  it('is empty when nothing is live: no task and desired 0, or no service at all', () => {
    expect(plan('stopped', broken(EXAMPLES.STOPPED))).toEqual([]);
    expect(plan('stopped', broken(EXAMPLES.POWERED_DOWN, 'ROLLBACK_COMPLETE'))).toEqual([]);
    // A service CloudFormation lost from the outputs cannot be reached: nothing to stop through it.
    expect(plan('stopped', broken({ ...EXAMPLES.READY, service: undefined } as Snapshot))).toEqual([]);
  });

  it('removes a live recorder as a normal stop does: after the meeting task, or alone', () => {
    expect(named(plan('stopped', broken(withRecorder('READY', 'task'))))).toEqual([
      'desired=0',
      'wait-tasks-stopped',
      ...TEARDOWN,
    ]);
    expect(named(plan('stopped', broken(withRecorder('STOPPED', 'instance'))))).toEqual(TEARDOWN);
    expect(named(plan('stopped', broken(withRecorder('READY', 'task')), { force: true }))).toEqual([
      'desired=0',
      'wait-tasks-stopped',
      'recorder-idle (forced)',
      'stop-recorder',
      'recorder=0',
    ]);
  });

  it('destroys as before: the stop first, then the delete', () => {
    expect(named(plan('destroyed', broken(EXAMPLES.READY, 'DELETE_FAILED')))).toEqual([
      'desired=0',
      'wait-tasks-stopped',
      'delete-stack',
    ]);
  });
});

describe('plan: destroying', () => {
  const service = (desired: number) => ({ desired, running: desired, pending: 0 });

  it('stops first while the service wants a task or any task has not stopped yet', () => {
    const stopDelete = ['desired=0', 'wait-tasks-stopped', 'delete-stack'];
    expect(named(plan('destroyed', snapshot({ service: service(1) })))).toEqual(stopDelete);
    const deactivating = task({ lastStatus: 'DEACTIVATING', desiredStatus: 'STOPPED' });
    expect(named(plan('destroyed', snapshot({ service: service(0), tasks: [deactivating] })))).toEqual(stopDelete);
    const stopped = task({ lastStatus: 'STOPPED', desiredStatus: 'STOPPED' });
    expect(named(plan('destroyed', snapshot({ service: service(0), tasks: [stopped] })))).toEqual(['delete-stack']);
  });

  it('waits for CloudFormation first, and has nothing to stop without a service', () => {
    expect(named(plan('destroyed', EXAMPLES.POWERING_UP))).toEqual(['wait-stack-stable', 'delete-stack']);
    expect(named(plan('destroyed', EXAMPLES.POWERED_DOWN))).toEqual(['delete-stack']);
  });
});

describe('plan: the direct ingress mode', () => {
  const direct = (from: Phase): Snapshot => ({ ...EXAMPLES[from], ingress: 'direct' });

  it('checks the endpoints at the task address while the task starts, then health, then the host record INSYNC (no load balancer)', () => {
    expect(named(plan('running', direct('STOPPED')))).toEqual([
      'desired=1',
      'check-endpoints',
      'wait-task-running',
      'wait-host-record',
    ]);
    // The checks start with the task, so their deadline covers the images' pull like the health wait's.
    const checks = plan('running', direct('STOPPED')).find((s) => s.kind === 'check-endpoints');
    expect(checks?.deadlineSeconds).toBe(DEADLINES.taskRunning);
    expect(plan('running', EXAMPLES.STOPPED).find((s) => s.kind === 'check-endpoints')?.deadlineSeconds).toBe(
      DEADLINES.endpoints,
    );
  });

  it('has no power tiers, and says what to do instead', () => {
    expect(() => plan('powered-down', direct('STOPPED'))).toThrow(
      new PlanError(
        'the power-down tier does not exist in the direct ingress mode: there is no load balancer, so a stopped platform already bills nothing by the hour.',
        'Use `meetctl stop` (the same cost as powered down). Power tiers come with "ingress": "load-balancer".',
      ),
    );
    try {
      plan('powered-up', direct('STOPPED'));
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(PlanError);
      expect((error as PlanError).message).toBe(
        'the power-up tier does not exist in the direct ingress mode: there is no load balancer, so a stopped platform already bills nothing by the hour.',
      );
      expect((error as PlanError).hint).toBe('Nothing to do: `meetctl start` starts the meeting server directly.');
    }
  });
});

describe('describeStep', () => {
  it('says what each step does', () => {
    const all: Array<[Step, string]> = [
      [{ kind: 'wait-stack-stable', deadlineSeconds: 1 }, 'wait until CloudFormation finishes the current stack change'],
      [
        { kind: 'set-power', power: 'on', deadlineSeconds: 1 },
        'power up: recreate the load balancer, its addresses and the service (stack parameter PowerState=on)',
      ],
      [
        { kind: 'set-power', power: 'off', deadlineSeconds: 1 },
        'power down: delete the load balancer, its addresses and the service (stack parameter PowerState=off)',
      ],
      [{ kind: 'set-desired', count: 1, deadlineSeconds: 1 }, 'start one task (ECS desired count 1)'],
      [{ kind: 'set-desired', count: 0, deadlineSeconds: 1 }, 'stop the task (ECS desired count 0)'],
      [{ kind: 'wait-task-running', deadlineSeconds: 1 }, 'wait until the task runs and its containers are healthy'],
      [{ kind: 'wait-targets-healthy', deadlineSeconds: 1 }, 'wait until the load balancer sees the web target (443) healthy'],
      [
        { kind: 'wait-host-record', deadlineSeconds: 1 },
        "wait until the meeting host's DNS record points at the task and Route 53 reports the change INSYNC",
      ],
      [
        { kind: 'check-endpoints', at: 'task', deadlineSeconds: 1 },
        "check HTTPS, the certificate, the web client config and the XMPP websocket at the task's own address",
      ],
      [
        { kind: 'check-endpoints', at: 'load-balancer', deadlineSeconds: 1 },
        'check HTTPS, the certificate, the web client config and the XMPP websocket through the load balancer',
      ],
      [{ kind: 'wait-tasks-stopped', deadlineSeconds: 1 }, 'wait until no task is left running'],
      [{ kind: 'delete-stack', deadlineSeconds: 1 }, 'delete the stack (the recordings bucket is retained)'],
      [{ kind: 'delete-recordings', deadlineSeconds: 1 }, 'delete every recording (all versions) and the recordings bucket'],
      [
        { kind: 'set-recorder-capacity', count: 1, deadlineSeconds: 1 },
        'ask for the recorder instance (Auto Scaling desired capacity 1)',
      ],
      [
        { kind: 'set-recorder-capacity', count: 0, deadlineSeconds: 1 },
        'remove the recorder instance (Auto Scaling desired capacity 0)',
      ],
      [
        { kind: 'wait-recorder-instance', deadlineSeconds: 1 },
        'wait until the recorder instance has booted and joined the cluster',
      ],
      [{ kind: 'run-recorder', deadlineSeconds: 1 }, "run the recorder task with the meeting task's private address"],
      [{ kind: 'wait-recorder-ready', deadlineSeconds: 1 }, 'wait until Jibri is up and ready to record'],
      [
        { kind: 'wait-recorder-idle', forced: true, deadlineSeconds: 1 },
        'wait briefly for the recorder to finish uploading (forced: at most 3 min; a recorder still uploading is kept)',
      ],
      [{ kind: 'wait-recorder-idle', forced: false, deadlineSeconds: 1 }, 'wait until the recorder has uploaded every recording'],
      [{ kind: 'stop-recorder', deadlineSeconds: 1 }, 'stop the recorder task (kept while a recording on it is not in S3)'],
    ];
    for (const [s, text] of all) expect(describeStep(s), s.kind).toBe(text);
  });
});
