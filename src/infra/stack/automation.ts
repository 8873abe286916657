import type { Construct } from 'constructs';
import type { MeetConfig } from '../../config/schema.js';
import { Automation } from '../constructs/automation.js';
import type { StackNetwork } from './network.js';
import type { StackRecording } from './recording.js';
import type { StackStores } from './stores.js';

/**
 * The automation (scheduled start, idle stop, runtime guard, alerts) for a config: which cluster it
 * controls, where it keeps state and writes events, which logs it reads participants from.
 */
export function stackAutomation(
  scope: Construct,
  props: { config: MeetConfig; network: StackNetwork; stores: StackStores; recording?: StackRecording },
): Automation {
  const { config, stores } = props;
  return new Automation(scope, 'Automation', {
    domain: config.domain,
    alertEmail: config.alertEmail,
    monthlyBudgetUsd: config.monthlyBudgetUsd,
    settings: {
      idleStopMinutes: config.idleStopMinutes,
      startGraceMinutes: config.startGraceMinutes,
      maxRuntimeHours: config.maxRuntimeHours,
    },
    cluster: props.network.cluster,
    stateTable: stores.state.table,
    eventLog: stores.eventLog,
    statsLogGroup: stores.logGroups.stats,
    containerLogGroups: Object.values(stores.logGroups),
    ingress: config.ingress,
    ...(props.recording ? { recorder: props.recording.recorder } : {}),
  });
}
