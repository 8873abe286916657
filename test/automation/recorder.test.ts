import type { ScheduledEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { checkEndpointsInCall, runtimeGuard, scheduledRotation, scheduledStart } from '../../src/automation/handlers.js';
import { RECORDER_ORPHAN_MINUTES } from '../../src/automation/policy.js';
import { transition } from '../../src/control/transition.js';
import { automationWorld } from '../support/automation.js';

const MINUTE = 60_000;
const guardEvent = { 'detail-type': 'Scheduled Event', source: 'aws.events', detail: {} } as unknown as ScheduledEvent;

const world = () => automationWorld({ ingress: 'direct', recorder: true });

describe('the recorder and the automation', () => {
  it('a schedule with --record: the scheduled start asks for the meeting, the guard adds the recorder once it is READY', async () => {
    const { clock, sim, deps } = world();
    const started = await scheduledStart(deps)({ schedule: 'weekly', leadMinutes: 15, windowMinutes: 120, record: true });
    expect(started.action).toBe('started');
    expect(await sim.ports.state.window()).toMatchObject({ schedule: 'weekly', record: true });
    // Too early: the meeting is still starting, so the guard only reports on the meeting.
    expect(await runtimeGuard(deps)(guardEvent)).toMatchObject({ action: 'none' });
    expect(sim.recorderCapacity).toBe(0);
    clock.t += 5 * MINUTE;
    const guard = await runtimeGuard(deps)(guardEvent);
    expect(guard).toMatchObject({ action: 'started', why: 'schedule "weekly" asked for the recorder' });
    expect(sim.recorderTasks.filter((t) => t.stoppedAt === undefined)).toHaveLength(1);
    // Next round: nothing more to do.
    sim.participants = 3;
    expect((await runtimeGuard(deps)(guardEvent)).why).not.toMatch(/asked for the recorder/);
  });

  it('a schedule without --record never gets a recorder', async () => {
    const { clock, sim, deps } = world();
    await scheduledStart(deps)({ schedule: 'weekly', leadMinutes: 15, windowMinutes: 120 });
    clock.t += 5 * MINUTE;
    sim.participants = 3;
    await runtimeGuard(deps)(guardEvent);
    expect(sim.recorderTasks).toEqual([]);
    expect(sim.recorderCapacity).toBe(0);
  });

  it(`removes a recorder left ${RECORDER_ORPHAN_MINUTES} minutes after its meeting, and alerts`, async () => {
    const { clock, sim, deps, alerts, rt } = world();
    await transition({ goal: 'running', record: true, actor: 'cli:ana', reason: 'test' }, rt);
    // The meeting's service is set to 0 outside meetctl: the recorder is left behind.
    await sim.ports.service.setDesired('meet-cluster', 'meet-service', 0);
    clock.t += 10 * MINUTE;
    expect((await runtimeGuard(deps)(guardEvent)).why).toMatch(/the recorder is finishing/);
    expect(sim.recorderCapacity).toBe(1);
    clock.t += RECORDER_ORPHAN_MINUTES * MINUTE;
    const guard = await runtimeGuard(deps)(guardEvent);
    expect(guard).toMatchObject({ action: 'stopped' });
    expect(sim.recorderCapacity).toBe(0);
    expect(sim.recorderTasks.every((t) => t.stoppedAt !== undefined)).toBe(true);
    expect(alerts.map((a) => a.subject)).toContain('Meeting server stopped by the runtime guard');
  });
});

describe('a recording the recorder cannot upload, and the guard', () => {
  const pendingWorld = () =>
    automationWorld({ ingress: 'direct', recorder: true, faults: { uploadFails: 'rclone: AccessDenied: Access Denied' } });

  it('alerts with the reason in its first round, keeps the recorder past its bound (alerting again), and removes it once S3 has the recording', async () => {
    const { clock, sim, deps, alerts, rt } = pendingWorld();
    await transition({ goal: 'running', record: true, actor: 'cli:ana', reason: 'meetup' }, rt);
    sim.startRecording();
    clock.t += 30 * MINUTE;
    sim.participants = 0;
    const stop = await transition({ goal: 'stopped', actor: 'cli:ana', reason: 'done', force: true }, rt);
    expect(stop.result?.error?.kind).toBe('kept');

    await runtimeGuard(deps)(guardEvent);
    const first = alerts.filter((a) => a.subject === 'A recording is not in S3 yet: the recorder is kept');
    expect(first).toHaveLength(1);
    expect(first[0]?.message).toMatch(/recordings\/\d{4}-\d{2}-\d{2}\/meetup\/.+\.mp4: rclone: AccessDenied: Access Denied/);
    expect(first[0]?.message).toContain('`meetctl recordings list`');
    // Round after round: no second alert for the same recording, and never a removal.
    for (let round = 0; round < 12; round++) {
      clock.t += 5 * MINUTE;
      const guard = await runtimeGuard(deps)(guardEvent);
      expect(guard.action).toBe('none');
      expect(sim.recorderCapacity).toBe(1);
    }
    const kept = alerts.filter((a) => /has waited \d+ minutes/.test(a.message));
    expect(kept).toHaveLength(1);
    expect(kept[0]?.message).toMatch(/not in S3 yet \(pending: rclone: AccessDenied: Access Denied\).*never removed/);
    expect(alerts.filter((a) => a.subject === 'A recording is not in S3 yet: the recorder is kept')).toHaveLength(1);
    // A day later it reminds once more.
    const before = alerts.length;
    for (let round = 0; round < (24 * 60) / 5; round++) {
      clock.t += 5 * MINUTE;
      await runtimeGuard(deps)(guardEvent);
    }
    expect(alerts.slice(before).filter((a) => /has waited \d+ minutes/.test(a.message))).toHaveLength(1);
    expect(sim.recorderCapacity).toBe(1);
    expect(sim.lostRecordings).toBe(0);

    // The cause is fixed (a deploy): the uploader's next round uploads it, and the guard removes the idle recorder.
    sim.faults.uploadFails = undefined;
    clock.t += 5 * MINUTE;
    const removed = await runtimeGuard(deps)(guardEvent);
    expect(removed).toMatchObject({ action: 'stopped' });
    expect(sim.recorderCapacity).toBe(0);
    expect([...sim.objects.keys()].filter((k) => k.endsWith('.mp4'))).toHaveLength(1);
    expect(sim.lostRecordings).toBe(0);
  });

  it('a scheduled recording starts a new recorder on an instance kept only for a pending recording; that one uploads it', async () => {
    const { clock, sim, deps, rt } = pendingWorld();
    await transition({ goal: 'running', record: true, actor: 'cli:ana', reason: 'meetup' }, rt);
    sim.startRecording();
    clock.t += 30 * MINUTE;
    sim.participants = 0;
    await transition({ goal: 'stopped', actor: 'cli:ana', reason: 'done', force: true }, rt);
    // The kept recorder task dies; the instance and its disk stay.
    const [kept] = sim.recorderTasks.filter((t) => t.stoppedAt === undefined);
    await sim.ports.recorder.stop('meet-cluster', kept?.arn ?? '', 'crashed');
    clock.t += 24 * 60 * MINUTE;
    sim.faults.uploadFails = undefined;
    await scheduledStart(deps)({ schedule: 'weekly', leadMinutes: 15, windowMinutes: 120, record: true });
    clock.t += 5 * MINUTE;
    expect(await runtimeGuard(deps)(guardEvent)).toMatchObject({ action: 'started' });
    clock.t += 5 * MINUTE;
    await runtimeGuard(deps)(guardEvent);
    expect([...sim.objects.keys()].filter((k) => k.endsWith('.mp4'))).toHaveLength(1);
    expect(sim.lostRecordings).toBe(0);
  });

  it('bounds how long a recorder may upload: past the bound it alerts, and keeps it', async () => {
    const { clock, sim, deps, alerts, rt } = automationWorld({
      ingress: 'direct',
      recorder: true,
      faults: { uploadHangs: true },
    });
    await transition({ goal: 'running', record: true, actor: 'cli:ana', reason: 'meetup' }, rt);
    sim.startRecording();
    clock.t += 10 * MINUTE;
    await sim.ports.service.setDesired('meet-cluster', 'meet-service', 0);
    for (let round = 0; round < 10; round++) {
      clock.t += 5 * MINUTE;
      expect((await runtimeGuard(deps)(guardEvent)).action).toBe('none');
    }
    expect(alerts.filter((a) => /has waited \d+ minutes: it is still uploading/.test(a.message))).toHaveLength(1);
    expect(sim.recorderCapacity).toBe(1);
    expect(sim.recorderTasks.filter((t) => t.stoppedAt === undefined)).toHaveLength(1);
  });

  it('the idle stop of a meeting whose recording waits: the meeting stops, the recorder is kept, and the e-mail says both', async () => {
    const { clock, sim, deps, alerts, rt } = pendingWorld();
    await transition({ goal: 'running', record: true, actor: 'cli:ana', reason: 'meetup' }, rt);
    sim.startRecording();
    clock.t += 10 * MINUTE;
    // The organizer stops the recording in the meeting; the upload fails; later everyone leaves.
    sim.stopRecording();
    clock.t += 5 * MINUTE;
    sim.participants = 0;
    clock.t += 60 * MINUTE;
    const guard = await runtimeGuard(deps)(guardEvent);
    expect(guard.action).toBe('stopped');
    expect(sim.liveTasks()).toBe(0);
    expect(sim.recorderCapacity).toBe(1);
    expect(alerts.map((a) => a.subject)).toContain('Meeting server stopped by the runtime guard; the recorder is kept');
  });
});

describe('the monthly rotation', () => {
  it('rotates while stopped; while a meeting runs it changes nothing and e-mails why', async () => {
    const { sim, deps, alerts, rt } = world();
    const before = sim.secretsAtStart();
    await transition({ goal: 'running', actor: 'cli:ana', reason: 'meetup' }, rt);
    expect(await scheduledRotation(deps)(guardEvent)).toMatchObject({ action: 'refused' });
    expect(sim.secretsAtStart()).toEqual(before);
    expect(alerts.map((a) => a.subject)).toContain('Secret rotation postponed');
    sim.participants = 0;
    await transition({ goal: 'stopped', actor: 'cli:ana', reason: 'done', force: true }, rt);
    expect(await scheduledRotation(deps)(guardEvent)).toMatchObject({ action: 'none', why: expect.stringMatching(/^rotated/) });
    expect(sim.secretsAtStart()).not.toEqual(before);
    expect(sim.state.log.filter((e) => e.goal === 'rotate-secrets').map((e) => `${e.actor} ${e.outcome}`)).toEqual([
      'rotation-schedule refused',
      'rotation-schedule done',
    ]);
  });
});

describe("the guard's endpoint check during a call", () => {
  it("logs a failing check with people in the call (the alarm's metric), and nothing with nobody in it", async () => {
    const { clock, sim, deps, logs } = automationWorld({
      ingress: 'load-balancer',
      faults: { wrongCertificate: true },
      desired: 1,
    });
    sim.participants = 3;
    clock.t += 2 * MINUTE; // the stats sidecar's next lines say 3
    await checkEndpointsInCall(deps);
    expect(logs.at(-1)).toMatchObject({ message: 'endpoint-check', participants: 3, failingInCall: 1 });
    sim.participants = 0;
    clock.t += 2 * MINUTE;
    const before = logs.length;
    await checkEndpointsInCall(deps);
    expect(logs.length).toBe(before);
  });
});
