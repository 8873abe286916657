import { describe, expect, it } from 'vitest';
import { FUNCTION_LOG_RETENTION_DAYS } from '../../src/cost/assumptions.js';
import { type CostEstimate, estimateForConfig } from '../../src/cost/model.js';
import { configWith, synth, type TemplateJson } from '../support/fixtures.js';
import { TEMPLATE_VARIANTS } from '../support/template-variants.js';

/**
 * What every resource of the stack bills while no task runs. Each resource type of every template
 * variant is either priced by a line of `meetctl plan` (which must be there for that variant), or
 * free while stopped, with the AWS page that says so. A resource type added to the stack without
 * an entry here fails: decide which it is before it ships.
 */
type IdleCost = { readonly line: RegExp } | { readonly free: string; readonly source: `https://${string}` };

const VPC_FREE = {
  free: 'the VPC and its subnets, routes, internet gateway and security groups have no charge; VPC pricing bills NAT gateways, endpoints and public IPv4 addresses, none of which the stack has while stopped',
  source: 'https://aws.amazon.com/vpc/pricing/',
} as const;
const ECS_FREE = {
  free: 'ECS itself has no charge: the task bills Fargate while it runs (the Fargate task line), the recorder its EC2 instance while it records',
  source: 'https://aws.amazon.com/ecs/pricing/',
} as const;
const IAM_FREE = { free: 'IAM has no charge', source: 'https://aws.amazon.com/iam/faqs/' } as const;
const DEPLOY_FUNCTION = {
  free: 'a CloudFormation custom resource: its function runs when the stack is deployed, well within the Lambda free tier; what it creates has a line of its own',
  source: 'https://aws.amazon.com/lambda/pricing/',
} as const;
/** The HTTP API in front of the asleep page and the organizer page: requests only (custom domains have no charge). */
const HTTP_API = { line: /^(Asleep page|Organizer page)/ } as const;
const LOAD_BALANCER = { line: /^Network Load Balancer$/ } as const;
const USER_POOL = { line: /^User pool/ } as const;

