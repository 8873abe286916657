import type { CloudFormationCustomResourceEvent, ScheduledEvent } from 'aws-lambda';
import { firstCertificate, scheduledRenewal } from '../certs/handlers.js';
import { certificateDeps } from './certificate-environment.js';

/**
 * Lambda entry of the certificate function: the deploy-time custom resource (a CloudFormation
 * event, through the CDK provider framework) or the daily schedule. The logic is in src/certs.
 */
export const handler = (event: CloudFormationCustomResourceEvent | ScheduledEvent) =>
  'RequestType' in event ? firstCertificate(certificateDeps())(event) : scheduledRenewal(certificateDeps())();
