import { GROUPS, pageHost } from '../../auth/jitsi-settings.js';
import { toMeetError } from '../../aws/errors.js';
import type { AwsPorts } from '../../aws/ports.js';
import type { MeetConfig } from '../../config/schema.js';
import { namesHostRecord, reconcileHost, restoreHost } from '../../control/host-record.js';
import { acquireLock, HEARTBEAT_SECONDS, type HeldLock } from '../../control/lock.js';
import { ingressOf } from '../../control/observe.js';
import { OUTPUT_NAMES as OUTPUTS } from '../../control/outputs.js';
import type { ControlPorts } from '../../control/ports.js';
import type { Ingress, PowerState } from '../../control/snapshot.js';
import { measuredStart } from '../../control/start-timings.js';
import { ExitCode, MeetError } from '../../errors.js';
import type { Context } from '../context.js';
import { readTimingsFile, timingsPath } from './start-timing.js';

export interface DeployOptions {
  /** Deploy even while tasks run (they will be replaced). */
  readonly force?: boolean;
  /** Power state of a stack that does not exist yet. */
  readonly power?: PowerState;
}

/** What `deploy --json` and `deploy --dry-run --json` print. */
export interface DeployResult {
  readonly stackName: string;
  readonly region: string;
  readonly account: string;
  readonly exists: boolean;
  readonly powerState: PowerState;
  /** The deployed stack's ingress mode (absent for a new stack) and the config's. */
  readonly ingress: { readonly from?: Ingress; readonly to: Ingress };
  readonly runningTasks: number;
  readonly cdkArgs: readonly string[];
  readonly deployed: boolean;
}

/**
 * `meetctl deploy`: check who we are and what is deployed, refuse while a meeting may be live, then
 * run the pinned `cdk deploy` with the PowerState the stack already has.
 */
export async function deploy(ctx: Context, options: DeployOptions): Promise<number> {
  const loaded = await ctx.loadConfig(Boolean(ctx.deps.simulation));
  const { config, file, isExample } = loaded;
  if (isExample && !ctx.deps.simulation) {
    const { placeholders } = loaded;
    throw new MeetError(
      `refusing to deploy the example config ${file}${placeholders.length ? `: ${placeholders.map((p) => p.split('. Fix:')[0]).join('; ')}` : ''}.`,
      ExitCode.config,
      'Copy meet.config.example.json to meet.config.json, set your domain, hosted zone, alert e-mail and budget, then deploy.',
    );
  }
  noteStartTimings(ctx, config, file);
  const profile = ctx.profile;
  if (!ctx.deps.simulation) await ctx.deps.checkProfile(profile);
  const aws = ctx.deps.aws({ region: config.region, domain: config.domain, ...(profile ? { profile } : {}) });
  const call = async <T>(doing: string, fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (error) {
      throw toMeetError(error, profile, doing);
    }
  };

  const account = await call('checking your AWS identity', () => aws.identity.accountId());
  if (config.account && account !== config.account) {
    throw new MeetError(
      `your credentials are for account ${account}, but "account" in ${file} is ${config.account}.`,
      ExitCode.config,
      'Use the SSO profile of that account (--profile), or correct "account" in the config.',
    );
  }

  const stack = await call(`reading stack ${config.stackName}`, () => aws.stacks.describe(config.stackName));
  if (stack && /_IN_PROGRESS$/.test(stack.status)) {
    throw new MeetError(
      `stack ${config.stackName} is ${stack.status}: another change is still running.`,
      ExitCode.failed,
      'Wait until it finishes, then deploy again.',
    );
  }
  if (stack && options.power && stack.powerState && options.power !== stack.powerState) {
    throw new MeetError(
      `--power ${options.power} only applies to a new stack; ${config.stackName} is powered ${stack.powerState} and deploy keeps that.`,
      ExitCode.usage,
      'Deploy without --power; change the power state with power-up / power-down.',
    );
  }
  if (config.ingress === 'direct' && options.power === 'off') {
    throw new MeetError(
      '--power off does not exist in the direct ingress mode: there is no load balancer, so a stopped platform already bills nothing by the hour.',
      ExitCode.usage,
      'Deploy without --power (or set "ingress": "load-balancer" in the config for the power tiers).',
    );
  }
  // Direct mode is always on; a powered-down load-balancer stack switched to direct comes back stopped.
  const powerState: PowerState = config.ingress === 'direct' ? 'on' : (stack?.powerState ?? options.power ?? 'on');

  // A deployed stack: take the control-plane lock first, so no start, stop or automation runs meanwhile.
  const controlled = stack && (stack.outputs[OUTPUTS.stateTable] || namesHostRecord(stack.outputs));
  const ports = stack && controlled && !ctx.options.dryRun ? controlPortsOf(ctx, config, stack.name) : undefined;
  const lock = ports && stack?.outputs[OUTPUTS.stateTable] ? await takeLock(ctx, ports) : undefined;
  try {
    return await deployLocked(ctx, { config, file, account, stack, powerState, options, call, aws, profile, lock, ports });
  } finally {
    await lock?.release().catch(() => undefined);
  }
}

