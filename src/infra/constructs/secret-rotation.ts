import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as eventTargets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { Construct } from 'constructs';
import type { Automation } from './automation.js';
import { projectFunction } from './function.js';
import type { StoredSecret } from './stored-secret.js';

/** When the monthly rotation runs: the 1st of the month, 09:00 UTC (meetups are rarely then). */
export const ROTATION_SCHEDULE = 'cron(0 9 1 * ? *)';

export interface SecretRotationProps {
  readonly automation: Automation;
  /** The secrets it rotates: the internal passwords, the recorder's (with a recorder) and, with members-only meetings, the token secret. */
  readonly secrets: readonly StoredSecret[];
}

/**
 * The optional monthly rotation (`rotateSecretsMonthly`): a function that runs the control plane's
 * rotation (the lock, the stopped-only rule, the event log) once a month, and e-mails when it could
 * not. It may read, stage and promote versions of these secrets only.
 */
export class SecretRotation extends Construct {
  readonly function: NodejsFunction;

  constructor(scope: Construct, id: string, props: SecretRotationProps) {
    super(scope, id);
    this.function = projectFunction(this, 'Function', {
      entry: ['lambda', 'rotate-secrets'],
      description: 'Rotates the internal passwords and the Jitsi token secret once a month, while stopped',
      timeout: Duration.minutes(5),
      environment: props.automation.environment,
    });
    props.automation.grantControl(this.function);
    this.function.addToRolePolicy(grantRotation(props.secrets));
    new events.Rule(this, 'Schedule', {
      description: 'Monthly secret rotation (only while the platform is stopped)',
      schedule: events.Schedule.expression(ROTATION_SCHEDULE),
      targets: [new eventTargets.LambdaFunction(this.function, { retryAttempts: 0 })],
    });
  }
}

/**
 * Read the current value and write a new one (Secrets Manager: stage a version, move AWSCURRENT;
 * Parameter Store: overwrite), on these secrets and nothing else: one statement, as every secret of a
 * stack is in the same store.
 */
export function grantRotation(secrets: readonly StoredSecret[]): iam.PolicyStatement {
  const [first] = secrets;
  if (!first) throw new Error('grantRotation needs at least one secret');
  return new iam.PolicyStatement({ actions: first.rotationStatement().actions, resources: secrets.flatMap((s) => s.resources) });
}
