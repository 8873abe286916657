import { ArnFormat, Duration, Stack, Validations } from 'aws-cdk-lib';
import type * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as targets from 'aws-cdk-lib/aws-route53-targets';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { SESSION_ROW_PREFIX } from '../../aws/page-sessions.js';
import type { Branding } from '../../branding/jitsi-branding.js';
import { BRANDING_ENV } from '../../branding/page-branding.js';
import { PAGE_ENV, type PageCostModel } from '../../lambda/organizer-page.js';
import { RECORDINGS_PREFIX } from '../../recording/recorder.js';
import type { Automation } from './automation.js';
import { projectFunction } from './function.js';
import type { Members } from './members.js';
import { logicalId } from './nag.js';
import { grantScheduleReads, grantScheduleWrites, pageApi } from './page-api.js';
import type { StoredSecret } from './stored-secret.js';

export interface OrganizerPageProps {
  /** The page's host, e.g. start.meet.example.org. */
  readonly host: string;
  readonly zone: route53.IHostedZone;
  /** The control plane's functions: the page runs starts and stops like them. */
  readonly automation: Automation;
  readonly members: Members;
  readonly tokenSecret: StoredSecret;
  readonly stateTable: dynamodb.ITable;
  /** What the month-to-date estimate needs from the config. */
  readonly costModel: PageCostModel;
  /** The group's branding (name, logo, colours, welcome line) on the page. */
  readonly branding?: Branding;
  /** With a recorder: organizers list the recordings and download them through short-lived links. */
  readonly recordings?: s3.IBucket;
  /** The config's `timeZone`: the meetup form's default and the zone of the page's times. */
  readonly timeZone?: string;
  /**
   * The median of the recorded starts that match the deployment (src/control/start-timings.ts): the
   * page shows it as the expected start, marked measured. Without it, the page shows the model.
   */
  readonly measuredStartSeconds?: number;
}

/** The state table row the page's start rate limit writes. */
export const RATE_ROW = 'RATE#start';

/**
 * What the page's stage lets through: a hundred signed-in people polling the status every 5 s is
 * 20 requests a second, and a meetup's start brings them all at once.
 */
export const PAGE_THROTTLE = { rateLimit: 50, burstLimit: 100 } as const;

/**
 * The organizer page at `start.<host>`: one function behind an HTTP API with a custom domain and
 * its own ACM certificate. It serves the page and its API (src/page), and runs the starts and stops
 * asked for there through the control plane, invoking itself asynchronously. Billed per request.
 */
export class OrganizerPage extends Construct {
  readonly function: NodejsFunction;
  readonly api: apigwv2.HttpApi;

  constructor(scope: Construct, id: string, props: OrganizerPageProps) {
    super(scope, id);
    // A fixed name: the function invokes itself, and its own ARN in its policy would be a cycle.
    const functionName = `${Stack.of(this).stackName}-organizer-page`.slice(0, 64);
    this.function = this.createFunction(props, functionName);
    this.grantPage(props, functionName);
    this.api = this.serveOnHost(props);
  }

  /** The page's function, with the control plane's environment and the page's own settings. */
  private createFunction(props: OrganizerPageProps, functionName: string): NodejsFunction {
    return projectFunction(this, 'Function', {
      entry: ['lambda', 'organizer-page'],
      functionName,
      description: `The organizer page of ${props.host}: status, start, stop, join`,
      // A start runs in the asynchronous invocation and waits until READY (about 90 s).
      timeout: Duration.minutes(15),
      environment: {
        ...props.automation.environment,
        [PAGE_ENV.origin]: `https://${props.host}`,
        [PAGE_ENV.userPoolId]: props.members.userPool.userPoolId,
        [PAGE_ENV.clientId]: props.members.client.userPoolClientId,
        [PAGE_ENV.signInBaseUrl]: props.members.domain.baseUrl(),
        [PAGE_ENV.tokenSecretArn]: props.tokenSecret.reference,
        [PAGE_ENV.stateTable]: props.stateTable.tableName,
        [PAGE_ENV.costModel]: JSON.stringify(props.costModel),
        ...(props.branding ? { [BRANDING_ENV]: JSON.stringify(props.branding) } : {}),
        ...(props.recordings ? { [PAGE_ENV.recordings]: 'on' } : {}),
        ...(props.timeZone ? { [PAGE_ENV.timeZone]: props.timeZone } : {}),
        ...(props.measuredStartSeconds !== undefined ? { [PAGE_ENV.measuredStart]: String(props.measuredStartSeconds) } : {}),
      },
    });
  }

