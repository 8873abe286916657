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
}

/**
 * An HTTP API (API Gateway v2) on a custom domain, one Lambda integration for every path, and the
 * execute-api address disabled, so the host name is the only way in. Billed per request.
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
  const stage = api.defaultStage?.node.defaultChild;
  if (stage) Validations.of(stage).acknowledge({ id: 'AwsSolutions-APIG1', reason: props.noAccessLogReason });
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
