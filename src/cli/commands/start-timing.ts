import * as path from 'node:path';
import type { ProgressEvent } from '../../control/execute.js';
import type { Snapshot } from '../../control/snapshot.js';
import {
  type MeasuredPhase,
  measuredPhases,
  parseTimingsFile,
  type StartStamps,
  type TimingsFile,
  TimingsFileError,
  withStart,
} from '../../control/start-timings.js';
import type { TransitionOutcome } from '../../control/transition.js';
import { ExitCode, MeetError } from '../../errors.js';
import type { Context } from '../context.js';
import type { Deps } from '../deps.js';
import type { Output } from '../output.js';
import type { Session } from '../session.js';

/** Where `start --record-timings` writes and `plan` reads, next to the config file, unless named. */
export const DEFAULT_TIMINGS_FILE = 'meetctl.start-timings.json';

/**
 * The timings file's path: `named` (relative to the working folder), else next to the config file.
 * Under MEETCTL_SIMULATE=1 the default is the simulation's own file instead: simulated starts take the
 * model's times, and must never show as measured in a real `plan` or on the organizer page.
 */
export function timingsPath(ctx: Context, configFile: string, named?: string): string {
  if (named) return path.resolve(ctx.deps.cwd, named);
  return ctx.deps.simulation?.ownFile(DEFAULT_TIMINGS_FILE) ?? path.join(path.dirname(configFile), DEFAULT_TIMINGS_FILE);
}

/**
 * Read and check the timings file; undefined when it does not exist; exit 253 naming the field when it
 * is bad. `plan`, `start --record-timings`, `deploy` and the CDK app (bin/app.ts, with Node's files) read it.
 */
export function readTimingsFile(files: Pick<Deps, 'fileExists' | 'readFile'>, file: string): TimingsFile | undefined {
  if (!files.fileExists(file)) return undefined;
  try {
    return parseTimingsFile(files.readFile(file));
  } catch (error) {
    const field = error instanceof TimingsFileError ? error.field : '(the whole file)';
    throw new MeetError(
      `the start timings file ${file} cannot be used: ${field}: ${(error as Error).message}.`,
      ExitCode.config,
      `Fix ${field} in ${file}, or delete the file: the next \`meetctl start --record-timings\` writes a new one (docs/deploy.md, "Measured start times").`,
    );
  }
}

/**
 * Watches a start's progress and, once it is READY, reads the AWS-side time stamps (DescribeTasks,
 * the Route 53 change) to time each phase.
 */
export function startTiming(session: Session) {
  const doneAt = new Map<number, number>();
  let inSyncSeenAt: number | undefined;
  let phases: MeasuredPhase[] | undefined;
  return {
    /** Each snapshot a wait took: the first that shows the task's record INSYNC times that phase. */
    observe: (snapshot: Snapshot, at: number): void => {
      if (inSyncSeenAt === undefined && snapshot.taskDns?.ip && snapshot.taskDns.inSync) inSyncSeenAt = at;
    },
    watch:
      (handle: (event: ProgressEvent) => void) =>
      (event: ProgressEvent): void => {
        if (event.type === 'done') doneAt.set(event.index, session.clock.now());
        handle(event);
      },
    /** The phases of a start that reached READY; undefined for a no-op or a failed start. */
    async finish(outcome: TransitionOutcome): Promise<MeasuredPhase[] | undefined> {
      if (outcome.to !== 'READY' || outcome.outcome !== 'done') return undefined;
      const at = (kind: string) => {
        const i = outcome.steps.findIndex((s) => s.kind === kind);
        return i >= 0 ? doneAt.get(i + 1) : undefined;
      };
      const requestedAt = outcome.steps.findIndex((s) => s.kind === 'set-desired' && s.count === 1);
      const requested = requestedAt >= 0 ? doneAt.get(requestedAt + 1) : undefined;
      if (requested === undefined) return undefined;
      const snapshot = await session.snapshot().catch(() => undefined);
      const task = snapshot?.tasks.find((t) => t.lastStatus === 'RUNNING' && t.desiredStatus !== 'STOPPED');
      const stamps: StartStamps = {
        requestedAt: requested,
        ...(task ? { task } : {}),
        ...(snapshot?.taskDns?.changeSubmittedAt ? { dnsSubmittedAt: snapshot.taskDns.changeSubmittedAt } : {}),
        ...(inSyncSeenAt !== undefined ? { inSyncSeenAt } : {}),
        stepsDoneAt: Object.fromEntries(
          (['wait-task-running', 'check-endpoints', 'wait-host-record'] as const).flatMap((k) => {
            const ms = at(k);
            return ms === undefined ? [] : [[k, ms]];
          }),
        ),
        readyAt: Math.max(...doneAt.values()),
      };
      phases = measuredPhases(stamps);
      return phases;
    },
    get phases() {
      return phases;
    },
  };
}
export type StartTiming = ReturnType<typeof startTiming>;

