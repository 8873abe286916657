import { Stack, type StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { parseRelease } from '../config/release.js';
import type { MeetConfig } from '../config/schema.js';
import { OUTPUT_NAMES } from '../control/outputs.js';
import type { TimingsFile } from '../control/start-timings.js';
import { PowerSwitch } from './constructs/power-switch.js';
import { SecretRotation } from './constructs/secret-rotation.js';
import { stackAutomation } from './stack/automation.js';
import { StackCertificates } from './stack/certificates.js';
import { hostedZone, MeetingDns } from './stack/dns.js';
import { MeetingIngress } from './stack/ingress.js';
import { MeetingTask } from './stack/meeting-task.js';
import { MembersAndPage } from './stack/members-and-page.js';
import { stackMonitoring } from './stack/monitoring.js';
import { StackNetwork } from './stack/network.js';
import { addStackOutputs } from './stack/outputs.js';
import { StackRecording } from './stack/recording.js';
import { StackStores } from './stack/stores.js';

export { CAA_VALUES } from './stack/dns.js';
export { HEALTH_CHECK_GRACE_SECONDS } from './stack/meeting-task.js';

export interface MeetStackProps extends StackProps {
  /** Validated configuration. */
  readonly config: MeetConfig;
  /** Recorded starts (the timings file next to the config): the organizer page's expected start when they match. */
  readonly startTimings?: TimingsFile;
}

/** Names of the stack outputs that `meetctl` reads (shared with the control-plane core). */
export const OUTPUTS = OUTPUT_NAMES;

/**
 * The whole platform in one stack, in one of two ingress modes (docs/architecture.md). direct: the
 * task terminates TLS with its own ACME certificate, DNS follows the task, and a stopped platform
 * bills nothing by the hour. load-balancer: a Network Load Balancer terminates TLS 443; its
 * hourly-billed parts (load balancer, ECS service, DNS alias) live under the `PowerState` condition.
 * Media goes straight to the task in both.
 *
 * The constructor is the table of contents: each part (src/infra/stack/) builds its constructs in
 * the stack's own scope, so construct paths and logical ids are those of the deployed stacks.
 */
export class MeetStack extends Stack {
  readonly power: PowerSwitch;

  constructor(scope: Construct, id: string, props: MeetStackProps) {
    super(scope, id, props);
    const { config } = props;
    const release = parseRelease(config.jitsiRelease);
    if (!release) throw new Error(`jitsiRelease "${config.jitsiRelease}" is not a pinned stable tag`);

    this.power = new PowerSwitch(this, 'Power', { canPowerDown: config.ingress !== 'direct' });
    const network = new StackNetwork(this, { release, ingress: config.ingress });
    const zone = hostedZone(this, config);
    const stores = new StackStores(this, config);
    const recording = config.recording.enabled ? new StackRecording(this, { config, release, network, stores }) : undefined;
    const automation = stackAutomation(this, { config, network, stores, ...(recording ? { recording } : {}) });
    const certificates = new StackCertificates(this, { config, zone, automation, stores });
    const members =
      config.auth === 'members'
        ? new MembersAndPage(this, {
            config,
            zone,
            automation,
            stores,
            ...(recording ? { recording } : {}),
            ...(props.startTimings ? { startTimings: props.startTimings } : {}),
          })
        : undefined;

    // Billed by the hour in load-balancer mode, and there only while PowerState is on. In direct mode
    // nothing here bills while stopped and the same constructs (same logical ids) are unconditional,
    // so switching modes updates them in place.
    const powered = new Construct(this, 'Powered');
    this.power.governs(powered);
    const ingress = new MeetingIngress(powered, { ingress: config.ingress, release, network, certificates, power: this.power });
    const meeting = new MeetingTask(this, powered, {
      config,
      release,
      power: this.power,
      network,
      stores,
      certificates,
      ingress,
      automation,
      ...(recording ? { recording } : {}),
      ...(members ? { members } : {}),
    });
    new MeetingDns(this, powered, { config, zone, network, stores, certificates, ingress, meeting, automation });
    stackMonitoring(this, { config, power: this.power, network, stores, automation, meeting });
    if (config.rotateSecretsMonthly) {
      new SecretRotation(this, 'SecretRotation', {
        automation,
        secrets: [
          stores.internalSecret.stored,
          ...(recording ? [recording.recorder.xmppSecret] : []),
          ...(members ? [members.jitsiAuth.stored] : []),
        ],
      });
    }
    addStackOutputs(this, { config, network, stores, automation });
    ingress.addOutputs(this);
  }
}
