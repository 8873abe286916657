import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { StackState } from '../../src/aws/ports.js';
import { MAX_READ_BYTES, readTextFile } from '../../src/cli/file-access.js';
import { ExitCode } from '../../src/errors.js';
import { OUTPUTS } from '../../src/infra/meet-stack.js';
import { SimAws, VirtualClock } from '../../src/sim/simulated-aws.js';
import { cli, communityConfig, fakeAws } from '../support/cli.js';
import { EXAMPLE_FILE } from '../support/fixtures.js';

const files = { 'meet.config.json': communityConfig() };
const deployedStack = (powerState: 'on' | 'off' = 'on', status = 'UPDATE_COMPLETE'): StackState => ({
  name: 'Meet-meet-ne3d-org',
  status,
  powerState,
  outputs:
    powerState === 'on' ? { [OUTPUTS.cluster]: 'cluster-1', [OUTPUTS.service]: 'service-1' } : { [OUTPUTS.cluster]: 'cluster-1' },
});

describe('meetctl basics', () => {
  it('prints help with every command and exits 0', async () => {
    const result = await cli(['--help']);
    expect(result.code).toBe(ExitCode.ok);
    for (const command of ['plan', 'deploy', 'config']) expect(result.stdout).toContain(command);
    expect(result.stdout).toContain('--dry-run');
  });

  it('exits 2 on an unknown command or option, with a suggestion', async () => {
    const unknown = await cli(['plna']);
    expect(unknown.code).toBe(ExitCode.usage);
    expect(unknown.stderr).toContain('(Did you mean plan?)');
    expect((await cli(['plan', '--bogus'])).code).toBe(ExitCode.usage);
    expect((await cli(['deploy', '--power', 'maybe'])).code).toBe(ExitCode.usage);
  });
});

