import { ALERT_BEFORE_DAYS } from '../../certs/certificate.js';
import { logGroupsFrom } from '../../control/observe.js';
import { OUTPUT_NAMES } from '../../control/outputs.js';
import { type Phase, phase, stackBroken, stackBusy } from '../../control/phase.js';
import type { TransitionEvent } from '../../control/ports.js';
import {
  type CheckResult,
  type Ingress,
  isLive,
  liveRecorderTask,
  type RecorderState,
  recorderPending,
  recorderState,
  type Snapshot,
} from '../../control/snapshot.js';
import { estimateForConfig } from '../../cost/model.js';
import { liveSince, type MonthToDate, monthStart, monthToDate } from '../../cost/month-to-date.js';
import { ExitCode, MeetError } from '../../errors.js';
import { type PendingRecording, RECORDER_CONTAINERS } from '../../recording/recorder.js';
import type { Context } from '../context.js';
import { MAX_DAYS_BACK } from '../option-parsers.js';
import { table, usd } from '../output.js';
import { openSession, type Session } from '../session.js';

/** What `status --json` prints. Documented in docs/reference.md. */
export interface StatusJson {
  readonly phase: Phase;
  readonly url: string;
  readonly stack: { readonly name: string; readonly status: string; readonly powerState: string };
  readonly service?: { readonly desired: number; readonly running: number; readonly pending: number };
  readonly tasks: ReadonlyArray<{
    readonly id: string;
    readonly lastStatus: string;
    readonly health: string;
    readonly startedAt?: string;
    readonly stoppedReason?: string;
    readonly containers: ReadonlyArray<{ readonly name: string; readonly lastStatus: string; readonly health: string }>;
  }>;
  /** direct or load-balancer. */
  readonly ingress: Ingress;
  /** The load balancer's web target states (media never goes through it); empty in direct mode. */
  readonly targets: { readonly web: readonly string[] };
  /** Direct mode, while a task runs: where the meeting host points and whether Route 53 has it everywhere. */
  readonly hostRecord?: { readonly ip: string | null; readonly inSync: boolean };
  readonly endpoints?: readonly CheckResult[];
  readonly participants: number | null;
  readonly lock: {
    readonly owner: string;
    readonly reason: string;
    /** When the holder took it, on the holder's clock. */
    readonly since: string;
    /** When the holder last proved it is alive, on the holder's clock. */
    readonly heartbeatAt: string;
    readonly leaseSeconds: number;
  } | null;
  readonly monthToDate: MonthToDate & { readonly budgetUsd: number };
  /** Server-side recording, when the stack has a recorder. */
  readonly recorder?: {
    readonly state: RecorderState;
    readonly desiredCapacity: number;
    readonly instances: number;
    readonly task: { readonly id: string; readonly lastStatus: string } | null;
    /** Recordings on the recorder that S3 has not confirmed: the recorder is kept until they are uploaded. */
    readonly pending: readonly PendingRecording[];
  };
}

async function monthFor(
  session: Session,
  snapshot: Snapshot,
  estimate = estimateForConfig(session.config),
): Promise<MonthToDate> {
  const now = session.clock.now();
  const events = await session.guard('reading the event log', () => session.ports.state.events(monthStart(now)));
  return monthToDate(events, { phase: phase(snapshot), ...liveSince(snapshot) }, now, estimate);
}

