import { stripVTControlCharacters } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/errors.js';
import { TIMING } from '../../src/sim/model.js';
import { type Faults, SIMULATED_TOKEN_SECRET_ARN, SimAws, VirtualClock } from '../../src/sim/simulated-aws.js';
import { cli, communityConfig } from '../support/cli.js';

const files = { 'meet.config.json': communityConfig() };
const sim = (options: { faults?: Faults; power?: 'on' | 'off'; participants?: number; desired?: number } = {}) =>
  new SimAws(new VirtualClock(), options);

describe('meetctl start', () => {
  it('never goes silent: a long wait reports where it is at least every 15 s, with the step deadline', async () => {
    const clock = new VirtualClock();
    const aws = new SimAws(clock, {}, { stuckPending: true });
    const result = await cli(['start'], { files, sim: aws });
    const waits = result.stderr.split('\n').filter((l) => l.includes('| step') && l.includes('task PENDING'));
    const seconds = waits.map((l) => {
      const [m, sec] = (/\| step (\d+):(\d\d), limit 8:00\]/.exec(l) ?? []).slice(1).map(Number);
      return (m ?? 0) * 60 + (sec ?? 0);
    });
    expect(seconds.length).toBeGreaterThan(20);
    for (let i = 1; i < seconds.length; i++) expect((seconds[i] ?? 0) - (seconds[i - 1] ?? 0)).toBeLessThanOrEqual(20);
  });

  it('waits until usable, shows each phase with elapsed time, and prints the URL', async () => {
    const aws = sim();
    const result = await cli(['start'], { files, sim: aws });
    expect(result.code).toBe(ExitCode.ok);
    expect(result.stdout).toMatch(/READY in \d+:\d\d: https:\/\/meet\.ne3d\.org/);
    expect(result.stderr).toMatch(/\[1\/4 0:00 \| step 0:00, limit 1:00\] start one task/);
    expect(result.stderr).toMatch(/\[4\/4 \d+:\d\d \| step 0:00, limit 4:00\] check HTTPS, the certificate/);
    expect(result.stderr).toContain('task PENDING');
    expect(aws.liveTasks()).toBe(1);
  });

  it('prints the documented JSON', async () => {
    const result = await cli(['start', '--json'], { files, sim: sim() });
    expect(JSON.parse(result.stdout)).toMatchObject({
      goal: 'running',
      from: 'STOPPED',
      to: 'READY',
      outcome: 'done',
      steps: ['set-desired', 'wait-task-running', 'wait-targets-healthy', 'check-endpoints'],
      elapsedSeconds: expect.any(Number),
      url: 'https://meet.ne3d.org',
    });
    expect(result.stderr).toBe('');
  });

  it('on an image pull error says why, shows the log lines, ends stopped, exits 1', async () => {
    const aws = sim({ faults: { imagePullError: true } });
    const result = await cli(['start'], { files, sim: aws });
    expect(result.code).toBe(ExitCode.failed);
    expect(result.stderr).toContain('stop reason: CannotPullContainerError');
    expect(result.stderr).toContain('failing container: jvb');
    expect(result.stderr).toContain('line 1');
    expect(result.stderr).toContain('The task was stopped again: nothing keeps billing.');
    expect(aws.liveTasks()).toBe(0);
  });

  it('says loudly when the task could not be stopped, with the login command (exit 253)', async () => {
    const clock = new VirtualClock();
    const aws = new SimAws(clock, {}, { credentialsExpireAt: clock.now() + 60_000 });
    const result = await cli(['start', '--profile', 'ne3d'], { files, sim: aws });
    expect(result.code).toBe(ExitCode.config);
    expect(result.stderr).toContain('THE TASK COULD NOT BE STOPPED AND MAY STILL BE BILLING.');
    expect(result.stderr).toContain('aws sso login --profile ne3d, then meetctl stop --force');
  });

  it('turns expired credentials before anything started into one line (exit 253)', async () => {
    const clock = new VirtualClock();
    const aws = new SimAws(clock, {}, { credentialsExpireAt: clock.now() });
    const result = await cli(['status', '--profile', 'ne3d'], { files, sim: aws });
    expect(result.code).toBe(ExitCode.config);
    expect(result.stderr).toContain('Run: aws sso login --profile ne3d');
    expect(result.stderr.trim().split('\n')).toHaveLength(2);
  });

  it('prints the plan and changes nothing with --dry-run', async () => {
    const aws = sim({ power: 'off' });
    const result = await cli(['start', '--dry-run'], { files, sim: aws });
    expect(result.code).toBe(ExitCode.ok);
    expect(result.stdout).toContain('From POWERED_DOWN to "running", meetctl would:');
    expect(result.stdout).toContain('1. power up');
    expect(aws.power).toBe('off');
    expect(aws.desiredCalls).toHaveLength(0);
  });

  it('refuses while another actor holds the lock (exit 1), naming it', async () => {
    const aws = sim();
    aws.state.hold('schedule:weekly', 'running: meetup', { token: 't' });
    const result = await cli(['start'], { files, sim: aws });
    expect(result.code).toBe(ExitCode.failed);
    expect(result.stderr).toContain('schedule:weekly holds the lock');
  });
});

