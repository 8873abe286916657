import type { Ingress } from './snapshot.js';
import { TASK_RECORD_TTL } from './task-dns.js';

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
  /** Seconds from the start request when the stage is done, as modelled (stages overlap). */
  readonly endsAt?: number;
  readonly source: string;
}

/**
 * How a task's containers start, as the ECS container agent does it (aws/amazon-ecs-agent, the one
 * public implementation of ECS's task engine; commit 01b0505e08): each container moves on by itself
 * once its own image is pulled and its own `dependsOn` conditions are met (`DependenciesAreResolved`,
 * agent/engine/dependencygraph/graph.go), with no wait for the other containers' pulls; and a container
 * with a `dependsOn` has its image pulled only once the condition is met (`ECS_PULL_DEPENDENT_CONTAINERS_UPFRONT`,
 * default false, agent/config/config.go and README.md). So nothing depends on the TLS sidecar: every image
 * is pulled from placement on, and the sidecar's small image lets it answer long before the JDK images
 * are in. Fargate runs its own build of the agent and documents neither rule; if it held every container
 * until every image is pulled, the sidecar would start with the others (`FARGATE_PULL_BARRIER`, the
 * upper end of the range). The first real deploy's recorded start shows which (docs/deploy.md).
 */
export const TASK_TIMELINE = {
  /** Fargate places the task and attaches its network interface (PROVISIONING → PENDING). */
  placed: 10,
  /** The TLS sidecar (direct mode) RUNNING: its small image pulled (about 4 s), it depends on nothing and serves the waking page. */
  sidecar: 14,
  /** Every image of the task pulled (DescribeTasks `pullStoppedAt`): 60 s after placement, the JDK images last. */
  pulled: 70,
  /** prosody, web, jicofo and the bridge started: the task RUNNING. */
  running: 72,
  /**
   * web (nginx) and prosody answer through the sidecar: their start scripts template the config and
   * start nginx and prosody, no JVM (modelled, not measured; 3 s after the task is RUNNING).
   */
  answering: 75,
  /**
   * jicofo sees the bridge (10 s), the next start-up check passes (3 s) and the ECS agent has reported
   * the containers' health (10 s): DescribeTasks shows the task HEALTHY.
   */
  healthy: 95,
} as const;

/**
 * Seconds from the images' pull starting until it ends, and the range. No registry is reachable from
 * here, so the images' sizes are estimated (jicofo and jvb about 250-300 MB each, sharing their
 * base-java layers; web and prosody 60-150 MB; 0.5-1 GB in all). What others measured on Fargate, each
 * including placement: a 250 MB image in about a minute (aws/containers-roadmap#358), a 413 MB image in
 * 53-62 s (elasticscale.com, "Reduce AWS Fargate pull times with SOCI", 2024), about 70 s PENDING for
 * 900 MB from same-region ECR (aws/containers-roadmap#696): 5-13 MB/s once placed. About 0.6 GB at
 * 10 MB/s is 60 s; 0.5 GB at 13 MB/s is 40 s, 1 GB at 5 MB/s 200 s.
 */
const PULL = { seconds: TASK_TIMELINE.pulled - TASK_TIMELINE.placed, range: [40, 200] as [number, number] };
/** Seconds from placement until the sidecar runs (its own pull and start), and the range. */
const SIDECAR = { seconds: TASK_TIMELINE.sidecar - TASK_TIMELINE.placed, range: [2, 10] as [number, number] };
/**
 * Seconds from the containers' start until jicofo sees the bridge, and its range. Timestamped logs
 * others posted show 1.3-6.6 s from the first JVM line to jicofo adding the bridge on ordinary hosts
 * (docker-jitsi-meet issues #2078, #795, #1965, #929) and 10-16 s to reach XMPP or REST on slow ones
 * (#1818, jitsi-meet #15079); none on Fargate, where two JVMs, prosody and nginx start at once on the
 * task's vCPUs.
 */