/**
 * The CDK app (bin/app.ts) gives the organizer page the measured start from the timings file next to
 * the config, as `plan` shows it: a file it cannot read stops the deploy here (exit 253, naming the
 * field), before anything in AWS is asked or changed; otherwise say which figure the page will show.
 */
function noteStartTimings(ctx: Context, config: MeetConfig, file: string): void {
  const timingsFile = timingsPath(ctx, file);
  const timings = readTimingsFile(ctx.deps, timingsFile);
  if (!timings || ctx.options.json) return;
  const start = measuredStart(timings, config);
  ctx.out.note(
    start
      ? `The organizer page shows a start of about ${start.seconds} s, measured: the median of the last ${start.starts} matching start(s) in ${timingsFile}.`
      : `${timingsFile} has no start of this ingress, release, size and architecture: the organizer page shows the modelled start time.`,
  );
}

function controlPortsOf(ctx: Context, config: MeetConfig, stackName: string): ControlPorts {
  const profile = ctx.profile;
  return ctx.deps.controlPorts({
    region: config.region,
    stackName,
    domain: config.domain,
    ingress: config.ingress,
    ...(profile ? { profile } : {}),
  });
}

async function takeLock(ctx: Context, ports: ControlPorts): Promise<HeldLock> {
  const profile = ctx.profile;
  ctx.out.note('Taking the control-plane lock…');
  const taken = await (async () => {
    try {
      return await acquireLock(ports.state, ctx.deps.clock, { owner: ctx.deps.actor, reason: 'deploy: meetctl deploy' });
    } catch (error) {
      throw toMeetError(error, profile, 'taking the control-plane lock');
    }
  })();
  if (!taken.acquired) {
    throw new MeetError(
      `another change is running: ${taken.holder.owner} holds the lock (${taken.holder.reason}).`,
      ExitCode.failed,
      'Wait for it to finish, then deploy again.',
    );
  }
  return taken.lock;
}

interface Locked {
  readonly config: MeetConfig;
  readonly file: string;
  readonly account: string;
  readonly stack: Awaited<ReturnType<AwsPorts['stacks']['describe']>>;
  readonly powerState: PowerState;
  readonly options: DeployOptions;
  readonly call: <T>(doing: string, fn: () => Promise<T>) => Promise<T>;
  readonly aws: AwsPorts;
  readonly profile: string | undefined;
  readonly lock: HeldLock | undefined;
  /** The deployed stack's control ports (none for a new stack or a dry run). */
  readonly ports: ControlPorts | undefined;
}

async function deployLocked(ctx: Context, d: Locked): Promise<number> {
  const { config, account, stack, powerState } = d;
  const { runningTasks, desiredCount } = await refuseLiveMeeting(d);
  const cdkArgs = cdkDeployArgs(ctx, d, desiredCount);
  const result: DeployResult = {
    stackName: config.stackName,
    region: config.region,
    account,
    exists: Boolean(stack),
    powerState,
    ingress: { ...(stack ? { from: ingressOf(stack.outputs) } : {}), to: config.ingress },
    runningTasks,
    cdkArgs,
    deployed: false,
  };

  if (ctx.options.dryRun) {
    if (ctx.options.json) ctx.out.json(result);
    else {
      ctx.out.line(
        `Would ${stack ? 'update' : 'create'} stack ${config.stackName} in ${config.region} (account ${account}) with PowerState=${powerState}.`,
      );
      ctx.out.line(`Command: cdk ${cdkArgs.join(' ')}`);
    }
    return ExitCode.ok;
  }

  noteIngressSwitch(ctx, result.ingress);
  ctx.out.note(
    `${stack ? 'Updating' : 'Creating'} stack ${config.stackName} in ${config.region} (account ${account}), PowerState=${powerState}…`,
  );
  const code = await runCdkDeploy(ctx, d, cdkArgs);
  if (code !== 0) throw cdkDeployFailure(code, Boolean(stack));
  await reportDeployed(ctx, d, result);
  return ExitCode.ok;
}

