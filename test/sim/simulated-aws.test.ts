import { describe, expect, it } from 'vitest';
import { RECORDER_TIMELINE } from '../../src/sim/model.js';
import { SimAws, VirtualClock } from '../../src/sim/simulated-aws.js';

const MINUTE = 60_000;
const options = { ingress: 'direct', recorder: true, stackName: 'Meet-meet-x-org', domain: 'meet.x.org' } as const;
const json = (sim: SimAws) => JSON.parse(JSON.stringify(sim.toJSON())) as Record<string, unknown>;

/** The recorder's instance registers, its task runs next to the meeting, a recording is made and its upload starts. */
async function recordTenMinutes(sim: SimAws, clock: VirtualClock): Promise<void> {
  await sim.ports.recorder.setCapacity('meet-recorder-group', 1);
  clock.t += RECORDER_TIMELINE.instance * 1000;
  await sim.ports.recorder.launch('meet-recorder-launcher');
  clock.t += RECORDER_TIMELINE.running * 1000;
  sim.startRecording();
  clock.t += 10 * MINUTE;
  sim.stopRecording();
}

/** A world in which every simulated service holds something that is not its default. */
async function aWorldWithEveryService(clock: VirtualClock): Promise<SimAws> {
  const sim = new SimAws(clock, { ...options, desired: 1, participants: 2 });
  // The meeting runs and the DNS function pointed the host at it.
  clock.t += 5 * MINUTE;
  sim.participants = 5;
  await recordTenMinutes(sim, clock);
  sim.objects.set('recordings/2026-12-03/room/room.mp4', { body: 'video', at: clock.now() });
  sim.logLines.push({ group: '/meet/web', at: clock.now(), stream: 'web/web/task1', message: 'hello' });
  await sim.ports.users.add('pool', { email: 'ana@example.org', name: 'Ana' });
  await sim.ports.users.addToGroup('pool', 'ana@example.org', 'organizers');
  await sim.ports.secrets.stage('arn:aws:secretsmanager:us-west-2:111122223333:secret:InternalSecret-AbCdEf', '{"x":"y"}');
  await sim.ports.schedules.create(
    'Meet-meet-x-org',
    {
      name: 'weekly',
      expression: 'cron(45 17 ? * WED *)',
      timeZone: 'Europe/Madrid',
      leadMinutes: 15,
      windowMinutes: 120,
      description: 'meetup',
      oneOff: false,
    },
    { functionArn: 'arn:fn', roleArn: 'arn:role' },
  );
  sim.state.hold('cli:ana@laptop', 'running: meetup', { token: 't' });
  await sim.ports.state.setWindow({ schedule: 'weekly', from: clock.now(), until: clock.now() + 120 * MINUTE });
  await sim.ports.state.append({
    at: clock.now(),
    actor: 'cli:ana@laptop',
    reason: 'meetup',
    goal: 'running',
    from: 'STOPPED',
    to: 'READY',
    outcome: 'done',
  });
  return sim;
}

/**
 * A world kept between commands (MEETCTL_SIMULATE=1) is the JSON of every simulated service
 * together: what one service saves, the same service must restore, or a command continues from
 * another world than the one the last command left.
 */
describe('a simulated world saved and restored', () => {
  it('restores every service as it was saved: stack, tasks, DNS, recorder, bucket, pool, secrets, schedules, state', async () => {
    const clock = new VirtualClock();
    const sim = await aWorldWithEveryService(clock);
    const saved = json(sim);
    // Every service left something to save (the test would prove nothing on defaults).
    expect(saved).toMatchObject({
      ingress: 'direct',
      desired: 1,
      hostRecord: { kind: 'task' },
      recorder: { enabled: true, capacity: 1, pendingUpload: expect.any(Object), uploaderRoundAt: expect.any(Number) },
    });
    expect(Object.keys(saved.dnsChanges as object)).not.toHaveLength(0);

    const restored = new SimAws(new VirtualClock(clock.now()), options);
    restored.restore(saved);

    expect(json(restored)).toEqual(saved);
    expect(await restored.ports.stack.describe()).toEqual(await sim.ports.stack.describe());
    expect(await restored.ports.service.tasks('meet-cluster', 'meet-service')).toEqual(
      await sim.ports.service.tasks('meet-cluster', 'meet-service'),
    );
    expect(await restored.ports.recorder.status('/meet/recorder', 0)).toEqual(
      await sim.ports.recorder.status('/meet/recorder', 0),
    );
    expect(await restored.ports.taskDns.status(sim.tasks[0]?.arn ?? '')).toEqual(
      await sim.ports.taskDns.status(sim.tasks[0]?.arn ?? ''),
    );
  });

  it('restores an upload that never ends (the uploadHangs fault) as never ending, not as done', async () => {
    const clock = new VirtualClock();
    const sim = new SimAws(clock, { ...options, desired: 1, faults: { uploadHangs: true } });
    clock.t += 5 * MINUTE;
    await recordTenMinutes(sim, clock);
    const before = await sim.ports.recorder.status('/meet/recorder', 0);
    const saved = json(sim);
    expect(saved).toMatchObject({ recorder: { uploadingUntil: 'never', pendingUpload: { at: 'never' } } });
    const restored = new SimAws(new VirtualClock(clock.now()), { ...options, faults: { uploadHangs: true } });
    restored.restore(saved);
    expect(json(restored)).toEqual(saved);
    expect(await restored.ports.recorder.status('/meet/recorder', 0)).toEqual(before);
  });

  it('restores a stack mid-change: a power-down under way, then a delete under way', async () => {
    for (const change of ['power-down', 'delete'] as const) {
      const clock = new VirtualClock();
      const sim = new SimAws(clock, { desired: 1 });
      if (change === 'power-down') await sim.ports.stack.setPower('off');
      else await sim.ports.stack.delete();
      clock.t += 30_000;
      const saved = json(sim);
      expect(saved).toMatchObject(change === 'power-down' ? { pendingPower: 'off' } : { deletingUntil: expect.any(Number) });

      const restored = new SimAws(new VirtualClock(clock.now()));
      restored.restore(saved);

      expect(json(restored)).toEqual(saved);
      expect(await restored.ports.stack.describe()).toEqual(await sim.ports.stack.describe());
    }
  });

  it('restores a stack whose update rollback failed, with the time it broke (the stack event the guard reads)', async () => {
    const clock = new VirtualClock();
    const sim = new SimAws(clock, { desired: 1, faults: { updateRollbackFails: true } });
    await sim.cloudFormation.deploy(1, { changesTaskDefinition: false });
    clock.t += 10 * MINUTE;
    expect((await sim.ports.stack.describe())?.status).toBe('UPDATE_ROLLBACK_FAILED');
    // The update took TIMING.powerChange seconds, its rollback 60 s more: the event is from then, not from now.
    const brokeAt = clock.now() - 10 * MINUTE + 180_000;
    expect(await sim.ports.stack.statusSince('UPDATE_ROLLBACK_FAILED')).toBe(brokeAt);
    expect(await sim.ports.stack.statusSince('UPDATE_COMPLETE')).toBeUndefined();
    const saved = json(sim);
    const restored = new SimAws(new VirtualClock(clock.now()), { faults: { updateRollbackFails: true } });
    restored.restore(saved);
    expect(json(restored)).toEqual(saved);
    expect(await restored.ports.stack.statusSince('UPDATE_ROLLBACK_FAILED')).toBe(brokeAt);
    // CloudFormation refuses to update it until the rollback is continued.
    await expect(restored.ports.stack.setPower('off')).rejects.toThrow('UPDATE_ROLLBACK_FAILED state and can not be updated');
  });
});
