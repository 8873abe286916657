import { observe } from '../../control/observe.js';
import { OUTPUT_NAMES } from '../../control/outputs.js';
import { phase, STACK_REPAIR_HINT, stackBroken } from '../../control/phase.js';
import { describeStep, type Goal, plan } from '../../control/plan.js';
import type { MeasuredPhase } from '../../control/start-timings.js';
import { type TransitionOutcome, transition } from '../../control/transition.js';
import { ExitCode, MeetError } from '../../errors.js';
import type { Context } from '../context.js';
import { clockTime, openSession, type Session } from '../session.js';
import { recordTimings, renderPhases, type StartTiming, startTiming, timingsFileBeforeStart } from './start-timing.js';

export interface OperateOptions {
  readonly force?: boolean;
  readonly reason?: string;
  readonly deleteRecordings?: boolean;
  /** `start --record`: the recorder starts too. */
  readonly record?: boolean;
  /** `start --record-timings [file]`: add this start's phases to the timings file (true: the default file). */
  readonly recordTimings?: string | boolean;
}

/** What every transition command prints with --json. Documented in docs/reference.md. */
export interface TransitionJson {
  readonly goal: Goal;
  readonly from: string;
  readonly to: string;
  readonly outcome: string;
  readonly steps: readonly string[];
  readonly elapsedSeconds?: number;
  readonly error?: {
    readonly step?: string;
    readonly message: string;
    readonly stoppedReason?: string;
    readonly container?: string;
    readonly logLines?: readonly string[];
  };
  readonly compensated?: boolean;
  readonly url?: string;
  readonly kept?: readonly string[];
  /** `start`: each phase with its measured time (docs/deploy.md, "Measured start times"). */
  readonly phases?: readonly MeasuredPhase[];
  /** `stop` on a stack CloudFormation left broken: it still needs a person, and how to repair it. */
  readonly repair?: { readonly stackStatus: string; readonly hint: string };
}

/** Print the plan without changing anything (--dry-run). */
async function dryRun(session: Session, goal: Goal, options: OperateOptions): Promise<number> {
  const snapshot = await session.guard('reading the platform state', () =>
    observe(session.ports, { host: session.config.domain, now: session.clock.now() }),
  );
  const steps = await session.guard('planning', async () => plan(goal, snapshot, options));
  const from = snapshot ? phase(snapshot) : 'ABSENT';
  if (session.ctx.options.json) {
    session.ctx.out.json({
      goal,
      from,
      dryRun: true,
      steps: steps.map((s) => ({ kind: s.kind, description: describeStep(s), deadlineSeconds: s.deadlineSeconds })),
    });
  } else if (steps.length === 0) {
    session.ctx.out.line(`Nothing to do: the platform is ${from}, which already meets "${goal}".`);
  } else {
    session.ctx.out.line(`From ${from} to "${goal}", meetctl would:`);
    for (const [i, s] of steps.entries())
      session.ctx.out.line(`  ${i + 1}. ${describeStep(s)} (at most ${clockTime(s.deadlineSeconds * 1000)})`);
  }
  return ExitCode.ok;
}

/** Run one transition and report it; the exit code says how it went. */
export async function runTransition(
  session: Session,
  goal: Goal,
  options: OperateOptions,
  extra: Partial<TransitionJson> = {},
  timing?: StartTiming,
): Promise<number> {
  const { ctx } = session;
  if (ctx.options.dryRun) return dryRun(session, goal, options);
  const live = await session.progress();
  const progress = timing ? { ...live, handle: timing.watch(live.handle) } : live;
  const outcome = await session.guard(`going to ${goal}`, () =>
    transition(
      {
        goal,
        actor: ctx.deps.actor,
        reason: options.reason ?? `meetctl ${goal}`,
        ...(options.force ? { force: true } : {}),
        ...(options.deleteRecordings ? { deleteRecordings: true } : {}),
        ...(options.record ? { record: true } : {}),
      },
      session.runtime(progress.handle, timing?.observe),
    ).finally(progress.close),
  );
  const phases = timing ? await timing.finish(outcome) : undefined;
  return report(session, goal, outcome, { ...extra, ...(phases ? { phases } : {}) });
}

