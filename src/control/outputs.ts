/**
 * Names of the stack outputs the control plane reads. Kept here (pure) so the core does not import
 * the CDK stack; the stack uses the same constants.
 */
export const OUTPUT_NAMES = {
  url: 'MeetingUrl',
  cluster: 'ClusterName',
  service: 'ServiceName',
  taskFamily: 'TaskDefinitionFamily',
  bucket: 'RecordingsBucketName',
  secret: 'InternalSecretArn',
  logGroups: 'LogGroupNames',
  stateTable: 'StateTableName',
  loadBalancer: 'LoadBalancerArn',
  webTargets: 'WebTargetGroupArn',
  scheduleGroup: 'ScheduleGroupName',
  schedulerRole: 'SchedulerRoleArn',
  scheduledStart: 'ScheduledStartFunctionArn',
  alertTopic: 'AlertTopicArn',
  eventLog: 'EventLogGroupName',
  ingress: 'IngressMode',
  tokenSecret: 'JitsiTokenSecretArn',
  userPool: 'UserPoolId',
  userPoolClient: 'UserPoolClientId',
  signInUrl: 'SignInUrl',
  pageUrl: 'OrganizerPageUrl',
  recorderGroup: 'RecorderGroupName',
  recorderTaskFamily: 'RecorderTaskDefinitionFamily',
  recorderCapacityProvider: 'RecorderCapacityProviderName',
  recorderLogGroup: 'RecorderLogGroupName',
  recorderLauncher: 'RecorderLauncherName',
  recorderSecret: 'RecorderSecretArn',
  hostedZone: 'HostedZoneId',
  asleepDnsName: 'AsleepDnsName',
  asleepZone: 'AsleepHostedZoneId',
} as const;

/** Values of the `PowerState` stack parameter. */
export const POWER_STATES = ['on', 'off'] as const;
/** Name of the stack parameter that the CLI and the Lambdas flip. */
export const POWER_STATE_PARAMETER = 'PowerState';
/**
 * Name of the stack parameter that holds the service's desired count. `meetctl deploy` passes the
 * live count, and power changes pass 0, because CloudFormation applies the template's DesiredCount
 * on every update that touches the service (aws/containers-roadmap #493): a constant 0 would stop a
 * running meeting on deploy.
 */
export const DESIRED_COUNT_PARAMETER = 'DesiredCount';
