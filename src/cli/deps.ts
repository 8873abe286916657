import type { AwsPorts, AwsTarget, CdkRunner } from '../aws/ports.js';
import type { Clock, ControlPorts } from '../control/ports.js';
import type { Writer } from './output.js';

export type { CdkRunner } from '../aws/ports.js';

/** Everything a command touches outside itself, injected so tests can drive `run(argv, deps)`. */
export interface Deps {
  readonly stdout: Writer;
  readonly stderr: Writer;
  /** Whether stdout is a terminal (colour, table widths). */
  readonly isTTY: boolean;
  /** Whether stderr is a terminal: progress goes there, live on a terminal (default: isTTY). */
  readonly stderrIsTTY?: boolean;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  /** Root of the installed meetctl package (the cdk app and its lock file live there). */
  readonly packageRoot: string;
  readonly readFile: (file: string) => string;
  readonly fileExists: (file: string) => boolean;
  /** Write a text file (`start --record-timings`). */
  readonly writeFile: (file: string, text: string) => void;
  /**
   * Why `file` could not be written (an error code such as EACCES), checked before a change whose
   * result goes there; undefined when it can. Writes nothing that stays.
   */
  readonly writeProblem: (file: string) => string | undefined;
  /** AWS ports for a region and profile; created only by commands that call AWS. */
  readonly aws: (target: AwsTarget) => AwsPorts;
  readonly runCdk: CdkRunner;
  /** Absolute path of the example config shipped with the package. */
  readonly exampleConfigPath: string;
  /** Command that runs the CDK app (for `cdk --app`). */
  readonly cdkAppCommand: string;
  /** Control-plane ports for one stack; created only by the operations commands. */
  readonly controlPorts: (target: AwsTarget & { readonly stackName: string }) => ControlPorts;
  readonly clock: Clock;
  /** Who runs the command, for the lock and the event log, e.g. `cli:ana@laptop`. */
  readonly actor: string;
  /** Ask a question on the terminal; undefined when there is no terminal to ask on. */
  readonly prompt?: (question: string) => Promise<string>;
  /** True once the user pressed Ctrl-C (ends --watch and --follow). */
  readonly interrupted: () => boolean;
  /**
   * Wait in real time between refreshes of an interactive loop (`status --watch`, `logs --follow`);
   * resolves early on Ctrl-C. Under a simulation the simulated clock moves on by the same time.
   */
  readonly pause: (ms: number) => Promise<void>;
  /** Refuse an AWS profile that does not exist, before any call (MeetError). */
  readonly checkProfile: (profile: string | undefined) => Promise<void>;
  /** Set when the commands run against the simulated AWS (MEETCTL_SIMULATE=1). */
  readonly simulation?: import('../sim/simulation.js').Simulation;
}
