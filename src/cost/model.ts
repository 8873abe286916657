import { type BandwidthPreset, DEFAULT_BANDWIDTH_PRESET } from '../config/bandwidth.js';
import { SIZE_PRESETS, type SizeName } from '../config/presets.js';
import type { Ingress } from '../control/snapshot.js';
import { assumptionsFor, HOURS_PER_MONTH, SCENARIO_HOURS } from './assumptions.js';
import { differences } from './differences.js';
import type { CostEstimate, CostInput } from './estimate.js';
import { type PricingBasis, priceItems, rateLines } from './line-items.js';
import { meetupVideo } from './meetup-video.js';
import { pricesFor } from './prices.js';
import { comparison, destroyedMonth, fixedMonth, idleHour, month, ownIdleMonth, round, runningHour } from './scenarios.js';

export * from './assumptions.js';
export type * from './estimate.js';

/**
 * The monthly cost model. Pure: no AWS calls, prices from the dated table. One priced item per AWS
 * service (line-items.ts), composed into an hour running, an idle hour and months (scenarios.ts).
 */
export function estimateCost(input: CostInput): CostEstimate {
  const prices = input.prices ?? pricesFor(input.region);
  const ingress = input.ingress ?? 'load-balancer';
  const basis: PricingBasis = {
    input,
    assumptions: input.assumptions ?? assumptionsFor(input.bandwidth ?? DEFAULT_BANDWIDTH_PRESET),
    prices,
    balanced: ingress === 'load-balancer',
  };
  const items = priceItems(basis);
  const scenarios = SCENARIO_HOURS.map((hours) => month(items, prices, hours));
  const recordingHourUsd = items.recorder?.hourUsd;
  return {
    ingress,
    pricesAsOf: prices.asOf,
    region: prices.region,
    hoursPerMonth: HOURS_PER_MONTH,
    assumptions: basis.assumptions,
    rates: rateLines(items),
    runningHourUsd: runningHour(items),
    ...(recordingHourUsd !== undefined ? { recordingHourUsd } : {}),
    idleHourUsd: idleHour(items),
    ownIdleMonthlyUsd: ownIdleMonth(items),
    fixedMonthlyUsd: round(fixedMonth(items)),
    destroyedMonthlyUsd: destroyedMonth(items),
    scenarios,
    comparison: comparison(scenarios),
    differences: differences(basis, items),
    meetupVideo: meetupVideo(basis.assumptions.bandwidth, prices),
  };
}

/**
 * The estimate for a config: its region's prices, size preset, architecture, ingress, sign-in,
 * recorder, log retention and bandwidth preset (talk, the config's default, when unset), with the default usage assumptions.
 */
export function estimateForConfig(config: {
  readonly region?: string;
  readonly size: SizeName;
  readonly architecture: 'arm64' | 'x86_64';
  readonly ingress: Ingress;
  readonly auth?: 'members' | 'open';
  readonly signIn?: { readonly google?: unknown; readonly oidc?: readonly { readonly name: string }[] };
  readonly recording?: { readonly enabled: boolean; readonly instanceType: string };
  readonly bandwidth?: BandwidthPreset;
  readonly secretStore?: 'secrets-manager' | 'parameter-store';
  readonly logRetentionDays?: number;
}): CostEstimate {
  return estimateCost({
    ...(config.region ? { region: config.region } : {}),
    ...(config.secretStore ? { secretStore: config.secretStore } : {}),
    ...(config.logRetentionDays !== undefined ? { logRetentionDays: config.logRetentionDays } : {}),
    membersOnly: config.auth === 'members',
    ...(config.signIn
      ? { signIn: { google: config.signIn.google !== undefined, oidcProviders: (config.signIn.oidc ?? []).map((p) => p.name) } }
      : {}),
    ...(config.recording?.enabled ? { recorder: { instanceType: config.recording.instanceType } } : {}),
    size: SIZE_PRESETS[config.size],
    sizeName: config.size,
    architecture: config.architecture,
    ingress: config.ingress,
    ...(config.bandwidth ? { bandwidth: config.bandwidth } : {}),
  });
}
