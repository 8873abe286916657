import { retryTransient } from './retry.js';
import { isStaleRecord, type RecordTarget, same, switchRecord, type TaskDnsPorts, type TaskDnsResult } from './task-dns.js';

/**
 * The meeting host's record, put right by someone other than the DNS function (direct mode). The DNS
 * function is invoked asynchronously: EventBridge retries the delivery, Lambda retries a failing
 * function twice and then gives up (and e-mails, through its on-failure destination). If it never
 * succeeds, the name keeps a Fargate public address the task no longer holds, and whoever gets that
 * address next serves the meeting's name. So the runtime guard reconciles every round, and `deploy`
 * and `destroy` put back what CloudFormation created before they change the stack. Every change is
 * the DNS function's own conditional switch (DELETE exactly what is there, CREATE the new value):
 * a reconcile racing the DNS function fails instead of overwriting a newer answer. Pure.
 */

/** A task of the meeting's service as the reconcile needs it. */
export interface ServiceTask {
  readonly arn: string;
  readonly lastStatus: string;
  readonly desiredStatus: string;
  /** Its network interface (awsvpc), where the public address is. */
  readonly eniId?: string;
}

/** The task the meeting host should point at: running and not told to stop. */
export const servingTask = (tasks: readonly ServiceTask[]): ServiceTask | undefined =>
  tasks.find((t) => t.lastStatus === 'RUNNING' && t.desiredStatus === 'RUNNING' && t.eniId);

export interface ReconcileResult extends TaskDnsResult {
  /** What the record held before. */
  readonly was?: RecordTarget;
}

/**
 * Point the record at the serving task's current public address, or at the asleep page when no task
 * serves, only when it differs. `stillServing` is asked after the record was pointed at a task: a
 * stop that the DNS function handled meanwhile saw the old record and left it, so the switch is
 * undone (conditionally) when the task no longer serves.
 */
export async function reconcileHostRecord(
  tasks: readonly ServiceTask[],
  ports: TaskDnsPorts,
  stillServing: (taskArn: string) => Promise<boolean>,
): Promise<ReconcileResult> {
  const was = await retryTransient(ports.clock, () => ports.record.current());
  const serving = servingTask(tasks);
  try {
    if (serving?.eniId) return { ...(await pointAtTask(serving, serving.eniId, ports, stillServing)), ...(was ? { was } : {}) };
    return { ...(await pointAsleep(tasks, ports)), ...(was ? { was } : {}) };
  } catch (error) {
    // The DNS function changed the record between our read and our write three times: it is at work.
    if (isStaleRecord(error))
      return { action: 'unchanged', why: 'the DNS function is changing the record: the next round looks again' };
    throw error;
  }
}

async function pointAtTask(
  task: ServiceTask,
  eniId: string,
  ports: TaskDnsPorts,
  stillServing: (taskArn: string) => Promise<boolean>,
): Promise<TaskDnsResult> {
  const ip = await retryTransient(ports.clock, () => ports.publicIp(eniId));
  if (!ip) return { action: 'unchanged', why: `the running task has no public address on ${eniId} yet` };
  const result = await switchRecord(ports, { kind: 'task', ip }, () => undefined);
  if (!result.changeId) return result;
  const changeId = result.changeId;
  // The control plane waits for the change on the task's row: note it, on the version the row has.
  const row = await retryTransient(ports.clock, () => ports.tasks.get(task.arn));
  const version = row?.version ?? 0;
  if (await retryTransient(ports.clock, () => ports.tasks.put(task.arn, version, ip))) {
    await retryTransient(ports.clock, () => ports.tasks.noteChange(task.arn, version, changeId));
  }
  if (await stillServing(task.arn)) return result;
  return switchRecord(ports, { kind: 'asleep' }, (current) =>
    current?.kind === 'task' && current.ip === ip ? undefined : 'the record points elsewhere already',
  );
}

/**
 * No task serves: the asleep page. An address that a live task's row holds is left alone: that task
 * is starting and the DNS function has just pointed the host at it (it records the address first).
 */
async function pointAsleep(tasks: readonly ServiceTask[], ports: TaskDnsPorts): Promise<TaskDnsResult> {
  const starting = tasks.filter((t) => t.lastStatus !== 'STOPPED' && t.desiredStatus !== 'STOPPED');
  const rows = await Promise.all(starting.map((t) => retryTransient(ports.clock, () => ports.tasks.get(t.arn))));
  const claimed = new Set(rows.flatMap((r) => (r?.ip ? [r.ip] : [])));
  return switchRecord(ports, { kind: 'asleep' }, (current) =>
    current?.kind === 'task' && claimed.has(current.ip) ? `${current.ip} belongs to a task that is starting` : undefined,
  );
}

/** Put back what CloudFormation created (the asleep page's alias), whatever the record holds now. */
export async function restoreAsleep(ports: TaskDnsPorts): Promise<ReconcileResult> {
  const was = await retryTransient(ports.clock, () => ports.record.current());
  if (was && same(was, { kind: 'asleep' })) return { action: 'unchanged', why: 'the record is the asleep page', was };
  const result = await switchRecord(ports, { kind: 'asleep' }, () => undefined);
  return { ...result, ...(was ? { was } : {}) };
}