describe('meetctl config', () => {
  it('validates a good config', async () => {
    const result = await cli(['config', 'validate'], { files });
    expect(result.code).toBe(ExitCode.ok);
    expect(result.stdout).toContain('meet.config.json is valid: meet.ne3d.org in us-west-2');
    expect(result.stderr).toBe('');
    const config = JSON.parse(communityConfig()) as Record<string, unknown>;
    delete config.timeZone;
    const noZone = await cli(['config', 'validate'], { files: { 'meet.config.json': JSON.stringify(config) } });
    expect(noZone.code).toBe(ExitCode.ok);
    expect(noZone.stderr).toContain('It has no "timeZone"');
  });

  it('lists every problem with exit code 253, without a stack trace', async () => {
    const result = await cli(['config', 'validate'], {
      files: { 'meet.config.json': communityConfig({ size: 'huge', monthlyBudgetUsd: -5 }) },
    });
    expect(result.code).toBe(ExitCode.config);
    expect(result.stderr).toContain('size is not one of "small", "medium", "large" (got "huge")');
    expect(result.stderr).toContain('monthlyBudgetUsd must be greater than 0 (got -5)');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('gives the problems as JSON with --json', async () => {
    const result = await cli(['config', 'validate', '--json'], {
      files: { 'meet.config.json': communityConfig({ size: 'huge' }) },
    });
    expect(result.code).toBe(ExitCode.config);
    const body = JSON.parse(result.stdout) as { valid: boolean; problems: string[] };
    expect(body.valid).toBe(false);
    expect(body.problems[0]).toMatch(/^size /);
  });

  it('says how to create a config when there is none', async () => {
    const result = await cli(['config', 'validate']);
    expect(result.code).toBe(ExitCode.config);
    expect(result.stderr).toContain('no meet.config.json');
    expect(result.stderr).toContain('Copy meet.config.example.json to meet.config.json');
  });

  it('names a missing --config file', async () => {
    const result = await cli(['--config', 'other.json', 'config', 'validate']);
    expect(result.code).toBe(ExitCode.config);
    expect(result.stderr).toContain('/work/community/other.json does not exist');
  });

  it('prints the JSON Schema', async () => {
    const result = await cli(['config', 'schema']);
    expect(result.code).toBe(ExitCode.ok);
    expect(JSON.parse(result.stdout)).toMatchObject({ type: 'object', additionalProperties: false });
  });
});

describe('meetctl plan', () => {
  // One synthesis for the text and one for JSON.
  it('plans the shipped example offline when no config exists, fitted to 100 columns', async () => {
    const result = await cli(['plan']);
    expect(result.code).toBe(ExitCode.ok);
    expect(result.stderr).toContain('Using the example config');
    for (const heading of [
      'What will be created',
      'Public endpoints and ports',
      'Monthly cost',
      'Compared with the cost table of the original project requirements',
      'reproduced in docs/architecture.md',
      'Why they differ',
    ]) {
      expect(result.stdout).toContain(heading);
    }
    expect(result.stdout).toMatch(
      /https:\/\/meet\.example\.org \(DNS follows the task; the asleep page while stopped\)\n\s+Port: 443/,
    );
    expect(result.stdout).toMatch(/Port: 10000\n\s+Protocol: UDP/);
    // The example is in direct mode: no load balancer, and both modes side by side.
    expect(result.stdout).not.toContain('ElasticLoadBalancingV2::LoadBalancer');
    expect(result.stdout).toContain('Ingress modes side by side');
    expect(result.stdout).toContain('direct (configured)');
    expect(result.stdout).toContain('Network Load Balancer (TLS 443)');
    expect(result.stdout).toMatch(/Route 53 change INSYNC: 60 s/);
    expect(result.stdout).toContain('a model from the figures below until it is measured');
    expect(result.stdout).toMatch(
      /Automation and control plane +[\s\S]*CloudWatch::Alarm[\s\S]*Scheduler::ScheduleGroup[\s\S]*Budgets::Budget/,
    );
    expect(result.stdout).toMatch(
      /Automation \(idle alarm, runtime guard, schedules, alerts, budget\)\n\s+Billed: per month\n\s+USD: \$0\.0000/,
    );
    expect(result.stdout).not.toContain('\u001b['); // no colour when not a TTY
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines.filter((l) => [...l].length > 100)).toEqual([]);
    expect(lines.at(-1)).toContain('docs/deploy.md');
    expect(result.stdout).not.toContain('priced differently');
  });

  it('warns that another region is priced with us-west-2 prices, and refuses a region that is not one', async () => {
    const result = await cli(['plan', '--region', 'eu-central-1']);
    expect(result.stdout).toContain('these are us-west-2 prices; eu-central-1 may be priced differently');
    const mars = await cli(['plan', '--region', 'mars']);
    expect(mars.code).toBe(ExitCode.usage);
    expect(mars.stderr).toContain('not an AWS region code');
  });

  it('gives the same as data with --json', async () => {
    const result = await cli(['plan', '--json'], { files });
    expect(result.code).toBe(ExitCode.ok);
    expect(result.stderr).toBe('');
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({
      stackName: 'Meet-meet-ne3d-org',
      domain: 'meet.ne3d.org',
      exampleConfig: false,
      ingress: 'direct',
      resources: { removedWhenPoweredDown: 0 },
    });
    expect(report.modes.map((m: { ingress: string; resources: number }) => m.ingress)).toEqual(['direct', 'load-balancer']);
    expect(report.modes[1].resources).toBeGreaterThan(50);
    expect(report.cost.scenarios.map((s: { hours: number }) => s.hours)).toEqual([0, 10, 60, 120, 744]);
    expect(Object.keys(report.cost.scenarios[0].byTier)).toEqual(['stopped', 'powered-down']);
  });

  it('marks what power-down removes in load-balancer mode', async () => {
    const result = await cli(['plan', '--json'], {
      files: { 'meet.config.json': communityConfig({ ingress: 'load-balancer' }) },
    });
    // The load balancer, its two listeners and target groups (TLS 443, and 80 to web's redirect), the
    // service, the task definition and its roles, the host alias: the task role has no policy of its
    // own (the recorder writes the recordings).
    expect(JSON.parse(result.stdout)).toMatchObject({ ingress: 'load-balancer', resources: { removedWhenPoweredDown: 11 } });
  });
});

describe('meetctl deploy', () => {
  it('refuses the example config', async () => {
    const result = await cli(['deploy']);
    expect(result.code).toBe(ExitCode.config);
    expect(result.stderr).toContain('no meet.config.json');
    const explicit = await cli(['deploy', '--config', 'meet.config.example.json'], {
      files: {
        'meet.config.example.json': communityConfig({
          domain: 'meet.example.org',
          hostedZone: { id: 'Z0000', name: 'example.org' },
        }),
      },
    });
    expect(explicit.code).toBe(ExitCode.config);
    expect(explicit.stderr).toContain('refusing to deploy the example config');
    expect(explicit.cdkCalls).toHaveLength(0);
  });

  it('creates a new stack powered on with the pinned cdk and the chosen profile', async () => {
    const aws = fakeAws();
    const result = await cli(['deploy', '--profile', 'ne3d', '--yes'], { files, aws });
    expect(result.code).toBe(ExitCode.ok);
    expect(aws.targets).toEqual([{ region: 'us-west-2', profile: 'ne3d', domain: 'meet.ne3d.org' }]);
    expect(result.cdkCalls).toHaveLength(1);
    const call = result.cdkCalls[0];
    expect(call?.args).toEqual(
      expect.arrayContaining([
        'deploy',
        'Meet-meet-ne3d-org',
        '--parameters',
        'PowerState=on',
        '--require-approval',
        'never',
        '--profile',
        'ne3d',
      ]),
    );
    expect(call?.env).toMatchObject({ MEET_CONFIG: '/work/community/meet.config.json', MEET_REGION: 'us-west-2' });
    expect(result.stdout).toContain('Deployed Meet-meet-ne3d-org: https://meet.ne3d.org');
  });

  it('says when nobody can open a room yet: members-only meetings and no organizer in the user pool', async () => {
    const base = deployedStack('on');
    const stack = { ...base, outputs: { ...base.outputs, [OUTPUTS.userPool]: 'us-west-2_pool' } };
    const sim = new SimAws(new VirtualClock());
    const first = await cli(['deploy', '--yes'], { files, aws: fakeAws({ stack }), sim });
    expect(first.code).toBe(ExitCode.ok);
    expect(first.stdout).toContain('Nobody can open a room yet');
    expect(first.stdout).toContain('meetctl users add YOUR@EMAIL --organizer');
    sim.members.set('ana@ne3d.org', {
      email: 'ana@ne3d.org',
      status: 'CONFIRMED',
      enabled: true,
      groups: ['members', 'organizers'],
    });
    const later = await cli(['deploy', '--yes', '--json'], { files, aws: fakeAws({ stack }), sim });
    expect(JSON.parse(later.stdout)).toMatchObject({ deployed: true, organizers: 1 });
    const open = await cli(['deploy', '--yes'], {
      files: { 'meet.config.json': communityConfig({ auth: 'open' }) },
      aws: fakeAws({ stack }),
      sim,
    });
    expect(open.stdout).not.toContain('Nobody can open a room yet');
  });

  it('keeps the power state of an existing load-balancer stack', async () => {
    const lbFiles = { 'meet.config.json': communityConfig({ ingress: 'load-balancer' }) };
    const result = await cli(['deploy'], { files: lbFiles, aws: fakeAws({ stack: deployedStack('off') }) });
    expect(result.code).toBe(ExitCode.ok);
    expect(result.cdkCalls[0]?.args).toContain('PowerState=off');
    expect(result.cdkCalls[0]?.args).toContain('broadening');
  });

  it('switches a powered-down load-balancer stack to direct mode powered on, and says what changes', async () => {
    const result = await cli(['deploy'], { files, aws: fakeAws({ stack: deployedStack('off') }) });
    expect(result.code).toBe(ExitCode.ok);
    expect(result.cdkCalls[0]?.args).toContain('PowerState=on');
    expect(result.stderr).toContain('Switching ingress from load-balancer to direct');
    const dry = await cli(['deploy', '--dry-run', '--json'], { files, aws: fakeAws({ stack: deployedStack('on') }) });
    expect(JSON.parse(dry.stdout)).toMatchObject({ ingress: { from: 'load-balancer', to: 'direct' }, powerState: 'on' });
  });

  it('refuses --power off in direct mode, naming the mode and the way out', async () => {
    const result = await cli(['deploy', '--power', 'off'], { files, aws: fakeAws({}) });
    expect(result.code).toBe(ExitCode.usage);
    expect(result.stderr).toContain('--power off does not exist in the direct ingress mode');
    expect(result.stderr).toContain('"ingress": "load-balancer"');
    expect(result.cdkCalls).toHaveLength(0);
  });

  it('refuses --power that would change an existing stack', async () => {
    const result = await cli(['deploy', '--power', 'on'], { files, aws: fakeAws({ stack: deployedStack('off') }) });
    expect(result.code).toBe(ExitCode.usage);
    expect(result.cdkCalls).toHaveLength(0);
  });

  it('refuses while a task is running unless --force', async () => {
    const aws = fakeAws({ stack: deployedStack('on'), counts: { desired: 1, running: 1, pending: 0 } });
    const refused = await cli(['deploy'], { files, aws });
    expect(refused.code).toBe(ExitCode.failed);
    expect(refused.stderr).toContain('1 task(s) are running');
    expect(refused.stderr).toContain('--force');
    expect(refused.cdkCalls).toHaveLength(0);
    const forced = await cli(['deploy', '--force'], { files, aws });
    expect(forced.code).toBe(ExitCode.ok);
    expect(forced.cdkCalls).toHaveLength(1);
  });

  it('refuses while the stack is mid-update', async () => {
    const result = await cli(['deploy'], { files, aws: fakeAws({ stack: deployedStack('on', 'UPDATE_IN_PROGRESS') }) });
    expect(result.code).toBe(ExitCode.failed);
    expect(result.stderr).toContain('UPDATE_IN_PROGRESS');
  });

  it('refuses credentials of another account than the config names', async () => {
    const result = await cli(['deploy'], { files: { 'meet.config.json': communityConfig({ account: '999999999999' }) } });
    expect(result.code).toBe(ExitCode.config);
    expect(result.stderr).toContain('your credentials are for account 111122223333');
  });

  it('turns expired SSO credentials into one line with the login command (exit 253)', async () => {
    const expired = Object.assign(new Error('The SSO session associated with this profile has expired'), {
      name: 'CredentialsProviderError',
    });
    const result = await cli(['deploy', '--profile', 'ne3d'], { files, aws: fakeAws({ error: expired }) });
    expect(result.code).toBe(ExitCode.config);
    expect(result.stderr).toContain('Run: aws sso login --profile ne3d');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('reports AWS service errors with exit code 254', async () => {
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    const result = await cli(['deploy', '--json'], { files, aws: fakeAws({ error: throttled }) });
    expect(result.code).toBe(ExitCode.aws);
    expect(JSON.parse(result.stdout)).toEqual({
      error: expect.objectContaining({ exitCode: 254, message: expect.stringContaining('ThrottlingException') }),
    });
  });

  it('prints the plan and changes nothing with --dry-run', async () => {
    const result = await cli(['deploy', '--dry-run', '--json'], {
      files,
      aws: fakeAws({ stack: deployedStack('on'), counts: { desired: 0, running: 0, pending: 0 } }),
    });
    expect(result.code).toBe(ExitCode.ok);
    expect(result.cdkCalls).toHaveLength(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      stackName: 'Meet-meet-ne3d-org',
      exists: true,
      powerState: 'on',
      runningTasks: 0,
      deployed: false,
    });
  });

  it('fails with exit 1 when cdk deploy fails', async () => {
    const result = await cli(['deploy'], { files, cdkExit: 1 });
    expect(result.code).toBe(ExitCode.failed);
    expect(result.stderr).toContain('cdk deploy failed with exit code 1');
  });
});

describe('meetctl deploy and the control plane', () => {
  const files = { 'meet.config.json': communityConfig() };
  const withState = (counts: { desired: number; running: number; pending: number }) =>
    fakeAws({
      stack: { ...deployedStack('on'), outputs: { ...deployedStack('on').outputs, [OUTPUTS.stateTable]: 'meet-state' } },
      counts,
    });

  it('passes the live desired count, so CloudFormation never resets a running task to 0', async () => {
    const sim = new SimAws(new VirtualClock(), { desired: 1 });
    const result = await cli(['deploy', '--force'], { files, aws: withState({ desired: 1, running: 1, pending: 0 }), sim });
    expect(result.code).toBe(ExitCode.ok);
    expect(result.cdkCalls[0]?.args).toEqual(expect.arrayContaining(['--parameters', 'DesiredCount=1']));
    // The model of CloudFormation applies the template's count on update: with the live count the task is replaced, not stopped.
    await sim.deploy(1);
    await sim.clock.sleep(300_000);
    expect(sim.desired).toBe(1);
    expect(sim.liveTasks()).toBe(1);
    // With a constant 0, the same update would have stopped the meeting (aws/containers-roadmap #493).
    await sim.deploy(0);
    await sim.clock.sleep(300_000);
    expect(sim.liveTasks()).toBe(0);
  });

  it('takes the lock: a live holder makes it refuse before cdk runs', async () => {
    const sim = new SimAws(new VirtualClock());
    sim.state.hold('schedule:weekly', 'running: meetup');
    const result = await cli(['deploy'], { files, aws: withState({ desired: 0, running: 0, pending: 0 }), sim });
    expect(result.code).toBe(ExitCode.failed);
    expect(result.stderr).toContain('schedule:weekly holds the lock');
    expect(result.cdkCalls).toHaveLength(0);
  });

  it('holds the lock while cdk runs and releases it after', async () => {
    const sim = new SimAws(new VirtualClock());
    const result = await cli(['deploy'], { files, aws: withState({ desired: 0, running: 0, pending: 0 }), sim });
    expect(result.code).toBe(ExitCode.ok);
    expect(sim.state.grants).toEqual([expect.objectContaining({ owner: 'cli:ana@laptop', how: 'released' })]);
  });
});

describe('schedule windows are bounded', () => {
  it('rejects --window over 12 hours with exit 2', async () => {
    const result = await cli(['schedule', 'add', 'marathon', '--at', '2026-12-03T18:00', '--window', '721'], {
      files: { 'meet.config.json': communityConfig() },
    });
    expect(result.code).toBe(ExitCode.usage);
    expect(result.stderr).toContain('12 hours');
  });
});

describe('credentials', () => {
  it('a --profile that does not exist is named, with aws configure sso (not sso login), before any AWS call', async () => {
    const aws = fakeAws();
    const result = await cli(['deploy', '--profile', 'nosuch'], { files: { 'meet.config.json': communityConfig() }, aws });
    expect(result.code).toBe(ExitCode.config);
    expect(result.stderr).toContain('"nosuch" does not exist');
    expect(result.stderr).toContain('aws configure sso');
    expect(aws.targets).toEqual([]);
  });
});

describe('configs that are not what they seem', () => {
  const example = readFileSync(EXAMPLE_FILE, 'utf8');

  it('an unchanged copy of the example fails validation, naming each placeholder', async () => {
    const result = await cli(['config', 'validate'], { files: { 'meet.config.json': example } });
    expect(result.code).toBe(ExitCode.config);
    for (const field of ['domain is the example', 'hostedZone.id is the example', 'alertEmail is the example']) {
      expect(result.stderr).toContain(field);
    }
  });

  it('deploy refuses the example by its values, whatever the file is called', async () => {
    const aws = fakeAws();
    const result = await cli(['deploy'], { files: { 'meet.config.json': example }, aws });
    expect(result.code).toBe(ExitCode.config);
    expect(result.stderr).toContain('refusing to deploy the example config');
    expect(result.stderr).toContain('Z0000000000EXAMPLE0000');
    expect(result.cdkCalls).toEqual([]);
  });

  it.each([
    ['an empty file', '', 'the file is empty'],
    ['an array', '[]', 'holds an array, not an object'],
    ['a number', '42', 'holds a number, not an object'],
  ])('%s gets a hint that says what is wrong', async (_name, text, message) => {
    const result = await cli(['config', 'validate'], { files: { 'meet.config.json': text } });
    expect(result.code).toBe(ExitCode.config);
    expect(result.stderr).toContain(message);
    expect(result.stderr).toContain('Fix:');
  });

  it('a UTF-8 byte-order mark is accepted', async () => {
    const result = await cli(['config', 'validate'], { files: { 'meet.config.json': `\uFEFF${communityConfig()}` } });
    expect(result.code).toBe(ExitCode.ok);
  });

  it('a directory is named as one', async () => {
    const result = await cli(['config', 'validate', '--config', 'conf'], {
      files: { conf: '' },
      readError: Object.assign(new Error('EISDIR: illegal operation on a directory, read'), { code: 'EISDIR' }),
    });
    expect(result.code).toBe(ExitCode.config);
    expect(result.stderr).toContain('is a directory, not a file');
  });

  it('an endless or huge file (--config /dev/zero) is named as too large, not read until Node aborts', async () => {
    // The error the process's reader really throws on /dev/zero.
    const endless = (() => {
      try {
        readTextFile('/dev/zero');
      } catch (error) {
        return error as Error;
      }
      throw new Error('/dev/zero was read to its end');
    })();
    const result = await cli(['config', 'validate', '--config', 'zero'], { files: { zero: '' }, readError: endless });
    expect(result.code).toBe(ExitCode.config);
    expect(result.stderr).toContain(
      `zero is not valid:\n  - is larger than ${MAX_READ_BYTES} bytes, not a config of a few kB. Fix: point --config at the JSON config file`,
    );
  });
});

describe('what the README promises', () => {
  const files = { 'meet.config.json': communityConfig() };

  it('every --json failure prints an error object on stdout, usage errors included', async () => {
    for (const argv of [
      ['--json', 'nosuch'],
      ['--json', 'history', '--days', '-1'],
      ['plan', '--json', '--region', 'mars'],
    ]) {
      const result = await cli(argv, { files });
      expect(result.code, argv.join(' ')).toBe(ExitCode.usage);
      expect(JSON.parse(result.stdout), argv.join(' ')).toMatchObject({
        error: { exitCode: ExitCode.usage, message: expect.any(String) },
      });
    }
  });

  it('status exits 0 when the stack is not deployed, and says so', async () => {
    const sim = new SimAws(new VirtualClock());
    sim.deleted = true;
    const text = await cli(['status'], { files, sim });
    expect(text.code).toBe(ExitCode.ok);
    expect(text.stdout).toContain('ABSENT');
    const json = await cli(['status', '--json'], { files, sim });
    expect(JSON.parse(json.stdout)).toMatchObject({ phase: 'ABSENT', stack: null });
  });

  it('logs checks its arguments before any AWS call (exit 2), and labels times as UTC', async () => {
    const aws = fakeAws();
    const bad = await cli(['logs', '--since', '10x', '--profile', 'nosuch'], { files, aws });
    expect(bad.code).toBe(ExitCode.usage);
    expect((await cli(['logs', '--container', 'nginx'], { files })).code).toBe(ExitCode.usage);
    const sim = new SimAws(new VirtualClock());
    sim.logLines.push({ group: '/meet/web', at: sim.clock.now() - 1000, stream: 'web/web/1', message: 'hello' });
    const ok = await cli(['logs', '--container', 'web'], { files, sim });
    expect(ok.stdout).toMatch(/^\d\d:\d\d:\d\dZ web +hello/m);
    expect(ok.stderr).toContain('Times are UTC.');
  });
});