async function statusJson(session: Session): Promise<{ json: StatusJson; snapshot: Snapshot }> {
  const snapshot = await session.snapshot({ endpoints: true, participants: true });
  const month = await monthFor(session, snapshot);
  const json: StatusJson = {
    phase: phase(snapshot),
    url: `https://${session.config.domain}`,
    stack: { name: snapshot.stack.name, status: snapshot.stack.status, powerState: snapshot.stack.powerState },
    ...(snapshot.service ? { service: snapshot.service } : {}),
    tasks: snapshot.tasks
      .filter((t) => isLive(t) || snapshot.at - (t.stoppedAt ?? 0) < 3_600_000)
      .map((t) => ({
        id: t.arn.split('/').pop() ?? t.arn,
        lastStatus: t.lastStatus,
        health: t.health,
        ...(t.startedAt ? { startedAt: new Date(t.startedAt).toISOString() } : {}),
        ...(t.stoppedReason ? { stoppedReason: t.stoppedReason } : {}),
        containers: t.containers.map((c) => ({ name: c.name, lastStatus: c.lastStatus, health: c.health })),
      })),
    ingress: snapshot.ingress,
    targets: { web: snapshot.targets.web.map((t) => t.state) },
    ...(snapshot.ingress === 'direct' && snapshot.tasks.some((t) => t.lastStatus === 'RUNNING' && t.desiredStatus !== 'STOPPED')
      ? { hostRecord: { ip: snapshot.taskDns?.ip ?? null, inSync: snapshot.taskDns?.inSync ?? false } }
      : {}),
    ...(snapshot.endpoints ? { endpoints: snapshot.endpoints } : {}),
    participants: snapshot.participants ?? null,
    lock: snapshot.lock
      ? {
          owner: snapshot.lock.owner,
          reason: snapshot.lock.reason,
          since: new Date(snapshot.lock.acquiredAt).toISOString(),
          heartbeatAt: new Date(snapshot.lock.heartbeatAt).toISOString(),
          leaseSeconds: snapshot.lock.leaseSeconds,
        }
      : null,
    monthToDate: { ...month, budgetUsd: session.config.monthlyBudgetUsd },
    ...(snapshot.recorder ? { recorder: recorderJson(snapshot) } : {}),
  };
  return { json, snapshot };
}

function recorderJson(snapshot: Snapshot): NonNullable<StatusJson['recorder']> {
  const task = liveRecorderTask(snapshot);
  return {
    state: recorderState(snapshot),
    desiredCapacity: snapshot.recorder?.desiredCapacity ?? 0,
    instances: snapshot.recorder?.instances ?? 0,
    task: task ? { id: task.arn.split('/').pop() ?? task.arn, lastStatus: task.lastStatus } : null,
    pending: recorderPending(snapshot),
  };
}

const RECORDER_WORDS: Record<RecorderState, string> = {
  off: 'off (no instance; `meetctl start --record` starts it)',
  starting: 'starting (instance from 0, then the jibri image)',
  ready: 'ready: press Record in the meeting',
  recording: 'RECORDING',
  uploading: 'uploading the recording to S3',
  pending: 'kept: a recording is not in S3 yet; it tries again every 5 minutes',
  stopping: 'stopping',
};

/** One line per recording waiting on the recorder: `pending: <why>`. */
export function pendingLines(pending: readonly PendingRecording[]): string[] {
  return pending.map(
    (p) =>
      `  ${p.key ?? p.file}: pending: ${p.why} (since ${p.since || 'unknown'}, ${p.tries} ${p.tries === 1 ? 'try' : 'tries'})`,
  );
}

