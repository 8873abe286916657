/**
 * The recorder launcher: the one component that may start a recorder task. ECS's RunTask takes
 * overrides (another task role, another command, other environment) that no IAM condition key can
 * limit (Service Authorization Reference, Amazon ECS: RunTask's keys are the cluster, the capacity
 * provider, tags, ECS Exec, EBS volumes, task CPU and memory), so whoever may call RunTask on the
 * recorder's family may run any command with the recorder's roles and read what they read. Only the
 * launcher function's role may call it; everyone who records (the organizer page, the automation,
 * organizers with `meetctl`) invokes the launcher instead. Its input is ignored: it derives
 * everything (the task definition, the capacity provider, and XMPP_SERVER from the meeting task it
 * finds itself) and passes no other override. Pure: no AWS imports (the adapter is
 * src/aws/recorder.ts, the Lambda entry src/lambda/recorder-launcher.ts).
 */

/** Environment variables the launcher function gets from the stack. */
export const LAUNCHER_ENV = {
  cluster: 'CLUSTER_NAME',
  recorderFamily: 'RECORDER_TASK_FAMILY',
  capacityProvider: 'RECORDER_CAPACITY_PROVIDER',
  meetingFamily: 'MEETING_TASK_FAMILY',
} as const;

/** Who started a recorder task (RunTask's startedBy). */
export const RECORDER_STARTED_BY = 'meetctl-recorder';

/** The one override the launcher passes: the meeting task's private address, for Jibri's XMPP login. */
export const XMPP_SERVER_VARIABLE = 'XMPP_SERVER';

/** A task as the launcher sees it. */
export interface LauncherTask {
  readonly arn: string;
  readonly lastStatus: string;
  readonly desiredStatus: string;
  /** Meeting tasks: the private IPv4 address (awsvpc). Recorder tasks: the XMPP_SERVER it was started with. */
  readonly address?: string;
}

export interface LauncherPorts {
  /** Live tasks of the meeting's task family in the stack's cluster. */
  meetingTasks(): Promise<LauncherTask[]>;
  /** Live tasks of the recorder's family, with the XMPP server each was started with. */
  recorderTasks(): Promise<LauncherTask[]>;
  /** RunTask of the recorder's family on its capacity provider, ECS Exec off, with only XMPP_SERVER overridden. */
  run(xmppServer: string): Promise<string>;
}

export type LaunchResult =
  | { readonly ok: true; readonly taskArn: string; readonly started: boolean }
  | { readonly ok: false; readonly code: 'NoMeetingTask' | 'RunTaskFailure'; readonly message: string };

/**
 * Start the recorder on the meeting that runs now. A recorder already started for this meeting task
 * (a retried invocation) is returned instead of a second one.
 */
export async function launchRecorder(ports: LauncherPorts): Promise<LaunchResult> {
  const meeting = (await ports.meetingTasks()).find(
    (t) => t.lastStatus === 'RUNNING' && t.desiredStatus === 'RUNNING' && t.address,
  );
  if (!meeting?.address) {
    return {
      ok: false,
      code: 'NoMeetingTask',
      message: 'no meeting task runs: the recorder joins a running meeting only (start the meeting first)',
    };
  }
  const existing = (await ports.recorderTasks()).find(
    (t) => t.desiredStatus === 'RUNNING' && t.lastStatus !== 'STOPPED' && t.address === meeting.address,
  );
  if (existing) return { ok: true, taskArn: existing.arn, started: false };
  try {
    return { ok: true, taskArn: await ports.run(meeting.address), started: true };
  } catch (error) {
    if (error instanceof Error && error.name === 'RunTaskFailure')
      return { ok: false, code: 'RunTaskFailure', message: error.message };
    throw error;
  }
}
