import { describe, expect, it } from 'vitest';
import {
  decideGuard,
  decideIdleStop,
  decidePendingAlert,
  decideRecorderStart,
  runBound,
  START_DEADLINE_MINUTES,
  windowActive,
} from '../../src/automation/policy.js';
import { STACK_REPAIR_HINT } from '../../src/control/phase.js';
import type { MeetingWindow } from '../../src/control/ports.js';
import type { RecorderSnapshot, Snapshot, StatsSample, TaskSnapshot } from '../../src/control/snapshot.js';
import type { PendingRecording } from '../../src/recording/recorder.js';
import { NOW, snapshot, task } from '../support/snapshots.js';

// The automation's rules one by one, through its pure decisions (decisions.test.ts runs them in the
// Lambda handlers against the simulator). NOW is 2026-12-03 18:00 UTC.
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const settings = { idleStopMinutes: 15, startGraceMinutes: 20, maxRuntimeHours: 4 };
const service = { desired: 1, running: 1, pending: 0 };
const healthy = { web: [{ state: 'healthy' as const }] };
/** A task that started `minutes` ago (created 40 s before that). */
const startedAgo = (minutes: number, overrides: Partial<TaskSnapshot> = {}) => task(overrides, minutes * 60);
/** Stats lines, one a minute, from `minutes` ago to now, each with the same count. */
const lines = (minutes: number, participants = 0, guests?: number): StatsSample[] =>
  Array.from({ length: minutes + 1 }, (_, i) => ({
    at: NOW - (minutes - i) * MINUTE,
    participants,
    ...(guests !== undefined ? { guests } : {}),
  }));
/** A READY platform whose task started `minutes` ago, with the stats lines given. */
const ready = (minutes: number, stats?: StatsSample[], overrides: Partial<Snapshot> = {}): Snapshot =>
  snapshot({
    service,
    tasks: [startedAgo(minutes)],
    targets: healthy,
    ...(stats ? { stats, participants: stats.at(-1)?.participants } : {}),
    ...overrides,
  });
const window = (from: number, until: number, extra: Partial<MeetingWindow> = {}): MeetingWindow => ({
  schedule: 'weekly',
  from,
  until,
  ...extra,
});

describe('a scheduled window', () => {
  it('is active from its start (inclusive) to its end (exclusive)', () => {
    const w = window(NOW, NOW + HOUR);
    expect(windowActive(w, NOW - 1)).toBe(false);
    expect(windowActive(w, NOW)).toBe(true);
    expect(windowActive(w, NOW + HOUR - 1)).toBe(true);
    expect(windowActive(w, NOW + HOUR)).toBe(false);
    expect(windowActive(undefined, NOW)).toBe(false);
  });
});