function renderStatus(session: Session, s: StatusJson): void {
  const { out } = session.ctx;
  const colour = s.phase === 'READY' ? 'green' : s.phase === 'FAILED' || s.phase === 'DEGRADED' ? 'red' : 'yellow';
  out.line(
    `${out.style('bold', session.config.domain)}  ${out.style(colour, s.phase)}  (stack ${s.stack.status}, power ${s.stack.powerState})`,
  );
  if (s.service) out.line(`Service: desired ${s.service.desired}, running ${s.service.running}, pending ${s.service.pending}`);
  for (const t of s.tasks) {
    out.line(
      `Task ${t.id}: ${t.lastStatus}, ${t.health.toLowerCase()}${t.startedAt ? `, started ${t.startedAt}` : ''}${t.stoppedReason ? `, stopped: ${t.stoppedReason}` : ''}`,
    );
    out.line(`  ${t.containers.map((c) => `${c.name} ${c.lastStatus.toLowerCase()}/${c.health.toLowerCase()}`).join(', ')}`);
  }
  if (s.ingress === 'direct') {
    if (s.hostRecord)
      out.line(
        `Meeting host: ${s.hostRecord.ip ? `points at ${s.hostRecord.ip}${s.hostRecord.inSync ? ' (INSYNC)' : ' (Route 53 still propagating)'}` : 'not yet pointed at the task'} (media goes straight to the task)`,
      );
    else if (s.service) out.line('Meeting host: the asleep page (no task runs)');
  } else if (s.service)
    out.line(`Load balancer target: web ${s.targets.web.join('/') || 'none'} (media goes straight to the task)`);
  for (const c of s.endpoints ?? []) out.line(`Check ${c.name}: ${c.status} (${c.detail})`);
  out.line(`Participants: ${s.participants ?? 'unknown (no task, or no recent stats line)'}`);
  if (s.recorder)
    out.line(
      `Recorder: ${RECORDER_WORDS[s.recorder.state]}${s.recorder.state === 'off' ? '' : ` (instance ${s.recorder.instances}/${s.recorder.desiredCapacity}${s.recorder.task ? `, task ${s.recorder.task.lastStatus}` : ''})`}`,
    );
  if (s.recorder?.pending.length) {
    out.line(`Recordings not in S3 yet (kept on the recorder, ${s.recorder.pending.length}):`);
    for (const line of pendingLines(s.recorder.pending)) out.line(line);
  }
  if (s.lock)
    out.line(
      `Lock: held by ${s.lock.owner} since ${s.lock.since} (${s.lock.reason}); last heartbeat ${s.lock.heartbeatAt} (its clock), lease ${s.lock.leaseSeconds} s`,
    );
  const m = s.monthToDate;
  out.line(
    `This month: ${m.runningHours} h running, ${m.stoppedHours} h stopped, ${m.poweredDownHours} h powered down; about ${usd(m.costUsd)} of the ${usd(m.budgetUsd)} budget.`,
  );
}

/** `meetctl status [--watch]`. Exit 0 whatever the phase: it reports. */
export async function status(ctx: Context, options: { watch?: boolean; interval?: number }): Promise<number> {
  const session = await openSession(ctx);
  for (;;) {
    const stack = await session.guard('reading the stack', () => session.ports.stack.describe());
    if (!stack) {
      // Not deployed is a state to report, not a failure: status always exits 0.
      const absent = { phase: 'ABSENT', url: `https://${session.config.domain}`, stack: null, region: session.config.region };
      if (ctx.options.json) ctx.out.json(absent);
      else
        ctx.out.line(
          `${session.config.domain}  ABSENT: stack ${session.config.stackName} is not deployed in ${session.config.region}. Run \`meetctl deploy\` (or check --region / --profile).`,
        );
      if (!options.watch) return ExitCode.ok;
      await ctx.deps.pause((options.interval ?? 10) * 1000);
      if (ctx.deps.interrupted()) return ExitCode.interrupted;
      continue;
    }
    const { json } = await statusJson(session);
    if (ctx.options.json) ctx.out.json(json);
    else renderStatus(session, json);
    // Ctrl-C ends --watch cleanly, with the documented exit code 130.
    if (!options.watch) return ExitCode.ok;
    if (ctx.deps.interrupted()) return ExitCode.interrupted;
    await ctx.deps.pause((options.interval ?? 10) * 1000);
    if (ctx.deps.interrupted()) return ExitCode.interrupted;
    if (!ctx.options.json) ctx.out.line(`--- ${new Date(ctx.deps.clock.now()).toISOString()}`);
  }
}

/** One layer of `meetctl health`. */
export interface HealthLayer {
  readonly layer: string;
  readonly status: 'pass' | 'fail' | 'skip';
  readonly detail: string;
  readonly hint?: string;
}

