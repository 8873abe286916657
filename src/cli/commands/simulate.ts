import { jitsiRoomName } from '../../auth/room-name.js';
import { ExitCode, MeetError } from '../../errors.js';
import type { Context } from '../context.js';

function simulationOf(ctx: Context) {
  const simulation = ctx.deps.simulation;
  if (!simulation) {
    throw new MeetError(
      '`meetctl simulate` only works against the simulated AWS.',
      ExitCode.usage,
      'Run it as MEETCTL_SIMULATE=1 meetctl simulate … (see "Try it without an AWS account" in the README).',
    );
  }
  return simulation;
}

/** `meetctl simulate reset`: forget the simulated world of the config's stack. */
export async function simulateReset(ctx: Context): Promise<number> {
  const simulation = simulationOf(ctx);
  const { config } = await ctx.loadConfig(true);
  if (ctx.options.dryRun) {
    if (ctx.options.json) ctx.out.json({ dryRun: true, stackName: config.stackName, reset: false });
    else ctx.out.line(`Would forget the simulated ${config.stackName}; nothing was changed.`);
    return ExitCode.ok;
  }
  const existed = simulation.reset(config.stackName);
  if (ctx.options.json) ctx.out.json({ stackName: config.stackName, reset: existed });
  else
    ctx.out.line(
      existed
        ? `Forgot the simulated ${config.stackName}; the next command starts a fresh one (deployed, stopped, nobody in a call).`
        : `There was no simulated ${config.stackName} yet; the next command starts a fresh one.`,
    );
  return ExitCode.ok;
}

/** `meetctl simulate people N`: how many people the simulated meeting has from now on. */
export async function simulatePeople(ctx: Context, count: number): Promise<number> {
  const simulation = simulationOf(ctx);
  const { config } = await ctx.loadConfig(true);
  if (ctx.options.dryRun) {
    if (ctx.options.json) ctx.out.json({ dryRun: true, stackName: config.stackName, participants: count });
    else ctx.out.line(`Would put ${count} ${count === 1 ? 'person' : 'people'} in the simulated call; nothing was changed.`);
    return ExitCode.ok;
  }
  const world = simulation.world(config.stackName, config.domain, config.ingress, config.recording.enabled);
  const reportedAt = simulation.setPeople(world, count);
  if (ctx.options.json) {
    ctx.out.json({
      stackName: config.stackName,
      participants: count,
      reportedAt: reportedAt !== undefined ? new Date(reportedAt).toISOString() : null,
    });
  } else {
    const who = `${count} ${count === 1 ? 'person is' : 'people are'} in the simulated call`;
    ctx.out.line(
      reportedAt !== undefined
        ? `${who}; the stats sidecar counted them at ${new Date(reportedAt).toISOString().slice(11, 19)} UTC (simulated time moved on to its line).`
        : `${who} from now on; no task runs, so the stats sidecar counts them once the meeting is started.`,
    );
  }
  return ExitCode.ok;
}

/** `meetctl simulate recording [--room NAME] [--minutes N]`: a finished recording in the simulated bucket. */
export async function simulateRecording(ctx: Context, options: { room: string; minutes: number }): Promise<number> {
  const simulation = simulationOf(ctx);
  const roomName = jitsiRoomName(options.room);
  if (!roomName.ok) {
    throw new MeetError(
      `--room ${JSON.stringify(options.room)} cannot be used: ${roomName.why}.`,
      ExitCode.usage,
      'Give the room as people type it in Jitsi, e.g. --room weekly.',
    );
  }
  const room = roomName.room;
  const { config } = await ctx.loadConfig(true);
  if (ctx.options.dryRun) {
    if (ctx.options.json) ctx.out.json({ dryRun: true, stackName: config.stackName, room, minutes: options.minutes });
    else ctx.out.line(`Would put a ${options.minutes}-minute recording of room ${room} in the simulated bucket.`);
    return ExitCode.ok;
  }
  const world = simulation.world(config.stackName, config.domain, config.ingress, config.recording.enabled);
  const key = simulation.addRecording(world, room, options.minutes);
  if (ctx.options.json) ctx.out.json({ stackName: config.stackName, recording: key });
  else
    ctx.out.line(
      `A ${options.minutes}-minute recording of room ${room} is in the simulated recordings bucket, as the recorder uploads one: ${key}. See \`meetctl recordings list\`.`,
    );
  return ExitCode.ok;
}