describe('meetctl stop, power-down, power-up, destroy', () => {
  it('refuses to stop while people are in a call, and stops with --force', async () => {
    const aws = sim({ desired: 1, participants: 4 });
    const refused = await cli(['stop'], { files, sim: aws });
    expect(refused.code).toBe(ExitCode.failed);
    expect(refused.stderr).toContain('4 people are in a call right now');
    expect(refused.stderr).toContain('--force');
    const forced = await cli(['stop', '--force', '--reason', 'meetup over'], { files, sim: aws });
    expect(forced.code).toBe(ExitCode.ok);
    expect(aws.liveTasks()).toBe(0);
    expect(aws.state.log.at(-1)).toMatchObject({ reason: 'meetup over', outcome: 'done' });
  });

  it('stops a meeting on a stack CloudFormation left broken, says the stack still needs repair, and start still refuses', async () => {
    const aws = sim({ desired: 1, participants: 2 });
    aws.stackStatus = 'UPDATE_ROLLBACK_FAILED';
    // People in the call count as on any stack: no stop without --force.
    const refused = await cli(['stop'], { files, sim: aws });
    expect(refused.code).toBe(ExitCode.failed);
    expect(refused.stderr).toContain('2 people are in a call right now');
    expect(aws.liveTasks()).toBe(1);

    const stopped = await cli(['stop', '--force'], { files, sim: aws });
    expect(stopped.code).toBe(ExitCode.ok);
    expect(stopped.stdout).toMatch(/^Stopped in \d+:\d\d: no task is running\.$/m);
    expect(stopped.stderr).toContain(
      'note: stack Meet-meet-ne3d-org is still UPDATE_ROLLBACK_FAILED: CloudFormation needs a person to repair it before the next start.',
    );
    expect(stopped.stderr).toContain('Stack actions > Continue update rollback');
    expect(aws.liveTasks()).toBe(0);
    expect(aws.stackStatus).toBe('UPDATE_ROLLBACK_FAILED');

    const again = await cli(['stop', '--json'], { files, sim: aws });
    expect(again.code).toBe(ExitCode.ok);
    expect(JSON.parse(again.stdout)).toEqual({
      goal: 'stopped',
      from: 'FAILED',
      to: 'FAILED',
      outcome: 'no-op',
      steps: [],
      repair: { stackStatus: 'UPDATE_ROLLBACK_FAILED', hint: expect.stringContaining('Continue update rollback') },
    });
    expect((await cli(['stop'], { files, sim: aws })).stdout).toBe('Nothing to stop: no task is running.\n');

    // Starting needs the repair first: the refusal and its exit code are what they were.
    const start = await cli(['start'], { files, sim: aws });
    expect(start.code).toBe(ExitCode.failed);
    expect(start.stderr).toContain(
      'error: stack Meet-meet-ne3d-org is UPDATE_ROLLBACK_FAILED; CloudFormation needs a person to repair it.',
    );
    expect(aws.liveTasks()).toBe(0);
  });

  it('treats stop on a powered-down platform as done', async () => {
    const result = await cli(['stop'], { files, sim: sim({ power: 'off' }) });
    expect(result.code).toBe(ExitCode.ok);
    expect(result.stdout).toContain('the platform is POWERED_DOWN');
  });

  it('powers down and up', async () => {
    const aws = sim();
    expect((await cli(['power-down'], { files, sim: aws })).code).toBe(ExitCode.ok);
    expect(aws.power).toBe('off');
    const up = await cli(['power-up', '--json'], { files, sim: aws });
    expect(JSON.parse(up.stdout)).toMatchObject({ goal: 'powered-up', from: 'POWERED_DOWN', to: 'STOPPED', outcome: 'done' });
  });

  it('power-up on a running platform is a no-op: it never ends a meeting', async () => {
    const aws = sim({ desired: 1, participants: 0 });
    const dry = await cli(['power-up', '--dry-run'], { files, sim: aws });
    expect(dry.stdout).toContain('Nothing to do');
    const result = await cli(['power-up'], { files, sim: aws });
    expect(result.code).toBe(ExitCode.ok);
    expect(result.stdout).toContain('Nothing to do');
    expect(aws.desiredCalls).toEqual([]);
    expect(aws.liveTasks()).toBe(1);
  });

  it('destroy asks to type the domain and changes nothing on a wrong answer', async () => {
    const aws = sim();
    const wrong = await cli(['destroy'], { files, sim: aws, answer: 'meet.ne3d' });
    expect(wrong.code).toBe(ExitCode.failed);
    expect(wrong.stderr).toContain('Type meet.ne3d.org to confirm');
    expect(aws.deleted).toBe(false);
  });

  it('destroy refuses without a terminal unless --yes', async () => {
    const result = await cli(['destroy'], { files, sim: sim() });
    expect(result.code).toBe(ExitCode.usage);
  });

  it('destroy keeps the recordings and says so', async () => {
    const aws = sim();
    const result = await cli(['destroy'], { files, sim: aws, answer: 'meet.ne3d.org' });
    expect(result.code).toBe(ExitCode.ok);
    expect(result.stdout).toContain('Kept: recordings bucket meet-recordings-bucket');
    // The member accounts outlive the stack too, with the command that would delete them.
    expect(result.stdout).toContain(
      'user pool us-west-2_SiMuLaTeD with every member account. To delete it later: aws cognito-idp delete-user-pool --user-pool-id us-west-2_SiMuLaTeD --region us-west-2',
    );
    expect(aws.deleted).toBe(true);
    expect(aws.deletedRecordings).toBe(false);
  });

  it('destroy --delete-recordings deletes them too', async () => {
    const aws = sim();
    const result = await cli(['destroy', '--delete-recordings', '--yes', '--json'], { files, sim: aws });
    expect(result.code).toBe(ExitCode.ok);
    expect(JSON.parse(result.stdout)).toMatchObject({
      goal: 'destroyed',
      to: 'ABSENT',
      kept: [expect.stringMatching(/^user pool us-west-2_SiMuLaTeD/)],
    });
    expect(aws.deletedRecordings).toBe(true);
  });

  it('the command destroy prints for the kept recordings works once the stack is gone', async () => {
    const aws = sim();
    // Two recordings, one uploaded twice: three versions in the versioned bucket.
    for (const key of [
      'recordings/2026-12-03/weekly/a.mp4',
      'recordings/2026-12-03/weekly/a.mp4',
      'recordings/2026-12-03/weekly/b.mp4',
    ]) {
      aws.objects.set(key, { body: 'video', at: aws.clock.now() });
    }
    const first = await cli(['destroy'], { files, sim: aws, answer: 'meet.ne3d.org' });
    const command = /meetctl (destroy --delete-recordings --bucket \S+)/.exec(first.stdout)?.[1];
    expect(command).toBe('destroy --delete-recordings --bucket meet-recordings-bucket');
    const wrong = await cli((command as string).split(' '), { files, sim: aws, answer: 'nope' });
    expect(wrong.code).toBe(ExitCode.failed);
    expect(aws.deletedRecordings).toBe(false);
    const later = await cli((command as string).split(' '), { files, sim: aws, answer: 'meet-recordings-bucket' });
    expect(later.code).toBe(ExitCode.ok);
    expect(later.stdout).toContain('Deleted 3 object version(s) and bucket meet-recordings-bucket.');
    expect(aws.deletedRecordings).toBe(true);
  });

  it('destroy --delete-recordings on a deleted stack without --bucket says which option is missing (exit 2)', async () => {
    const aws = sim();
    await cli(['destroy', '--yes'], { files, sim: aws });
    const result = await cli(['destroy', '--delete-recordings'], { files, sim: aws });
    expect(result.code).toBe(ExitCode.usage);
    expect(result.stderr).toContain('--bucket');
  });
});

