import type { RateLine } from './estimate.js';
import type { PricedItem, PricingBasis } from './items/line.js';
import { automationLogs, logsStorage } from './items/logs.js';
import {
  fargateTask,
  internetEgress,
  type LoadBalancerItems,
  loadBalancer,
  logsIngestion,
  meetingMetrics,
  pageRequests,
  taskAddress,
} from './items/meeting.js';
import { automation, hostedZone, monitoring, recordingsStorage, secrets, secureParameters, userPool } from './items/monthly.js';
import { oldVersions, type RecorderItem, recorder, recordingDownloads } from './items/recording.js';

export type { PricedItem, PricingBasis } from './items/line.js';

// One priced item per AWS service (items/), gathered for a config and listed as `plan` shows them.

/** Every priced item of a config, by what it is. */
export interface PricedItems {
  readonly task: PricedItem;
  readonly taskAddress: PricedItem;
  readonly loadBalancer?: LoadBalancerItems;
  readonly recorder?: RecorderItem;
  readonly egress: ReturnType<typeof internetEgress>;
  readonly logs: PricedItem;
  readonly logsStorage: ReturnType<typeof logsStorage>;
  readonly metrics: PricedItem;
  readonly pageRequests?: PricedItem;
  readonly secrets: ReturnType<typeof secrets>;
  readonly parameters?: NonNullable<ReturnType<typeof secureParameters>>;
  readonly userPool?: PricedItem;
  readonly zone: PricedItem;
  readonly automation: PricedItem;
  readonly automationLogs: ReturnType<typeof automationLogs>;
  readonly monitoring: PricedItem;
  readonly recordings: PricedItem;
  readonly downloads?: NonNullable<ReturnType<typeof recordingDownloads>>;
  readonly oldVersions?: PricedItem;
}

/** The optional items, present only when the config has what they price. */
function optionalItems(basis: PricingBasis): Partial<PricedItems> {
  const entries = {
    loadBalancer: loadBalancer(basis),
    recorder: recorder(basis),
    pageRequests: pageRequests(basis),
    userPool: userPool(basis),
    parameters: secureParameters(basis),
    downloads: recordingDownloads(basis),
    oldVersions: oldVersions(basis),
  };
  return Object.fromEntries(Object.entries(entries).filter(([, item]) => item !== undefined));
}

export function priceItems(basis: PricingBasis): PricedItems {
  return {
    task: fargateTask(basis),
    taskAddress: taskAddress(basis),
    egress: internetEgress(basis),
    logs: logsIngestion(basis),
    logsStorage: logsStorage(basis),
    metrics: meetingMetrics(basis),
    secrets: secrets(basis),
    zone: hostedZone(basis),
    automation: automation(basis),
    automationLogs: automationLogs(basis),
    monitoring: monitoring(basis),
    recordings: recordingsStorage(basis),
    ...optionalItems(basis),
  };
}

const present = <T>(item: T | undefined): T[] => (item === undefined ? [] : [item]);

/** The lines as `plan` lists them: running-hour items first, then idle, request and monthly ones. */
export function rateLines(items: PricedItems): RateLine[] {
  const lines: PricedItem[] = [
    items.task,
    items.taskAddress,
    ...present(items.loadBalancer?.capacity),
    ...present(items.recorder?.line),
    items.egress,
    items.logs,
    items.logsStorage,
    items.metrics,
    ...(items.loadBalancer ? [items.loadBalancer.hour, items.loadBalancer.addresses] : []),
    ...present(items.pageRequests),
    items.secrets,
    ...present(items.parameters),
    ...present(items.userPool),
    items.zone,
    items.automation,
    items.automationLogs,
    items.monitoring,
    items.recordings,
    ...present(items.oldVersions),
    ...present(items.downloads),
  ];
  return lines.map(({ item, billed, usd, note, sources }) => ({ item, billed, usd, note, sources }));
}
