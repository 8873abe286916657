import type { Command } from 'commander';
import type { Context } from './context.js';

/**
 * Turns a command's handler into a commander action. The handler gets this invocation's Context (the
 * global options included) first, then the command's arguments and options in commander's order; what
 * it returns is the exit code of `run`. Errors it throws go to `run`'s error handling.
 */
export type Wire = <Args extends unknown[]>(
  handler: (context: Context, ...argumentsAndOptions: Args) => Promise<number> | number,
) => (...action: [...Args, Command]) => Promise<void>;

/**
 * A command definition: adds one top-level command (with its subcommands, arguments, options and help)
 * to the program. Its handler module is imported inside the action, so `--help` loads no command code.
 */
export type RegisterCommand = (program: Command, wire: Wire) => void;