describe('meetctl status, health, test, logs, history, cost', () => {
  it('status shows phase, task, containers, targets, checks, participants and month-to-date', async () => {
    const aws = sim({ desired: 1, participants: 3 });
    const result = await cli(['status'], { files, sim: aws });
    expect(result.code).toBe(ExitCode.ok);
    expect(result.stdout).toContain('meet.ne3d.org  READY');
    expect(result.stdout).toContain('Participants: 3');
    expect(result.stdout).toContain('Load balancer target: web healthy (media goes straight to the task)');
    expect(result.stdout).toMatch(/This month: [\d.]+ h running/);
  });

  it('status --json has the documented shape', async () => {
    const result = await cli(['status', '--json'], { files, sim: sim({ desired: 1, participants: 2 }) });
    const json = JSON.parse(result.stdout);
    expect(Object.keys(json)).toEqual([
      'phase',
      'url',
      'stack',
      'service',
      'tasks',
      'ingress',
      'targets',
      'endpoints',
      'participants',
      'lock',
      'monthToDate',
    ]);
    expect(json).toMatchObject({
      phase: 'READY',
      participants: 2,
      lock: null,
      monthToDate: { budgetUsd: 30, runningHours: expect.any(Number) },
    });
  });

  it('status --watch refreshes until Ctrl-C, then exits 130', async () => {
    const result = await cli(['status', '--watch', '--interval', '5'], { files, sim: sim(), interruptAfter: 3 });
    expect(result.code).toBe(ExitCode.interrupted);
    expect(result.stdout.match(/meet\.ne3d\.org {2}STOPPED/g)).toHaveLength(2);
  });

  it('health passes every layer of a ready platform and fails with hints otherwise', async () => {
    const healthy = await cli(['health'], { files, sim: sim({ desired: 1 }) });
    expect(healthy.code).toBe(ExitCode.ok);
    expect(healthy.stdout).toMatch(/pass {2}websocket/);
    const broken = await cli(['health', '--json'], { files, sim: sim({ desired: 1, faults: { wrongCertificate: true } }) });
    expect(broken.code).toBe(ExitCode.failed);
    const body = JSON.parse(broken.stdout);
    expect(body.ok).toBe(false);
    expect(body.layers.find((l: { layer: string }) => l.layer === 'certificate')).toMatchObject({
      status: 'fail',
      hint: expect.any(String),
    });
  });

  it('health skips what a stopped platform cannot show', async () => {
    const result = await cli(['health'], { files, sim: sim() });
    expect(result.code).toBe(ExitCode.ok);
    expect(result.stdout).toMatch(/skip {2}task/);
  });

  it('test runs the whole workflow and ends stopped', async () => {
    const aws = sim();
    const result = await cli(['test', '--json'], { files, sim: aws });
    expect(result.code).toBe(ExitCode.ok);
    const body = JSON.parse(result.stdout);
    expect(body.phases.map((p: { name: string; status: string }) => `${p.name}:${p.status}`)).toEqual([
      'start:pass',
      'health:pass',
      'tls:pass',
      'web:pass',
      'websocket:pass',
      'stop:pass',
    ]);
    expect(aws.liveTasks()).toBe(0);
  });

  it('test passes in the direct ingress mode (the default), where health reads the task certificate', async () => {
    const aws = new SimAws(new VirtualClock(), { ingress: 'direct' });
    const result = await cli(['test', '--json'], {
      files: { 'meet.config.json': communityConfig({ ingress: 'direct' }) },
      sim: aws,
    });
    const body = JSON.parse(result.stdout);
    expect(body.phases.find((p: { name: string }) => p.name === 'health')).toMatchObject({ status: 'pass' });
    expect(result.code).toBe(ExitCode.ok);
    expect(aws.liveTasks()).toBe(0);
  });

  it('test ends stopped even when a phase fails', async () => {
    const aws = sim({ faults: { targetNeverHealthy: true } });
    const result = await cli(['test'], { files, sim: aws });
    expect(result.code).toBe(ExitCode.failed);
    expect(result.stdout).toMatch(/start +fail/);
    expect(result.stdout).toMatch(/stop +pass/);
    expect(aws.liveTasks()).toBe(0);
  });

  it('test refuses to take over a running platform unless --force', async () => {
    const aws = sim({ desired: 1 });
    expect((await cli(['test'], { files, sim: aws })).code).toBe(ExitCode.failed);
    expect(aws.liveTasks()).toBe(1);
  });

  it('logs prints container lines, filters by container, and follows until Ctrl-C', async () => {
    const aws = sim();
    const now = aws.clock.now();
    aws.logLines.push(
      { group: '/meet/jvb', at: now - 60_000, stream: 'jvb/jvb/t1', message: 'Joined MUC: jvbbrewery' },
      { group: '/meet/web', at: now - 30_000, stream: 'web/web/t1', message: 'GET / 200' },
    );
    const all = await cli(['logs'], { files, sim: aws });
    expect(all.stdout.indexOf('Joined MUC')).toBeLessThan(all.stdout.indexOf('GET / 200'));
    const jvb = await cli(['logs', '--container', 'jvb', '--since', '5m'], { files, sim: aws });
    expect(jvb.stdout).toContain('jvb     Joined MUC');
    expect(jvb.stdout).not.toContain('GET /');
    const bad = await cli(['logs', '--container', 'nginx'], { files, sim: aws });
    expect(bad.code).toBe(ExitCode.usage);
    expect(bad.stderr).toContain('Use one of: web, prosody, jicofo, jvb, stats');
    expect((await cli(['logs', '--since', 'yesterday'], { files, sim: aws })).code).toBe(ExitCode.usage);
    const follow = await cli(['logs', '--follow'], { files, sim: aws, interruptAfter: 2 });
    expect(follow.code).toBe(ExitCode.interrupted);
    expect(follow.stdout.match(/Joined MUC/g)).toHaveLength(1);
  });

  it('history lists every transition with who, why and outcome', async () => {
    const aws = sim();
    await cli(['start', '--reason', 'RGC3 meetup'], { files, sim: aws });
    await cli(['stop', '--reason', 'done'], { files, sim: aws });
    const result = await cli(['history'], { files, sim: aws });
    expect(result.stdout).toMatch(/cli:ana@laptop +running +STOPPED → READY +done/);
    expect(result.stdout).toContain('RGC3 meetup');
    const json = JSON.parse((await cli(['history', '--json'], { files, sim: aws })).stdout);
    expect(json.events.map((e: { goal: string }) => e.goal)).toEqual(['running', 'stopped']);
  });

  it('cost shows month-to-date hours and the budget', async () => {
    const result = await cli(['cost'], { files, sim: sim({ desired: 1 }) });
    expect(result.code).toBe(ExitCode.ok);
    // The simulated task was created an hour ago and started (RUNNING) TIMING.running seconds later.
    const hours = ((3600 - TIMING.running) / 3600).toFixed(2);
    expect(result.stdout).toMatch(new RegExp(`running +${hours.replace('.', '\\.')} `));
    expect(result.stdout).toContain('of the $30.00 budget');
  });

  it('refuses the operations commands on the example config', async () => {
    const result = await cli(['status'], { sim: sim() });
    expect(result.code).toBe(ExitCode.config);
  });
});

