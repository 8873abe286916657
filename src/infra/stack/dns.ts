import { CfnOutput } from 'aws-cdk-lib';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as targets from 'aws-cdk-lib/aws-route53-targets';
import type { Construct } from 'constructs';
import { pageUrl } from '../../auth/jitsi-settings.js';
import { isBranded } from '../../branding/jitsi-branding.js';
import type { MeetConfig } from '../../config/schema.js';
import { OUTPUT_NAMES as OUTPUTS } from '../../control/outputs.js';
import { AsleepPage } from '../constructs/asleep-page.js';
import type { Automation } from '../constructs/automation.js';
import type { MeetingLoadBalancer } from '../constructs/meeting-load-balancer.js';
import { TaskDns } from '../constructs/task-dns.js';
import type { StackCertificates } from './certificates.js';
import type { MeetingIngress } from './ingress.js';
import type { MeetingTask } from './meeting-task.js';
import type { StackNetwork } from './network.js';
import type { StackStores } from './stores.js';

/** CAA values on the meeting host (tag and value as Route 53 writes them, quotes added by CDK). */
export const CAA_VALUES = [
  { tag: route53.CaaTag.ISSUE, value: 'letsencrypt.org; validationmethods=dns-01' },
  { tag: route53.CaaTag.ISSUE, value: 'amazon.com' },
  // No wildcard certificate covers the host.
  { tag: route53.CaaTag.ISSUEWILD, value: ';' },
] as const;

/** The configured hosted zone (looked up by its id and name; the stack creates no zone). */
export function hostedZone(scope: Construct, config: MeetConfig): route53.IHostedZone {
  return route53.PublicHostedZone.fromPublicHostedZoneAttributes(scope, 'Zone', {
    hostedZoneId: config.hostedZone.id,
    zoneName: config.hostedZone.name,
  });
}

export interface MeetingDnsProps {
  readonly config: MeetConfig;
  readonly zone: route53.IHostedZone;
  readonly network: StackNetwork;
  readonly stores: StackStores;
  readonly certificates: StackCertificates;
  readonly ingress: MeetingIngress;
  readonly meeting: MeetingTask;
  readonly automation: Automation;
}

/**
 * The meeting host's records. Load-balancer mode: an alias to the load balancer, owned by
 * CloudFormation. Direct mode: the same resource starts as an alias to the asleep page, and the DNS
 * function switches its value to the task and back; CloudFormation never deletes it while the stack
 * lives (a deleted name would be cached as "not found" for up to the zone's SOA TTL). Not a construct
 * of its own (see StackNetwork).
 */
export class MeetingDns {
  /** The page the host shows while no task runs (direct mode only). */
  readonly asleep?: AsleepPage;
  /** The host's A record (under the powered scope). */
  readonly record: route53.ARecord;
  /** The function that points the record at the running task (direct mode only). */
  readonly taskDns?: TaskDns;

  constructor(scope: Construct, powered: Construct, props: MeetingDnsProps) {
    const { config } = props;
    if (config.ingress === 'direct') this.asleep = asleepPage(scope, props);
    const asleep = this.asleep;
    this.record = new route53.ARecord(powered, 'MeetingAlias', {
      zone: props.zone,
      recordName: config.domain,
      target: route53.RecordTarget.fromAlias(
        asleep
          ? new targets.ApiGatewayv2DomainProperties(asleep.domainName.regionalDomainName, asleep.domainName.regionalHostedZoneId)
          : new targets.LoadBalancerTarget((props.ingress.loadBalancer as MeetingLoadBalancer).loadBalancer),
      ),
      comment: asleep
        ? 'Meeting host: the asleep page while stopped; the DNS function points it at the running task'
        : 'Meeting host (exists while powered on)',
    });
    if (asleep) {
      this.taskDns = this.followTheTask(scope, asleep, props);
      asleep.watchService(props.meeting.service);
    }
    // Only Let's Encrypt over DNS-01 (the direct mode's certificate) and Amazon (ACM) may issue for
    // the meeting host: whoever later holds a released task address cannot get a certificate for it.
    new route53.CaaRecord(scope, 'MeetingCaa', {
      zone: props.zone,
      recordName: config.domain,
      values: CAA_VALUES.map((v) => ({ flag: 0, tag: v.tag, value: v.value })),
    });
  }

  /** Direct mode: the DNS function that moves the record between the task and the asleep page. */
  private followTheTask(scope: Construct, asleep: AsleepPage, props: MeetingDnsProps): TaskDns {
    const { config, automation } = props;
    const dns = new TaskDns(scope, 'TaskDns', {
      domain: config.domain,
      hostedZoneId: config.hostedZone.id,
      cluster: props.network.cluster,
      stateTable: props.stores.state.table,
      asleep: { dnsName: asleep.domainName.regionalDomainName, hostedZoneId: asleep.domainName.regionalHostedZoneId },
      alerts: automation.topic,
    });
    // Every round, the runtime guard puts the record right if the DNS function could not (src/control/dns-reconcile.ts).
    dns.grantHostRecord(automation.runtimeGuard);
    new CfnOutput(scope, OUTPUTS.hostedZone, { value: config.hostedZone.id });
    new CfnOutput(scope, OUTPUTS.asleepDnsName, {
      value: asleep.domainName.regionalDomainName,
      description: 'The asleep page: what the meeting host points at while no task runs',
    });
    new CfnOutput(scope, OUTPUTS.asleepZone, { value: asleep.domainName.regionalHostedZoneId });
    // Deletion runs in reverse: the service (its task's STOPPED event moves the record back to the
    // asleep page) goes before the record, and the record before the function that moves it.
    this.record.node.addDependency(dns.rule, dns.function);
    props.meeting.service.node.addDependency(this.record);
    return dns;
  }
}

/** The asleep page on the meeting host's name, with ACM's certificate. */
function asleepPage(scope: Construct, props: MeetingDnsProps): AsleepPage {
  const { config } = props;
  return new AsleepPage(scope, 'Asleep', {
    domain: config.domain,
    certificate: props.certificates.certificate,
    scheduleGroupName: props.automation.scheduleGroup.name as string,
    ...(config.auth === 'members' ? { pageUrl: pageUrl(config.domain) } : {}),
    ...(isBranded(config.branding) ? { branding: config.branding } : {}),
    embedOrigins: config.embedOrigins,
  });
}
