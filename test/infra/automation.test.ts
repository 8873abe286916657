import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { OUTPUTS } from '../../src/infra/meet-stack.js';
import { configWith, resource, synth } from '../support/fixtures.js';

// One template: automation settings changed from their defaults, to see them flow through.
const { template, json } = synth(
  configWith({ idleStopMinutes: 10, startGraceMinutes: 25, maxRuntimeHours: 3, monthlyBudgetUsd: 40 }),
);
const functionId = (part: string) => resource(json, 'AWS::Lambda::Function', `Automation${part}`).id;

describe('participants signal', () => {
  it('turns the stats sidecar lines into participant and conference metrics', () => {
    const stats = resource(json, 'AWS::Logs::LogGroup', 'LogsStatsLogs').id;
    for (const [name, field] of [
      ['Participants', 'participants'],
      ['Conferences', 'conferences'],
    ]) {
      template.hasResourceProperties('AWS::Logs::MetricFilter', {
        LogGroupName: { Ref: stats },
        // The metric value's field appears in the pattern, as CloudWatch requires.
        FilterPattern: `{ ($.type = "jicofo-stats") && ($.ok IS TRUE) && ($.stats.${field} = "*") }`,
        MetricTransformations: [
          { MetricNamespace: 'Meet/Meet-meet-example-org', MetricName: name, MetricValue: `$.stats.${field}`, Unit: 'Count' },
        ],
      });
    }
  });
});

describe('idle stop', () => {
  it('alarms after the configured minutes with nobody in a call, and never on missing data', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'Meet-meet-example-org-idle',
      Namespace: 'Meet/Meet-meet-example-org',
      MetricName: 'Participants',
      Statistic: 'Maximum',
      Period: 60,
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      EvaluationPeriods: 10,
      DatapointsToAlarm: 10,
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ 'Fn::GetAtt': [functionId('IdleStop'), 'Arn'] }],
    });
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      FunctionName: { 'Fn::GetAtt': [functionId('IdleStop'), 'Arn'] },
      Principal: 'lambda.alarms.cloudwatch.amazonaws.com',
    });
  });
});

describe('functions', () => {
  it('are bundled Node.js 24 arm64 functions with the settings in their environment', () => {
    for (const name of ['ScheduledStart', 'IdleStop', 'RuntimeGuard']) {
      expect(resource(json, 'AWS::Lambda::Function', `Automation${name}`).props).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        Environment: {
          Variables: {
            STACK_NAME: 'Meet-meet-example-org',
            MEETING_HOST: 'meet.example.org',
            IDLE_STOP_MINUTES: '10',
            START_GRACE_MINUTES: '25',
            MAX_RUNTIME_HOURS: '3',
            ALERT_TOPIC_ARN: { Ref: resource(json, 'AWS::SNS::Topic').id },
          },
        },
      });
    }
  });

  it('each has its own role', () => {
    const roles = ['ScheduledStart', 'IdleStop', 'RuntimeGuard'].map((n) =>
      JSON.stringify(resource(json, 'AWS::Lambda::Function', `Automation${n}`).props.Role),
    );
    expect(new Set(roles).size).toBe(3);
  });

  it('exist whatever the power state: they cost nothing idle', () => {
    for (const [id, r] of Object.entries(json.Resources))
      if (id.startsWith('Automation')) expect(r.Condition, id).toBeUndefined();
  });
});

describe('runtime guard', () => {
  it('runs every 5 minutes', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(5 minutes)',
      State: 'ENABLED',
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [functionId('RuntimeGuard'), 'Arn'] } })],
    });
  });
});

describe('schedules', () => {
  it('have a group and a role that may only invoke the scheduled start', () => {
    template.hasResourceProperties('AWS::Scheduler::ScheduleGroup', { Name: 'Meet-meet-example-org' });
    const role = resource(json, 'AWS::IAM::Role', 'SchedulerRole');
    expect(role.props.AssumeRolePolicyDocument).toMatchObject({
      Statement: [
        {
          Action: 'sts:AssumeRole',
          Principal: { Service: 'scheduler.amazonaws.com' },
          Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
        },
      ],
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: role.id }],
      PolicyDocument: { Statement: [Match.objectLike({ Action: 'lambda:InvokeFunction' })] },
    });
    for (const name of [OUTPUTS.scheduleGroup, OUTPUTS.schedulerRole, OUTPUTS.scheduledStart, OUTPUTS.alertTopic])
      expect(json.Outputs[name], name).toBeDefined();
  });
});

describe('alerts and budget', () => {
  it('send alerts to the configured address over a TLS-only topic', () => {
    const topic = resource(json, 'AWS::SNS::Topic').id;
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'organizers@example.org',
      TopicArn: { Ref: topic },
    });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('has a monthly cost budget on the configured amount that e-mails at 80% actual and 100% forecast', () => {
    template.hasResourceProperties('AWS::Budgets::Budget', {
      Budget: { BudgetType: 'COST', TimeUnit: 'MONTHLY', BudgetLimit: { Amount: 40, Unit: 'USD' } },
      NotificationsWithSubscribers: [
        {
          Notification: {
            NotificationType: 'ACTUAL',
            ComparisonOperator: 'GREATER_THAN',
            Threshold: 80,
            ThresholdType: 'PERCENTAGE',
          },
          Subscribers: [{ SubscriptionType: 'EMAIL', Address: 'organizers@example.org' }],
        },
        {
          Notification: {
            NotificationType: 'FORECASTED',
            ComparisonOperator: 'GREATER_THAN',
            Threshold: 100,
            ThresholdType: 'PERCENTAGE',
          },
          Subscribers: [{ SubscriptionType: 'EMAIL', Address: 'organizers@example.org' }],
        },
      ],
    });
  });
});