describe('the idle rule', () => {
  it('sees no running task in one ECS is stopping, or in a stopped one', () => {
    const leaving = snapshot({
      service,
      tasks: [startedAgo(60, { desiredStatus: 'STOPPED' })],
      participants: 0,
      stats: lines(30),
    });
    expect(decideIdleStop(leaving, undefined, settings)).toEqual({ act: false, why: 'no task is running' });
    const stopped = snapshot({ tasks: [startedAgo(60, { lastStatus: 'STOPPED' })], participants: 0, stats: lines(30) });
    expect(decideIdleStop(stopped, undefined, settings)).toEqual({ act: false, why: 'no task is running' });
  });

  it('waits the grace after the start, measured from the start (or the creation of a task not started yet), to the millisecond', () => {
    expect(decideIdleStop(ready(10, lines(10)), undefined, settings)).toEqual({
      act: false,
      why: 'within the 20-minute grace after the start at 2026-12-03 17:50 UTC',
    });
    expect(decideIdleStop(ready(20, lines(20)), undefined, settings)).toMatchObject({
      act: true,
      why: 'nobody in a call for 15 minutes',
    });
    const notStarted = snapshot({
      service,
      tasks: [task({ lastStatus: 'PENDING', startedAt: undefined, createdAt: NOW - 10 * MINUTE })],
      participants: 0,
      stats: lines(10),
    });
    expect(decideIdleStop(notStarted, undefined, settings).why).toBe(
      'within the 20-minute grace after the start at 2026-12-03 17:50 UTC',
    );
  });

  it('never stops inside a window, and says until when', () => {
    const w = window(NOW - HOUR, NOW + 2 * HOUR);
    expect(decideIdleStop(ready(60, lines(60)), w, settings)).toEqual({
      act: false,
      why: 'inside the scheduled window "weekly" until 2026-12-03 20:00 UTC',
    });
  });

  it('never stops on an unknown count, nor with people in a call', () => {
    expect(decideIdleStop(ready(60), undefined, settings)).toEqual({
      act: false,
      why: 'the participant count is unknown (no fresh stats line)',
    });
    expect(decideIdleStop(ready(60, lines(60, 2)), undefined, settings)).toEqual({ act: false, why: '2 people are in a call' });
  });

  it('counts the minutes nobody was in a call, and stops at exactly idleStopMinutes', () => {
    const samples = [...lines(60, 1).slice(0, -15), ...lines(14).map((s) => ({ ...s }))];
    // Someone until 15 minutes ago, nobody in the last 14 lines.
    expect(decideIdleStop(ready(60, samples), undefined, settings)).toEqual({
      act: false,
      why: 'nobody in a call for 14 of 15 minutes',
    });
    const fifteen = [...lines(60, 1).slice(0, -16), ...lines(15)];
    expect(decideIdleStop(ready(60, fifteen), undefined, settings)).toEqual({
      act: true,
      why: 'nobody in a call for 15 minutes',
      alert: 'Stopped Meet-meet-ne3d-org: nobody was in a call for 15 minutes (task running since 2026-12-03 17:00 UTC).',
    });
  });

  it('says 0 minutes when a count of zero comes without the lines that date it', () => {
    expect(decideIdleStop(ready(60, undefined, { participants: 0, stats: [] }), undefined, settings)).toEqual({
      act: false,
      why: 'nobody in a call for 0 of 15 minutes',
    });
  });

  it('waits for guests in the lobby, then says they waited when it stops', () => {
    expect(decideIdleStop(ready(60, lines(10, 0, 2)), undefined, settings)).toEqual({
      act: false,
      why: '2 guests wait in the lobby for a host (10 of 20 minutes)',
    });
    const stop = decideIdleStop(ready(60, lines(40, 0, 2)), undefined, settings);
    expect(stop).toMatchObject({ act: true });
    expect(stop.act && stop.alert).toBe(
      'Stopped Meet-meet-ne3d-org: nobody was in a call for 15 minutes (task running since 2026-12-03 17:00 UTC). 2 guests had waited in the lobby for more than 20 minutes and no host came.',
    );
  });
});