/**
 * The tasks that run (a meeting may be live) and the service's live desired count (0 or 1). Refuses
 * while a task runs, unless --force.
 */
async function refuseLiveMeeting(d: Locked): Promise<{ runningTasks: number; desiredCount: number }> {
  const { stack, options, call, aws } = d;
  let runningTasks = 0;
  let desiredCount = 0;
  const cluster = stack?.outputs[OUTPUTS.cluster];
  const service = stack?.outputs[OUTPUTS.service];
  if (cluster && service) {
    const counts = await call(`reading ECS service ${service}`, () => aws.services.counts(cluster, service));
    runningTasks = (counts?.running ?? 0) + (counts?.pending ?? 0);
    desiredCount = Math.min(counts?.desired ?? 0, 1);
  }
  if (runningTasks > 0 && !options.force) {
    throw new MeetError(
      `${runningTasks} task(s) are running: a meeting may be live, and deploying may replace the task and drop everyone.`,
      ExitCode.failed,
      'Wait until the meeting ends (or stop the platform), or pass --force to deploy anyway (the task is replaced, not stopped).',
    );
  }
  return { runningTasks, desiredCount };
}

function cdkDeployArgs(ctx: Context, { config, powerState, profile }: Locked, desiredCount: number): string[] {
  return [
    'deploy',
    config.stackName,
    '--app',
    ctx.deps.cdkAppCommand,
    '--parameters',
    `PowerState=${powerState}`,
    // The live count: CloudFormation applies the template's DesiredCount on every service update.
    '--parameters',
    `DesiredCount=${desiredCount}`,
    '--require-approval',
    ctx.options.yes ? 'never' : 'broadening',
    '--no-notices',
    ...(profile ? ['--profile', profile] : []),
  ];
}

function noteIngressSwitch(ctx: Context, ingress: DeployResult['ingress']): void {
  if (!ingress.from || ingress.from === ingress.to) return;
  ctx.out.note(
    `Switching ingress from ${ingress.from} to ${ingress.to}: ${
      ingress.to === 'direct'
        ? 'the load balancer goes, the task gets its own certificate (issued during this deploy) and the meeting host points at the asleep page until the next start.'
        : 'a load balancer comes, the meeting host points at it, and the DNS function, the asleep page and the task certificate go.'
    } The host may answer from the old place for up to the record's TTL (60 s) after the switch.`,
  );
}

/** Runs `cdk deploy` under the held lock, with the meeting host's record kept out of CloudFormation's way. */
async function runCdkDeploy(ctx: Context, { config, file, call, lock, ports }: Locked, cdkArgs: string[]): Promise<number> {
  await lock?.fence();
  if (ports) await putBackHostRecord(ctx, ports, call);
  // Keep the lease alive while cdk runs (minutes); a lost lease is reported after cdk returns.
  const heartbeat = lock ? setInterval(() => void lock.keepAlive().catch(() => undefined), HEARTBEAT_SECONDS * 1000) : undefined;
  heartbeat?.unref?.();
  const code = await ctx.deps
    .runCdk(cdkArgs, {
      cwd: ctx.deps.packageRoot,
      env: { MEET_CONFIG: file, MEET_REGION: config.region, CDK_DISABLE_CLI_TELEMETRY: 'true' },
    })
    .finally(() => clearInterval(heartbeat));
  // Also after a failed (rolled back) deploy: a meeting that runs gets its name back at once.
  if (ports) await followTask(ctx, ports, call);
  return code;
}

