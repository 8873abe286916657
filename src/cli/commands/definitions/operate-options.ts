import { Option } from 'commander';
import type { Context } from '../../context.js';
import { MAX_REASON_LENGTH, reasonText } from '../../option-parsers.js';
import type { OperateOptions } from '../operate.js';

/** `--reason`, which start, stop, power-down and power-up write to the event log. */
export const reasonOption = () =>
  new Option('--reason <text>', `why, for the event log (one line, at most ${MAX_REASON_LENGTH} characters)`).argParser(
    reasonText,
  );

/** The handler of one of the power commands of commands/operate.ts, imported on use. */
export const operateHandler =
  (name: 'start' | 'stop' | 'powerDown' | 'powerUp' | 'destroy') =>
  async (context: Context, options: OperateOptions): Promise<number> =>
    (await import('../operate.js'))[name](context, options);