describe('the runtime guard', () => {
  it('stops a failed start (the service still wants a task), naming the reason of the stop', () => {
    const failed = snapshot({
      service: { desired: 1, running: 0, pending: 0 },
      tasks: [
        task({ arn: 'arn:plain', lastStatus: 'STOPPED', stoppedAt: NOW - 30_000 }),
        task({ lastStatus: 'STOPPED', stoppedAt: NOW - 20_000, stoppedReason: 'CannotPullContainerError: not found' }),
      ],
    });
    expect(decideGuard(failed, undefined, settings)).toEqual({
      act: true,
      why: 'the start failed',
      alert:
        'A start of Meet-meet-ne3d-org failed and was stopped: CannotPullContainerError: not found. Run `meetctl logs` for details.',
    });
  });

  it('leaves a FAILED stack alone when the service wants no task', () => {
    const broken = snapshot({ stack: { ...snapshot().stack, status: 'UPDATE_ROLLBACK_FAILED' } });
    expect(decideGuard(broken, undefined, settings)).toEqual({ act: false, why: 'no task is running' });
  });

  it('stops a start that is not ready after the deadline: STARTING, or DEGRADED with a task that is not healthy', () => {
    const deadline = START_DEADLINE_MINUTES * MINUTE;
    const pending = (createdAgo: number) =>
      snapshot({
        service,
        tasks: [task({ lastStatus: 'PENDING', health: 'UNKNOWN', startedAt: undefined, createdAt: NOW - createdAgo })],
      });
    expect(decideGuard(pending(deadline + 1), undefined, settings)).toEqual({
      act: true,
      why: 'not ready 20 minutes after the start',
      alert:
        'Meet-meet-ne3d-org did not become ready within 20 minutes (task PENDING); it was stopped. Run `meetctl health` after the next start.',
    });
    expect(decideGuard(pending(deadline), undefined, settings).act).toBe(false);
    expect(decideGuard(pending(5 * MINUTE), undefined, settings).act).toBe(false);
    const sick = snapshot({ service, tasks: [startedAgo(25, { health: 'UNHEALTHY' })], targets: healthy });
    expect(decideGuard(sick, undefined, settings)).toMatchObject({ act: true, why: 'not ready 20 minutes after the start' });
    // READY through another task: the first one still reporting no health is no failed start.
    const twoTasks = ready(25, lines(5), { tasks: [startedAgo(25, { arn: 'arn:first', health: 'UNKNOWN' }), startedAgo(25)] });
    expect(decideGuard(twoTasks, undefined, settings).act).toBe(false);
    // DEGRADED by a failing endpoint with a healthy task is running, not a start that failed.
    const degraded = ready(25, lines(5), { endpoints: [{ name: 'https', status: 'fail', detail: 'x' }] });
    expect(decideGuard(degraded, undefined, settings).act).toBe(false);
  });

  it('ends a run at its bound, not a millisecond before, measured from the start', () => {
    const atBound = ready(4 * 60, lines(5, 3));
    expect(decideGuard(atBound, undefined, settings)).toEqual({
      act: false,
      why: 'running 4.0 h, within limits (3 people are in a call)',
    });
    const past = { ...atBound, at: NOW + 1 };
    expect(decideGuard(past, undefined, settings)).toEqual({
      act: true,
      force: true,
      why: 'ran 4.0 h, past the 4 h maximum outside a scheduled window',
      alert:
        'Meet-meet-ne3d-org ran 4.0 hours, past the 4 h maximum outside a scheduled window; 3 people were still connected. The runtime guard stopped it.',
    });
  });

  it('alerts once on stats silent for 15 to 20 minutes on a READY or DEGRADED platform, never on a starting one', () => {
    const silent = (minutes: number, overrides: Partial<Snapshot> = {}) =>
      ready(60, [{ at: NOW - minutes * MINUTE, participants: 0 }], { participants: undefined, ...overrides });
    expect(decideGuard(silent(14.9), undefined, settings).alert).toBeUndefined();
    expect(decideGuard(silent(15), undefined, settings)).toEqual({
      act: false,
      why: 'no stats for 15 minutes',
      alert:
        'Meet-meet-ne3d-org is running but its stats sidecar has written nothing for 15 minutes, so the idle stop cannot tell whether anyone is in a call. The runtime guard still stops it at 2026-12-03 21:00 UTC. Check `meetctl logs --container stats`.',
    });
    expect(decideGuard(silent(19.9), undefined, settings).alert).toBeDefined();
    expect(decideGuard(silent(20), undefined, settings).alert).toBeUndefined();
    const failing = silent(16, { endpoints: [{ name: 'https', status: 'fail', detail: 'x' }] });
    expect(decideGuard(failing, undefined, settings).why).toBe('no stats for 16 minutes');
    const starting = snapshot({
      service,
      tasks: [task({ lastStatus: 'PENDING', startedAt: undefined, createdAt: NOW - 16 * MINUTE })],
    });
    expect(decideGuard(starting, undefined, settings).alert).toBeUndefined();
  });
});

