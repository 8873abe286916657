import { z } from 'zod';
import type { Ingress, TaskSnapshot } from './snapshot.js';

/**
 * A start as it really went, phase by phase (seconds from the start request), and the file that keeps
 * the last starts so that `meetctl plan` can show them in place of the model (src/control/start-time.ts).
 * Pure: the CLI gathers the stamps and reads and writes the file.
 */

/**
 * The phases of a start, in the order they usually end in direct mode (src/control/start-time.ts). A
 * start's phases are shown in the order they really ended (a load-balancer start checks after health).
 */
export const START_PHASES = [
  'task placed',
  'DNS switched',
  'images pulled',
  'containers started',
  'checks',
  'INSYNC',
  'healthy',
  'READY',
] as const;

/** Phases listed in START_PHASES' order, in the order they ended (a stable sort: ties keep that order). */
const inOrderEnded = <P extends { readonly seconds: number }>(phases: P[]): P[] => phases.sort((a, b) => a.seconds - b.seconds);
export type StartPhaseName = (typeof START_PHASES)[number];

/** One phase: when it ended (seconds after the start request) and who says so. */
export interface MeasuredPhase {
  readonly name: StartPhaseName;
  readonly seconds: number;
  /** `aws`: a time stamp AWS gave; `observed`: the poll of the control plane that first saw it. */
  readonly by: 'aws' | 'observed';
}

/** What a start leaves behind to time it. Epoch milliseconds throughout. */
export interface StartStamps {
  /** The start request (ECS desired count 1 accepted). */
  readonly requestedAt: number;
  /** The started task, from DescribeTasks after READY. */
  readonly task?: Pick<TaskSnapshot, 'pullStartedAt' | 'pullStoppedAt' | 'startedAt'>;
  /** Direct mode: when Route 53 accepted the DNS function's change (GetChange SubmittedAt). */
  readonly dnsSubmittedAt?: number;
  /** Direct mode: the first poll of any step that saw the task's record INSYNC (the waits run in another order). */
  readonly inSyncSeenAt?: number;
  /** When each step of the start was seen done (the control plane's polls). */
  readonly stepsDoneAt: Readonly<Partial<Record<'wait-task-running' | 'check-endpoints' | 'wait-host-record', number>>>;
  readonly readyAt: number;
}

/** The phases a start's stamps show, in the order they ended; those without a stamp are left out. */
export function measuredPhases(s: StartStamps): MeasuredPhase[] {
  const at: Record<StartPhaseName, { ms: number | undefined; by: MeasuredPhase['by'] }> = {
    // The pull begins once Fargate has placed the task and attached its network interface.
    'task placed': { ms: s.task?.pullStartedAt, by: 'aws' },
    'images pulled': { ms: s.task?.pullStoppedAt, by: 'aws' },
    'containers started': { ms: s.task?.startedAt, by: 'aws' },
    'DNS switched': { ms: s.dnsSubmittedAt, by: 'aws' },
    healthy: { ms: s.stepsDoneAt['wait-task-running'], by: 'observed' },
    checks: { ms: s.stepsDoneAt['check-endpoints'], by: 'observed' },
    INSYNC: { ms: s.inSyncSeenAt ?? s.stepsDoneAt['wait-host-record'], by: 'observed' },
    READY: { ms: s.readyAt, by: 'observed' },
  };
  return inOrderEnded(
    START_PHASES.flatMap((name) => {
      const { ms, by } = at[name];
      return ms === undefined ? [] : [{ name, seconds: Math.max(0, Math.round((ms - s.requestedAt) / 1000)), by }];
    }),
  );
}

/** What a recorded start was: the deployment it ran on. A measurement only counts for the same one. */
export interface Deployment {
  readonly ingress: Ingress;
  readonly jitsiRelease: string;
  readonly size: string;
  readonly architecture: string;
}

/** The timings file: `schema` 1, the newest start last. */
export const TIMINGS_FILE_SCHEMA = 1;
/** Starts kept in the file; `plan` takes the median of the last MEDIAN_OF that match. */
export const KEPT_STARTS = 20;
export const MEDIAN_OF = 5;

const phaseSchema = z.object({
  name: z.enum(START_PHASES),
  seconds: z.number().int().nonnegative(),
  by: z.enum(['aws', 'observed']),
});
const startSchema = z.object({
  measuredAt: z.string().datetime(),
  ingress: z.enum(['direct', 'load-balancer']),
  jitsiRelease: z.string().min(1),
  size: z.string().min(1),
  architecture: z.string().min(1),
  region: z.string().min(1),
  phases: z.array(phaseSchema),
  readySeconds: z.number().int().nonnegative(),
});
const fileSchema = z.object({ schema: z.literal(TIMINGS_FILE_SCHEMA), starts: z.array(startSchema) });
export type RecordedStart = z.infer<typeof startSchema>;
export type TimingsFile = z.infer<typeof fileSchema>;

/** The file cannot be used: `field` names what is wrong (e.g. `starts[2].readySeconds`). */
export class TimingsFileError extends Error {
  constructor(
    message: string,
    readonly field: string,
  ) {
    super(message);
    this.name = 'TimingsFileError';
  }
}

/** Parse the file's text; throws TimingsFileError naming the first bad field. */
export function parseTimingsFile(text: string): TimingsFile {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new TimingsFileError(`it is not JSON (${(error as Error).message})`, '(the whole file)');
  }
  const parsed = fileSchema.safeParse(json);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  // Stryker disable next-line OptionalChaining: a parse that failed has a first issue
  const field = issue?.path.length
    ? issue.path
        .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
        .join('')
        .replace(/^\./, '')
    : '(the whole file)';
  // Stryker disable next-line OptionalChaining: a parse that failed has a first issue
  throw new TimingsFileError(issue?.message ?? 'invalid', field);
}

/** The file with one more start, the oldest dropped beyond KEPT_STARTS. */
export function withStart(file: TimingsFile | undefined, start: RecordedStart): TimingsFile {
  const starts = [...(file?.starts ?? []), start];
  return { schema: TIMINGS_FILE_SCHEMA, starts: starts.slice(-KEPT_STARTS) };
}

/** The median of a non-empty list (the lower middle of an even count: a measured second, never a mean). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)] as number;
}

/** What `plan` shows in place of the model: the median of the last starts that match the deployment. */
export interface MeasuredStart {
  readonly seconds: number;
  readonly range: [number, number];
  readonly phases: ReadonlyArray<{ readonly name: StartPhaseName; readonly seconds: number }>;
  readonly starts: number;
  readonly lastMeasuredAt: string;
}

const matches = (s: RecordedStart, d: Deployment) =>
  s.ingress === d.ingress && s.jitsiRelease === d.jitsiRelease && s.size === d.size && s.architecture === d.architecture;

/** The measured start of `deployment`, or undefined when no recorded start matches it. */
export function measuredStart(file: TimingsFile, deployment: Deployment): MeasuredStart | undefined {
  const last = file.starts.filter((s) => matches(s, deployment)).slice(-MEDIAN_OF);
  if (last.length === 0) return undefined;
  const ready = last.map((s) => s.readySeconds);
  const phases = inOrderEnded(
    START_PHASES.flatMap((name) => {
      const seen = last.flatMap((s) => s.phases.filter((p) => p.name === name).map((p) => p.seconds));
      return seen.length > 0 ? [{ name, seconds: median(seen) }] : [];
    }),
  );
  return {
    seconds: median(ready),
    range: [Math.min(...ready), Math.max(...ready)],
    phases,
    starts: last.length,
    lastMeasuredAt: (last.at(-1) as RecordedStart).measuredAt,
  };
}
