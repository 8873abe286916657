import { Stack, Validations } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { Construct } from 'constructs';

export interface PageApiProps {
  /** The host name the API answers on (a custom domain; the execute-api address is turned off). */
  readonly host: string;
  readonly certificate: acm.ICertificate;
  /** The one function that answers every path. */
  readonly handler: NodejsFunction;
  readonly description: string;
  /** Why the routes carry no API Gateway authorizer (cdk-nag APIG4). */
  readonly noAuthorizerReason: string;
  /** Why the stage keeps no access log (cdk-nag APIG1). */
  readonly noAccessLogReason: string;
  /** Requests per second the stage lets through, steady and in a burst (every client together). */
  readonly throttle: { readonly rateLimit: number; readonly burstLimit: number };
}

/**
 * An HTTP API (API Gateway v2) on a custom domain, one Lambda integration for every path, and the
 * execute-api address disabled, so the host name is the only way in. Billed per request.
 *
 * Throttled at the stage: HTTP API throttling is a token bucket per route for every caller together
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-throttling.html), not per
 * client. Per-client limits (usage plans with API keys) and AWS WAF exist for REST APIs only
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-vs-rest.html). So the stage
 * limit bounds what a flood costs, and a flood can still crowd others out; the page's function adds
 * its own per-session and per-address limits (src/page/throttle.ts).
 */
export function pageApi(scope: Construct, props: PageApiProps): { api: apigwv2.HttpApi; domainName: apigwv2.DomainName } {
  const domainName = new apigwv2.DomainName(scope, 'Domain', {
    domainName: props.host,
    certificate: props.certificate,
    securityPolicy: apigwv2.SecurityPolicy.TLS_1_2,
  });
  const api = new apigwv2.HttpApi(scope, 'Api', {
    description: props.description,
    defaultIntegration: new HttpLambdaIntegration('Page', props.handler),
    disableExecuteApiEndpoint: true,
    defaultDomainMapping: { domainName },
  });
  Validations.of(api).acknowledge({ id: 'AwsSolutions-APIG4', reason: props.noAuthorizerReason });
  const stage = api.defaultStage?.node.defaultChild as apigwv2.CfnStage | undefined;
  if (!stage) throw new Error(`the HTTP API of ${props.host} has no default stage to throttle`);
  stage.defaultRouteSettings = {
    throttlingRateLimit: props.throttle.rateLimit,
    throttlingBurstLimit: props.throttle.burstLimit,
  };
  Validations.of(stage).acknowledge({ id: 'AwsSolutions-APIG1', reason: props.noAccessLogReason });
  return { api, domainName };
}

/**
 * Let a function create and delete the meetup schedules of one group, targeting the scheduled start
 * with the scheduler role (and pass that role to EventBridge Scheduler only).
 */
export function grantScheduleWrites(fn: NodejsFunction, scheduleGroupName: string, schedulerRole: iam.IRole): void {
  const stack = Stack.of(fn);
  fn.addToRolePolicy(
    new iam.PolicyStatement({
      actions: ['scheduler:CreateSchedule', 'scheduler:DeleteSchedule'],
      resources: [stack.formatArn({ service: 'scheduler', resource: 'schedule', resourceName: `${scheduleGroupName}/*` })],
    }),
  );
  fn.addToRolePolicy(
    new iam.PolicyStatement({
      actions: ['iam:PassRole'],
      resources: [schedulerRole.roleArn],
      conditions: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
    }),
  );
}

/** Let a function read the meetup schedules of one group (the next meetup on a page). */
export function grantScheduleReads(fn: NodejsFunction, scheduleGroupName: string): void {
  const stack = Stack.of(fn);
  fn.addToRolePolicy(
    new iam.PolicyStatement({
      actions: ['scheduler:GetSchedule'],
      resources: [stack.formatArn({ service: 'scheduler', resource: 'schedule', resourceName: `${scheduleGroupName}/*` })],
    }),
  );
  // ListSchedules supports no resource-level permissions.
  fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['scheduler:ListSchedules'], resources: ['*'] }));
  Validations.of(fn).acknowledge({
    id: `AwsSolutions-IAM5[Resource::arn:${stack.partition}:scheduler:${stack.region}:<AWS::AccountId>:schedule/${scheduleGroupName}/*]`,
    reason: 'Meetup schedules are created by organizers with names of their choice; reading is limited to this group.',
  });
}