const COMPONENTS = { seconds: 10, range: [5, 30] as [number, number] };
/** Seconds between start-up checks (src/infra/constructs/jitsi-task.ts, START_UP_CHECK_INTERVAL). */
export const CHECK_INTERVAL_SECONDS = 5;
/** Seconds until the next start-up check sees a component answer: 0 to one interval, 2.5 s on average. */
const CHECK_SEEN = { seconds: 3, range: [0, CHECK_INTERVAL_SECONDS] as [number, number] };
/**
 * Seconds until DescribeTasks shows a container's new health. The ECS agent does not send a health
 * change as a state change: it goes to ECS with the metrics, every 20 s (aws/amazon-ecs-agent @
 * 8dfceca6: agent/engine/docker_task_engine.go, agent/stats/engine.go `publishHealth`,
 * DefaultContainerMetricsPublishInterval in agent/config/config.go). Fargate runs its own build of it.
 */
const HEALTH_REPORTED = { seconds: 10, range: [0, 20] as [number, number] };
/** Seconds after the sidecar runs until the DNS function has switched the record (event delivery, public IP, one change). */
export const DNS_SWITCH_SECONDS = 5;
/**
 * Seconds Route 53 takes to report a change INSYNC: modelled at the documented bound, since AWS gives
 * no typical time. Others' reports: "usually it takes couple of seconds (10-30)" (a review comment in
 * openshift/verification-tests#1630, the range's low end), and "around ~60s-120s" (libdns/route53#14),
 * seen through aws-sdk-go's ResourceRecordSetsChanged waiter, which looks only every 30 s (libdns/route53
 * client.go, WaitUntilResourceRecordSetsChangedWithContext; the control plane looks every 5 s).
 */
export const DNS_INSYNC_SECONDS = 60;
/** Route 53 propagates a change to all its servers "generally within 60 seconds" (GetChange, Route 53 API reference). */
export const DNS_INSYNC_MAX_SECONDS = 60;
const INSYNC_RANGE: [number, number] = [10, DNS_INSYNC_MAX_SECONDS];
/**
 * Seconds the TLS sidecar keeps answering after ECS tells the task to stop. The DNS function moves the
 * record back to the asleep page on that same event, but a resolver can still be handed the task's
 * address until every Route 53 server has the change (DNS_INSYNC_MAX_SECONDS) and then keep it for the
 * record's TTL: 60 + 30 = 90 s. The sidecar depends on no container, so ECS stops it together with the
 * others; after web has gone it serves the waking page, so nobody who still resolves to the task is
 * refused. (Fargate allows a container at most 120 s to stop.)
 */
export const SIDECAR_LINGER_SECONDS = DNS_INSYNC_MAX_SECONDS + TASK_RECORD_TTL;
/** Seconds of the control plane's endpoint checks (HTTPS with SNI at the task's address, config.js, websocket). */
export const ENDPOINT_CHECK_SECONDS = 5;
/**
 * Seconds from task creation until the NLB sees a new IP target healthy: a new target waits 70-180 s
 * before its first health check (aws/containers-roadmap#469, kubernetes-sigs/aws-load-balancer-controller#1834),
 * 125 s mid-range, then needs one passing check ("For newly registered targets, only one successful
 * health check is required", ECS Developer Guide, load balancer health check parameters), half the
 * 10 s interval on average. Counted from task creation: AWS does not document when ECS registers the
 * task's address.
 */
export const TARGET_REGISTRATION_SECONDS = 130;
const TARGET_REGISTRATION_RANGE: [number, number] = [70, 190];

/** Seconds from the containers' start until DescribeTasks shows the task HEALTHY: the midpoint, or one end of the range. */
function healthyAfterStart(at: 'midpoint' | 'range', i: 0 | 1 = 0): number {
  const pick = (x: { seconds: number; range: [number, number] }) => (at === 'midpoint' ? x.seconds : x.range[i]);
  return pick(COMPONENTS) + pick(CHECK_SEEN) + pick(HEALTH_REPORTED);
}

