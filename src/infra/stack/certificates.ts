import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import type * as route53 from 'aws-cdk-lib/aws-route53';
import type { Construct } from 'constructs';
import type { MeetConfig } from '../../config/schema.js';
import type { Automation } from '../constructs/automation.js';
import { TaskCertificate } from '../constructs/task-certificate.js';
import type { StackStores } from './stores.js';

export interface StackCertificatesProps {
  readonly config: MeetConfig;
  readonly zone: route53.IHostedZone;
  /** Where renewal failures are reported. */
  readonly automation: Automation;
  readonly stores: StackStores;
}

/**
 * The meeting host's certificates. ACM's serves the load balancer's listener (load-balancer mode) or
 * the asleep page's custom domain (direct mode); in direct mode the task also gets its own ACME
 * certificate, issued at deploy time and renewed daily when due. Not a construct of its own (see
 * StackNetwork).
 */
export class StackCertificates {
  /** ACM, validated over DNS in the hosted zone. */
  readonly certificate: acm.Certificate;
  /** The task's own certificate (direct mode only). */
  readonly taskCertificate?: TaskCertificate;

  constructor(scope: Construct, props: StackCertificatesProps) {
    const { config } = props;
    this.certificate = new acm.Certificate(scope, 'Certificate', {
      domainName: config.domain,
      validation: acm.CertificateValidation.fromDns(props.zone),
    });
    if (config.ingress === 'direct') {
      this.taskCertificate = new TaskCertificate(scope, 'TaskCertificate', {
        domain: config.domain,
        hostedZoneId: config.hostedZone.id,
        email: config.alertEmail,
        ...(config.acmeDirectoryUrl ? { directoryUrl: config.acmeDirectoryUrl } : {}),
        alerts: props.automation.topic,
        stateTable: props.stores.state.table,
        passwords: props.stores.internalSecret,
      });
    }
  }
}