describe('Ctrl-C', () => {
  it('the first one during start stops what it started, releases the lock, logs it and exits 130', async () => {
    const aws = sim();
    // Interrupted once the start has asked for a task and is waiting for it.
    const result = await cli(['start'], { files, sim: aws, interruptAfter: 3 });
    expect(result.code).toBe(ExitCode.interrupted);
    expect(result.stderr).toContain('cancelled (Ctrl-C)');
    expect(result.stderr).toContain('The task it started was stopped again');
    expect(aws.desired).toBe(0);
    expect(aws.liveTasks()).toBe(0);
    expect(aws.state.lock).toBeUndefined();
    expect(aws.state.log.at(-1)).toMatchObject({ goal: 'running', outcome: 'cancelled' });
  });
});

describe('direct ingress mode', () => {
  const direct = (options: { desired?: number } = {}) => new SimAws(new VirtualClock(), { ...options, ingress: 'direct' });

  it('start checks the task address, waits for the host record, then prints the URL', async () => {
    const result = await cli(['start', '--json'], { files, sim: direct() });
    expect(result.code).toBe(ExitCode.ok);
    expect(JSON.parse(result.stdout)).toMatchObject({
      to: 'READY',
      steps: ['set-desired', 'check-endpoints', 'wait-task-running', 'wait-host-record'],
    });
  });

  it('status says where the meeting host points; health shows the certificate days left and the record', async () => {
    const aws = direct({ desired: 1 });
    const status = await cli(['status'], { files, sim: aws });
    expect(status.stdout).toMatch(/Meeting host: points at 198\.51\.100\.\d+ \(INSYNC\)/);
    expect(status.stdout).not.toContain('Load balancer target');
    const health = await cli(['health'], { files, sim: aws });
    expect(health.code).toBe(ExitCode.ok);
    expect(health.stdout).toMatch(/pass {2}tls certificate +60 days left/);
    expect(health.stdout).toMatch(/pass {2}host record +points at the task/);
    const stopped = await cli(['status', '--json'], { files, sim: direct() });
    expect(JSON.parse(stopped.stdout)).toMatchObject({ ingress: 'direct', phase: 'STOPPED' });
  });

  it('power-down and power-up say there is no such tier, and what to do instead', async () => {
    const aws = direct();
    const down = await cli(['power-down'], { files, sim: aws });
    expect(down.code).not.toBe(ExitCode.ok);
    expect(down.stderr).toContain('the power-down tier does not exist in the direct ingress mode');
    expect(down.stderr).toContain('meetctl stop');
    const up = await cli(['power-up'], { files, sim: aws });
    expect(up.code).not.toBe(ExitCode.ok);
    expect(up.stderr).toContain('meetctl start');
    expect(aws.mutations).toEqual([]);
  });
});