  /**
   * What the page may do beyond the control plane: read its token secret, write its rate and session
   * rows, invoke itself (a start runs asynchronously), read recordings and manage meetup schedules.
   */
  private grantPage(props: OrganizerPageProps, functionName: string): void {
    const stack = Stack.of(this);
    if (props.recordings) grantRecordingsRead(this.function, props.recordings);
    props.automation.grantControl(this.function);
    for (const statement of [
      props.tokenSecret.readStatement(),
      new iam.PolicyStatement({
        actions: ['dynamodb:PutItem'],
        resources: [props.stateTable.tableArn],
        conditions: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': [RATE_ROW] } },
      }),
      // The sessions: one row each, created at sign-in, read on every request, deleted at sign-out.
      new iam.PolicyStatement({
        actions: ['dynamodb:PutItem', 'dynamodb:GetItem', 'dynamodb:DeleteItem'],
        resources: [props.stateTable.tableArn],
        conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${SESSION_ROW_PREFIX}*`] } },
      }),
      new iam.PolicyStatement({
        actions: ['lambda:InvokeFunction'],
        resources: [
          stack.formatArn({
            service: 'lambda',
            resource: 'function',
            resourceName: functionName,
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          }),
        ],
      }),
    ]) {
      this.function.addToRolePolicy(statement);
    }
    Validations.of(this.function).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'scheduler:ListSchedules (and, with a load balancer, elasticloadbalancing:DescribeTargetHealth) support no resource-level permissions; both only read.',
    });
    grantScheduleReads(this.function, props.automation.scheduleGroup.name as string);
    // Organizers add and remove meetups on the page.
    grantScheduleWrites(this.function, props.automation.scheduleGroup.name as string, props.automation.schedulerRole);
  }

  /** The page on its own host name: an ACM certificate, the HTTP API and the alias record. */
  private serveOnHost(props: OrganizerPageProps): apigwv2.HttpApi {
    const certificate = new acm.Certificate(this, 'Certificate', {
      domainName: props.host,
      validation: acm.CertificateValidation.fromDns(props.zone),
    });
    const { api, domainName } = pageApi(this, {
      host: props.host,
      certificate,
      handler: this.function,
      description: `Organizer page of ${props.host}`,
      noAuthorizerReason:
        'The page authorizes in its handler: an HTTP API JWT authorizer reads no cookies, and the session is an HttpOnly cookie verified with aws-jwt-verify on every request.',
      noAccessLogReason:
        "Access logs would record every member's IP address; the page's function logs each start and stop with the member, and the event log keeps them.",
      throttle: PAGE_THROTTLE,
    });
    new route53.ARecord(this, 'Record', {
      zone: props.zone,
      recordName: props.host,
      target: route53.RecordTarget.fromAlias(
        new targets.ApiGatewayv2DomainProperties(domainName.regionalDomainName, domainName.regionalHostedZoneId),
      ),
      comment: 'Organizer page',
    });
    return api;
  }
}

/**
 * List the recordings prefix and read (and so sign download links for) what is under it: no write,
 * no delete, nothing outside the prefix.
 */
function grantRecordingsRead(fn: NodejsFunction, bucket: s3.IBucket): void {
  fn.addToRolePolicy(
    new iam.PolicyStatement({
      actions: ['s3:ListBucket'],
      resources: [bucket.bucketArn],
      conditions: { StringLike: { 's3:prefix': [`${RECORDINGS_PREFIX}*`] } },
    }),
  );
  fn.addToRolePolicy(
    new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [bucket.arnForObjects(`${RECORDINGS_PREFIX}*`)] }),
  );
  Validations.of(fn).acknowledge({
    id: `AwsSolutions-IAM5[Resource::<${logicalId(bucket)}.Arn>/${RECORDINGS_PREFIX}*]`,
    reason: 'Organizers download any recording; reading is limited to the recordings prefix (and listing to it by s3:prefix).',
  });
}
