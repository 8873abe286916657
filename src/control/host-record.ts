import { type ReconcileResult, reconcileHostRecord, restoreAsleep, servingTask } from './dns-reconcile.js';
import { ingressOf } from './observe.js';
import { OUTPUT_NAMES } from './outputs.js';
import { type Clock, type ControlPorts, taskDnsPortsOf } from './ports.js';

/**
 * Direct mode: the meeting host's record, put right through the control ports (src/control/dns-reconcile.ts
 * says why and how). Lock-free like the DNS function: every change is its conditional switch. Both
 * return undefined when the stack has no such record (load-balancer mode, no stack, or a stack deployed
 * before it named the record in its outputs: its first `meetctl deploy` adds them).
 */

/** A direct-mode stack's outputs name its record (stacks deployed before these outputs do not). */
export const namesHostRecord = (outputs: Readonly<Record<string, string>>): boolean =>
  ingressOf(outputs) === 'direct' &&
  [OUTPUT_NAMES.hostedZone, OUTPUT_NAMES.asleepDnsName, OUTPUT_NAMES.asleepZone].every((o) => outputs[o]);

async function directStack(ports: ControlPorts) {
  const stack = await ports.stack.describe();
  return stack && namesHostRecord(stack.outputs) ? stack : undefined;
}

/** The runtime guard's round: the record follows the service's running task, or shows the asleep page. */
export async function reconcileHost(ports: ControlPorts, clock: Clock): Promise<ReconcileResult | undefined> {
  const stack = await directStack(ports);
  if (!stack) return undefined;
  const cluster = stack.outputs[OUTPUT_NAMES.cluster];
  const service = stack.outputs[OUTPUT_NAMES.service];
  if (!cluster || !service) return undefined;
  const tasks = () => ports.service.tasks(cluster, service);
  const stillServing = async (arn: string) => servingTask(await tasks())?.arn === arn;
  return reconcileHostRecord(await tasks(), taskDnsPortsOf(ports.hostRecord, clock), stillServing);
}

/**
 * Before `deploy` or `destroy` changes the stack: the record back to what CloudFormation created (the
 * asleep page's alias). CloudFormation deletes a record by naming the values it knows; one the DNS
 * function changed would fail the delete and leave the stack failed.
 */
export async function restoreHost(ports: ControlPorts, clock: Clock): Promise<ReconcileResult | undefined> {
  if (!(await directStack(ports))) return undefined;
  return restoreAsleep(taskDnsPortsOf(ports.hostRecord, clock));
}
