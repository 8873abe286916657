import { configJsonSchema } from '../../config/schema.js';
import { ConfigError, ExitCode } from '../../errors.js';
import type { Context } from '../context.js';

/** `meetctl config validate`: exit 0 when valid, 253 with every problem when not. */
export async function validateConfig(ctx: Context): Promise<number> {
  try {
    const { config, file, placeholders } = await ctx.loadConfig(false);
    // Valid JSON with valid fields, but still the example's values: it would deploy nowhere useful.
    if (placeholders.length > 0) throw new ConfigError(file, placeholders);
    if (ctx.options.json) ctx.out.json({ valid: true, file, config });
    else {
      ctx.out.line(
        `${file} is valid: ${config.domain} in ${config.region}, size ${config.size}, ${config.jitsiRelease}, stack ${config.stackName}.`,
      );
      // Asked for once here rather than assumed: local times are never read as UTC by default.
      if (!config.timeZone)
        ctx.out.note(
          'It has no "timeZone": `schedule add` will need --tz each time, and `report` shows this computer\'s time. Set it once, e.g. "timeZone": "Europe/Berlin".',
        );
    }
    return ExitCode.ok;
  } catch (error) {
    if (error instanceof ConfigError && ctx.options.json) {
      ctx.out.json({ valid: false, file: error.file, problems: error.problems });
      return ExitCode.config;
    }
    throw error;
  }
}

/** `meetctl config schema`: the JSON Schema of meet.config.json on stdout. */
export function printSchema(ctx: Context): number {
  ctx.out.json(configJsonSchema());
  return ExitCode.ok;
}