const shared: StartStage[] = [
  {
    name: 'task placed',
    seconds: TASK_TIMELINE.placed,
    endsAt: TASK_TIMELINE.placed,
    source:
      'Fargate provisioning and the task network interface (ECS task lifecycle: PROVISIONING → PENDING): "ENI attachment latency: < 10 seconds per task (normal)" (cloudkeeper.com, Amazon ECS network bottlenecks)',
  },
  {
    name: 'images pulled',
    seconds: PULL.seconds,
    range: PULL.range,
    endsAt: TASK_TIMELINE.pulled,
    source:
      "Fargate caches no image: every start pulls web, prosody, jicofo, jvb (two with a JDK) and the small sidecars from ghcr.io and the ECR Public mirror (ECS Developer Guide, Fargate pull behavior), about 0.5-1 GB (estimated: no registry is reachable offline), at the 5-13 MB/s others measured on Fargate (aws/containers-roadmap#358 and #696, elasticscale.com). All from placement on: no container depends on another one's start, so the ECS agent pulls none later (ECS_PULL_DEPENDENT_CONTAINERS_UPFRONT, default false)",
  },
  {
    name: 'containers started',
    seconds: TASK_TIMELINE.running - TASK_TIMELINE.pulled,
    endsAt: TASK_TIMELINE.running,
    source:
      'prosody, web, jicofo and the bridge together as their images are in: no HEALTHY chain, jicofo and the bridge retry their XMPP login themselves',
  },
  {
    name: 'containers healthy',
    seconds: TASK_TIMELINE.healthy - TASK_TIMELINE.running,
    range: [healthyAfterStart('range', 0), healthyAfterStart('range', 1)],
    endsAt: TASK_TIMELINE.healthy,
    source: `the two JVMs start and log in (jicofo retries every 1 s, the bridge every 5 s) and jicofo sees the bridge: ${COMPONENTS.seconds} s (${COMPONENTS.range[0]}-${COMPONENTS.range[1]}), from logs others posted, none on Fargate; the next start-up check (every ${CHECK_INTERVAL_SECONDS} s, the ECS minimum; latches) ${CHECK_SEEN.seconds} s; the ECS agent reports health with its metrics every 20 s, ${HEALTH_REPORTED.seconds} s`,
  },
];

const SWITCHED = TASK_TIMELINE.sidecar + DNS_SWITCH_SECONDS;

/** The stages of each mode, in order of when they end (seconds from the start request). */
export function startStages(ingress: Ingress): StartStage[] {
  // Stable: stages that end together keep the order they are listed in.
  return stagesOf(ingress).sort((a, b) => (a.endsAt ?? 0) - (b.endsAt ?? 0));
}

