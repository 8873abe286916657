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
