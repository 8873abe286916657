import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { AutomationDeps } from '../automation/handlers.js';
import { sdkClients, sdkControlPorts } from '../aws/control-adapters.js';
import { systemClock } from '../control/ports.js';
import { required } from './required.js';

/** Environment variables the automation functions get from the stack. */
export const ENV = {
  stackName: 'STACK_NAME',
  host: 'MEETING_HOST',
  topicArn: 'ALERT_TOPIC_ARN',
  idleStopMinutes: 'IDLE_STOP_MINUTES',
  startGraceMinutes: 'START_GRACE_MINUTES',
  maxRuntimeHours: 'MAX_RUNTIME_HOURS',
} as const;

let cached: AutomationDeps | undefined;

/**
 * Real dependencies, built once per Lambda container from the environment. Pass the invocation's
 * context so the handler knows its own timeout and finishes (or gives up cleanly) before it.
 */
export function automationDeps(context?: { getRemainingTimeInMillis(): number }): AutomationDeps {
  const base = baseDeps();
  return context ? { ...base, remainingMs: () => context.getRemainingTimeInMillis() } : base;
}

function baseDeps(): AutomationDeps {
  if (cached) return cached;
  const region = required('AWS_REGION');
  const sns = new SNSClient({ region });
  const topicArn = required(ENV.topicArn);
  cached = {
    ports: sdkControlPorts(sdkClients({ region }), required(ENV.stackName)),
    clock: systemClock,
    host: required(ENV.host),
    settings: {
      idleStopMinutes: Number(required(ENV.idleStopMinutes)),
      startGraceMinutes: Number(required(ENV.startGraceMinutes)),
      maxRuntimeHours: Number(required(ENV.maxRuntimeHours)),
    },
    notify: async (subject, message) => {
      await sns.send(new PublishCommand({ TopicArn: topicArn, Subject: subject.slice(0, 99), Message: message }));
    },
    log: (entry) => console.log(JSON.stringify(entry)),
  };
  return cached;
}