describe('meetctl link', () => {
  it('prints a host link whose token passes Jitsi verification for that room, valid for --hours', async () => {
    const result = await cli(['link', 'weekly-meetup', '--hours', '2', '--json'], { files, sim: sim() });
    expect(result.code).toBe(ExitCode.ok);
    const body = JSON.parse(result.stdout) as { url: string; guestUrl: string; room: string; expiresAt: string };
    expect(body.guestUrl).toBe('https://meet.ne3d.org/weekly-meetup');
    expect(body.url).toMatch(/^https:\/\/meet\.ne3d\.org\/weekly-meetup\?jwt=[\w-]+\.[\w-]+\.[\w-]+$/);
    const token = body.url.split('jwt=')[1] ?? '';
    const { verifyJitsiToken } = await import('../../src/auth/jitsi-token.js');
    const secret = JSON.parse(await sim().ports.secrets.value(SIMULATED_TOKEN_SECRET_ARN)).JWT_APP_SECRET as string;
    const now = Date.parse(body.expiresAt) - 2 * 3_600_000;
    const verdict = await verifyJitsiToken(token, { secret, appId: 'meetctl', room: 'weekly-meetup', now: now + 60_000 });
    expect(verdict).toMatchObject({ ok: true, claims: { room: 'weekly-meetup', context: { user: { name: 'Host' } } } });
    // A host link is not an organizer: no recording, no streaming, said in the token.
    expect(verdict).toMatchObject({ claims: { context: { features: { recording: 'false', livestreaming: 'false' } } } });
    expect((await verifyJitsiToken(token, { secret, appId: 'meetctl', room: 'weekly-meetup', now: now + 7_201_000 })).ok).toBe(
      false,
    );
  });

  it('refuses a bad room, hours out of range, and open meetings, naming the fix', async () => {
    const room = await cli(['link', '../admin'], { files, sim: sim() });
    expect(room.code).toBe(ExitCode.usage);
    expect(room.stderr).toContain('room "../admin" cannot be used: the room name contains "/", which Jitsi removes');
    const hours = await cli(['link', 'weekly', '--hours', '48'], { files, sim: sim() });
    expect(hours.code).toBe(ExitCode.usage);
    expect(hours.stderr).toContain('1 to 12 hours');
    for (const name of ['', '   ', 'two\nlines', 'x'.repeat(65)]) {
      const bad = await cli(['link', 'weekly', '--name', name], { files, sim: sim() });
      expect(bad.code, JSON.stringify(name)).toBe(ExitCode.usage);
      expect(bad.stderr).toContain('--name');
    }
    const open = await cli(['link', 'weekly'], { files: { 'meet.config.json': communityConfig({ auth: 'open' }) }, sim: sim() });
    expect(open.code).toBe(ExitCode.usage);
    expect(open.stderr).toContain('"auth": "open"');
  });
});