/** The phases, one line each, after READY. */
export function renderPhases(out: Output, phases: readonly MeasuredPhase[]): void {
  out.line('Phases (seconds after the start request; aws = AWS time stamp, observed = first poll that saw it):');
  for (const p of phases) out.line(`  ${p.name.padEnd(19)} ${String(p.seconds).padStart(4)} s  ${p.by}`);
}

/**
 * Before a start with `--record-timings`: the file it will write, read and checked now (a bad file is
 * exit 253 before anything changes), in a folder that exists and can be written (else exit 2, naming
 * the argument): a start must not reach READY only to fail writing its times.
 */
export function timingsFileBeforeStart(
  ctx: Context,
  configFile: string,
  named: string | undefined,
): { readonly file: string; readonly planReads: string } {
  const file = timingsPath(ctx, configFile, named);
  // Only a named file can be in a missing folder: the default one is next to the config, or the simulation's own.
  if (named && !ctx.deps.fileExists(path.dirname(file))) {
    throw new MeetError(
      `--record-timings: the folder of ${file} does not exist`,
      ExitCode.usage,
      'name a file in a folder that exists, or leave FILE out to write next to the config',
    );
  }
  readTimingsFile(ctx.deps, file);
  const problem = ctx.deps.writeProblem(file);
  if (problem) {
    throw new MeetError(
      `--record-timings: ${file} cannot be written (${problem}); nothing was started`,
      ExitCode.usage,
      'name a file in a folder you can write to (--record-timings FILE), or start without --record-timings',
    );
  }
  return { file, planReads: timingsPath(ctx, configFile) };
}

/** `start --record-timings`: add this start to the file that `plan` reads. */
export function recordTimings(
  session: Session,
  { file, planReads }: { readonly file: string; readonly planReads: string },
  phases: MeasuredPhase[] | undefined,
): void {
  const { ctx, config } = session;
  if (!phases) {
    if (!ctx.options.json) ctx.out.note(`No start timed (the meeting was already READY): nothing written to ${file}.`);
    return;
  }
  const ready = phases.find((p) => p.name === 'READY');
  const updated = withStart(readTimingsFile(ctx.deps, file), {
    measuredAt: new Date(session.clock.now()).toISOString(),
    ingress: config.ingress,
    jitsiRelease: config.jitsiRelease,
    size: config.size,
    architecture: config.architecture,
    region: config.region,
    phases: phases.map((p) => ({ name: p.name, seconds: p.seconds, by: p.by })),
    readySeconds: ready?.seconds ?? 0,
  });
  try {
    ctx.deps.writeFile(file, `${JSON.stringify(updated, null, 2)}\n`);
  } catch (error) {
    throw new MeetError(
      `the meeting is READY, but this start's times could not be written to ${file} (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
      ExitCode.failed,
      "free the disk or fix the file's permissions; the next `meetctl start --record-timings` records again",
    );
  }
  if (ctx.options.json) return;
  ctx.out.note(
    file === planReads
      ? `Recorded this start in ${file}; \`meetctl plan\` shows the median of the last starts.`
      : `Recorded this start in ${file}. \`meetctl plan\` reads only ${planReads}: copy the file there to have it show the measured start.`,
  );
}