function report(session: Session, goal: Goal, outcome: TransitionOutcome, extra: Partial<TransitionJson>): number {
  const { out, options } = session.ctx;
  const result = outcome.result;
  const error = result?.error;
  if (options.json) out.json(transitionJson(session, goal, outcome, extra));

  if (extra.repair && !error) return reportRepair(session, outcome, extra.repair);
  if (outcome.outcome === 'no-op') {
    if (!options.json) out.line(`Nothing to do: the platform is already ${outcome.from}.`);
    return ExitCode.ok;
  }
  if (!error) {
    if (!options.json) {
      const took = result ? ` in ${clockTime(result.elapsedMs)}` : '';
      out.line(
        out.style(
          'green',
          goal === 'running' ? `READY${took}: https://${session.config.domain}` : `${outcome.to}${took} (was ${outcome.from}).`,
        ),
      );
      for (const line of extra.kept ?? []) out.line(`Kept: ${line}`);
      if (extra.phases) renderPhases(out, extra.phases);
    }
    return ExitCode.ok;
  }
  return reportFailure(session, goal, outcome, error);
}

/**
 * A stop on a broken stack that worked (or had nothing to stop): the phase says FAILED either way, so
 * the result says what is true (no task runs) and that the stack still needs a person.
 */
function reportRepair(session: Session, outcome: TransitionOutcome, repair: NonNullable<TransitionJson['repair']>): number {
  const { out, options } = session.ctx;
  if (options.json) return ExitCode.ok;
  const took = outcome.result ? ` in ${clockTime(outcome.result.elapsedMs)}` : '';
  out.line(
    out.style(
      'green',
      outcome.outcome === 'no-op' ? 'Nothing to stop: no task is running.' : `Stopped${took}: no task is running.`,
    ),
  );
  out.note(
    `${out.style('yellow', 'note:')} stack ${session.config.stackName} is still ${repair.stackStatus}: CloudFormation needs a person to repair it before the next start.`,
  );
  out.note(`${out.style('dim', 'hint:')} ${repair.hint}`);
  return ExitCode.ok;
}

type TransitionFailure = NonNullable<NonNullable<TransitionOutcome['result']>['error']>;

/** The `--json` answer of a transition. */
function transitionJson(
  session: Session,
  goal: Goal,
  outcome: TransitionOutcome,
  extra: Partial<TransitionJson>,
): TransitionJson {
  const result = outcome.result;
  const error = result?.error;
  return {
    goal,
    from: outcome.from,
    to: outcome.to,
    outcome: outcome.outcome,
    steps: outcome.steps.map((s) => s.kind),
    ...(result ? { elapsedSeconds: Math.round(result.elapsedMs / 1000) } : {}),
    ...(error
      ? {
          error: {
            ...(result?.failedStep ? { step: result.failedStep.kind } : {}),
            message: error.message,
            ...(error.diagnostics.stoppedReason ? { stoppedReason: error.diagnostics.stoppedReason } : {}),
            ...(error.diagnostics.container ? { container: error.diagnostics.container } : {}),
            ...(error.diagnostics.logLines ? { logLines: error.diagnostics.logLines } : {}),
          },
        }
      : {}),
    ...(result?.compensated !== undefined ? { compensated: result.compensated } : {}),
    ...(goal === 'running' ? { url: `https://${session.config.domain}` } : {}),
    ...extra,
  };
}

/**
 * A transition that failed or was cancelled: what went wrong (human output only; --json already has it)
 * and the exit code. A task that could not be stopped again is said loudest: it may still be billing.
 */
function reportFailure(session: Session, goal: Goal, outcome: TransitionOutcome, error: TransitionFailure): number {
  const { out, options } = session.ctx;
  const result = outcome.result;
  if (error.kind === 'cancelled') {
    if (!options.json) {
      out.error(
        `cancelled (Ctrl-C) at "${result?.failedStep ? describeStep(result.failedStep) : '?'}".`,
        result?.compensated === true
          ? 'The task it started was stopped again; nothing keeps billing. The lock is released.'
          : 'Nothing more was changed. The lock is released.',
      );
    }
    if (result?.compensated !== false) return ExitCode.interrupted;
  }
  if (error.kind === 'lease-lost' && !options.json) {
    out.error(
      `stopped half-way: ${error.message}.`,
      'Another actor now owns the platform; nothing more was changed. Run `meetctl status` to see where it is.',
    );
    return ExitCode.failed;
  }
  if (!options.json && error.kind !== 'cancelled') printFailure(session, goal, outcome, error);
  if (result?.compensated === false) {
    const login =
      result.compensationError?.kind === 'credentials'
        ? `aws sso login${session.ctx.profile ? ` --profile ${session.ctx.profile}` : ''}, then `
        : '';
    if (!options.json) {
      out.error(
        'THE TASK COULD NOT BE STOPPED AND MAY STILL BE BILLING.',
        `Run ${login}meetctl stop --force as soon as you can (${result.compensationError?.message ?? 'unknown error'}).`,
      );
    }
    return result.compensationError?.kind === 'credentials' ? ExitCode.config : ExitCode.failed;
  }
  return error.kind === 'credentials' ? ExitCode.config : ExitCode.failed;
}