describe('the runtime guard on a stack CloudFormation left broken', () => {
  const REPAIR = ` The stack is still UPDATE_ROLLBACK_FAILED: nothing can start it until a person repairs it. ${STACK_REPAIR_HINT}`;
  /** The snapshot on a stack that has been UPDATE_ROLLBACK_FAILED since `brokeAgo` minutes (unknown: undefined). */
  const broken = (s: Snapshot, brokeAgo: number | undefined = 60): Snapshot => ({
    ...s,
    stack: {
      ...s.stack,
      status: 'UPDATE_ROLLBACK_FAILED',
      ...(brokeAgo !== undefined ? { statusSince: NOW - brokeAgo * MINUTE } : {}),
    },
  });

  it('lets a healthy meeting run on: no failed start, no stop, no alert once the first round has passed', () => {
    expect(decideGuard(broken(ready(60, lines(30, 3))), undefined, settings)).toEqual({
      act: false,
      why: 'running 1.0 h, within limits (3 people are in a call)',
    });
    // The service wants a task and none runs, none stopped with a reason: ECS is placing one, no failed start.
    expect(decideGuard(broken(snapshot({ service })), undefined, settings)).toEqual({ act: false, why: 'no task is running' });
  });

  it('still stops a start that failed by itself, one not ready after the deadline, a run past its bound and an idle one, saying the stack needs repair', () => {
    const failed = broken(
      snapshot({
        service: { desired: 1, running: 0, pending: 0 },
        tasks: [task({ lastStatus: 'STOPPED', stoppedAt: NOW - 20_000, stoppedReason: 'CannotPullContainerError: not found' })],
      }),
    );
    expect(decideGuard(failed, undefined, settings)).toEqual({
      act: true,
      why: 'the start failed',
      alert: `A start of Meet-meet-ne3d-org failed and was stopped: CannotPullContainerError: not found. Run \`meetctl logs\` for details.${REPAIR}`,
    });
    const pending = broken(
      snapshot({
        service,
        tasks: [task({ lastStatus: 'PENDING', health: 'UNKNOWN', startedAt: undefined, createdAt: NOW - 21 * MINUTE })],
      }),
    );
    expect(decideGuard(pending, undefined, settings)).toEqual({
      act: true,
      why: 'not ready 20 minutes after the start',
      alert: `Meet-meet-ne3d-org did not become ready within 20 minutes (task PENDING); it was stopped. Run \`meetctl health\` after the next start.${REPAIR}`,
    });
    const past = { ...broken(ready(4 * 60, lines(5, 3))), at: NOW + 1 };
    expect(decideGuard(past, undefined, settings)).toEqual({
      act: true,
      force: true,
      why: 'ran 4.0 h, past the 4 h maximum outside a scheduled window',
      alert: `Meet-meet-ne3d-org ran 4.0 hours, past the 4 h maximum outside a scheduled window; 3 people were still connected. The runtime guard stopped it.${REPAIR}`,
    });
    const idle = {
      act: true,
      why: 'nobody in a call for 15 minutes',
      alert: `Stopped Meet-meet-ne3d-org: nobody was in a call for 15 minutes (task running since 2026-12-03 17:00 UTC).${REPAIR}`,
    };
    expect(decideGuard(broken(ready(60, lines(30))), undefined, settings)).toEqual(idle);
    expect(decideIdleStop(broken(ready(60, lines(30))), undefined, settings)).toEqual(idle);
  });

  it('alerts once: in the round that first sees the stack broken with a task running, counted from the later of the two', () => {
    const alertOf = (s: Snapshot) => decideGuard(s, undefined, settings).alert;
    const meeting = ready(60, lines(30, 3));
    expect(decideGuard(broken(meeting, 0), undefined, settings)).toEqual({
      act: false,
      why: 'running 1.0 h, within limits (3 people are in a call)',
      alert: `Stack Meet-meet-ne3d-org is UPDATE_ROLLBACK_FAILED: CloudFormation needs a person to repair it, while a meeting task runs (task created 2026-12-03 16:59 UTC). The meeting goes on: the runtime guard still stops it at 2026-12-03 21:00 UTC (its run bound) or once nobody has been in a call for 15 minutes, and \`meetctl stop\` works. Until the repair nothing can start or power the platform: \`meetctl start\`, scheduled starts and a recorder a schedule asks for are refused. ${STACK_REPAIR_HINT} This is sent once.`,
    });
    // The stack broke while the task ran: from the stack's event, for one round of 5 minutes.
    expect(alertOf(broken(meeting, 4.99))).toBeDefined();
    expect(alertOf(broken(meeting, 5))).toBeUndefined();
    expect(alertOf(broken(meeting, -0.01))).toBeUndefined();
    // The task came after the stack broke (or when is unknown): from the task's creation.
    const newTask = (createdAgo: number) =>
      ready(60, lines(30, 3), { tasks: [startedAgo(60, { createdAt: NOW - createdAgo * MINUTE })] });
    expect(alertOf(broken(newTask(4.99), 60))).toBeDefined();
    expect(alertOf(broken(newTask(5), 60))).toBeUndefined();
    expect(alertOf(broken(newTask(0), undefined))).toBeDefined();
    expect(alertOf(broken(newTask(5), undefined))).toBeUndefined();
    // Not on a stack that is fine, nor without a running task.
    expect(alertOf({ ...meeting, stack: { ...meeting.stack, statusSince: NOW } })).toBeUndefined();
    expect(alertOf(broken(snapshot(), 0))).toBeUndefined();
  });

  it('keeps the stats-silent alert, and sends both in the round they are both due', () => {
    const silent = broken(ready(60, [{ at: NOW - 15 * MINUTE, participants: 0 }], { participants: undefined }), 2);
    const decision = decideGuard(silent, undefined, settings);
    expect(decision.why).toBe('no stats for 15 minutes');
    const [stats, stack, more] = (decision.alert ?? '').split('\n\n');
    expect(stats).toMatch(/^Meet-meet-ne3d-org is running but its stats sidecar has written nothing for 15 minutes/);
    expect(stack).toMatch(/^Stack Meet-meet-ne3d-org is UPDATE_ROLLBACK_FAILED/);
    expect(more).toBeUndefined();
    expect(
      decideGuard(
        broken(ready(60, [{ at: NOW - 15 * MINUTE, participants: 0 }], { participants: undefined })),
        undefined,
        settings,
      ),
    ).toMatchObject({ why: 'no stats for 15 minutes', alert: expect.stringMatching(/^Meet-meet-ne3d-org is running but/) });
  });

  it('never starts the recorder a schedule asked for: that needs a start the stack refuses', () => {
    const recording = window(NOW - 10 * MINUTE, NOW + HOUR, { record: true });
    const withRecorder = broken(ready(30, lines(5), { recorder: { desiredCapacity: 0, instances: 0, tasks: [], pending: [] } }));
    expect(decideRecorderStart(withRecorder, recording)).toEqual({
      act: false,
      why: 'the stack is UPDATE_ROLLBACK_FAILED: CloudFormation needs a person to repair it',
    });
  });
});

