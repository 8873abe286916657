import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/errors.js';
import { SimAws, VirtualClock } from '../../src/sim/simulated-aws.js';
import { cli, communityConfig } from '../support/cli.js';

const files = { 'meet.config.json': communityConfig() };

describe('meetctl schedule', () => {
  it('adds a one-off meetup that starts 15 minutes early and deletes itself after', async () => {
    const sim = new SimAws(new VirtualClock());
    const result = await cli(['schedule', 'add', 'rgc3-december', '--at', '2026-12-10T18:00', '--tz', 'America/Denver'], {
      files,
      sim,
    });
    expect(result.code).toBe(ExitCode.ok);
    expect(result.stdout).toContain('starts on 2026-12-10 at 17:45 (America/Denver)');
    expect(sim.schedules).toEqual([
      {
        group: 'Meet-meet-ne3d-org',
        schedule: expect.objectContaining({
          name: 'rgc3-december',
          expression: 'at(2026-12-10T17:45:00)',
          timeZone: 'America/Denver',
          leadMinutes: 15,
          windowMinutes: 120,
          oneOff: true,
        }),
        target: {
          functionArn: 'arn:aws:lambda:us-west-2:111122223333:function:meet-scheduled-start',
          roleArn: 'arn:aws:iam::111122223333:role/meet-scheduler',
        },
      },
    ]);
  });

  it('adds a recurring meetup with its own lead and window, and lists it', async () => {
    const sim = new SimAws(new VirtualClock());
    await cli(
      [
        'schedule',
        'add',
        'ne3d-weekly',
        '--cron',
        '0 19 ? * THU *',
        '--tz',
        'America/New_York',
        '--lead',
        '20',
        '--window',
        '90',
      ],
      { files, sim },
    );
    const list = await cli(['schedule', 'list'], { files, sim });
    expect(list.stdout).toMatch(/ne3d-weekly +by cron "40 18 \? \* THU \*" +America\/New_York +20 min +90 min +- +ENABLED/);
    const json = JSON.parse((await cli(['schedule', 'list', '--json'], { files, sim })).stdout);
    expect(json.schedules[0]).toMatchObject({ name: 'ne3d-weekly', oneOff: false });
    expect(json.schedules[0].record).toBeUndefined();
  });

  it('adds a recorded meetup with --record: the list says so and the schedule carries it', async () => {
    const sim = new SimAws(new VirtualClock());
    const add = await cli(['schedule', 'add', 'recorded', '--cron', '0 19 ? * THU *', '--record'], { files, sim });
    expect(add.code).toBe(ExitCode.ok);
    expect(sim.schedules[0]?.schedule).toMatchObject({ name: 'recorded', record: true });
    expect(sim.schedules[0]?.schedule.description).toContain('recorded');
    expect((await cli(['schedule', 'list'], { files, sim })).stdout).toMatch(/recorded +by cron .* +yes +ENABLED/);
  });

  it('removes a schedule, and says so when there is none', async () => {
    const sim = new SimAws(new VirtualClock());
    await cli(['schedule', 'add', 'x', '--cron', '0 19 ? * THU *'], { files, sim });
    expect((await cli(['schedule', 'remove', 'x'], { files, sim })).code).toBe(ExitCode.ok);
    expect(sim.schedules).toHaveLength(0);
    const again = await cli(['schedule', 'remove', 'x'], { files, sim });
    expect(again.code).toBe(ExitCode.failed);
    expect(again.stderr).toContain('there is no schedule named x');
  });

  it('refuses a duplicate name', async () => {
    const sim = new SimAws(new VirtualClock());
    await cli(['schedule', 'add', 'x', '--cron', '0 19 ? * THU *'], { files, sim });
    const dup = await cli(['schedule', 'add', 'x', '--cron', '0 20 ? * THU *'], { files, sim });
    expect(dup.code).toBe(ExitCode.failed);
    expect(dup.stderr).toContain('Remove it first: meetctl schedule remove x');
  });

  it('names the bad argument and the fix (exit 2)', async () => {
    const sim = new SimAws(new VirtualClock());
    const cases: Array<[string[], string]> = [
      [['schedule', 'add', 'x'], 'give exactly one of --at and --cron'],
      [['schedule', 'add', 'x', '--at', '2026-12-10T18:00', '--cron', '0 18 ? * WED *'], 'give exactly one of --at and --cron'],
      [['schedule', 'add', 'bad name!', '--at', '2026-12-10T18:00'], 'schedule name "bad name!" is not valid'],
      [['schedule', 'add', 'x', '--at', '2026-12-10 18:00'], 'is not a local date and time'],
      [['schedule', 'add', 'x', '--at', '2026-12-10T18:00', '--tz', 'Nowhere/City'], 'is not a time zone'],
      [['schedule', 'add', 'x', '--at', '2020-01-01T18:00'], 'is in the past'],
      [['schedule', 'add', 'x', '--cron', '0 18 * *'], 'EventBridge needs 6'],
    ];
    for (const [argv, message] of cases) {
      const result = await cli(argv, { files, sim });
      expect(result.code, argv.join(' ')).toBe(ExitCode.usage);
      expect(result.stderr, argv.join(' ')).toContain(message);
    }
    expect((await cli(['schedule', 'add', 'x', '--cron', '0 18 ? * WED *', '--lead', '-5'], { files, sim })).code).toBe(
      ExitCode.usage,
    );
    expect(sim.schedules).toHaveLength(0);
  });

  it('prints the schedule and creates nothing with --dry-run', async () => {
    const sim = new SimAws(new VirtualClock());
    const result = await cli(['schedule', 'add', 'x', '--cron', '0 18 ? * WED *', '--dry-run', '--json'], { files, sim });
    expect(JSON.parse(result.stdout)).toMatchObject({ dryRun: true, schedule: { expression: 'cron(45 17 ? * WED *)' } });
    expect(sim.schedules).toHaveLength(0);
  });
});
