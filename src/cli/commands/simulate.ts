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
  const world = simulation.world(config.stackName, config.domain, config.ingress);
  // As if they had joined a minute ago, so the sidecar's latest line already counts them.
  world.people.push({ from: ctx.deps.clock.now() - 60_000, count });
  if (ctx.options.json) ctx.out.json({ stackName: config.stackName, participants: count });
  else
    ctx.out.line(
      `${count} ${count === 1 ? 'person is' : 'people are'} in the simulated call from now on (reported by the stats sidecar while a task runs).`,
    );
  return ExitCode.ok;
}