const IDLE: Readonly<Record<string, IdleCost>> = {
  'AWS::ApiGatewayV2::Api': HTTP_API,
  'AWS::ApiGatewayV2::ApiMapping': HTTP_API,
  'AWS::ApiGatewayV2::DomainName': HTTP_API,
  'AWS::ApiGatewayV2::Integration': HTTP_API,
  'AWS::ApiGatewayV2::Route': HTTP_API,
  'AWS::ApiGatewayV2::Stage': HTTP_API,
  // The recorder's instances exist only while a meeting records (0 instances otherwise).
  'AWS::AutoScaling::AutoScalingGroup': { line: /^Recorder \(/ },
  'AWS::EC2::LaunchTemplate': { line: /^Recorder \(/ },
  'AWS::IAM::InstanceProfile': IAM_FREE,
  'AWS::ECS::CapacityProvider': ECS_FREE,
  'AWS::ECS::ClusterCapacityProviderAssociations': ECS_FREE,
  // The automation line names the budget, the topic's e-mail, the state table and the schedules.
  'AWS::Budgets::Budget': { line: /^Automation/ },
  'AWS::SNS::Topic': { line: /^Automation/ },
  'AWS::SNS::Subscription': { line: /^Automation/ },
  'AWS::SNS::TopicPolicy': { line: /^Automation/ },
  'AWS::DynamoDB::Table': { line: /^Automation/ },
  'AWS::Scheduler::ScheduleGroup': { line: /^Automation/ },
  'AWS::Lambda::Function': { line: /^Automation/ },
  'AWS::Lambda::Permission': { line: /^Automation/ },
  'AWS::Lambda::EventInvokeConfig': { line: /^Automation/ },
  'AWS::Events::Rule': {
    free: 'rules on the default event bus that match AWS service events (the task state changes) or run on a schedule have no charge',
    source: 'https://aws.amazon.com/eventbridge/pricing/',
  },
  'AWS::CertificateManager::Certificate': {
    free: 'public certificates from ACM have no charge',
    source: 'https://aws.amazon.com/certificate-manager/pricing/',
  },
  'AWS::CloudWatch::Alarm': { line: /^Dashboard and meeting alarms/ },
  'AWS::CloudWatch::Dashboard': { line: /^Dashboard and meeting alarms/ },
  'AWS::Logs::LogGroup': { line: /^CloudWatch Logs (storage|of the runtime guard)/ },
  'AWS::Logs::MetricFilter': { line: /^Meeting metrics/ },
  'AWS::Cognito::UserPool': USER_POOL,
  'AWS::Cognito::UserPoolClient': USER_POOL,
  'AWS::Cognito::UserPoolDomain': USER_POOL,
  'AWS::Cognito::UserPoolGroup': USER_POOL,
  'AWS::Cognito::UserPoolIdentityProvider': USER_POOL,
  'AWS::EC2::VPC': VPC_FREE,
  'AWS::EC2::Subnet': VPC_FREE,
  'AWS::EC2::RouteTable': VPC_FREE,
  'AWS::EC2::Route': VPC_FREE,
  'AWS::EC2::SubnetRouteTableAssociation': VPC_FREE,
  'AWS::EC2::InternetGateway': VPC_FREE,
  'AWS::EC2::VPCGatewayAttachment': VPC_FREE,
  'AWS::EC2::SecurityGroup': VPC_FREE,
  'AWS::EC2::SecurityGroupIngress': VPC_FREE,
  'AWS::EC2::SecurityGroupEgress': VPC_FREE,
  'AWS::ECS::Cluster': ECS_FREE,
  'AWS::ECS::Service': ECS_FREE,
  'AWS::ECS::TaskDefinition': ECS_FREE,
  'AWS::ElasticLoadBalancingV2::LoadBalancer': LOAD_BALANCER,
  'AWS::ElasticLoadBalancingV2::Listener': LOAD_BALANCER,
  'AWS::ElasticLoadBalancingV2::TargetGroup': LOAD_BALANCER,
  'AWS::IAM::Role': IAM_FREE,
  'AWS::IAM::Policy': IAM_FREE,
  // Records are part of the zone; queries to alias records that point at AWS resources have no charge.
  'AWS::Route53::RecordSet': { line: /^Route 53 hosted zone/ },
  'AWS::S3::Bucket': { line: /^Recordings in S3/ },
  'AWS::S3::BucketPolicy': { line: /^Recordings in S3/ },
  'AWS::SecretsManager::Secret': { line: /^Secrets Manager/ },
  // The internal passwords go into the configured store; the SecureString parameters are the Parameter Store line.
  'Custom::InternalPasswords': { line: /^(Secrets Manager|Parameter Store)/ },
  'Custom::SecureParameters': { line: /^Parameter Store/ },
  'Custom::AcmeCertificate': DEPLOY_FUNCTION,
  'Custom::VpcRestrictDefaultSG': DEPLOY_FUNCTION,
};

const typesOf = (json: TemplateJson) => [...new Set(Object.values(json.Resources).map((r) => r.Type))].sort();

/** What a variant's template and plan say, synthesized once for all the checks below. */
const VARIANTS = Object.entries(TEMPLATE_VARIANTS).map(([name, changes]) => {
  const config = configWith(changes);
  return { name, config, json: synth(config).json, plan: estimateForConfig(config) };
});
const lineOf = (plan: CostEstimate, item: RegExp) => plan.rates.find((r) => item.test(r.item));

describe('what every resource of the stack bills while no task runs', () => {
  it.each(VARIANTS.map((v) => [v.name, v] as const))('%s: every resource type is priced by a plan line or free', (_, v) => {
    for (const type of typesOf(v.json)) {
      const cost = IDLE[type];
      expect(cost, `${v.name}: ${type} is not classified: add it to IDLE (a plan line, or free with its source)`).toBeDefined();
      if (cost && 'line' in cost)
        expect(lineOf(v.plan, cost.line), `${v.name}: ${type} needs a plan line ${cost.line}`).toBeDefined();
    }
  });

  it('names an AWS page for everything it calls free', () => {
    for (const cost of Object.values(IDLE)) if ('free' in cost) expect(cost.source).toMatch(/^https:\/\/aws\.amazon\.com\//);
  });

  it("prices the meetings' logs for the retention the stack sets on the containers' and the recorder's log groups", () => {
    for (const v of VARIANTS) {
      const retention = Object.entries(v.json.Resources)
        .filter(([id, r]) => r.Type === 'AWS::Logs::LogGroup' && /^(Logs[A-Z][a-z]+Logs|RecorderLogs)/.test(id))
        .map(([, r]) => r.Properties?.RetentionInDays);
      expect(retention.length, v.name).toBeGreaterThan(0);
      expect(new Set(retention), v.name).toEqual(new Set([v.config.logRetentionDays]));
      expect(lineOf(v.plan, /^CloudWatch Logs storage/)?.item, v.name).toBe(
        `CloudWatch Logs storage (meeting logs kept ${v.config.logRetentionDays} days)`,
      );
    }
  });

  it("keeps the runtime guard's logs as long as the plan prices them, in Lambda's text format", () => {
    for (const v of VARIANTS) {
      const guard = Object.entries(v.json.Resources).find(
        ([id, r]) => r.Type === 'AWS::Lambda::Function' && id.startsWith('AutomationRuntimeGuard'),
      )?.[1];
      const config = guard?.Properties?.LoggingConfig as { LogGroup: { Ref: string }; LogFormat?: string };
      expect(config.LogFormat ?? 'Text', v.name).toBe('Text');
      expect(v.json.Resources[config.LogGroup.Ref]?.Properties?.RetentionInDays, v.name).toBe(FUNCTION_LOG_RETENTION_DAYS);
    }
  });
});
