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
    expect(result.stdout).toContain(
      'Scheduled rgc3-december: the meetup is Thu 2026-12-10 18:00 -07:00 (America/Denver); the server starts on 2026-12-10 at 17:45, 15 min before.',
    );
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
    const sim = new SimAws(new VirtualClock(), { recorder: true });
    const files = { 'meet.config.json': communityConfig({ recording: { enabled: true } }) };
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
      [['schedule', 'add', 'x', '--at', '12/10/2026 18:00'], 'is not a date and time meetctl reads'],
      [['schedule', 'add', 'x', '--at', 'someday 18:00'], 'is not a date and time meetctl reads'],
      [['schedule', 'add', 'x', '--at', 'tomorrow 25:00'], 'is not a real time'],
      [['schedule', 'add', 'x', '--at', ''], "option '--at <local-time>' was given an empty value"],
      [['schedule', 'remove', ''], 'schedule name "" is not valid'],
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

describe('meetctl schedule: time zones and local times', () => {
  // The virtual clock stands at Thu 2026-12-03 17:45 UTC (18:45 in Berlin).
  const berlin = ['--tz', 'Europe/Berlin'];
  const add = async (argv: string[], options: { files?: Record<string, string> } = {}) => {
    const sim = new SimAws(new VirtualClock());
    const result = await cli(['schedule', 'add', 'm', ...argv, '--json'], { files: options.files ?? files, sim });
    return { result, created: sim.schedules.map((s) => s.schedule) };
  };

  it('reads --at in the config\'s "timeZone" when --tz is not given', async () => {
    const { result, created } = await add(['--at', '2026-12-10T18:00']);
    expect(result.code).toBe(ExitCode.ok);
    expect(created[0]).toMatchObject({ timeZone: 'America/Los_Angeles', expression: 'at(2026-12-10T17:45:00)' });
    expect(JSON.parse(result.stdout).meetupAt).toBe('2026-12-11T02:00:00.000Z');
  });

  it('never assumes UTC: with no --tz and no "timeZone" it says where to set one (exit 2)', async () => {
    const config = JSON.parse(communityConfig()) as Record<string, unknown>;
    delete config.timeZone;
    const { result, created } = await add(['--at', '2026-12-10T18:00'], {
      files: { 'meet.config.json': JSON.stringify(config) },
    });
    expect(result.code).toBe(ExitCode.usage);
    expect(JSON.parse(result.stdout).error.message).toContain('neither --tz nor "timeZone" in meet.config.json');
    expect(created).toEqual([]);
  });

  it('accepts today, tomorrow and a weekday, on the wall clock of the zone', async () => {
    expect((await add(['--at', 'tomorrow 18:00', ...berlin])).created[0]?.expression).toBe('at(2026-12-04T17:45:00)');
    // Thursday in Berlin already: "thursday" is the next one.
    expect((await add(['--at', 'thursday 18:00', ...berlin])).created[0]?.expression).toBe('at(2026-12-10T17:45:00)');
    expect((await add(['--at', 'Sat 9:30', ...berlin])).created[0]?.expression).toBe('at(2026-12-05T09:15:00)');
    expect((await add(['--at', 'today 20:00', ...berlin])).created[0]?.expression).toBe('at(2026-12-03T19:45:00)');
    // 19:00 minus the lead is 18:45, which is now: the past.
    expect((await add(['--at', 'today 19:00', ...berlin])).result.code).toBe(ExitCode.usage);
    // In Los Angeles it is still 09:45 on Thursday.
    expect((await add(['--at', 'today 10:30'])).created[0]?.expression).toBe('at(2026-12-03T10:15:00)');
  });

  it('refuses a time the clocks jump over, offering the nearest times that exist', async () => {
    const gap = await add(['--at', '2027-03-28T02:30', ...berlin]);
    expect(gap.result.code).toBe(ExitCode.usage);
    const error = JSON.parse(gap.result.stdout).error;
    expect(error.message).toContain('does not exist in Europe/Berlin');
    expect(error.hint).toContain('2027-03-28 01:59 and 2027-03-28 03:00');
    const ny = await add(['--at', '2027-03-14T02:30', '--tz', 'America/New_York']);
    expect(JSON.parse(ny.result.stdout).error.hint).toContain('2027-03-14 01:59 and 2027-03-14 03:00');
  });

  it('subtracts the lead on the real timeline: 03:10 the night the clocks go forward starts at 01:55, and says why', async () => {
    const { result, created } = await add(['--at', '2027-03-28T03:10', ...berlin]);
    expect(created[0]).toMatchObject({ expression: 'at(2027-03-28T01:55:00)', timeZone: 'Europe/Berlin' });
    expect(JSON.parse(result.stdout).notes[0]).toContain('The clocks change between the start and the meetup');
  });

  it('takes the first of two equal wall times and says how to ask for the second; a start that happens twice is written in UTC', async () => {
    const first = await add(['--at', '2027-10-31T02:30', ...berlin]);
    const body = JSON.parse(first.result.stdout);
    expect(body.meetupAt).toBe('2027-10-31T00:30:00.000Z');
    expect(body.notes[0]).toContain('happens twice in Europe/Berlin');
    expect(body.notes[0]).toContain('--at 2027-10-31T02:30+01:00');
    expect(first.created[0]).toMatchObject({ expression: 'at(2027-10-31T00:15:00)', timeZone: 'UTC' });
    const second = await add(['--at', '2027-10-31T02:30+01:00', ...berlin]);
    expect(JSON.parse(second.result.stdout).meetupAt).toBe('2027-10-31T01:30:00.000Z');
    const wrong = await add(['--at', '2027-10-31T02:30+05:00', ...berlin]);
    expect(JSON.parse(wrong.result.stdout).error.message).toContain('is at +02:00 or +01:00, not +05:00');
    const ny = await add(['--at', '2027-11-07T01:30', '--tz', 'America/New_York', '--lead', '0']);
    expect(JSON.parse(ny.result.stdout).meetupAt).toBe('2027-11-07T05:30:00.000Z');
  });

  it('refuses a weekly meetup whose start the clocks would skip, naming the leads that work', async () => {
    const { result, created } = await add(['--cron', '10 3 ? * SUN *', ...berlin]);
    expect(result.code).toBe(ExitCode.usage);
    const error = JSON.parse(result.stdout).error;
    expect(error.message).toContain('on Sun 2027-03-28 the server start 02:55 does not exist in Europe/Berlin');
    expect(error.hint).toContain('01:59 (--lead 71) and 03:00 (--lead 10)');
    expect(created).toEqual([]);
    expect((await add(['--cron', '10 3 ? * SUN *', ...berlin, '--lead', '10'])).result.code).toBe(ExitCode.ok);
    // Wednesday evenings never meet a clock change.
    expect(JSON.parse((await add(['--cron', '0 18 ? * WED *', ...berlin])).result.stdout).notes).toEqual([]);
  });

  it('refuses --record where there is no recorder', async () => {
    const { result, created } = await add(['--at', 'tomorrow 18:00', '--record']);
    expect(result.code).toBe(ExitCode.usage);
    expect(JSON.parse(result.stdout).error.message).toContain('--record: this deployment has no recorder');
    expect(created).toEqual([]);
  });

  it('spells the zone as IANA does', async () => {
    expect((await add(['--at', 'tomorrow 18:00', '--tz', 'europe/berlin'])).created[0]?.timeZone).toBe('Europe/Berlin');
  });
});
