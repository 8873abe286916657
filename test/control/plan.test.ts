import { describe, expect, it } from 'vitest';
import { PHASES, type Phase } from '../../src/control/phase.js';
import { describeStep, GOALS, type Goal, PlanError, plan } from '../../src/control/plan.js';
import { EXAMPLES, snapshot } from '../support/snapshots.js';

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

  it('refuses a stack CloudFormation left broken, and a stack that is not deployed', () => {
    const broken = snapshot({ stack: { ...snapshot().stack, status: 'UPDATE_ROLLBACK_FAILED' } });
    for (const goal of GOALS.filter((g) => g !== 'destroyed')) {
      expect(() => plan(goal, broken)).toThrow(PlanError);
      expect(() => plan(goal, undefined)).toThrow('not deployed');
    }
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
