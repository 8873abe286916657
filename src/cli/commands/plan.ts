import { measuredStart } from '../../control/start-timings.js';
import { buildPlanReport } from '../../plan/report.js';
import { synthesizeTemplate } from '../../plan/synthesize.js';
import type { Context } from '../context.js';
import { renderPlan } from '../render-plan.js';
import { readTimingsFile, timingsPath } from './start-timing.js';

/** `meetctl plan`: synthesize offline and show resources, endpoints and monthly cost. */
export async function plan(ctx: Context): Promise<number> {
  const { config, file, isExample } = await ctx.loadConfig(true);
  if (isExample && !ctx.options.json) {
    ctx.out.note(
      `Using the example config ${file} (meet.example.org). Copy it to meet.config.json and edit it to plan your own.`,
    );
  }
  // The other ingress mode too, for the side-by-side comparison.
  const other = config.ingress === 'direct' ? 'load-balancer' : 'direct';
  // Starts recorded by `start --record-timings` for this deployment replace the model (docs/deploy.md).
  const timingsFile = timingsPath(ctx, file);
  const timings = readTimingsFile(ctx.deps, timingsFile);
  const start = timings ? measuredStart(timings, config) : undefined;
  if (timings && !start && !ctx.options.json) {
    ctx.out.note(
      `${timingsFile} has no start of this ingress, release, size and architecture (${config.ingress}, ${config.jitsiRelease}, ${config.size}, ${config.architecture}): the start time shown is the model.`,
    );
  }
  const report = buildPlanReport(
    config,
    synthesizeTemplate(config),
    synthesizeTemplate({ ...config, ingress: other }),
    start ? { file: timingsFile, start } : undefined,
  );
  if (ctx.options.json) ctx.out.json({ ...report, configFile: file, exampleConfig: isExample });
  else renderPlan(report, ctx.out);
  return 0;
}
