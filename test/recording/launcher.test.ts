import { describe, expect, it } from 'vitest';
import { type LauncherPorts, type LauncherTask, launchRecorder } from '../../src/recording/launcher.js';

/** The launcher's decisions on a world of tasks (its ECS adapter is checked against moto and the SDK's shapes). */
function world(meeting: LauncherTask[], recorders: LauncherTask[] = [], runFails?: Error) {
  const runs: string[] = [];
  const ports: LauncherPorts = {
    meetingTasks: async () => meeting,
    recorderTasks: async () => recorders,
    run: async (xmppServer) => {
      if (runFails) throw runFails;
      runs.push(xmppServer);
      return `arn:recorder/${runs.length}`;
    },
  };
  return { ports, runs };
}
const task = (arn: string, last: string, desired: string, address?: string): LauncherTask => ({
  arn,
  lastStatus: last,
  desiredStatus: desired,
  ...(address ? { address } : {}),
});

describe('the recorder launcher', () => {
  it("starts the recorder on the running meeting task's private address, and with nothing else", async () => {
    const w = world([
      task('arn:meeting/old', 'STOPPED', 'STOPPED', '10.0.0.4'),
      task('arn:meeting/now', 'RUNNING', 'RUNNING', '10.0.0.9'),
    ]);
    expect(await launchRecorder(w.ports)).toEqual({ ok: true, taskArn: 'arn:recorder/1', started: true });
    expect(w.runs).toEqual(['10.0.0.9']);
  });

  it('refuses without a running meeting: a task that starts or is told to stop is none', async () => {
    for (const meeting of [
      [],
      [task('arn:m', 'PENDING', 'RUNNING', '10.0.0.9')],
      [task('arn:m', 'RUNNING', 'STOPPED', '10.0.0.9')],
    ]) {
      const w = world(meeting);
      expect(await launchRecorder(w.ports)).toMatchObject({ ok: false, code: 'NoMeetingTask' });
      expect(w.runs).toEqual([]);
    }
  });

  it('answers a retried invocation with the recorder it started for this meeting, not a second one', async () => {
    const meeting = [task('arn:meeting/now', 'RUNNING', 'RUNNING', '10.0.0.9')];
    const again = world(meeting, [task('arn:recorder/7', 'PENDING', 'RUNNING', '10.0.0.9')]);
    expect(await launchRecorder(again.ports)).toEqual({ ok: true, taskArn: 'arn:recorder/7', started: false });
    expect(again.runs).toEqual([]);
    // A recorder of an earlier meeting (another address), or one told to stop, is not this meeting's.
    const earlier = world(meeting, [
      task('arn:recorder/1', 'RUNNING', 'RUNNING', '10.0.0.4'),
      task('arn:recorder/2', 'RUNNING', 'STOPPED', '10.0.0.9'),
    ]);
    expect(await launchRecorder(earlier.ports)).toMatchObject({ ok: true, started: true });
  });

  it('says why ECS could not place it, and lets any other error through (Lambda reports it)', async () => {
    const meeting = [task('arn:meeting/now', 'RUNNING', 'RUNNING', '10.0.0.9')];
    const placement = Object.assign(new Error('ECS could not place the recorder: RESOURCE:MEMORY'), { name: 'RunTaskFailure' });
    expect(await launchRecorder(world(meeting, [], placement).ports)).toEqual({
      ok: false,
      code: 'RunTaskFailure',
      message: 'ECS could not place the recorder: RESOURCE:MEMORY',
    });
    const denied = Object.assign(new Error('not authorized'), { name: 'AccessDeniedException' });
    await expect(launchRecorder(world(meeting, [], denied).ports)).rejects.toThrow('not authorized');
  });
});
