import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/errors.js';
import { SimAws, VirtualClock } from '../../src/sim/simulated-aws.js';
import { cli, communityConfig } from '../support/cli.js';

const files = { 'meet.config.json': communityConfig({ recording: { enabled: true } }) };
const sim = () => new SimAws(new VirtualClock(), { ingress: 'direct', recorder: true });

describe('meetctl start --record / stop with the recorder', () => {
  it('--dry-run lists the recorder after the meeting', async () => {
    const result = await cli(['start', '--record', '--dry-run'], { files, sim: sim() });
    expect(result.code).toBe(ExitCode.ok);
    expect(result.stdout).toMatch(/ask for the recorder instance \(Auto Scaling desired capacity 1\)/);
    expect(result.stdout).toMatch(/run the recorder task with the meeting task's private address/);
  });

  it('starts with the recorder; status says it is ready; stop refuses while recording, --force ends and uploads', async () => {
    const aws = sim();
    expect((await cli(['start', '--record'], { files, sim: aws })).code).toBe(ExitCode.ok);
    const ready = await cli(['status'], { files, sim: aws });
    expect(ready.stdout).toContain('Recorder: ready: press Record in the meeting (instance 1/1, task RUNNING)');
    const json = JSON.parse((await cli(['status', '--json'], { files, sim: aws })).stdout);
    expect(json.recorder).toMatchObject({ state: 'ready', desiredCapacity: 1, instances: 1, task: { lastStatus: 'RUNNING' } });
    aws.startRecording();
    aws.participants = 0;
    expect((await cli(['status'], { files, sim: aws })).stdout).toContain('Recorder: RECORDING');
    const refused = await cli(['stop'], { files, sim: aws });
    expect(refused.code).toBe(ExitCode.failed);
    expect(refused.stderr).toContain('a recording is running');
    expect(refused.stderr).toContain('--force');
    const forced = await cli(['stop', '--force'], { files, sim: aws });
    expect(forced.code).toBe(ExitCode.ok);
    expect([...aws.objects.keys()].some((k) => /^recordings\/\d{4}-\d{2}-\d{2}\/meetup\/.+\.mp4$/.test(k))).toBe(true);
    // The instance drains for a few seconds after the group goes to 0, then nothing of the recorder is left.
    expect((await cli(['status'], { files, sim: aws })).stdout).toContain('Recorder: stopping (instance 1/0)');
    (aws.clock as VirtualClock).t += 60_000;
    expect((await cli(['status'], { files, sim: aws })).stdout).toContain('Recorder: off');
    expect((await cli(['recordings', 'list'], { files, sim: aws })).stdout).toContain('meetup');
  });

  it('refuses --record when the config has no recorder, naming the field', async () => {
    const result = await cli(['start', '--record'], {
      files: { 'meet.config.json': communityConfig() },
      sim: new SimAws(new VirtualClock(), { ingress: 'direct' }),
    });
    expect(result.code).not.toBe(ExitCode.ok);
    expect(result.stderr).toContain('"recording": { "enabled": true }');
  });
});

describe('a recording that is not in S3 yet', () => {
  it('stop says the recorder is kept and why; status, recordings list and health show it pending with the reason', async () => {
    const aws = new SimAws(new VirtualClock(), {
      ingress: 'direct',
      recorder: true,
      faults: { uploadFails: 'rclone: AccessDenied: Access Denied' },
    });
    await cli(['start', '--record'], { files, sim: aws });
    aws.startRecording();
    (aws.clock as VirtualClock).t += 20 * 60_000;
    aws.participants = 0;
    const stop = await cli(['stop', '--force'], { files, sim: aws });
    expect(stop.code).toBe(ExitCode.failed);
    expect(stop.stderr).toMatch(/not in S3 yet \(pending: rclone: AccessDenied: Access Denied\).*kept so that nothing is lost/);

    const status = await cli(['status'], { files, sim: aws });
    expect(status.stdout).toContain('Recorder: kept: a recording is not in S3 yet; it tries again every 5 minutes');
    expect(status.stdout).toMatch(
      /recordings\/\d{4}-\d{2}-\d{2}\/meetup\/meetup_.+\.mp4: pending: rclone: AccessDenied: Access Denied \(since .+, 1 try\)/,
    );
    const json = JSON.parse((await cli(['status', '--json'], { files, sim: aws })).stdout);
    expect(json.recorder).toMatchObject({
      state: 'pending',
      pending: [{ why: 'rclone: AccessDenied: Access Denied', tries: 1, key: expect.stringMatching(/^recordings\//) }],
    });

    const list = await cli(['recordings', 'list'], { files, sim: aws });
    expect(list.code).toBe(ExitCode.ok);
    expect(list.stdout).toContain('Not in S3 yet: 1 recording(s) kept on the recorder');
    expect(list.stdout).toMatch(/meetup_.+\.mp4: pending: rclone: AccessDenied: Access Denied/);
    const listed = JSON.parse((await cli(['recordings', 'list', '--json'], { files, sim: aws })).stdout);
    expect(listed.recordings).toEqual([]);
    expect(listed.pending).toEqual([expect.objectContaining({ why: 'rclone: AccessDenied: Access Denied' })]);
    const health = JSON.parse((await cli(['health', '--json'], { files, sim: aws })).stdout) as {
      layers: Array<{ layer: string; status: string; detail: string }>;
    };
    expect(health.layers.find((l) => l.layer === 'recorder')).toMatchObject({
      status: 'fail',
      detail: expect.stringContaining('pending: rclone'),
    });

    // Fixed: the uploader's next round uploads it; the list shows it in S3, and stop removes the recorder.
    aws.faults.uploadFails = undefined;
    (aws.clock as VirtualClock).t += 5 * 60_000;
    const after = JSON.parse((await cli(['recordings', 'list', '--json'], { files, sim: aws })).stdout);
    expect(after.pending).toEqual([]);
    expect(after.recordings).toHaveLength(1);
    expect((await cli(['stop'], { files, sim: aws })).code).toBe(ExitCode.ok);
    expect(aws.recorderCapacity).toBe(0);
  });
});

describe('meetctl health with a recorder', () => {
  it('skips an idle recorder, passes a ready one, and fails one left without a meeting', async () => {
    const aws = sim();
    const layer = async () =>
      (
        JSON.parse((await cli(['health', '--json'], { files, sim: aws })).stdout) as {
          layers: Array<{ layer: string; status: string; detail: string }>;
        }
      ).layers.find((l) => l.layer === 'recorder');
    expect(await layer()).toMatchObject({ status: 'skip' });
    await cli(['start', '--record'], { files, sim: aws });
    expect(await layer()).toMatchObject({ status: 'pass', detail: 'ready' });
    await aws.ports.service.setDesired('meet-cluster', 'meet-service', 0);
    (aws.clock as VirtualClock).t += 120_000;
    expect(await layer()).toMatchObject({ status: 'fail', detail: 'ready without a meeting (its instance bills)' });
  });
});
