import { Duration, Validations } from 'aws-cdk-lib';
import type * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import type * as acm from 'aws-cdk-lib/aws-certificatemanager';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { Construct } from 'constructs';
import type { Branding } from '../../branding/jitsi-branding.js';
import { BRANDING_ENV } from '../../branding/page-branding.js';
import { ASLEEP_ENV } from '../../lambda/asleep-page.js';
import { projectFunction } from './function.js';
import { grantScheduleReads, pageApi } from './page-api.js';

export interface AsleepPageProps {
  /** The meeting host; the API answers on it while no task runs. */
  readonly domain: string;
  /** ACM certificate for the meeting host, in the stack's region. */
  readonly certificate: acm.ICertificate;
  /** The meetup schedules' group (the page names the next meetup). */
  readonly scheduleGroupName: string;
  /** Members-only meetings: the organizer page the asleep page links to for signing in. */
  readonly pageUrl?: string;
  /** The group's branding (name, logo, colours) on the page. */
  readonly branding?: Branding;
  /** Sites allowed to show the meeting host (and so this page) in a frame. */
  readonly embedOrigins: readonly string[];
}

/**
 * What the asleep page's stage lets through: a hundred people reloading once a minute is under 2
 * requests a second; a shared link opened by everyone at once is a burst.
 */
export const ASLEEP_THROTTLE = { rateLimit: 20, burstLimit: 50 } as const;

/**
 * Where the meeting host points while no task runs (direct mode): an HTTP API with a custom domain
 * for the meeting host, answering every path with a small page that says the server is asleep and
 * when the next meetup is. Billed per request only: nothing by the hour.
 */
export class AsleepPage extends Construct {
  readonly function: NodejsFunction;
  readonly domainName: apigwv2.DomainName;
  readonly api: apigwv2.HttpApi;

  constructor(scope: Construct, id: string, props: AsleepPageProps) {
    super(scope, id);
    this.function = projectFunction(this, 'Function', {
      entry: ['lambda', 'asleep-page'],
      description: `The page ${props.domain} shows while the meeting server is asleep`,
      timeout: Duration.seconds(10),
      environment: {
        [ASLEEP_ENV.host]: props.domain,
        [ASLEEP_ENV.scheduleGroup]: props.scheduleGroupName,
        ...(props.pageUrl ? { [ASLEEP_ENV.pageUrl]: props.pageUrl } : {}),
        ...(props.branding ? { [BRANDING_ENV]: JSON.stringify(props.branding) } : {}),
        ...(props.embedOrigins.length > 0 ? { [ASLEEP_ENV.embedOrigins]: JSON.stringify(props.embedOrigins) } : {}),
      },
    });
    grantScheduleReads(this.function, props.scheduleGroupName);
    Validations.of(this.function).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'scheduler:ListSchedules supports no resource-level permissions; the function only reads schedule names.',
    });

    const { api, domainName } = pageApi(this, {
      host: props.domain,
      certificate: props.certificate,
      handler: this.function,
      description: `Asleep page of ${props.domain}`,
      noAuthorizerReason:
        'The asleep page is public on purpose: anyone who opens the meeting link between meetups reads when the next one is.',
      noAccessLogReason:
        "Access logs would record every visitor's IP address; the page is static and the project keeps no such personal data (as for the load balancer).",
      throttle: ASLEEP_THROTTLE,
    });
    this.api = api;
    this.domainName = domainName;
  }

  /**
   * Let the page say "starting" while the meeting's service asks for a task: its cluster and service
   * in the environment, and DescribeServices on that one service.
   */
  watchService(service: ecs.FargateService): void {
    this.function.addEnvironment(ASLEEP_ENV.cluster, service.cluster.clusterName);
    this.function.addEnvironment(ASLEEP_ENV.service, service.serviceName);
    this.function.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['ecs:DescribeServices'], resources: [service.serviceArn] }),
    );
  }
}