/** The failed step, its diagnostics (stop reason, container, last log lines, failed checks), the compensation. */
function printFailure(session: Session, goal: Goal, outcome: TransitionOutcome, error: TransitionFailure): void {
  const { out } = session.ctx;
  const result = outcome.result;
  out.error(
    `${goal === 'running' ? 'start' : goal} failed at "${result?.failedStep ? describeStep(result.failedStep) : '?'}": ${error.message}`,
  );
  if (error.diagnostics.stoppedReason) out.note(`  stop reason: ${error.diagnostics.stoppedReason}`);
  if (error.diagnostics.container) out.note(`  failing container: ${error.diagnostics.container}`);
  if (error.diagnostics.logLines?.length) {
    out.note(`  its last ${error.diagnostics.logLines.length} log lines:`);
    for (const line of error.diagnostics.logLines) out.note(`    ${line}`);
  }
  for (const check of error.diagnostics.checks?.filter((c) => c.status === 'fail') ?? []) {
    out.note(`  ${check.name}: ${check.detail}${check.hint ? ` (fix: ${check.hint})` : ''}`);
  }
  if (result?.compensated === true) out.note(out.style('green', '  The task was stopped again: nothing keeps billing.'));
}

/** `meetctl start`: until the meeting is really usable. */
export async function start(ctx: Context, options: OperateOptions): Promise<number> {
  const session = await openSession(ctx);
  const record = options.recordTimings !== undefined && options.recordTimings !== false && !ctx.options.dryRun;
  const named = typeof options.recordTimings === 'string' ? options.recordTimings : undefined;
  // The file is checked before anything starts: a typo in FILE or a bad file changes nothing.
  const timingsFile = record ? timingsFileBeforeStart(ctx, session.configFile, named) : undefined;
  const timing = startTiming(session);
  const code = await runTransition(session, 'running', options, {}, timing);
  if (timingsFile !== undefined && code === ExitCode.ok) recordTimings(session, timingsFile, timing.phases);
  return code;
}

/** `meetctl stop`: no task left; refuses while people are in a call unless --force. */
export async function stop(ctx: Context, options: OperateOptions): Promise<number> {
  const session = await openSession(ctx);
  const snapshot = await session.snapshot();
  const current = phase(snapshot);
  if (current === 'POWERED_DOWN' || current === 'POWERING_DOWN') {
    if (ctx.options.json) ctx.out.json({ goal: 'stopped', from: current, to: current, outcome: 'no-op', steps: [] });
    else ctx.out.line(`Nothing to do: the platform is ${current}; no task can run.`);
    return ExitCode.ok;
  }
  // A broken stack still stops (ECS and Auto Scaling, no CloudFormation); the answer says it needs repair.
  const repair = stackBroken(snapshot) ? { repair: { stackStatus: snapshot.stack.status, hint: STACK_REPAIR_HINT } } : {};
  return runTransition(session, 'stopped', options, repair);
}

/** `meetctl power-down`: nothing billed by the hour. */
export async function powerDown(ctx: Context, options: OperateOptions): Promise<number> {
  return runTransition(await openSession(ctx), 'powered-down', options);
}

/**
 * `meetctl power-up`: at least powered up. A powered-down platform comes back stopped (load balancer
 * and service exist, no task); anything already powered up, a running meeting included, is left alone.
 */
export async function powerUp(ctx: Context, options: OperateOptions): Promise<number> {
  return runTransition(await openSession(ctx), 'powered-up', options);
}

/** Ask a person to type `expected`; refuses without a terminal unless --yes. */
export async function confirm(ctx: Context, warning: string, expected: string): Promise<void> {
  if (ctx.options.dryRun || ctx.options.yes) return;
  if (!ctx.deps.prompt) {
    throw new MeetError(
      'this needs a confirmation and there is no terminal to ask on.',
      ExitCode.usage,
      'Run it in a terminal, or pass --yes to confirm.',
    );
  }
  ctx.out.note(warning);
  const answer = await ctx.deps.prompt(`Type ${expected} to confirm: `);
  if (answer.trim() !== expected)
    throw new MeetError('not confirmed; nothing was changed.', ExitCode.failed, `Type exactly ${expected} to confirm.`);
}