describe('a recorder without a meeting', () => {
  const recorder = (overrides: Partial<RecorderSnapshot> = {}): RecorderSnapshot => ({
    desiredCapacity: 1,
    instances: 1,
    tasks: [],
    pending: [],
    ...overrides,
  });
  const recorderTask = (createdAgoMinutes: number) =>
    task({ arn: 'arn:recorder', createdAt: NOW - createdAgoMinutes * MINUTE, startedAt: NOW - createdAgoMinutes * MINUTE });
  const stoppedMeeting = (agoMinutes: number) =>
    task({ lastStatus: 'STOPPED', desiredStatus: 'STOPPED', stoppedAt: NOW - agoMinutes * MINUTE });
  const pending = (sinceAgoMinutes: number, why = 'AccessDenied'): PendingRecording => ({
    file: 'a.mp4',
    why,
    since: new Date(NOW - sinceAgoMinutes * MINUTE).toISOString(),
    tries: 3,
  });

  it('is kept while it finishes, counted from the end of the meeting, and removed (forced) at 30 minutes', () => {
    const finishing = snapshot({ tasks: [stoppedMeeting(10)], recorder: recorder({ tasks: [recorderTask(120)] }) });
    expect(decideGuard(finishing, undefined, settings)).toEqual({
      act: false,
      why: 'the recorder is finishing (10 of 30 minutes after the meeting)',
    });
    const done = snapshot({ tasks: [stoppedMeeting(30)], recorder: recorder({ tasks: [recorderTask(120)] }) });
    expect(decideGuard(done, undefined, settings)).toEqual({
      act: true,
      force: true,
      why: 'a recorder without a meeting for 30 minutes',
      alert:
        'The recorder of Meet-meet-ne3d-org was still there 30 minutes after its meeting, idle, with every recording in S3; the runtime guard removed it.',
    });
  });

  it('counts from its own start when that came after the meeting (or no meeting task is left)', () => {
    const late = snapshot({ tasks: [], recorder: recorder({ tasks: [recorderTask(10)] }) });
    expect(decideGuard(late, undefined, settings).why).toBe('the recorder is finishing (10 of 30 minutes after the meeting)');
    // An instance with nothing to date it is removed.
    expect(decideGuard(snapshot({ recorder: recorder() }), undefined, settings).act).toBe(true);
  });

  it('is kept with a recording not in S3, alerting from 30 minutes after the oldest failure', () => {
    const waiting = snapshot({
      tasks: [stoppedMeeting(180)],
      recorder: recorder({ pending: [pending(3, 'SlowDown'), pending(31)] }),
    });
    const decision = decideGuard(waiting, undefined, settings);
    expect(decision.why).toBe('the recorder is kept: 2 recording(s) on it are not in S3 yet (pending: SlowDown)');
    expect(decision.act).toBe(false);
    expect(decision.alert).toContain('has waited 31 minutes');
    const fresh = snapshot({ tasks: [stoppedMeeting(180)], recorder: recorder({ pending: [pending(3)] }) });
    expect(decideGuard(fresh, undefined, settings).alert).toBeUndefined();
  });
});