function stagesOf(ingress: Ingress): StartStage[] {
  if (ingress === 'direct') {
    const [placed, pulled, started, healthy] = shared as [StartStage, StartStage, StartStage, StartStage];
    return [
      placed,
      {
        name: 'TLS sidecar answering (waking page)',
        seconds: SIDECAR.seconds,
        range: SIDECAR.range,
        endsAt: TASK_TIMELINE.sidecar,
        source: `its image (nginx on Alpine, a small fraction of a JDK image) pulled and started while the others still pull: the ECS agent starts a container once its own image is in and it depends on nothing (aws/amazon-ecs-agent, DependenciesAreResolved). Not documented for Fargate: if Fargate waited for every image, this would come after the pull and READY at about ${startSecondsWithPullBarrier()} s`,
      },
      {
        name: 'DNS record switched to the task',
        seconds: DNS_SWITCH_SECONDS,
        endsAt: SWITCHED,
        source:
          'the DNS function switches on the container state change event that shows the sidecar running: EventBridge delivers it in about a second, then the public IP and one Route 53 change',
      },
      pulled,
      started,
      {
        name: 'endpoints checked at the task address',
        seconds: ENDPOINT_CHECK_SECONDS,
        endsAt: TASK_TIMELINE.answering + ENDPOINT_CHECK_SECONDS,
        source: `HTTPS with the meeting host's name (SNI) at the task's own address, config.js and the XMPP websocket, polled from the moment the task has an address: they pass once web and prosody answer (${TASK_TIMELINE.answering - TASK_TIMELINE.running} s after the task runs, modelled), while the two JVMs still start`,
      },
      {
        name: 'Route 53 change INSYNC',
        seconds: DNS_INSYNC_SECONDS,
        range: INSYNC_RANGE,
        endsAt: SWITCHED + DNS_INSYNC_SECONDS,
        source:
          'Route 53 propagates changes to all its servers "generally within 60 seconds" (GetChange, Route 53 API reference), modelled at that bound since AWS gives no typical time (others report 10-30 s, openshift/verification-tests#1630, and 60-120 s through a waiter that looks every 30 s, libdns/route53#14); until then a visitor reaches the asleep page or the waking page, never an error',
      },
      {
        ...healthy,
        source: `${healthy.source}. The last stage at these figures: the task's own start, the image pull above all, bounds READY. With a pull under ${pullBelowWhichDnsBounds()} s, Route 53's propagation would (done at ~${SWITCHED + DNS_INSYNC_SECONDS} s). READY within ${START_TARGET_SECONDS} s would need the pull within ${directStartBudget().pull} s and the propagation within ${directStartBudget().insync} s`,
      },
    ];
  }
  return [
    ...shared,
    {
      name: 'NLB target healthy',
      seconds: TARGET_REGISTRATION_SECONDS,
      range: TARGET_REGISTRATION_RANGE,
      endsAt: TARGET_REGISTRATION_SECONDS,
      source:
        'a new IP target waits 70-180 s before its first health check (aws/containers-roadmap#469, aws-load-balancer-controller#1834), then needs one passing check (ECS Developer Guide, load balancer health check parameters), every 10 s; counted from task creation (AWS does not document when ECS registers the address)',
    },
    {
      name: 'endpoints checked through the load balancer',
      seconds: ENDPOINT_CHECK_SECONDS,
      endsAt: TARGET_REGISTRATION_SECONDS + ENDPOINT_CHECK_SECONDS,
      source: "HTTPS at the meeting host's name through the load balancer, config.js and the XMPP websocket",
    },
  ];
}

/** The durations (seconds) of the stages that bound READY in one modelled start. */
interface StartCase {
  readonly pull: number;
  readonly sidecar: number;
  /** From the containers' start until DescribeTasks shows the task HEALTHY. */
  readonly components: number;
  /** Route 53's INSYNC (direct) or the NLB target's registration (load-balancer). */
  readonly way: number;
}

/** Each stage at its modelled duration. */
const midpoint = (ingress: Ingress): StartCase => ({
  pull: PULL.seconds,
  sidecar: SIDECAR.seconds,
  components: healthyAfterStart('midpoint'),
  way: ingress === 'direct' ? DNS_INSYNC_SECONDS : TARGET_REGISTRATION_SECONDS,
});
/** Each stage at the low (0) or high (1) end of its range. */
const rangeEnd = (ingress: Ingress, i: 0 | 1): StartCase => ({
  pull: PULL.range[i],
  sidecar: SIDECAR.range[i],
  components: healthyAfterStart('range', i),
  way: (ingress === 'direct' ? INSYNC_RANGE : TARGET_REGISTRATION_RANGE)[i],
});

/** Seconds to READY; `pullBarrier`: Fargate holds every container until every image is pulled (not documented either way). */
function readyAt(ingress: Ingress, c: StartCase, pullBarrier: boolean): number {
  if (ingress !== 'direct') return Math.max(healthyAt(c), c.way) + ENDPOINT_CHECK_SECONDS;
  const { dns, task } = directStartParts(c, pullBarrier);
  return Math.max(dns, task);
}