/**
 * `meetctl destroy`: asks to type the domain; keeps recordings unless --delete-recordings. Once the
 * stack is gone, `destroy --delete-recordings --bucket NAME` deletes the retained bucket (after you
 * type its name); the destroy that kept it prints that exact command.
 */
export async function destroy(ctx: Context, options: OperateOptions & { bucket?: string }): Promise<number> {
  const session = await openSession(ctx);
  const { domain } = session.config;
  const snapshot = await session.guard('reading the stack', () => session.ports.stack.describe());
  if (!snapshot && options.deleteRecordings) return deleteRetainedBucket(session, options.bucket);
  const bucket = snapshot?.outputs[OUTPUT_NAMES.bucket];
  if (snapshot && options.bucket !== undefined && options.bucket !== bucket) {
    throw new MeetError(
      `--bucket ${options.bucket} is not the recordings bucket of stack ${session.config.stackName} (that is ${bucket ?? 'none'}); nothing was changed.`,
      ExitCode.usage,
      'Leave --bucket out: while the stack exists, destroy --delete-recordings deletes its own bucket.',
    );
  }
  const userPool = snapshot?.outputs[OUTPUT_NAMES.userPool];
  const kept = [
    ...(options.deleteRecordings
      ? []
      : [
          `recordings bucket ${bucket ?? '(unknown)'} with every recording. To delete it later: meetctl destroy --delete-recordings --bucket ${bucket ?? '<bucket>'}`,
        ]),
    // The member accounts are the community's data: the user pool outlives the stack.
    ...(userPool
      ? [
          `user pool ${userPool} with every member account. To delete it later: aws cognito-idp delete-user-pool --user-pool-id ${userPool} --region ${session.config.region}`,
        ]
      : []),
  ];
  if (snapshot) {
    await confirm(
      ctx,
      `This deletes stack ${session.config.stackName} (${domain}): the service${snapshot.outputs[OUTPUT_NAMES.loadBalancer] ? ', the load balancer' : ''}, secrets, certificates, logs and history.${options.deleteRecordings ? ' It also DELETES EVERY RECORDING.' : ' Recordings are kept.'}${userPool ? ' Member accounts are kept.' : ''}`,
      domain,
    );
  }
  return runTransition(session, 'destroyed', options, { kept });
}

async function deleteRetainedBucket(session: Session, bucket: string | undefined): Promise<number> {
  const { ctx } = session;
  if (!bucket) {
    throw new MeetError(
      `stack ${session.config.stackName} is already deleted, so its recordings bucket is not known here.`,
      ExitCode.usage,
      'Pass the bucket that destroy printed: meetctl destroy --delete-recordings --bucket <name>.',
    );
  }
  await checkOwnBucket(session, bucket);
  if (ctx.options.dryRun) {
    ctx.out.line(`Would delete every object version in bucket ${bucket}, then the bucket.`);
    return ExitCode.ok;
  }
  await confirm(ctx, `This DELETES EVERY RECORDING in bucket ${bucket} (all versions) and the bucket itself.`, bucket);
  const count = await session.guard(`deleting bucket ${bucket}`, () => session.ports.recordings.deleteAll(bucket));
  if (ctx.options.json) ctx.out.json({ bucket, deletedVersions: count });
  else ctx.out.line(`Deleted ${count} object version(s) and bucket ${bucket}.`);
  return ExitCode.ok;
}

/**
 * Refuse a bucket that is not this stack's: CloudFormation tags what it creates with the stack's name
 * (`aws:cloudformation:stack-name`, "CloudFormation resource tagging" in the CloudFormation guide), and
 * the tag stays on the bucket the deleted stack kept.
 */
async function checkOwnBucket(session: Session, bucket: string): Promise<void> {
  const { stackName } = session.config;
  const owner = await session.ports.recordings.owner(bucket).catch((error: unknown) => {
    if ((error as Error).name === 'NoSuchBucket') {
      throw new MeetError(
        `there is no bucket named ${bucket}; nothing was deleted.`,
        ExitCode.usage,
        'Give the bucket that `meetctl destroy` printed for this stack.',
      );
    }
    return session.guard(`reading the tags of bucket ${bucket}`, () => Promise.reject(error));
  });
  if (owner === stackName) return;
  throw new MeetError(
    `bucket ${bucket} is not the recordings bucket of stack ${stackName}: ${
      owner
        ? `CloudFormation created it for stack ${owner}`
        : 'no CloudFormation stack created it (it has no aws:cloudformation:stack-name tag)'
    }; nothing was deleted.`,
    ExitCode.usage,
    "Give the bucket that `meetctl destroy` printed for this stack (with this stack's config), or delete other buckets in the S3 console.",
  );
}
