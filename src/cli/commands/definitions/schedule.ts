import { type Command, Option } from 'commander';
import type { Wire } from '../../command-wiring.js';
import { MAX_WINDOW_MINUTES, nonNegativeInt, windowMinutes } from '../../option-parsers.js';
import type { ScheduleAddOptions } from '../schedule.js';

const schedule = () => import('../schedule.js');

export function register(program: Command, wire: Wire): void {
  const command = program.command('schedule').description('start the server before meetups (EventBridge Scheduler)');
  command
    .command('add')
    .description('add a one-off (--at) or recurring (--cron) meetup; the server starts --lead minutes early')
    .argument('<name>', 'schedule name, e.g. rgc3-december')
    .option(
      '--at <local-time>',
      'meetup start: "tomorrow 18:00", "thursday 18:00" (the next one), "today 18:00" or YYYY-MM-DDTHH:MM',
    )
    .option('--cron <expression>', 'meetup start as EventBridge cron (6 fields), e.g. "0 18 ? * WED *"')
    .option('--tz <zone>', 'IANA time zone of --at / --cron (default: "timeZone" in the config)')
    .addOption(new Option('--lead <minutes>', 'pre-warm: start this many minutes early').argParser(nonNegativeInt).default(15))
    .addOption(
      new Option('--window <minutes>', `meetup length, at most ${MAX_WINDOW_MINUTES}: no idle stop before it ends`)
        .argParser(windowMinutes)
        .default(120),
    )
    .option('--record', 'start the recorder too, once the meeting is READY (the runtime guard adds it within 5 minutes)')
    .action(
      wire(async (context, name: string, options: ScheduleAddOptions) => (await schedule()).scheduleAdd(context, name, options)),
    );
  command
    .command('list')
    .description('list the schedules')
    .action(wire(async (context) => (await schedule()).scheduleList(context)));
  command
    .command('remove')
    .description('remove a schedule')
    .argument('<name>', 'schedule name')
    .action(wire(async (context, name: string) => (await schedule()).scheduleRemove(context, name)));
}