function cdkDeployFailure(code: number, stackExisted: boolean): MeetError {
  return new MeetError(
    stackExisted
      ? `cdk deploy failed with exit code ${code}; CloudFormation rolls a failed update back to the previous version.`
      : `cdk deploy failed with exit code ${code}; CloudFormation rolls a failed first deploy back and the stack may be left in ROLLBACK_COMPLETE.`,
    ExitCode.failed,
    stackExisted
      ? 'Read the CloudFormation events printed above; `meetctl deploy --dry-run` shows the command.'
      : 'Read the CloudFormation events printed above, fix the cause (docs/deploy.md lists the usual ones), delete the rolled-back stack in the CloudFormation console if it is there, then deploy again.',
  );
}

/** What was deployed, and, for members-only meetings without an organizer, how to create the first one. */
async function reportDeployed(ctx: Context, { config, powerState, aws, call }: Locked, result: DeployResult): Promise<void> {
  const organizers = config.auth === 'members' ? await organizerCount(ctx, config, aws, call) : undefined;
  if (ctx.options.json) {
    ctx.out.json({ ...result, deployed: true, ...(organizers !== undefined ? { organizers } : {}) });
    return;
  }
  ctx.out.line(
    `Deployed ${config.stackName}: ${powerState === 'on' ? `https://${config.domain} (stopped; no task runs until started)` : 'powered down (nothing billed by the hour)'}.`,
  );
  if (organizers === 0) {
    ctx.out.line(
      `Nobody can open a room yet: meetings are members-only ("auth": "members") and there is no organizer. Create your account: meetctl users add YOUR@EMAIL --organizer (Cognito e-mails a temporary password; sign in at https://${pageHost(config.domain)}).`,
    );
  }
}

/**
 * Direct mode: the meeting host's record back to what CloudFormation created (the asleep page) before
 * the stack changes. CloudFormation changes or deletes a record by naming the values it created; one
 * that names a task's address (the DNS function's, or one it failed to take back) would fail the
 * update and leave the stack failed. A running meeting's name points at it again right after.
 */
async function putBackHostRecord(
  ctx: Context,
  ports: ControlPorts,
  call: <T>(doing: string, fn: () => Promise<T>) => Promise<T>,
): Promise<void> {
  const restored = await call("putting the meeting host's record back to the asleep page", () =>
    restoreHost(ports, ctx.deps.clock),
  );
  if (restored?.changeId) {
    ctx.out.note(
      `The meeting host pointed at ${restored.was?.kind === 'task' ? restored.was.ip : 'something else'}; it points at the asleep page (as CloudFormation created it) while the stack changes.`,
    );
  }
}

/** Direct mode, after the deploy: the meeting host follows the running task again (or stays asleep). */
async function followTask(
  ctx: Context,
  ports: ControlPorts,
  call: <T>(doing: string, fn: () => Promise<T>) => Promise<T>,
): Promise<void> {
  try {
    const result = await call("pointing the meeting host's record at the running task", () =>
      reconcileHost(ports, ctx.deps.clock),
    );
    if (result?.action === 'pointed-at-task') ctx.out.note(`The meeting host points at the running task again (${result.why}).`);
  } catch (error) {
    ctx.out.note(
      `${error instanceof Error ? error.message : String(error)} The runtime guard points the meeting host at the running task within 5 minutes.`,
    );
  }
}

/**
 * How many organizers the deployed user pool has (members-only meetings), or undefined when that
 * cannot be read. A fresh pool has none, and then nobody can open a room: deploy says so.
 */
async function organizerCount(
  ctx: Context,
  config: MeetConfig,
  aws: AwsPorts,
  call: <T>(doing: string, fn: () => Promise<T>) => Promise<T>,
): Promise<number | undefined> {
  try {
    const stack = await call(`reading stack ${config.stackName}`, () => aws.stacks.describe(config.stackName));
    const pool = stack?.outputs[OUTPUTS.userPool];
    if (!pool) return undefined;
    const profile = ctx.profile;
    const ports = ctx.deps.controlPorts({
      region: config.region,
      stackName: config.stackName,
      domain: config.domain,
      ingress: config.ingress,
      ...(profile ? { profile } : {}),
    });
    const members = await ports.users.list(pool);
    return members.filter((m) => m.groups.includes(GROUPS.organizers)).length;
  } catch (error) {
    ctx.out.note(
      `Could not read the member accounts (${error instanceof Error ? error.message : String(error)}); \`meetctl users list\` shows them, and \`meetctl users add YOUR@EMAIL --organizer\` creates the first organizer.`,
    );
    return undefined;
  }
}