/** Every layer from the stack to the websocket as pass / fail / skip, with a fix hint for each failure. */
export function healthLayers(snapshot: Snapshot): HealthLayer[] {
  const layers: HealthLayer[] = [];
  const add = (layer: string, status: HealthLayer['status'], detail: string, hint?: string) =>
    layers.push({ layer, status, detail, ...(hint ? { hint } : {}) });
  // UPDATE_ROLLBACK_COMPLETE is a settled, working state; stackBroken() names the ones that are not.
  if (stackBroken(snapshot))
    add('stack', 'fail', snapshot.stack.status, 'Open the stack in the CloudFormation console and read the failed events.');
  else add('stack', 'pass', `${snapshot.stack.status}${stackBusy(snapshot) ? ' (changing)' : ''}`);
  if (snapshot.stack.powerState === 'off') {
    add('power', 'skip', 'powered down: no load balancer, service or task');
    return layers;
  }
  add(
    'power',
    'pass',
    snapshot.ingress === 'direct' ? 'always on (direct ingress: nothing billed by the hour while stopped)' : 'on',
  );
  if (snapshot.ingress === 'direct') certificateLayer(snapshot, add);
  if (!snapshot.service) {
    add('service', 'fail', 'the ECS service is missing while powered on', 'Run `meetctl deploy` to recreate it.');
    return layers;
  }
  add('service', 'pass', `desired ${snapshot.service.desired}, running ${snapshot.service.running}`);
  const task = snapshot.tasks.find((t) => isLive(t) && t.desiredStatus !== 'STOPPED');
  if (!task) {
    const failed = snapshot.tasks.find((t) => t.stoppedReason && !isLive(t));
    if (snapshot.service.desired > 0 && failed)
      add('task', 'fail', `stopped: ${failed.stoppedReason}`, 'See `meetctl logs` for the container that failed.');
    else add('task', 'skip', 'no task is running (stopped)');
    const ways = snapshot.ingress === 'direct' ? ['host record'] : ['targets'];
    for (const name of [...ways, 'https', 'certificate', 'web-config', 'websocket']) add(name, 'skip', 'no task is running');
    recorderLayer(snapshot, add);
    return layers;
  }
  if (task.lastStatus !== 'RUNNING') add('task', 'skip', `${task.lastStatus.toLowerCase()} (starting)`);
  else
    add(
      'task',
      task.health === 'UNHEALTHY' ? 'fail' : 'pass',
      `running, ${task.health.toLowerCase()}`,
      task.health === 'UNHEALTHY' ? 'A container health check fails: see below and `meetctl logs`.' : undefined,
    );
  for (const c of task.containers) {
    add(
      `container ${c.name}`,
      c.health === 'UNHEALTHY' ? 'fail' : c.health === 'HEALTHY' ? 'pass' : 'skip',
      `${c.lastStatus.toLowerCase()}, ${c.health.toLowerCase()}`,
      c.health === 'UNHEALTHY' ? `Run \`meetctl logs --container ${c.name}\`.` : undefined,
    );
  }
  const targetLayer = (name: string, list: Snapshot['targets']['web']) => {
    if (list.some((t) => t.state === 'healthy')) add(`target ${name}`, 'pass', 'healthy');
    else if (list.length === 0 || list.every((t) => t.state === 'initial'))
      add(`target ${name}`, 'skip', list.length === 0 ? 'not registered yet' : 'registering (70–180 s)');
    else
      add(
        `target ${name}`,
        'fail',
        list.map((t) => `${t.state}${t.reason ? ` (${t.reason})` : ''}`).join(', '),
        'The load balancer cannot reach the web container on its port: check `meetctl logs --container web`.',
      );
  };
  if (snapshot.ingress === 'direct') hostRecordLayer(snapshot, task, add);
  else targetLayer('web', snapshot.targets.web);
  for (const c of snapshot.endpoints ?? []) add(c.name, c.status, c.detail, c.hint);
  recorderLayer(snapshot, add);
  return layers;
}