describe('a recording that could not be uploaded', () => {
  const withPending = (sinceMs: number) =>
    snapshot({
      recorder: {
        desiredCapacity: 1,
        instances: 1,
        tasks: [],
        pending: [{ file: 'a.mp4', key: 'rec/a.mp4', why: 'AccessDenied', since: new Date(sinceMs).toISOString(), tries: 1 }],
      },
    });

  it('is alerted in the round that first sees it: failed less than 5 minutes ago, not in the future', () => {
    expect(decidePendingAlert(withPending(NOW))).toContain('1 recording(s) of Meet-meet-ne3d-org could not be uploaded');
    expect(decidePendingAlert(withPending(NOW))).toContain('- rec/a.mp4: AccessDenied');
    expect(decidePendingAlert(withPending(NOW - 5 * MINUTE + 1000))).toBeDefined();
    expect(decidePendingAlert(withPending(NOW - 5 * MINUTE))).toBeUndefined();
    expect(decidePendingAlert(withPending(NOW + MINUTE))).toBeUndefined();
  });
});

describe('the recorder a schedule asked for', () => {
  const recording = window(NOW - 10 * MINUTE, NOW + HOUR, { record: true });
  const withRecorder = (r: Partial<RecorderSnapshot> = {}) =>
    ready(30, lines(5), { recorder: { desiredCapacity: 0, instances: 0, tasks: [], pending: [], ...r } });

  it('starts once the meeting is READY, inside a window that asked for it', () => {
    expect(decideRecorderStart(withRecorder(), recording)).toEqual({
      act: true,
      why: 'schedule "weekly" asked for the recorder',
      alert: 'Started the recorder of Meet-meet-ne3d-org for "weekly".',
    });
    expect(decideRecorderStart(withRecorder(), { ...recording, record: undefined })).toEqual({
      act: false,
      why: 'no scheduled recording',
    });
    expect(decideRecorderStart(withRecorder(), window(NOW + MINUTE, NOW + HOUR, { record: true }))).toEqual({
      act: false,
      why: 'no scheduled recording',
    });
    expect(decideRecorderStart(ready(30, lines(5)), recording)).toEqual({ act: false, why: 'the stack has no recorder' });
    const starting = { ...withRecorder(), targets: { web: [] }, tasks: [startedAgo(1)] };
    expect(decideRecorderStart(starting, recording)).toEqual({ act: false, why: 'the meeting is STARTING' });
  });

  it('starts a new recorder where one is kept only for a recording on its disk, and not where one is stopping', () => {
    const kept = withRecorder({ desiredCapacity: 1, instances: 1, pending: [{ file: 'a.mp4', why: 'x', since: '', tries: 1 }] });
    expect(decideRecorderStart(kept, recording).act).toBe(true);
    expect(decideRecorderStart(withRecorder({ instances: 1 }), recording)).toEqual({
      act: false,
      why: 'the recorder is stopping',
    });
  });
});

describe('the run bound', () => {
  const since = NOW;
  const short = { ...settings, maxRuntimeHours: 0.5 };

  it('is the maximum runtime, or a window end plus an hour when that is later', () => {
    expect(runBound(since, undefined, settings)).toEqual({
      until: since + 4 * HOUR,
      what: 'the 4 h maximum outside a scheduled window',
    });
    expect(runBound(since, window(since, since + 5 * HOUR), settings)).toEqual({
      until: since + 6 * HOUR,
      what: 'the end of the scheduled window "weekly" plus 60 minutes',
    });
    // A window ending within the maximum does not shorten it, nor does one ending exactly an hour before it.
    expect(runBound(since, window(since, since + HOUR), settings).until).toBe(since + 4 * HOUR);
    expect(runBound(since, window(since, since + 3 * HOUR), settings).what).toBe('the 4 h maximum outside a scheduled window');
  });

  it('ignores a window that ended before the run began, or exactly when it began', () => {
    expect(runBound(since, window(since - HOUR, since - 10 * MINUTE), short).until).toBe(since + 30 * MINUTE);
    expect(runBound(since, window(since - HOUR, since), short).until).toBe(since + 30 * MINUTE);
    expect(runBound(since, window(since - HOUR, since + 1), short).until).toBe(since + 1 + HOUR);
  });
});
