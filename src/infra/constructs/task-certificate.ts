import { CustomResource, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as events from 'aws-cdk-lib/aws-events';
import * as eventTargets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { CERTIFICATE_PARAMETER_KEYS } from '../../aws/certificate-store.js';
import { CERTIFICATE_ROW } from '../../aws/task-dns-adapters.js';
import { challengeName, LETS_ENCRYPT } from '../../certs/certificate.js';
import { INGRESS_ENV } from '../../lambda/ingress-environment.js';
import { projectFunction } from './function.js';
import type { InternalSecret } from './internal-secret.js';
import { acknowledgeBasicExecutionRole, logicalId } from './nag.js';
import { recordChangeStatement } from './route53-grants.js';
import { type StoredSecret, secretsManagerSecret } from './stored-secret.js';

export interface TaskCertificateProps {
  /** The meeting host the certificate names. */
  readonly domain: string;
  /** The public hosted zone that holds it (DNS-01 challenges go there). */
  readonly hostedZoneId: string;
  /** The ACME account's contact and the alert address. */
  readonly email: string;
  /** ACME directory; Let's Encrypt production when absent. */
  readonly directoryUrl?: string;
  /** Where a renewal that keeps failing is reported. */
  readonly alerts: sns.ITopic;
  /** The state table: the function reports dates and outcome in its CERTIFICATE row for `meetctl health`. */
  readonly stateTable: dynamodb.ITable;
  /** The store (config `secretStore`); with Parameter Store its generator creates the certificate's parameters. */
  readonly passwords: InternalSecret;
}

/** The certificate's trust boundary: the certificate function writes it, the TLS sidecar's start reads it. */
export const CERTIFICATE_BOUNDARY = 'certificate';

/** The certificate secret's JSON keys that the task reads (ECS secrets). */
export const CERTIFICATE_KEYS = { certificate: 'certificatePem', privateKey: 'privateKeyPem' } as const;
/** Hours between two renewal checks. */
export const RENEWAL_CHECK_HOURS = 24;

/**
 * The meeting host's publicly trusted certificate for the direct ingress mode: a secret of its own,
 * a function that issues and renews it over ACME DNS-01 (src/certs), run once a day and once at
 * deploy time through a custom resource, so the first certificate is in place before the service
 * can start a task. Never issued per start.
 */
export class TaskCertificate extends Construct {
  /** The certificate, its key and the function's bookkeeping, in the configured store. */
  readonly stored: StoredSecret;
  readonly function: NodejsFunction;
  /** The first certificate; the task definition depends on it. */
  readonly ready: CustomResource;

  constructor(scope: Construct, id: string, props: TaskCertificateProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.stored =
      props.passwords.store === 'parameter-store'
        ? // Chain, key and bookkeeping apart: each within a standard parameter's 4,096 bytes.
          props.passwords.parameters(this, 'Parameters', CERTIFICATE_BOUNDARY, Object.values(CERTIFICATE_PARAMETER_KEYS))
        : this.createSecret(props.domain);

    this.function = projectFunction(this, 'Function', {
      entry: ['lambda', 'certificate'],
      description: `Issues and renews the TLS certificate of ${props.domain} (ACME DNS-01)`,
      // Route 53 INSYNC (usually under a minute, at most 5) plus the CA's validation and issuance.
      timeout: Duration.minutes(10),
      environment: {
        [INGRESS_ENV.host]: props.domain,
        [INGRESS_ENV.hostedZoneId]: props.hostedZoneId,
        [INGRESS_ENV.certificateSecret]: this.stored.reference,
        [INGRESS_ENV.acmeDirectory]: props.directoryUrl ?? LETS_ENCRYPT,
        [INGRESS_ENV.acmeEmail]: props.email,
        [INGRESS_ENV.topicArn]: props.alerts.topicArn,
        [INGRESS_ENV.stateTable]: props.stateTable.tableName,
      },
    });
    for (const statement of [
      // Only the host's _acme-challenge TXT record, and only UPSERT and DELETE.
      recordChangeStatement(this, props.hostedZoneId, {
        name: challengeName(props.domain),
        types: ['TXT'],
        actions: ['UPSERT', 'DELETE'],
      }),
      new iam.PolicyStatement({ actions: ['route53:GetChange'], resources: [`arn:${stack.partition}:route53:::change/*`] }),
      this.stored.writeStatement(),
      new iam.PolicyStatement({ actions: ['sns:Publish'], resources: [props.alerts.topicArn] }),
      new iam.PolicyStatement({
        actions: ['dynamodb:PutItem'],
        resources: [props.stateTable.tableArn],
        conditions: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': [CERTIFICATE_ROW] } },
      }),
    ]) {
      this.function.addToRolePolicy(statement);
    }
    Validations.of(this.function).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:${stack.partition}:route53:::change/*]`,
      reason: 'Route 53 change ids are generated per change; GetChange only reads whether a change is INSYNC.',
    });

    new events.Rule(this, 'Renewal', {
      description: `Renews the certificate of ${props.domain} when fewer than 30 days are left`,
      schedule: events.Schedule.rate(Duration.hours(RENEWAL_CHECK_HOURS)),
      targets: [new eventTargets.LambdaFunction(this.function, { retryAttempts: 0 })],
    });

    const provider = new cr.Provider(this, 'Provider', {
      onEventHandler: this.function,
      logGroup: new logs.LogGroup(this, 'ProviderLogs', {
        retention: logs.RetentionDays.ONE_MONTH,
        removalPolicy: RemovalPolicy.DESTROY,
      }),
    });
    acknowledgeBasicExecutionRole(provider);
    Validations.of(provider).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${logicalId(this.function)}.Arn>:*]`,
      reason: 'The CDK provider framework may invoke any version of the certificate function it fronts, and nothing else.',
    });
    this.ready = new CustomResource(this, 'First', {
      serviceToken: provider.serviceToken,
      resourceType: 'Custom::AcmeCertificate',
      // A new host or CA makes CloudFormation run it again (and the function issues for them).
      properties: { Host: props.domain, DirectoryUrl: props.directoryUrl ?? LETS_ENCRYPT },
    });
    // Parameter Store: the function overwrites parameters the generator created (and deletes with the stack).
    if (props.passwords.store === 'parameter-store') this.ready.node.addDependency(this.stored.ready);
  }

  /** Secrets Manager: one secret, created empty (`{}`), written only by the certificate function. */
  private createSecret(domain: string): StoredSecret {
    const secret = new secretsmanager.Secret(this, 'Secret', {
      description: `TLS certificate and key of ${domain} (ACME), and the ACME account key. Written only by the certificate function.`,
      secretObjectValue: {},
      removalPolicy: RemovalPolicy.DESTROY,
    });
    Validations.of(secret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'The certificate function renews this secret itself (daily check, 30 days before expiry over ACME); Secrets Manager rotation would add a second, competing writer.',
    });
    return secretsManagerSecret(secret, secret, (key) => ecs.Secret.fromSecretsManager(secret, key));
  }
}
