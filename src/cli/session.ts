import { loginHint, toMeetError } from '../aws/errors.js';
import type { MeetConfig } from '../config/schema.js';
import { type ProgressEvent, type Runtime, StepFailure } from '../control/execute.js';
import { observe } from '../control/observe.js';
import { PlanError } from '../control/plan.js';
import type { ControlPorts } from '../control/ports.js';
import type { Snapshot } from '../control/snapshot.js';
import { RefusedError } from '../control/transition.js';
import { ExitCode, MeetError } from '../errors.js';
import type { Context } from './context.js';
import { clockTime, liveProgress, plainProgress } from './progress.js';

/** Seconds between polls while waiting on AWS. */
export const POLL_SECONDS = 5;

/** Everything an operations command needs: config, ports, clock and error mapping. */
export class Session {
  readonly ports: ControlPorts;

  constructor(
    readonly ctx: Context,
    readonly config: MeetConfig,
    /** The config file the session was opened with. */
    readonly configFile: string,
  ) {
    const profile = ctx.profile;
    this.ports = ctx.deps.controlPorts({
      region: config.region,
      stackName: config.stackName,
      domain: config.domain,
      ingress: config.ingress,
      recorder: config.recording.enabled,
      ...(profile ? { profile } : {}),
    });
  }

  get clock() {
    return this.ctx.deps.clock;
  }

  /** Run `fn`, turning AWS, plan and lock errors into MeetErrors with the right exit code and hint. */
  async guard<T>(doing: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      if (error instanceof MeetError) throw error;
      if (error instanceof PlanError || error instanceof RefusedError)
        throw new MeetError(error.message, ExitCode.failed, error.hint, { cause: error });
      if (error instanceof StepFailure && error.kind === 'credentials')
        throw new MeetError(error.message, ExitCode.config, loginHint(this.ctx.profile), { cause: error });
      throw toMeetError(error, this.ctx.profile, doing);
    }
  }

  /** The snapshot, or a MeetError when the stack is not deployed. */
  async snapshot(options: { endpoints?: boolean; participants?: boolean; certificate?: boolean } = {}): Promise<Snapshot> {
    const snapshot = await this.guard('reading the platform state', () =>
      observe(this.ports, { host: this.config.domain, now: this.clock.now(), ...options }),
    );
    if (!snapshot) {
      throw new MeetError(
        `stack ${this.config.stackName} does not exist in ${this.config.region}.`,
        ExitCode.failed,
        'Run `meetctl deploy` first (or check --region / --profile).',
      );
    }
    return snapshot;
  }

  runtime(onProgress: (event: ProgressEvent) => void, onSnapshot?: Runtime['onSnapshot']): Runtime {
    return {
      ports: this.ports,
      clock: this.clock,
      host: this.config.domain,
      pollMs: POLL_SECONDS * 1000,
      onProgress,
      ...(onSnapshot ? { onSnapshot } : {}),
      // The first Ctrl-C cancels: a start stops what it started, the lock is released, the event logged.
      cancelled: () => this.ctx.deps.interrupted(),
    };
  }

  /**
   * Progress on stderr: one live line on a terminal (spinner, elapsed time, step deadline), plain
   * lines otherwise, nothing with --json. Call `close` when the operation ends.
   */
  async progress(): Promise<{ handle: (event: ProgressEvent) => void; close: () => void }> {
    const { ctx } = this;
    if (ctx.options.json) return { handle: () => {}, close: () => {} };
    const columns = (ctx.deps.stderr as { columns?: number }).columns ?? 0;
    // Progress is written to stderr, so it is live when stderr is a terminal, even with stdout piped
    // (`meetctl start | tee start.log`). A terminal that reports no width (some CI wrappers) gets
    // plain lines: a live line needs to know where it ends.
    // CI set, or TERM=dumb: plain lines, as ora and most terminal tools do.
    const terminal = ctx.deps.stderrIsTTY ?? ctx.deps.isTTY;
    const live = terminal && ctx.deps.env.CI === undefined && ctx.deps.env.TERM !== 'dumb';
    if (live && columns > 20) return liveProgress(ctx.deps.stderr, () => Date.now());
    return { handle: plainProgress(ctx.out), close: () => {} };
  }
}

export { clockTime };

/** Open a session: load the (non-example) config and build the ports. */
export async function openSession(ctx: Context): Promise<Session> {
  // The simulated AWS (MEETCTL_SIMULATE=1) accepts the example config: nothing real is touched.
  const { config, file, isExample } = await ctx.loadConfig(Boolean(ctx.deps.simulation));
  if (!ctx.deps.simulation) await ctx.deps.checkProfile(ctx.profile);
  if (isExample && !ctx.deps.simulation) {
    throw new MeetError(
      `the example config ${file} describes no real deployment.`,
      ExitCode.config,
      'Create meet.config.json for your deployment (see docs/deploy.md).',
    );
  }
  return new Session(ctx, config, file);
}
