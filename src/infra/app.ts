import { App, type AppProps } from 'aws-cdk-lib';
import featureFlags from 'aws-cdk-lib/recommended-feature-flags.json';
import type { MeetConfig } from '../config/schema.js';
import type { TimingsFile } from '../control/start-timings.js';
import { MeetStack } from './meet-stack.js';

export interface BuildAppOptions {
  /** Skip Lambda bundling (plan and most tests: the template is the same apart from asset hashes). */
  readonly skipBundling?: boolean;
  /** Where to write the cloud assembly; a temporary directory by default. */
  readonly outdir?: string;
  /** Extra context (the CDK CLI passes its own through the environment). */
  readonly context?: Record<string, unknown>;
  /**
   * The starts `meetctl start --record-timings` kept next to the config (bin/app.ts reads the file):
   * the organizer page shows their median when they match the deployment, else the model.
   */
  readonly startTimings?: TimingsFile;
}

/**
 * The CDK app for a config: used by `bin/app.ts` (the `cdk` CLI), by `meetctl plan` and by tests, so
 * all three synthesize the same template with the same feature flags. The stack is pinned to the
 * configured region but not to an account, so synthesis never needs a lookup or credentials.
 */
export function buildApp(config: MeetConfig, options: BuildAppOptions = {}): { app: App; stack: MeetStack } {
  const context: Record<string, unknown> = { ...featureFlags, ...options.context };
  if (options.skipBundling) context['aws:cdk:bundling-stacks'] = [];
  const props: AppProps = { context, ...(options.outdir ? { outdir: options.outdir } : {}) };
  const app = new App(props);
  const stack = new MeetStack(app, config.stackName, {
    config,
    ...(options.startTimings ? { startTimings: options.startTimings } : {}),
    env: { region: config.region },
    description: `On-demand Jitsi Meet for ${config.domain} (meetctl)`,
    tags: { 'meetctl:domain': config.domain },
  });
  return { app, stack };
}
