import { SIZE_PRESETS } from '../config/presets.js';
import { parseRelease } from '../config/release.js';
import { type MeetConfig, SECRET_STORES, type SecretStoreKind } from '../config/schema.js';
import type { Ingress } from '../control/snapshot.js';
import {
  modelledRecorderSeconds,
  modelledStartSeconds,
  recorderStages,
  type StartStage,
  startStages,
} from '../control/start-time.js';
import type { MeasuredStart } from '../control/start-timings.js';
import { type CostEstimate, estimateForConfig } from '../cost/model.js';
import { HTTP_PORT, HTTPS_PORT, JVB_MEDIA_PORT } from '../infra/constructs/ports.js';
import { countByType, inventory, type Purpose, type TemplateLike } from './inventory.js';

const media = {
  address: "the task's public IPv4 address (changes with every start)",
  port: JVB_MEDIA_PORT,
  protocol: 'UDP',
  exposure: 'internet',
  purpose: 'Audio and video straight to the bridge, which learns and advertises this address through STUN',
} as const;

function loadBalancerEndpoints(domain: string, webPort: number): PlanReport['endpoints'] {
  return [
    {
      address: `https://${domain}`,
      port: HTTPS_PORT,
      protocol: 'TLS (TCP)',
      exposure: 'internet',
      purpose: 'Web app, XMPP websocket and BOSH; TLS ends at the load balancer (ACM certificate)',
    },
    media,
    {
      address: 'task',
      port: webPort,
      protocol: 'HTTP (TCP)',
      exposure: 'load balancer only',
      purpose: 'web container behind the TLS listener',
    },
  ];
}

function directEndpoints(domain: string, webPort: number): PlanReport['endpoints'] {
  return [
    {
      address: `https://${domain} (DNS follows the task; the asleep page while stopped)`,
      port: HTTPS_PORT,
      protocol: 'TLS (TCP)',
      exposure: 'internet',
      purpose: "Web app, XMPP websocket and BOSH; TLS ends in the task's nginx sidecar (Let's Encrypt certificate)",
    },
    {
      address: `http://${domain}`,
      port: HTTP_PORT,
      protocol: 'HTTP (TCP)',
      exposure: 'internet',
      purpose: 'Only a redirect to HTTPS',
    },
    media,
    {
      address: 'task',
      port: webPort,
      protocol: 'HTTP (TCP)',
      exposure: 'task only (127.0.0.1)',
      purpose: 'web container behind the sidecar',
    },
  ];
}

/** One ingress mode, for the side-by-side comparison. */
export interface ModeSummary {
  readonly ingress: Ingress;
  /** The mode the config asks for. */
  readonly configured: boolean;
  /** Resources its template creates (absent when only the configured mode was synthesized). */
  readonly resources?: number;
  readonly loadBalancer: boolean;
  /** A month with no meeting, idle as stopped (USD). */
  readonly idleMonthUsd: number;
  /** The same month powered down (load-balancer mode only). */
  readonly idleMonthPoweredDownUsd?: number;
  readonly runningHourUsd: number;
  /**
   * Stopped → READY: the model, or (the configured mode, once `start --record-timings` recorded starts
   * of this ingress, release, size and architecture) the median of the last measured starts.
   */
  readonly start: {
    readonly seconds: number;
    readonly range: readonly [number, number];
    readonly stages: readonly StartStage[];
    readonly measured: false | { readonly starts: number; readonly lastMeasuredAt: string; readonly file: string };
    /** The model, kept beside a measurement. */
    readonly modelledSeconds?: number;
  };
}

/** Recorded starts for the plan: the timings file and what it says for this deployment. */
export interface MeasuredStartInput {
  readonly file: string;
  readonly start: MeasuredStart;
}

/** One secret store (config `secretStore`), for the side-by-side comparison of own idle cost. */
export interface SecretStoreSummary {
  readonly store: SecretStoreKind;
  /** The store the config asks for. */
  readonly configured: boolean;
  /** What the store bills a month: the Secrets Manager secrets (the sign-in providers' included) and the parameters. */
  readonly storeMonthUsd: number;
  /**
   * What the project itself adds in a month without meetups, in the configured ingress mode, idle as
   * stopped (and powered down, behind a load balancer): the hosted zone and the recordings aside.
   */
  readonly ownIdleMonthUsd: number;
  readonly ownIdleMonthPoweredDownUsd?: number;
}