/** When DescribeTasks shows the task HEALTHY (seconds from the start request). */
const healthyAt = (c: StartCase): number =>
  TASK_TIMELINE.placed + c.pull + (TASK_TIMELINE.running - TASK_TIMELINE.pulled) + c.components;

/**
 * The two sides of a direct start, each done at (seconds from the start request): `dns`, Route 53
 * INSYNC after the switch the sidecar's start allows; `task`, the endpoint checks passed at the task's
 * address and the task healthy. READY is the later.
 */
function directStartParts(c: StartCase, pullBarrier: boolean): { dns: number; task: number } {
  const pulled = TASK_TIMELINE.placed + c.pull;
  const sidecar = pullBarrier ? pulled + 1 : TASK_TIMELINE.placed + c.sidecar;
  const checked = pulled + (TASK_TIMELINE.answering - TASK_TIMELINE.pulled) + ENDPOINT_CHECK_SECONDS;
  return { dns: sidecar + DNS_SWITCH_SECONDS + c.way, task: Math.max(checked, healthyAt(c)) };
}

/**
 * Modelled seconds from stopped to READY, with a range from each stage's range. Direct mode: READY
 * is when the record is INSYNC (from the sidecar's start), the endpoints answered at the task's
 * address (from web's start) and the task is healthy; the three run side by side. The range's upper end also assumes Fargate
 * starts no container before every image is pulled. Load-balancer mode: the target registers from
 * task creation, side by side with health, then one endpoint check.
 */
export function modelledStartSeconds(ingress: Ingress): { seconds: number; range: [number, number] } {
  return {
    seconds: readyAt(ingress, midpoint(ingress), false),
    range: [readyAt(ingress, rangeEnd(ingress, 0), false), readyAt(ingress, rangeEnd(ingress, 1), true)],
  };
}

/** Seconds from stopped to READY that the project aims at for a direct start (issue 23); the model does not meet it. */
export const START_TARGET_SECONDS = 60;

/**
 * Modelled seconds to READY in direct mode with the image pull (from placement until every image is
 * in) and Route 53's propagation (from the switch until INSYNC) set to the given seconds, every other
 * stage as modelled: what a recorded start's `images pulled` and `Route 53 INSYNC` would give.
 */
export function directStartSecondsWith(seconds: { readonly pull: number; readonly insync: number }): number {
  return readyAt('direct', { ...midpoint('direct'), pull: seconds.pull, way: seconds.insync }, false);
}

/**
 * The longest image pull and Route 53 propagation (seconds) with which a direct start is READY
 * within `target`, every other stage as modelled. The two bound READY separately: the pull through
 * the containers' start, health and the endpoint checks; the propagation from the switch, which
 * waits only for the sidecar.
 */
export function directStartBudget(target: number = START_TARGET_SECONDS): { pull: number; insync: number } {
  // Each side grows second for second with its own stage: what it comes to without that stage is its fixed part.
  const { dns, task } = directStartParts({ ...midpoint('direct'), pull: 0, way: 0 }, false);
  return { pull: target - task, insync: target - dns };
}

/** The image pull (seconds) below which Route 53's propagation, not the task's start, bounds a direct start. */
export function pullBelowWhichDnsBounds(): number {
  const { dns, task } = directStartParts({ ...midpoint('direct'), pull: 0 }, false);
  return dns - task;
}

/** Modelled seconds to READY if Fargate started no container before every image of the task is pulled. */
export function startSecondsWithPullBarrier(): number {
  return readyAt('direct', midpoint('direct'), true);
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
      // Stryker disable next-line OptionalChaining: every recorder stage has a range
      stages.reduce((sum, s) => sum + (s.range?.[0] ?? s.seconds), 0),
      // Stryker disable next-line OptionalChaining: as above
      stages.reduce((sum, s) => sum + (s.range?.[1] ?? s.seconds), 0),
    ],
  };
}