/** With a recorder: where it is; a recorder with no meeting and not uploading is a failure (it bills). */
function recorderLayer(
  snapshot: Snapshot,
  add: (layer: string, status: HealthLayer['status'], detail: string, hint?: string) => void,
): void {
  if (!snapshot.recorder) return;
  const state = recorderState(snapshot);
  const meeting = snapshot.tasks.some((t) => isLive(t) && t.desiredStatus !== 'STOPPED');
  const pending = recorderPending(snapshot);
  if (pending.length > 0)
    add(
      'recorder',
      'fail',
      `${pending.length} recording(s) not in S3 yet (pending: ${pending[0]?.why}); the recorder is kept`,
      'It tries again every 5 minutes. Fix the cause (the reason above), then `meetctl stop` removes the recorder once S3 has them.',
    );
  else if (state === 'off') add('recorder', 'skip', 'off (no instance; `meetctl start --record` starts it)');
  else if (!meeting && state !== 'uploading' && state !== 'stopping')
    add(
      'recorder',
      'fail',
      `${state} without a meeting (its instance bills)`,
      'Run `meetctl stop`: it removes the recorder once it has uploaded.',
    );
  else add('recorder', state === 'starting' || state === 'stopping' ? 'skip' : 'pass', state);
}

type AddLayer = (layer: string, status: HealthLayer['status'], detail: string, hint?: string) => void;

/** Days left on the task's certificate (direct mode), failing when the renewal is overdue. */
function certificateLayer(snapshot: Snapshot, add: AddLayer): void {
  const c = snapshot.certificate;
  if (!c) {
    add(
      'tls certificate',
      'fail',
      'the certificate function never reported',
      'Run `meetctl deploy` again: it issues the first certificate.',
    );
    return;
  }
  const checked = new Date(c.checkedAt).toISOString().slice(0, 16).replace('T', ' ');
  if (c.notAfter === undefined) {
    add(
      'tls certificate',
      'fail',
      `none issued yet (last run ${checked} UTC: ${c.action}${c.why ? `, ${c.why}` : ''})`,
      CERTIFICATE_HINT,
    );
    return;
  }
  const days = Math.floor((c.notAfter - snapshot.at) / 86_400_000);
  const detail = `${days} days left (last check ${checked} UTC: ${c.action}${c.why ? `, ${c.why}` : ''})`;
  if (days < ALERT_BEFORE_DAYS) add('tls certificate', 'fail', detail, CERTIFICATE_HINT);
  else add('tls certificate', 'pass', detail);
}

const CERTIFICATE_HINT =
  "The daily renewal keeps failing: check that the hosted zone still holds the host (dig NS) and read the certificate function's log group.";

/** Direct mode: the meeting host's record follows the running task. */
function hostRecordLayer(snapshot: Snapshot, task: Snapshot['tasks'][number], add: AddLayer): void {
  const dns = snapshot.taskDns;
  if (dns?.ip && dns.inSync) add('host record', 'pass', `points at the task (${dns.ip}), INSYNC`);
  else if (dns?.ip) add('host record', 'skip', `points at ${dns.ip}; Route 53 is still propagating (usually under a minute)`);
  else if (task.lastStatus === 'RUNNING' && snapshot.at - (task.startedAt ?? snapshot.at) > HOST_RECORD_GRACE_MS)
    add(
      'host record',
      'fail',
      'the meeting host does not point at the running task',
      "Read the DNS function's log group (TaskDns): it needs the task's public IP and one Route 53 change.",
    );
  else add('host record', 'skip', 'waiting for the DNS function');
}

/** How long after a task runs the host record may still be missing. */
const HOST_RECORD_GRACE_MS = 3 * 60_000;

/** `meetctl health`: non-zero exit on any failing layer. */
export async function health(ctx: Context): Promise<number> {
  const session = await openSession(ctx);
  const snapshot = await session.snapshot({ endpoints: true, certificate: true });
  const layers = healthLayers(snapshot);
  const failed = layers.some((l) => l.status === 'fail');
  if (ctx.options.json) ctx.out.json({ ok: !failed, phase: phase(snapshot), layers });
  else {
    const { out } = ctx;
    for (const l of layers) {
      const mark =
        l.status === 'pass'
          ? out.style('green', 'pass')
          : l.status === 'fail'
            ? out.style('red', 'FAIL')
            : out.style('dim', 'skip');
      out.line(`${mark}  ${l.layer.padEnd(18)} ${l.detail}`);
      if (l.hint && l.status === 'fail') out.line(`      fix: ${l.hint}`);
    }
  }
  return failed ? ExitCode.failed : ExitCode.ok;
}

