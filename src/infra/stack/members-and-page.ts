import { CfnOutput, Stack } from 'aws-cdk-lib';
import type * as route53 from 'aws-cdk-lib/aws-route53';
import type { Construct } from 'constructs';
import { pageHost } from '../../auth/jitsi-settings.js';
import { isBranded } from '../../branding/jitsi-branding.js';
import type { MeetConfig } from '../../config/schema.js';
import { OUTPUT_NAMES as OUTPUTS } from '../../control/outputs.js';
import { measuredStart, type TimingsFile } from '../../control/start-timings.js';
import type { PageCostModel } from '../../lambda/organizer-page.js';
import type { Automation } from '../constructs/automation.js';
import { JitsiAuth } from '../constructs/jitsi-auth.js';
import { Members, signInDomainPrefix } from '../constructs/members.js';
import { OrganizerPage } from '../constructs/organizer-page.js';
import type { StackRecording } from './recording.js';
import type { StackStores } from './stores.js';

export interface MembersAndPageProps {
  readonly config: MeetConfig;
  readonly zone: route53.IHostedZone;
  readonly automation: Automation;
  readonly stores: StackStores;
  /** The recorder, when recording is on: the page then lists and shares recordings. */
  readonly recording?: StackRecording;
  /** Recorded starts: the page shows the median of those that match the deployment (as `meetctl plan` does). */
  readonly startTimings?: TimingsFile;
}

/**
 * Members-only meetings (`auth: members`): the Jitsi token secret, the members' user pool with its
 * managed sign-in, and the organizer page. Not a construct of its own (see StackNetwork).
 */
export class MembersAndPage {
  /** The secret Jitsi checks room tokens with. */
  readonly jitsiAuth: JitsiAuth;
  /** The user pool, its client and sign-in domain. */
  readonly members: Members;
  /** The organizer page on its own host name: status, start, stop, join, schedules, recordings. */
  readonly page: OrganizerPage;

  constructor(scope: Construct, props: MembersAndPageProps) {
    const { config } = props;
    const stackName = Stack.of(scope).stackName;
    this.jitsiAuth = new JitsiAuth(scope, 'JitsiAuth', { stackName, passwords: props.stores.internalSecret });
    this.members = new Members(scope, 'Members', {
      domain: config.domain,
      pageOrigin: `https://${pageHost(config.domain)}`,
      signInDomainPrefix: signInDomainPrefix(stackName),
      ...(config.signIn ? { signIn: config.signIn } : {}),
    });
    // The same rule as `meetctl plan`: starts of this ingress, release, size and architecture, else the model.
    const measured = props.startTimings ? measuredStart(props.startTimings, config) : undefined;
    this.page = new OrganizerPage(scope, 'OrganizerPage', {
      host: pageHost(config.domain),
      zone: props.zone,
      automation: props.automation,
      members: this.members,
      tokenSecret: this.jitsiAuth.stored,
      stateTable: props.stores.state.table,
      costModel: pageCostModel(config),
      ...(isBranded(config.branding) ? { branding: config.branding } : {}),
      ...(props.recording ? { recordings: props.stores.recordings.bucket } : {}),
      ...(config.timeZone ? { timeZone: config.timeZone } : {}),
      ...(measured ? { measuredStartSeconds: measured.seconds } : {}),
    });
    this.addOutputs(scope, config);
  }

  private addOutputs(scope: Construct, config: MeetConfig): void {
    new CfnOutput(scope, OUTPUTS.pageUrl, { value: `https://${pageHost(config.domain)}`, description: 'Organizer page' });
    new CfnOutput(scope, OUTPUTS.userPool, { value: this.members.userPool.userPoolId, description: 'Members (meetctl users)' });
    new CfnOutput(scope, OUTPUTS.userPoolClient, { value: this.members.client.userPoolClientId });
    new CfnOutput(scope, OUTPUTS.signInUrl, { value: this.members.domain.baseUrl(), description: 'Managed sign-in' });
    new CfnOutput(scope, OUTPUTS.tokenSecret, {
      value: this.jitsiAuth.stored.reference,
      description: 'Jitsi token secret (ARN only): `meetctl link` signs host links with it',
    });
  }
}

/** What the page's month-to-date estimate needs from the config: what `meetctl plan` prices (no secrets). */
export function pageCostModel(config: MeetConfig): PageCostModel {
  return {
    size: config.size,
    architecture: config.architecture,
    ingress: config.ingress,
    budgetUsd: config.monthlyBudgetUsd,
    region: config.region,
    bandwidth: config.bandwidth,
    secretStore: config.secretStore,
    logRetentionDays: config.logRetentionDays,
    ...(config.recording.enabled ? { recording: { enabled: true, instanceType: config.recording.instanceType } } : {}),
    ...(config.signIn
      ? {
          signIn: {
            ...(config.signIn.google ? { google: true as const } : {}),
            ...(config.signIn.oidc ? { oidc: config.signIn.oidc.map((provider) => ({ name: provider.name })) } : {}),
          },
        }
      : {}),
  };
}
