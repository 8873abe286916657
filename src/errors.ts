/**
 * Exit codes of `meetctl`, documented in docs/reference.md. They follow the AWS CLI's table, which users of an
 * AWS tool already know, plus 1 for "refused or failed" operations.
 */
export const ExitCode = {
  ok: 0,
  /** The operation ran and failed, or was refused because it would be unsafe (e.g. a meeting is live). */
  failed: 1,
  /** The command line was wrong: unknown command, option or argument. */
  usage: 2,
  /** Interrupted with Ctrl-C. */
  interrupted: 130,
  /** The configuration file or the credentials are missing or invalid. */
  config: 253,
  /** An AWS service returned an error. */
  aws: 254,
  /** Anything unexpected (a bug): the message says so. */
  unexpected: 255,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** An error meant for a person: what went wrong and how to fix it, with the exit code to use. */
export class MeetError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCodeValue,
    readonly hint?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'MeetError';
  }
}

/** Bad configuration: every entry names the field, the bad value and the fix. */
export class ConfigError extends MeetError {
  constructor(
    readonly file: string,
    readonly problems: readonly string[],
  ) {
    super(
      `${file} is not valid:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
      ExitCode.config,
      'Fix the fields above, then run `meetctl config validate` again. `meetctl config schema` prints the JSON Schema.',
    );
    this.name = 'ConfigError';
  }
}