/** `meetctl history`: the event log. */
export async function history(ctx: Context, options: { days?: number }): Promise<number> {
  const session = await openSession(ctx);
  const since = session.clock.now() - (options.days ?? 30) * 86_400_000;
  const events = await session.guard('reading the event log', () => session.ports.state.events(since));
  if (ctx.options.json) ctx.out.json({ since: new Date(since).toISOString(), events });
  else if (events.length === 0) ctx.out.line(`No transitions in the last ${options.days ?? 30} days.`);
  else {
    ctx.out.line(
      table(
        ['When (UTC)', 'Who', 'Goal', 'From → to', 'Outcome', 'Run min', 'Why / detail'],
        events.map((e: TransitionEvent) => [
          new Date(e.at).toISOString().slice(0, 16).replace('T', ' '),
          e.actor,
          e.goal,
          `${e.from} → ${e.to}`,
          e.outcome,
          e.runningMinutes !== undefined ? String(e.runningMinutes) : '-',
          [e.reason, e.detail].filter(Boolean).join('; '),
        ]),
      ),
    );
  }
  return ExitCode.ok;
}

/** `meetctl cost`: month-to-date hours and cost against the budget, and the plan's monthly view. */
export async function cost(ctx: Context): Promise<number> {
  const session = await openSession(ctx);
  const snapshot = await session.snapshot();
  const estimate = estimateForConfig(session.config);
  const month = await monthFor(session, snapshot, estimate);
  const budget = session.config.monthlyBudgetUsd;
  if (ctx.options.json) {
    ctx.out.json({
      monthToDate: month,
      budgetUsd: budget,
      runningHourUsd: estimate.runningHourUsd,
      ...(estimate.recordingHourUsd !== undefined ? { recordingHourUsd: estimate.recordingHourUsd } : {}),
      idleHourUsd: estimate.idleHourUsd,
      pricesAsOf: estimate.pricesAsOf,
    });
    return ExitCode.ok;
  }
  const { out } = ctx;
  out.line(
    `Since ${new Date(month.since).toISOString().slice(0, 10)} (estimates from list prices of ${estimate.pricesAsOf}; the AWS bill is authoritative):`,
  );
  out.line(
    table(
      ['Tier', 'Hours', 'Rate per hour'],
      [
        ['running', String(month.runningHours), usd(estimate.runningHourUsd, 4)],
        ['stopped', String(month.stoppedHours), usd(estimate.idleHourUsd.stopped, 4)],
        ['powered down', String(month.poweredDownHours), usd(0, 4)],
        ...(session.config.recording.enabled
          ? [
              [
                'recorder (on top)',
                String(month.recorderHours),
                estimate.recordingHourUsd !== undefined ? usd(estimate.recordingHourUsd, 4) : 'unknown',
              ],
            ]
          : []),
      ],
    ),
  );
  const share = budget > 0 ? Math.round((month.costUsd / budget) * 100) : 0;
  out.line(`Estimated so far: ${usd(month.costUsd)} of the ${usd(budget)} budget (${share}%), fixed costs included pro rata.`);
  if (phase(snapshot) === 'STOPPED' && snapshot.ingress === 'load-balancer')
    out.line('Tip: `meetctl power-down` between meetups removes the load balancer and its addresses (about $0.03/h).');
  return ExitCode.ok;
}

/**
 * The containers `logs --container` accepts: the task's, its sidecars (tls in direct mode) and, with
 * recording, the recorder's (one log group, one stream prefix per container).
 */
