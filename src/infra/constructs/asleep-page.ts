import { Duration, Stack, Validations } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { Construct } from 'constructs';
import { ASLEEP_ENV } from '../../lambda/asleep-page.js';
import { projectFunction } from './function.js';

export interface AsleepPageProps {
  /** The meeting host; the API answers on it while no task runs. */
  readonly domain: string;
  /** ACM certificate for the meeting host, in the stack's region. */
  readonly certificate: acm.ICertificate;
  /** The meetup schedules' group (the page names the next meetup). */
  readonly scheduleGroupName: string;
  /** Members-only meetings: the organizer page the asleep page links to for signing in. */
  readonly pageUrl?: string;
}

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
    const stack = Stack.of(this);
    this.function = projectFunction(this, 'Function', {
      entry: ['lambda', 'asleep-page'],
      description: `The page ${props.domain} shows while the meeting server is asleep`,
      timeout: Duration.seconds(10),
      environment: {
        [ASLEEP_ENV.host]: props.domain,
        [ASLEEP_ENV.scheduleGroup]: props.scheduleGroupName,
        ...(props.pageUrl ? { [ASLEEP_ENV.pageUrl]: props.pageUrl } : {}),
      },
    });
    this.function.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['scheduler:GetSchedule'],
        resources: [
          stack.formatArn({ service: 'scheduler', resource: 'schedule', resourceName: `${props.scheduleGroupName}/*` }),
        ],
      }),
    );
    // ListSchedules supports no resource-level permissions.
    this.function.addToRolePolicy(new iam.PolicyStatement({ actions: ['scheduler:ListSchedules'], resources: ['*'] }));
    Validations.of(this.function).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'scheduler:ListSchedules supports no resource-level permissions; the function only reads schedule names.',
    });
    Validations.of(this.function).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:${stack.partition}:scheduler:${stack.region}:<AWS::AccountId>:schedule/${props.scheduleGroupName}/*]`,
      reason: 'Meetup schedules are created by organizers with names of their choice; reading is limited to this group.',
    });

    this.domainName = new apigwv2.DomainName(this, 'Domain', {
      domainName: props.domain,
      certificate: props.certificate,
      securityPolicy: apigwv2.SecurityPolicy.TLS_1_2,
    });
    this.api = new apigwv2.HttpApi(this, 'Api', {
      description: `Asleep page of ${props.domain}`,
      defaultIntegration: new HttpLambdaIntegration('Page', this.function),
      // Only the meeting host reaches it; the execute-api address would be a second way in.
      disableExecuteApiEndpoint: true,
      defaultDomainMapping: { domainName: this.domainName },
    });
    Validations.of(this.api).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason:
        'The asleep page is public on purpose: anyone who opens the meeting link between meetups reads when the next one is.',
    });
    const stage = this.api.defaultStage?.node.defaultChild;
    if (stage) {
      Validations.of(stage).acknowledge({
        id: 'AwsSolutions-APIG1',
        reason:
          "Access logs would record every visitor's IP address; the page is static and the project keeps no such personal data (as for the load balancer).",
      });
    }
  }
}