describe('meetctl users', () => {
  it("refuses an address longer than Cognito's 128-character user name before any call (exit 2, not an AWS error)", async () => {
    // AdminCreateUser's Username: "Length Constraints: Minimum length of 1. Maximum length of 128."
    // (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminCreateUser.html)
    const aws = sim();
    const longest = `${'a'.repeat(128 - '@ne3d.org'.length)}@ne3d.org`;
    const tooLong = `a${longest}`;
    const refused = await cli(['users', 'add', tooLong, '--json'], { files, sim: aws });
    expect(refused.code).toBe(ExitCode.usage);
    expect(JSON.parse(refused.stdout).error.message).toBe(
      "the e-mail address is 129 characters long; a member's address is their Cognito user name, at most 128.",
    );
    expect(aws.mutations).toEqual([]);
    expect((await cli(['users', 'add', longest], { files, sim: aws })).code).toBe(ExitCode.ok);
  });

  it('adds a member (and an organizer), lists them with their groups, promotes, demotes and removes', async () => {
    const aws = sim();
    const add = await cli(['users', 'add', 'Ana@Example.org', '--name', 'Ana', '--organizer'], { files, sim: aws });
    expect(add.code).toBe(ExitCode.ok);
    expect(add.stdout).toContain('Added ana@example.org (members, organizers)');
    const unnamed = await cli(['users', 'add', 'cy@example.org', '--name', ' '], { files, sim: aws });
    expect(unnamed.code).toBe(ExitCode.usage);
    expect(unnamed.stderr).toContain('--name');
    expect((await cli(['users', 'add', 'bo@example.org'], { files, sim: aws })).code).toBe(ExitCode.ok);
    const list = JSON.parse((await cli(['users', 'list', '--json'], { files, sim: aws })).stdout) as { users: unknown[] };
    expect(list.users).toEqual([
      {
        email: 'ana@example.org',
        name: 'Ana',
        status: 'FORCE_CHANGE_PASSWORD',
        enabled: true,
        groups: ['members', 'organizers'],
      },
      { email: 'bo@example.org', status: 'FORCE_CHANGE_PASSWORD', enabled: true, groups: ['members'] },
    ]);
    expect((await cli(['users', 'promote', 'bo@example.org'], { files, sim: aws })).stdout).toContain('is now an organizer');
    expect(aws.members.get('bo@example.org')?.groups).toEqual(['members', 'organizers']);
    await cli(['users', 'promote', 'ana@example.org', '--demote'], { files, sim: aws });
    expect(aws.members.get('ana@example.org')?.groups).toEqual(['members']);
    // Removing asks for the e-mail to be typed.
    const refused = await cli(['users', 'remove', 'bo@example.org'], { files, sim: aws, answer: 'no' });
    expect(refused.code).toBe(ExitCode.failed);
    expect(aws.members.has('bo@example.org')).toBe(true);
    expect((await cli(['users', 'remove', 'bo@example.org'], { files, sim: aws, answer: 'bo@example.org' })).code).toBe(
      ExitCode.ok,
    );
    expect(aws.members.has('bo@example.org')).toBe(false);
  });

  it('says what to do on a duplicate, an unknown account, a bad address and open meetings', async () => {
    const aws = sim();
    await cli(['users', 'add', 'ana@example.org'], { files, sim: aws });
    const again = await cli(['users', 'add', 'ana@example.org'], { files, sim: aws });
    expect(again.code).toBe(ExitCode.failed);
    expect(again.stderr).toContain('ana@example.org already has an account');
    const unknown = await cli(['users', 'promote', 'nobody@example.org'], { files, sim: aws });
    expect(unknown.stderr).toContain('there is no account for nobody@example.org');
    const bad = await cli(['users', 'add', 'not-an-address'], { files, sim: aws });
    expect(bad.code).toBe(ExitCode.usage);
    const open = await cli(['users', 'list'], { files: { 'meet.config.json': communityConfig({ auth: 'open' }) }, sim: aws });
    expect(open.code).toBe(ExitCode.usage);
    expect(open.stderr).toContain('"auth": "members"');
  });
});