export const CONTAINER_NAMES = [
  'web',
  'prosody',
  'jicofo',
  'jvb',
  'stats',
  'tls',
  RECORDER_CONTAINERS.jibri,
  RECORDER_CONTAINERS.status,
  RECORDER_CONTAINERS.files,
] as const;
const RECORDER_NAMES: readonly string[] = Object.values(RECORDER_CONTAINERS);

/** `meetctl logs`: container logs, optionally followed. */
export async function logs(ctx: Context, options: { follow?: boolean; container?: string; since?: string }): Promise<number> {
  // Arguments first: a bad one is a usage error (exit 2) whatever the state of the credentials.
  const sinceMs = parseDuration(options.since ?? '10m');
  if (options.container && !(CONTAINER_NAMES as readonly string[]).includes(options.container)) {
    throw new MeetError(
      `no container named "${options.container}".`,
      ExitCode.usage,
      `Use one of: ${CONTAINER_NAMES.join(', ')}.`,
    );
  }
  const session = await openSession(ctx);
  const stack = await session.guard('reading the stack', () => session.ports.stack.describe());
  if (!stack)
    throw new MeetError(`stack ${session.config.stackName} does not exist.`, ExitCode.failed, 'Run `meetctl deploy` first.');
  const recorderGroup = stack.outputs[OUTPUT_NAMES.recorderLogGroup];
  const groups: Record<string, string> = {
    ...logGroupsFrom(stack.outputs),
    ...(recorderGroup ? Object.fromEntries(RECORDER_NAMES.map((n) => [n, recorderGroup])) : {}),
  };
  const names = options.container ? [options.container] : Object.keys(groups);
  for (const name of names) {
    if (!groups[name])
      throw new MeetError(`no container named "${name}".`, ExitCode.usage, `Use one of: ${Object.keys(groups).join(', ')}.`);
  }
  let since = session.clock.now() - sinceMs;
  if (!ctx.options.json) ctx.out.note('Times are UTC.');
  const seen = new Set<string>();
  for (;;) {
    const batches = await session.guard('reading logs', () =>
      Promise.all(
        names.map(async (name) =>
          (await session.ports.logs.read(groups[name] as string, since))
            // The recorder's containers share one group: each keeps the lines of its own streams.
            .filter((l) => !RECORDER_NAMES.includes(name) || l.stream.startsWith(`${name}/`))
            .map((l) => ({ ...l, name })),
        ),
      ),
    );
    const lines = batches
      .flat()
      .sort((a, b) => a.at - b.at)
      .filter((l) => !seen.has(`${l.stream}|${l.at}|${l.message}`));
    for (const l of lines) {
      seen.add(`${l.stream}|${l.at}|${l.message}`);
      if (ctx.options.json)
        ctx.out.line(
          JSON.stringify({ at: new Date(l.at).toISOString(), container: l.name, stream: l.stream, message: l.message }),
        );
      else ctx.out.line(`${new Date(l.at).toISOString().slice(11, 19)}Z ${ctx.out.style('cyan', l.name.padEnd(7))} ${l.message}`);
    }
    if (!options.follow) return ExitCode.ok;
    if (ctx.deps.interrupted()) return ExitCode.interrupted;
    since = Math.max(since, ...lines.map((l) => l.at));
    await ctx.deps.pause(2000);
    if (ctx.deps.interrupted()) return ExitCode.interrupted;
  }
}

/** `10m`, `2h`, `1d`, `30s` → milliseconds. */
export function parseDuration(text: string): number {
  const match = /^(\d+)\s*([smhd])$/.exec(text.trim());
  if (!match)
    throw new MeetError(`--since "${text}" is not a duration.`, ExitCode.usage, 'Use a number and a unit: 30s, 10m, 2h or 1d.');
  const unit = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] as 's' | 'm' | 'h' | 'd'];
  const ms = Number(match[1]) * unit;
  if (ms > MAX_DAYS_BACK * 86_400_000)
    throw new MeetError(
      `--since "${text}" is too far back.`,
      ExitCode.usage,
      `Give at most ${MAX_DAYS_BACK}d: the event log keeps ten years, container logs at most "logRetentionDays".`,
    );
  return ms;
}
