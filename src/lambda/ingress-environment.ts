import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EC2Client } from '@aws-sdk/client-ec2';
import { Route53Client } from '@aws-sdk/client-route-53';
import { classifiedGroup } from '../aws/errors.js';
import { dynamoTaskRows, ec2PublicIp, route53HostRecord } from '../aws/task-dns-adapters.js';
import { systemClock } from '../control/ports.js';
import type { TaskDnsPorts } from '../control/task-dns.js';
import { required } from './required.js';

/** Environment variables the no-load-balancer mode's functions get from the stack. */
export const INGRESS_ENV = {
  host: 'MEETING_HOST',
  hostedZoneId: 'HOSTED_ZONE_ID',
  certificateSecret: 'CERTIFICATE_SECRET_ARN',
  acmeDirectory: 'ACME_DIRECTORY_URL',
  acmeEmail: 'ACME_EMAIL',
  topicArn: 'ALERT_TOPIC_ARN',
  stateTable: 'STATE_TABLE_NAME',
  asleepDnsName: 'ASLEEP_DNS_NAME',
  asleepZoneId: 'ASLEEP_HOSTED_ZONE_ID',
} as const;

/** Route 53 is a global service: its API lives in us-east-1 whatever the stack's region. */
export const route53 = () => new Route53Client({ region: 'us-east-1' });

/** The DNS function's ports, from the environment. */
export function taskDnsPorts(): TaskDnsPorts {
  const region = required('AWS_REGION');
  return {
    publicIp: classifiedGroup({ publicIp: ec2PublicIp(new EC2Client({ region })) }).publicIp,
    record: classifiedGroup(
      route53HostRecord(route53(), required(INGRESS_ENV.hostedZoneId), required(INGRESS_ENV.host), {
        dnsName: required(INGRESS_ENV.asleepDnsName),
        hostedZoneId: required(INGRESS_ENV.asleepZoneId),
      }),
    ),
    tasks: classifiedGroup(dynamoTaskRows(new DynamoDBClient({ region }), required(INGRESS_ENV.stateTable))),
    clock: systemClock,
  };
}