describe('progress on a terminal', () => {
  it('redraws one live line per step on stderr when stderr is a terminal, even with stdout piped', async () => {
    const result = await cli(['start'], { files, sim: sim(), terminal: { columns: 100 } });
    expect(result.code).toBe(ExitCode.ok);
    // ora's frames: the cursor goes back to the line start and the line is cleared before each redraw.
    expect(result.stderr).toContain('\u001b[1G');
    const plain = stripVTControlCharacters(result.stderr);
    expect(plain).toMatch(/⠋ \[1\/4 0:00 \| step 0:00, limit 1:00\] start one task/);
    expect(plain).toMatch(/✔ \[1\/4 0:00 \| step 0:00, limit 1:00\] start one task/);
    // Not the plain lines a pipe gets.
    expect(result.stderr).not.toContain('   done\n');
    expect(result.stdout).toMatch(/READY in/);
  });

  it.each<Record<string, string>>([{ CI: 'true' }, { TERM: 'dumb' }])(
    'prints plain lines on a terminal when the environment says %o',
    async (env) => {
      const result = await cli(['start'], { files, sim: sim(), terminal: { columns: 100 }, env });
      expect(result.code).toBe(ExitCode.ok);
      expect(result.stderr).not.toContain('\u001b[1G');
      expect(result.stderr).toContain('   done\n');
    },
  );
});

