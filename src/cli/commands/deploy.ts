import { toMeetError } from '../../aws/errors.js';
import { OUTPUT_NAMES as OUTPUTS } from '../../control/outputs.js';
import type { PowerState } from '../../control/snapshot.js';
import { ExitCode, MeetError } from '../../errors.js';
import type { Context } from '../context.js';

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
  readonly runningTasks: number;
  readonly cdkArgs: readonly string[];
  readonly deployed: boolean;
}

/**
 * `meetctl deploy`: check who we are and what is deployed, refuse while a meeting may be live, then
 * run the pinned `cdk deploy` with the PowerState the stack already has.
 */
export async function deploy(ctx: Context, options: DeployOptions): Promise<number> {
  const { config, file, isExample } = await ctx.loadConfig(false);
  if (isExample) {
    throw new MeetError(
      `refusing to deploy the example config ${file} (meet.example.org is not your domain).`,
      ExitCode.config,
      'Copy meet.config.example.json to meet.config.json, set your domain, hosted zone, alert e-mail and budget, then deploy.',
    );
  }
  const profile = ctx.profile;
  const aws = ctx.deps.aws({ region: config.region, ...(profile ? { profile } : {}) });
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
  const powerState: PowerState = stack?.powerState ?? options.power ?? 'on';

  let runningTasks = 0;
  const cluster = stack?.outputs[OUTPUTS.cluster];
  const service = stack?.outputs[OUTPUTS.service];
  if (cluster && service) {
    const counts = await call(`reading ECS service ${service}`, () => aws.services.counts(cluster, service));
    runningTasks = (counts?.running ?? 0) + (counts?.pending ?? 0);
  }
  if (runningTasks > 0 && !options.force) {
    throw new MeetError(
      `${runningTasks} task(s) are running: a meeting may be live, and deploying would replace the task and drop everyone.`,
      ExitCode.failed,
      'Wait until the meeting ends (or stop the platform), or pass --force to deploy anyway.',
    );
  }

  const cdkArgs = [
    'deploy',
    config.stackName,
    '--app',
    ctx.deps.cdkAppCommand,
    '--parameters',
    `PowerState=${powerState}`,
    '--require-approval',
    ctx.options.yes ? 'never' : 'broadening',
    '--no-notices',
    ...(profile ? ['--profile', profile] : []),
  ];
  const result: DeployResult = {
    stackName: config.stackName,
    region: config.region,
    account,
    exists: Boolean(stack),
    powerState,
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

  ctx.out.note(
    `${stack ? 'Updating' : 'Creating'} stack ${config.stackName} in ${config.region} (account ${account}), PowerState=${powerState}…`,
  );
  const code = await ctx.deps.runCdk(cdkArgs, {
    cwd: ctx.deps.cwd,
    env: { MEET_CONFIG: file, MEET_REGION: config.region, CDK_DISABLE_CLI_TELEMETRY: 'true' },
  });
  if (code !== 0) {
    throw new MeetError(
      `cdk deploy failed with exit code ${code}; CloudFormation rolls a failed change back, so the previous version stays in place.`,
      ExitCode.failed,
      'Read the CloudFormation events printed above; `meetctl deploy --dry-run` shows the command.',
    );
  }
  if (ctx.options.json) ctx.out.json({ ...result, deployed: true });
  else
    ctx.out.line(
      `Deployed ${config.stackName}: ${powerState === 'on' ? `https://${config.domain} (stopped; no task runs until started)` : 'powered down (nothing billed by the hour)'}.`,
    );
  return ExitCode.ok;
}