/** What `meetctl plan --json` prints. Documented in docs/reference.md. */
export interface PlanReport {
  readonly ingress: Ingress;
  /** Both ingress modes side by side, the configured one first. */
  readonly modes: readonly ModeSummary[];
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
    exposure: 'internet' | 'load balancer only' | 'task only (127.0.0.1)';
    purpose: string;
  }>;
  readonly cost: CostEstimate;
  /** Both secret stores side by side, the configured one first. */
  readonly secretStores: readonly SecretStoreSummary[];
  /** Server-side recording, when the config turns it on: what a recorded hour adds and when the recorder is ready. */
  readonly recording?: {
    readonly instanceType: string;
    readonly maxHours: number;
    /** Undefined when the instance type has no listed price. */
    readonly hourUsd?: number;
    readonly start: {
      readonly seconds: number;
      readonly range: readonly [number, number];
      readonly stages: readonly StartStage[];
      readonly measured: false;
    };
  };
}

/**
 * The plan of a config from its synthesized template; `otherModeTemplate` (the same config in the
 * other ingress mode) adds that mode's resource count to the side-by-side comparison.
 */
export function buildPlanReport(
  config: MeetConfig,
  template: TemplateLike,
  otherModeTemplate?: TemplateLike,
  measured?: MeasuredStartInput,
): PlanReport {
  const size = SIZE_PRESETS[config.size];
  const release = parseRelease(config.jitsiRelease);
  const webPort = release?.webPort ?? 8000;
  const groups = inventory(template);
  const all = groups.flatMap((g) => g.items);
  const mode = (ingress: Ingress): ModeSummary => {
    const estimate = estimateForConfig({ ...config, ingress });
    const idle = estimate.scenarios.find((s) => s.hours === 0);
    const modelled = modelledStartSeconds(ingress);
    const count =
      ingress === config.ingress
        ? all.length
        : otherModeTemplate
          ? inventory(otherModeTemplate).flatMap((g) => g.items).length
          : undefined;
    return {
      ingress,
      configured: ingress === config.ingress,
      ...(count !== undefined ? { resources: count } : {}),
      loadBalancer: ingress === 'load-balancer',
      idleMonthUsd: idle?.byTier.stopped ?? 0,
      ...(ingress === 'load-balancer' ? { idleMonthPoweredDownUsd: idle?.byTier['powered-down'] ?? 0 } : {}),
      runningHourUsd: estimate.runningHourUsd,
      start:
        measured && ingress === config.ingress
          ? measuredSummary(measured, modelled.seconds)
          : { seconds: modelled.seconds, range: modelled.range, stages: startStages(ingress), measured: false },
    };
  };
  const other: Ingress = config.ingress === 'direct' ? 'load-balancer' : 'direct';
  return {
    ingress: config.ingress,
    modes: [mode(config.ingress), mode(other)],
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
    endpoints:
      config.ingress === 'direct' ? directEndpoints(config.domain, webPort) : loadBalancerEndpoints(config.domain, webPort),
    cost: estimateForConfig(config),
    secretStores: secretStores(config),
    ...(config.recording.enabled ? { recording: recordingSummary(config) } : {}),
  };
}

/** The configured mode's start as measured: the median of the last recorded starts, phase by phase. */
function measuredSummary({ file, start }: MeasuredStartInput, modelledSeconds: number): ModeSummary['start'] {
  return {
    seconds: start.seconds,
    range: start.range,
    stages: start.phases.map((p) => ({
      name: p.name,
      seconds: p.seconds,
      endsAt: p.seconds,
      source: `measured: median of the last ${start.starts === 1 ? 'start' : `${start.starts} starts`} recorded by \`meetctl start --record-timings\``,
    })),
    measured: { starts: start.starts, lastMeasuredAt: start.lastMeasuredAt, file },
    modelledSeconds,
  };
}

/** Own idle cost under each secret store, the configured one first. */
function secretStores(config: MeetConfig): SecretStoreSummary[] {
  const stores = [config.secretStore, ...SECRET_STORES.filter((s) => s !== config.secretStore)];
  return stores.map((store) => {
    const estimate = estimateForConfig({ ...config, secretStore: store });
    const storeMonthUsd = estimate.rates
      .filter((r) => /^(Secrets Manager|Parameter Store)/.test(r.item))
      .reduce((sum, r) => sum + r.usd, 0);
    return {
      store,
      configured: store === config.secretStore,
      storeMonthUsd,
      ownIdleMonthUsd: estimate.ownIdleMonthlyUsd.stopped,
      ...(config.ingress === 'load-balancer' ? { ownIdleMonthPoweredDownUsd: estimate.ownIdleMonthlyUsd['powered-down'] } : {}),
    };
  });
}

function recordingSummary(config: MeetConfig): NonNullable<PlanReport['recording']> {
  const hour = estimateForConfig(config).recordingHourUsd;
  const modelled = modelledRecorderSeconds();
  return {
    instanceType: config.recording.instanceType,
    maxHours: config.recording.maxHours,
    ...(hour !== undefined ? { hourUsd: hour } : {}),
    start: { seconds: modelled.seconds, range: modelled.range, stages: recorderStages(), measured: false },
  };
}