describe('destroy --delete-recordings --bucket', () => {
  it("deletes only the stack's own bucket: another stack's, an unknown one, or another while the stack exists are refused", async () => {
    const aws = sim();
    const wrongWhileUp = await cli(['destroy', '--delete-recordings', '--bucket', 'photos', '--yes'], { files, sim: aws });
    expect(wrongWhileUp.code).toBe(ExitCode.usage);
    expect(wrongWhileUp.stderr).toContain(
      '--bucket photos is not the recordings bucket of stack Meet-meet-ne3d-org (that is meet-recordings-bucket)',
    );
    expect(aws.deleted).toBe(false);
    await cli(['destroy', '--yes'], { files, sim: aws });
    const unknown = await cli(['destroy', '--delete-recordings', '--bucket', 'photos', '--yes'], { files, sim: aws });
    expect(unknown.code).toBe(ExitCode.usage);
    expect(unknown.stderr).toContain('there is no bucket named photos');
    const otherStack = { 'meet.config.json': communityConfig({ stackName: 'Other-stack' }) };
    const foreign = await cli(['destroy', '--delete-recordings', '--bucket', 'meet-recordings-bucket', '--yes'], {
      files: otherStack,
      sim: aws,
    });
    expect(foreign.code).toBe(ExitCode.usage);
    expect(foreign.stderr).toContain('CloudFormation created it for stack Meet-meet-ne3d-org');
    expect(aws.deletedRecordings).toBe(false);
    const own = await cli(['destroy', '--delete-recordings', '--bucket', 'meet-recordings-bucket', '--yes'], { files, sim: aws });
    expect(own.code).toBe(ExitCode.ok);
    expect(aws.deletedRecordings).toBe(true);
  });
});
