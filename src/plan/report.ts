import { SIZE_PRESETS } from '../config/presets.js';
import { parseRelease } from '../config/release.js';
import type { MeetConfig } from '../config/schema.js';
import { type CostEstimate, estimateForConfig } from '../cost/model.js';
import { HTTPS_PORT, JVB_MEDIA_PORT } from '../infra/constructs/ports.js';
import { countByType, inventory, type Purpose, type TemplateLike } from './inventory.js';

/** What `meetctl plan --json` prints. Documented in docs/reference.md. */
export interface PlanReport {
  readonly stackName: string;
  readonly region: string;
  readonly domain: string;
  readonly jitsiRelease: string;
  readonly images: string;
  readonly size: { name: string; vcpu: number; memoryMiB: number; expectedParticipants: number };
  readonly architecture: string;
  readonly resources: {
    readonly total: number;
    readonly removedWhenPoweredDown: number;
    readonly groups: ReadonlyArray<{
      readonly purpose: Purpose;
      readonly resources: ReadonlyArray<{ type: string; count: number; removedWhenPoweredDown: boolean }>;
    }>;
  };
  readonly endpoints: ReadonlyArray<{
    address: string;
    port: number;
    protocol: string;
    exposure: 'internet' | 'load balancer only';
    purpose: string;
  }>;
  readonly cost: CostEstimate;
}

export function buildPlanReport(config: MeetConfig, template: TemplateLike): PlanReport {
  const size = SIZE_PRESETS[config.size];
  const release = parseRelease(config.jitsiRelease);
  const webPort = release?.webPort ?? 8000;
  const groups = inventory(template);
  const all = groups.flatMap((g) => g.items);
  return {
    stackName: config.stackName,
    region: config.region,
    domain: config.domain,
    jitsiRelease: config.jitsiRelease,
    images: `${release?.imageRepository ?? '?'}/{web,prosody,jicofo,jvb}:${config.jitsiRelease}`,
    size: { name: config.size, vcpu: size.vcpu, memoryMiB: size.memoryMiB, expectedParticipants: size.expectedParticipants },
    architecture: config.architecture,
    resources: {
      total: all.length,
      removedWhenPoweredDown: all.filter((i) => i.poweredOnly).length,
      groups: groups.map((g) => ({
        purpose: g.purpose,
        resources: countByType(g.items).map((c) => ({ type: c.type, count: c.count, removedWhenPoweredDown: c.poweredOnly })),
      })),
    },
    endpoints: [
      {
        address: `https://${config.domain}`,
        port: HTTPS_PORT,
        protocol: 'TLS (TCP)',
        exposure: 'internet',
        purpose: 'Web app, XMPP websocket and BOSH; TLS ends at the load balancer (ACM certificate)',
      },
      {
        address: "the task's public IPv4 address (changes with every start)",
        port: JVB_MEDIA_PORT,
        protocol: 'UDP',
        exposure: 'internet',
        purpose: 'Audio and video straight to the bridge, which learns and advertises this address through STUN',
      },
      {
        address: 'task',
        port: webPort,
        protocol: 'HTTP (TCP)',
        exposure: 'load balancer only',
        purpose: 'web container behind the TLS listener',
      },
    ],
    cost: estimateForConfig(config),
  };
}
