import type { Ingress } from './snapshot.js';

/**
 * A model of stopped → READY, per ingress mode, from sourced figures. It is a model until measured
 * on a real account (docs/deploy.md, first-deploy checklist, says how to measure it); the simulated
 * AWS runs on the same numbers, so `npm run bench` and `meetctl plan` agree.
 */
export interface StartStage {
  readonly name: string;
  /** Seconds, as modelled; `range` when the source gives one. */
  readonly seconds: number;
  readonly range?: readonly [number, number];
  readonly source: string;
}

/** Seconds from the start request, shared by both modes. */
export const TASK_TIMELINE = {
  /** Fargate places the task and attaches its network interface (PROVISIONING → PENDING). */
  placed: 10,
  /** All images pulled and the containers started (PENDING → RUNNING). */
  running: 40,
  /** prosody healthy, then jicofo and the bridge (the task reports HEALTHY). */
  healthy: 70,
} as const;

/** Seconds after RUNNING until the DNS function has switched the record (event delivery, public IP, one change). */
export const DNS_SWITCH_SECONDS = 5;
/** Seconds Route 53 takes to report a change INSYNC. */
export const DNS_INSYNC_SECONDS = 40;
/** Seconds from task creation until the NLB sees a new IP target healthy (mid-range of 70–180 s). */
export const TARGET_REGISTRATION_SECONDS = 130;

const shared: StartStage[] = [
  {
    name: 'task placed',
    seconds: TASK_TIMELINE.placed,
    source: 'Fargate provisioning and the task network interface (ECS task lifecycle: PROVISIONING → PENDING)',
  },
  {
    name: 'images pulled, containers started',
    seconds: TASK_TIMELINE.running - TASK_TIMELINE.placed,
    range: [20, 60],
    source: 'four Jitsi image pulls (web, prosody, jicofo, jvb: a few hundred MB together, in parallel) and two small sidecars',
  },
  {
    name: 'containers healthy',
    seconds: TASK_TIMELINE.healthy - TASK_TIMELINE.running,
    range: [20, 120],
    source:
      "prosody's check every 10 s first, then jicofo and the bridge; jicofo's start period allows 120 s but it usually answers within 30 s",
  },
];

/** The stages of each mode, in order of when they end (seconds from the start request). */
export function startStages(ingress: Ingress): StartStage[] {
  if (ingress === 'direct') {
    return [
      ...shared,
      {
        name: 'DNS record switched to the task',
        seconds: DNS_SWITCH_SECONDS,
        source:
          'EventBridge delivers the RUNNING task state change in about a second; the DNS function reads the public IP and makes one change',
      },
      {
        name: 'Route 53 change INSYNC',
        seconds: DNS_INSYNC_SECONDS,
        range: [10, 60],
        source:
          'Route 53 propagates changes to all its servers "generally within 60 seconds" (GetChange, Route 53 API reference)',
      },
    ];
  }
  return [
    ...shared,
    {
      name: 'NLB target healthy',
      seconds: TARGET_REGISTRATION_SECONDS,
      range: [70, 180],
      source:
        'registering an IP target with a Network Load Balancer takes 70–180 s (AWS re:Post / ELB documentation on target registration)',
    },
  ];
}

/**
 * Modelled seconds from stopped to READY: the task's health and the mode's way in run side by side
 * (DNS starts at RUNNING; the target registers from task creation), plus one endpoint check.
 */
export function modelledStartSeconds(ingress: Ingress): { seconds: number; range: [number, number] } {
  const checks = 5;
  if (ingress === 'direct') {
    const dns = TASK_TIMELINE.running + DNS_SWITCH_SECONDS + DNS_INSYNC_SECONDS;
    const dnsLow = TASK_TIMELINE.running + DNS_SWITCH_SECONDS + 10;
    const dnsHigh = TASK_TIMELINE.running + DNS_SWITCH_SECONDS + 60;
    return {
      seconds: Math.max(TASK_TIMELINE.healthy, dns) + checks,
      range: [Math.max(TASK_TIMELINE.healthy, dnsLow) + checks, Math.max(TASK_TIMELINE.healthy + 50, dnsHigh) + checks],
    };
  }
  return {
    seconds: Math.max(TASK_TIMELINE.healthy, TARGET_REGISTRATION_SECONDS) + checks,
    range: [Math.max(TASK_TIMELINE.healthy, 70) + checks, Math.max(TASK_TIMELINE.healthy + 50, 180) + checks],
  };
}

/**
 * The recorder, from the moment the meeting is READY (seconds): its group goes from 0 to 1, the
 * instance boots and its ECS agent registers, the jibri image is pulled, Jibri joins the brewery.
 */
export const RECORDER_TIMELINE = {
  /** An ECS-optimized instance launched, booted and registered with the cluster. */
  instance: 90,
  /** The jibri image (about 1.5 GB with Chrome) pulled on the fresh instance and the task RUNNING. */
  running: 75,
  /** Xorg, PulseAudio and Jibri up, logged in to prosody, IDLE in the brewery room. */
  ready: 20,
  /** The finalize script uploading a recording once the meeting ended (an hour of 720p: about 1 GB). */
  upload: 60,
} as const;

/** The recorder's start, stage by stage, with sources (not yet measured on a real account). */
export function recorderStages(): StartStage[] {
  return [
    {
      name: 'recorder instance booted and registered',
      seconds: RECORDER_TIMELINE.instance,
      range: [60, 180],
      source:
        'an EC2 launch from an Auto Scaling group set to 1 (no managed-scaling alarm to wait for), Amazon Linux boot and the ECS agent registering',
    },
    {
      name: 'jibri image pulled, task running',
      seconds: RECORDER_TIMELINE.running,
      range: [40, 150],
      source: 'the jibri image with Google Chrome is about 1.5 GB and an instance at 0 has no cache',
    },
    {
      name: 'Jibri ready to record',
      seconds: RECORDER_TIMELINE.ready,
      range: [10, 40],
      source: 'Xorg, PulseAudio and Jibri start under s6, then Jibri joins the brewery room on prosody (5222)',
    },
  ];
}

/** Modelled seconds from the recorder asked for until Jibri is IDLE, and a range. */
export function modelledRecorderSeconds(): { seconds: number; range: [number, number] } {
  const stages = recorderStages();
  return {
    seconds: stages.reduce((sum, s) => sum + s.seconds, 0),
    range: [
      stages.reduce((sum, s) => sum + (s.range?.[0] ?? s.seconds), 0),
      stages.reduce((sum, s) => sum + (s.range?.[1] ?? s.seconds), 0),
    ],
  };
}
