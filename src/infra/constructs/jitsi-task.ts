import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import {
  type Branding,
  brandingInitCommand,
  dynamicBrandingUrl,
  isBranded,
  jitsiBrandingFiles,
} from '../../branding/jitsi-branding.js';
import { type BandwidthPreset, bandwidthEnvironment, withBandwidthConfig } from '../../config/bandwidth.js';
import type { SizePreset } from '../../config/presets.js';
import { GHCR_RELEASE, imageFor, type JitsiRelease, listeningPorts } from '../../config/release.js';
import type { IngressMode } from '../../config/schema.js';
import { SERVING_CONTAINER } from '../../control/task-dns.js';
import { JIBRI_SECRET_KEYS, type LocalRecording, localRecordingEnv, RECORDING_ENV } from '../../recording/recorder.js';
import { healthUrls, jicofoStatsUrl, PROSODY_METRICS_ENV, statsSidecarScript, taskEndpoints } from '../stats-sidecar.js';
import { TLS_ENV, TLS_PROXY_IMAGE, TLS_STOP_TIMEOUT_SECONDS, type TlsProxySite, tlsProxyCommand } from '../tls-proxy.js';
import { WEB_INGRESS_FILE, WEB_REDIRECT_PORT, webIngressConf } from '../web-ingress.js';
import { JWT_SECRET_KEY, MEMBERS_ONLY_ENV } from './jitsi-auth.js';
import { HTTP_PORT, HTTPS_PORT, JVB_MEDIA_PORT, PROSODY_HTTP_PORT } from './ports.js';
import type { StoredSecret } from './stored-secret.js';
import { CERTIFICATE_KEYS } from './task-certificate.js';

/** The Jitsi containers of the one task. */
export const JITSI_CONTAINERS = ['web', 'prosody', 'jicofo', 'jvb'] as const;
/** Every container the task has in both ingress modes (also the log stream prefixes and log group keys). */
export const CONTAINERS = [...JITSI_CONTAINERS, 'stats'] as const;
/**
 * The init container that writes web's extra config: the bandwidth preset's custom-config.js, the
 * branding files (when the config has branding) and, in load-balancer mode, the security headers and
 * HTTP redirect (src/infra/web-ingress.ts).
 */
export const WEB_CONFIG_CONTAINER = 'web-config';
/** The task volume it writes to, mounted at web's /config. */
export const WEB_CONFIG_VOLUME = 'web-config';
/** Where the init container mounts the volume. */
export const WEB_CONFIG_MOUNT = '/web-config';
/** The direct mode's TLS-terminating sidecar. */
export const TLS_CONTAINER = SERVING_CONTAINER;
export type ContainerName = (typeof CONTAINERS)[number] | typeof TLS_CONTAINER;
/** The containers of a task in each ingress mode. */
export const containersFor = (ingress: IngressMode): readonly ContainerName[] =>
  ingress === 'direct' ? [...CONTAINERS, TLS_CONTAINER] : CONTAINERS;
/** One log group per container of the mode. */
export type ContainerLogGroups = Record<(typeof CONTAINERS)[number], logs.ILogGroup> & { readonly tls?: logs.ILogGroup };

/**
 * Pinned public image with a shell and the applets the stats sidecar (src/infra/stats-sidecar.ts)
 * and the branding init container use: wget, awk, tr, timeout (busybox defconfig).
 */
export const STATS_IMAGE = 'public.ecr.aws/docker/library/busybox:1.37.0';

/** Keys of the internal secret, as the docker-jitsi-meet images name the variables. */
export const SECRET_KEYS = ['JICOFO_AUTH_PASSWORD', 'JVB_AUTH_PASSWORD'] as const;

export { RECORDINGS_PREFIX } from '../../recording/recorder.js';

/**
 * Keys of the internal secret. The recorder's XMPP passwords ({@link JIBRI_SECRET_KEYS}) are a secret
 * of their own (the Recorder construct's), so the recorder reads them and nothing else.
 */
export const secretKeysFor = (): readonly string[] => SECRET_KEYS;
/**
 * STUN servers the bridge asks for its public address: the image's default (Jitsi's own) and a
 * second, independent one. host:port, as jvb.conf's ice4j `stun.addresses` takes them.
 */
export const JVB_STUN_SERVERS = ['meet-jit-si-turnrelay.jitsi.net:443', 'stun.l.google.com:19302'] as const;

export interface JitsiTaskProps {
  /** Public host name, e.g. meet.example.org. */
  readonly domain: string;
  /** Pinned docker-jitsi-meet release. */
  readonly release: JitsiRelease;
  /** CPU, memory and Java heaps. */
  readonly size: SizePreset;
  /** CPU architecture of the task. */
  readonly architecture: 'arm64' | 'x86_64';
  /** Secret holding {@link SECRET_KEYS}. */
  readonly secret: StoredSecret;
  /**
   * Server-side recording: prosody registers the recorder's XMPP accounts from the recorder's own
   * secret ({@link JIBRI_SECRET_KEYS}), and prosody, jicofo and web turn recording on.
   */
  readonly recording?: { readonly xmppSecret: StoredSecret };
  /** The browser's local recording (web's config.localRecording). */
  readonly localRecording: LocalRecording;
  /** What video people send and receive: web's variables and custom-config.js (src/config/bandwidth.ts). */
  readonly bandwidth: BandwidthPreset;
  /** One log group per container (kept while powered down, so they live outside this construct). */
  readonly logGroups: ContainerLogGroups;
  /**
   * Direct mode: the task terminates TLS itself. The secret holds the certificate and key under
   * {@link CERTIFICATE_KEYS}; a sidecar serves 443 (and 80, redirect only) in front of web.
   */
  readonly tls?: { readonly certificateSecret: StoredSecret };
  /** Members-only meetings: Jitsi token authentication with this secret (see JitsiAuth). */
  readonly membersOnly?: {
    readonly tokenSecret: StoredSecret;
    /** Jitsi's `tokenAuthUrl`: where a member who opens a room signs in (`{room}` is replaced). */
    readonly tokenAuthUrl?: string;
    /** The organizer page's address: the direct mode's waking page links members to it to sign in. */
    readonly pageUrl?: string;
  };
  /**
   * The group's branding for the web client: an init container writes custom-interface_config.js,
   * custom-config.js, an nginx location and the branding data into web's /config at every start.
   */
  readonly branding?: Branding;
  /** Sites allowed to show the meeting in a frame (config `embedOrigins`); none by default. */
  readonly embedOrigins?: readonly string[];
}

/** Every Jitsi component runs on UTC. */
const COMMON_ENV = { TZ: 'UTC' };
/** Only web (nginx) and prosody read ENABLE_IPV6 at this tag; the VPC is IPv4-only. */
const IPV4_ONLY_ENV = { ENABLE_IPV6: '0' };

/**
 * The Fargate task definition with web, prosody, jicofo and the video bridge. All containers share
 * the task's network namespace and talk over 127.0.0.1; images are pinned to one release tag.
 */
export class JitsiTask extends Construct {
  readonly taskDefinition: ecs.FargateTaskDefinition;
  readonly containers: Record<(typeof CONTAINERS)[number], ecs.ContainerDefinition> & {
    tls?: ecs.ContainerDefinition;
    webConfig?: ecs.ContainerDefinition;
  };
  private readonly props: JitsiTaskProps;

  constructor(scope: Construct, id: string, props: JitsiTaskProps) {
    super(scope, id);
    this.props = props;
    const { release, size } = props;
    this.taskDefinition = new ecs.FargateTaskDefinition(this, 'TaskDefinition', {
      cpu: size.vcpu * 1024,
      memoryLimitMiB: size.memoryMiB,
      runtimePlatform: {
        cpuArchitecture: props.architecture === 'arm64' ? ecs.CpuArchitecture.ARM64 : ecs.CpuArchitecture.X86_64,
        operatingSystemFamily: ecs.OperatingSystemFamily.LINUX,
      },
    });
    // The task role has no permission at all: the recorder (its own task) writes the recordings.
    const endpoints = taskEndpoints(release.webPort);
    const health = healthUrls(endpoints);
    const prosody = this.addProsody(health.prosody);
    const web = this.addWeb(health.web);
    const jicofo = this.addJicofo(jicofoStatsUrl(endpoints));
    const jvb = this.addJvb(health.jvb);
    // No start-up order among the four: each starts as soon as its own image is pulled. Jicofo and
    // the bridge keep trying to log in to prosody until it answers (jicofo: XmppProvider.kt, "keep
    // trying to connect to the XMPP server at a fixed 1-second delay", jicofo stable/jitsi-meet_11146;
    // the bridge: jicoco's MucClient retries connect and login every 5 s, SimpleRetryTask(0, 5000, ...),
    // jicoco-mucclient MucClient.java), and web's nginx proxies to prosody per request. A HEALTHY chain
    // would only hold jicofo and the bridge back by prosody's first check (and, with the ECS agent's
    // default, hold back their image pulls: docs/architecture.md, "Start sequence").
    const stats = this.addStats(jicofo);
    this.containers = { web, prosody, jicofo, jvb, stats };
    this.addWebFilesAndTls(web);
    // Direct mode: nothing depends on the TLS sidecar. It has the smallest image and no dependency, so
    // it answers first; a START dependency on it would also hold back the Jitsi images' pulls (the ECS
    // agent pulls a dependent container's image only once its condition is met:
    // ECS_PULL_DEPENDENT_CONTAINERS_UPFRONT, default false, aws/amazon-ecs-agent agent/config/config.go).
    // On stop ECS signals every container at once; the sidecar lingers (TLS_LINGER_SECONDS) and serves
    // the waking page once web has gone.
    const images = listeningPorts(release);
    assertNoSharedPorts(release, {
      ...images,
      // Behind the load balancer web's nginx also answers plain HTTP on the redirect port (web-ingress.ts).
      web: props.tls ? images.web : [...images.web, WEB_REDIRECT_PORT],
      ...(props.tls ? { [TLS_CONTAINER]: TLS_PROXY_PORTS } : {}),
    });
  }

  /** A Jitsi component from its pinned image, essential, logging to its own log group. */
  private addJitsiContainer(
    name: (typeof JITSI_CONTAINERS)[number],
    options: Omit<ecs.ContainerDefinitionOptions, 'image' | 'logging'>,
  ): ecs.ContainerDefinition {
    return this.taskDefinition.addContainer(name, {
      ...options,
      containerName: name,
      image: ecs.ContainerImage.fromRegistry(imageFor(this.props.release, name)),
      essential: true,
      logging: ecs.LogDrivers.awsLogs({ streamPrefix: name, logGroup: this.props.logGroups[name] }),
    });
  }

  /** A key of the internal passwords secret, injected by ECS. */
  private secret(key: string): ecs.Secret {
    return this.props.secret.ecsSecret(key);
  }

  /** A component's recording settings, when the recorder is on. */
  private recordingEnv(name: keyof typeof RECORDING_ENV): Record<string, string> {
    return this.props.recording ? RECORDING_ENV[name] : {};
  }

  /** The XMPP server. */
  private addProsody(health: string): ecs.ContainerDefinition {
    const members = this.props.membersOnly;
    const xmpp = this.props.recording?.xmppSecret;
    return this.addJitsiContainer('prosody', {
      environment: {
        ...COMMON_ENV,
        ...IPV4_ONLY_ENV,
        ...(members ? MEMBERS_ONLY_ENV.prosody : {}),
        ...this.recordingEnv('prosody'),
        ...PROSODY_METRICS_ENV,
      },
      secrets: {
        JICOFO_AUTH_PASSWORD: this.secret('JICOFO_AUTH_PASSWORD'),
        JVB_AUTH_PASSWORD: this.secret('JVB_AUTH_PASSWORD'),
        ...(xmpp ? Object.fromEntries(JIBRI_SECRET_KEYS.map((key) => [key, xmpp.ecsSecret(key)])) : {}),
        ...(members ? { [JWT_SECRET_KEY]: members.tokenSecret.ecsSecret(JWT_SECRET_KEY) } : {}),
      },
      healthCheck: startUpCheck(health, { interval: START_UP_CHECK_INTERVAL, startPeriod: 20, retries: 10 }),
    });
  }

  /** The web client (nginx), plain HTTP behind the load balancer or the TLS sidecar. */
  private addWeb(health: string): ecs.ContainerDefinition {
    const props = this.props;
    const { domain, release, membersOnly: members } = props;
    return this.addJitsiContainer('web', {
      environment: {
        ...COMMON_ENV,
        ...IPV4_ONLY_ENV,
        PUBLIC_URL: `https://${domain}`,
        // TLS ends at the load balancer or at the sidecar; web serves plain HTTP and must not redirect it.
        DISABLE_HTTPS: '1',
        ENABLE_HTTP_REDIRECT: '0',
        ENABLE_LETSENCRYPT: '0',
        // One task, one network namespace: prosody is on localhost, not at xmpp.meet.jitsi.
        XMPP_BOSH_URL_BASE: `http://127.0.0.1:${PROSODY_HTTP_PORT}`,
        ENABLE_XMPP_WEBSOCKET: '1',
        ...(members ? MEMBERS_ONLY_ENV.web : {}),
        ...(members?.tokenAuthUrl ? { TOKEN_AUTH_URL: members.tokenAuthUrl } : {}),
        ...this.recordingEnv('web'),
        ...localRecordingEnv(props.localRecording),
        ...bandwidthEnvironment(props.bandwidth),
        // settings-config.js at stable-11146-2 writes it to config.dynamicBrandingUrl.
        ...(isBranded(props.branding) ? { DYNAMIC_BRANDING_URL: dynamicBrandingUrl(domain) } : {}),
      },
      // The load balancer forwards to web's port (and plain HTTP to the redirect port); in direct mode
      // only the sidecar (on 127.0.0.1) does.
      portMappings: props.tls
        ? []
        : [
            { containerPort: release.webPort, protocol: ecs.Protocol.TCP, name: 'web' },
            { containerPort: WEB_REDIRECT_PORT, protocol: ecs.Protocol.TCP, name: 'http-redirect' },
          ],
      healthCheck: startUpCheck(health, { interval: START_UP_CHECK_INTERVAL, startPeriod: 30, retries: 9 }),
    });
  }

  /** The conference focus; its start-up check passes once it has a bridge to put a conference on. */
  private addJicofo(stats: string): ecs.ContainerDefinition {
    const { size, membersOnly: members } = this.props;
    return this.addJitsiContainer('jicofo', {
      environment: {
        ...COMMON_ENV,
        XMPP_SERVER: '127.0.0.1',
        // /about/health, which the stats sidecar's health lines read once the meeting runs.
        JICOFO_ENABLE_HEALTH_CHECKS: '1',
        JICOFO_MAX_MEMORY: `${size.jicofoHeapMiB}m`,
        ...(members ? MEMBERS_ONLY_ENV.jicofo : {}),
        ...this.recordingEnv('jicofo'),
      },
      secrets: { JICOFO_AUTH_PASSWORD: this.secret('JICOFO_AUTH_PASSWORD') },
      // Fails until jicofo counts an operational bridge (JICOFO_HAS_OPERATIONAL_BRIDGE). Its window,
      // 180 s + 10 × 5 s, outlasts the bridge's own (60 s + 10 × 5 s): a bridge that comes up late but
      // within its window, and then joins (it retries its XMPP login every 5 s), is still waited for.
      healthCheck: startUpCheck(
        stats,
        { interval: START_UP_CHECK_INTERVAL, startPeriod: 180, retries: 10 },
        JICOFO_HAS_OPERATIONAL_BRIDGE,
      ),
    });
  }

  /** The video bridge: media goes straight to the task. */
  private addJvb(health: string): ecs.ContainerDefinition {
    const { size } = this.props;
    return this.addJitsiContainer('jvb', {
      environment: {
        ...COMMON_ENV,
        XMPP_SERVER: '127.0.0.1',
        JVB_PORT: String(JVB_MEDIA_PORT),
        // Media goes straight to the task: the bridge learns the task's public IPv4 address through
        // STUN (two servers, so one outage does not matter) and advertises it next to the private one.
        // A bridge that found no public address fails its health check instead of breaking every
        // call of three or more (jvb.conf at stable-11146-2: require-valid-address).
        JVB_STUN_SERVERS: JVB_STUN_SERVERS.join(','),
        JVB_REQUIRE_VALID_ADDRESS: '1',
        JVB_ADVERTISE_PRIVATE_CANDIDATES: 'true',
        DISABLE_AWS_HARVESTER: 'true',
        VIDEOBRIDGE_MAX_MEMORY: `${size.jvbHeapMiB}m`,
      },
      secrets: { JVB_AUTH_PASSWORD: this.secret('JVB_AUTH_PASSWORD') },
      portMappings: [{ containerPort: JVB_MEDIA_PORT, protocol: ecs.Protocol.UDP, name: 'media' }],
      // Proves only that the bridge's private REST server is up: /about/health answers 200 before the
      // bridge's first real check, which runs one minute later and never looks at its XMPP login
      // (jicoco HealthChecker, jvb JvbHealthChecker.kt and reference.conf `interval = 1 minute`,
      // stable/jitsi-meet_11146). That the bridge has joined is what jicofo's check proves.
      healthCheck: startUpCheck(health, { interval: START_UP_CHECK_INTERVAL, startPeriod: 60, retries: 10 }),
    });
  }

  /**
   * People, the bridge's load and each component's health, once a minute (src/infra/stats-sidecar.ts):
   * idle detection, `meetctl stop`, the dashboard and the alarms. Not essential: it never ends a meeting.
   */
  private addStats(jicofo: ecs.ContainerDefinition): ecs.ContainerDefinition {
    const props = this.props;
    const stats = this.taskDefinition.addContainer('stats', {
      containerName: 'stats',
      image: ecs.ContainerImage.fromRegistry(STATS_IMAGE),
      essential: false,
      entryPoint: ['sh', '-c'],
      command: [statsSidecarScript(taskEndpoints(props.release.webPort))],
      memoryReservationMiB: 16,
      logging: ecs.LogDrivers.awsLogs({ streamPrefix: 'stats', logGroup: props.logGroups.stats }),
    });
    stats.addContainerDependencies({ container: jicofo, condition: ecs.ContainerDependencyCondition.START });
    return stats;
  }

  /** Web's extra files (branding, the load balancer's nginx settings) and, in direct mode, the TLS sidecar. */
  private addWebFilesAndTls(web: ecs.ContainerDefinition): void {
    const { props } = this;
    const { release, domain } = props;
    const webFiles = withBandwidthConfig(props.bandwidth, {
      ...(isBranded(props.branding) ? jitsiBrandingFiles(props.branding, domain) : {}),
      // Direct mode: the TLS sidecar sends the headers and redirects; with a load balancer, web does.
      ...(props.tls ? {} : { [WEB_INGRESS_FILE]: webIngressConf(props.embedOrigins) }),
    });
    if (Object.keys(webFiles).length > 0) {
      this.containers.webConfig = this.addWebConfig(webFiles, web, props.logGroups.web, release.number >= GHCR_RELEASE);
    }
    if (props.tls) {
      this.containers.tls = this.addTlsProxy(props.tls.certificateSecret, props.logGroups.tls, {
        host: domain,
        webPort: release.webPort,
        ...(props.embedOrigins ? { embedOrigins: props.embedOrigins } : {}),
        // The waking page looks like the asleep page: the group's name, logo and colours.
        ...(isBranded(props.branding) ? { branding: props.branding } : {}),
        // Members-only: it tells guests and members what the asleep page tells them, with the same sign-in link.
        ...(props.membersOnly?.pageUrl ? { pageUrl: props.membersOnly.pageUrl } : {}),
      });
    }
  }

  /**
   * Web's extra config without building an image: a one-shot busybox container writes the files into
   * a task volume; web mounts it at /config (the image's VOLUME, which its start script copies to
   * /run/web/config, or uses in place before stable-11146) and starts only once the files are written
   * (SUCCESS). The texts are plain settings from the config, not secrets.
   */
  private addWebConfig(files: Record<string, string>, web: ecs.ContainerDefinition, logGroup: logs.ILogGroup, rootless: boolean) {
    this.taskDefinition.addVolume({ name: WEB_CONFIG_VOLUME });
    const { command, environment } = brandingInitCommand(files, WEB_CONFIG_MOUNT);
    const init = this.taskDefinition.addContainer(WEB_CONFIG_CONTAINER, {
      containerName: WEB_CONFIG_CONTAINER,
      image: ecs.ContainerImage.fromRegistry(STATS_IMAGE),
      essential: false,
      entryPoint: ['sh', '-c'],
      command: [command],
      environment,
      memoryReservationMiB: 16,
      logging: ecs.LogDrivers.awsLogs({ streamPrefix: WEB_CONFIG_CONTAINER, logGroup }),
    });
    init.addMountPoints({ sourceVolume: WEB_CONFIG_VOLUME, containerPath: WEB_CONFIG_MOUNT, readOnly: false });
    // Rootless images (stable-11146 on) copy /config and write elsewhere; the older root images write
    // their generated nginx and Jitsi config into /config itself (cont-init.d/10-config).
    web.addMountPoints({ sourceVolume: WEB_CONFIG_VOLUME, containerPath: '/config', readOnly: rootless });
    web.addContainerDependencies({ container: init, condition: ecs.ContainerDependencyCondition.SUCCESS });
    return init;
  }

  /**
   * Port 443 for the direct mode: the rootless web image listens only on 8000/8443 and Fargate maps
   * host port = container port, so an essential nginx sidecar (src/infra/tls-proxy.ts) terminates TLS
   * with the ACME certificate, injected as ECS secrets, and proxies to web on 127.0.0.1.
   */
  private addTlsProxy(
    certificateSecret: StoredSecret,
    logGroup: logs.ILogGroup | undefined,
    site: TlsProxySite,
  ): ecs.ContainerDefinition {
    if (!logGroup) throw new Error('the direct mode needs a log group for the tls container');
    const tls = this.taskDefinition.addContainer(TLS_CONTAINER, {
      containerName: TLS_CONTAINER,
      image: ecs.ContainerImage.fromRegistry(TLS_PROXY_IMAGE),
      essential: true,
      entryPoint: ['sh', '-c'],
      command: [tlsProxyCommand(site)],
      // It keeps answering (the waking page) for a resolver's TTL after ECS tells it to stop.
      stopTimeout: Duration.seconds(TLS_STOP_TIMEOUT_SECONDS),
      secrets: {
        [TLS_ENV.certificate]: certificateSecret.ecsSecret(CERTIFICATE_KEYS.certificate),
        [TLS_ENV.privateKey]: certificateSecret.ecsSecret(CERTIFICATE_KEYS.privateKey),
      },
      portMappings: [
        { containerPort: HTTPS_PORT, protocol: ecs.Protocol.TCP, name: 'https' },
        { containerPort: HTTP_PORT, protocol: ecs.Protocol.TCP, name: 'http' },
      ],
      memoryReservationMiB: 64,
      logging: ecs.LogDrivers.awsLogs({ streamPrefix: TLS_CONTAINER, logGroup }),
    });
    return tls;
  }
}

/** The TCP ports the direct mode's sidecar binds (tlsProxyCommand's defaults). */
export const TLS_PROXY_PORTS = [HTTPS_PORT, HTTP_PORT] as const;

/**
 * All containers of an awsvpc task share one network namespace: a port bound by two of them makes
 * the second one fail to start and the task never becomes healthy. The config schema refuses the
 * releases where that happens; this guards the construct itself.
 */
function assertNoSharedPorts(release: JitsiRelease, bound: Record<string, readonly number[]>): void {
  const owner = new Map<number, string>();
  for (const [container, ports] of Object.entries(bound)) {
    for (const port of ports) {
      const other = owner.get(port);
      if (other)
        throw new Error(
          `containers ${other} and ${container} both bind TCP port ${port} in the task's one network namespace at jitsiRelease "${release.tag}"`,
        );
      owner.set(port, container);
    }
  }
}

/**
 * Seconds between a container's start-up checks: the ECS minimum (HealthCheck.interval, 5–300 s). A
 * check first runs one interval after the container starts (Docker HEALTHCHECK reference), so the
 * interval is the delay between a component answering and ECS seeing it HEALTHY. The check latches
 * after its first pass (startUpCheckCommand), so a meeting pays nothing for the short interval but
 * one `test -e` every 5 s. Retries (ECS allows at most 10) counted after each start period give
 * about as long as before before a task that never comes up is replaced.
 */
export const START_UP_CHECK_INTERVAL = 5;

/** Where a container's start-up check records its first pass (the container's own /tmp; ECS sets no TMPDIR). */
export const HEALTH_LATCH = `"\${TMPDIR:-/tmp}/meetctl-started"`;

/**
 * The shell command of a start-up health check: it passes once the URL answers with a 2xx status (and,
 * with `bodyMatches`, a body in which that extended regular expression, single-quoted, matches), and
 * from then on always. ECS stops and replaces a service task whose essential container turns UNHEALTHY (ECS API
 * reference, HealthCheck: "For tasks that are part of a service, if the task reports as unhealthy then
 * the task will be stopped and the service scheduler will replace it"), which would drop everyone in
 * the call after one transient failure of a few minutes. The check still gates start-up (HEALTHY
 * dependencies, a task that never becomes healthy is replaced, `meetctl start` waits for HEALTHY);
 * once a container has been healthy, the stats sidecar watches it and an alarm e-mails the organizer.
 */
export function startUpCheckCommand(url: string, bodyMatches?: string): string {
  const probe =
    bodyMatches === undefined
      ? `curl -fsS -o /dev/null --max-time 4 ${url}`
      : `curl -fsS --max-time 4 ${url} | grep -Eq '${bodyMatches}'`;
  return `[ -e ${HEALTH_LATCH} ] || { ${probe} || exit 1; touch ${HEALTH_LATCH} 2>/dev/null; true; }`;
}

/**
 * What jicofo's `/stats` must contain before its start-up check passes: a non-zero
 * `operational_bridge_count` inside the `bridge_selector` object (grep -E, in the body that curl -f
 * got with a 2xx status). Jicofo's own /about/health cannot gate the start: jicoco's HealthChecker
 * starts with a passing result and first checks one interval (10 s) later
 * (jicoco-health-checker HealthChecker.kt, jicofo reference.conf `health.interval`), so it answers
 * 200 before any bridge has joined. Upstream facts, jicofo tag stable/jitsi-meet_11146 (docker-jitsi-meet
 * stable-11146-2):
 * - GET /stats is always routed when the REST server runs (ktor/Application.kt `stats()`), and the
 *   server runs by default on 127.0.0.1:8888 (reference.conf `jicofo.rest`); docker's
 *   jicofo/rootfs/defaults/jicofo.conf only moves it to 0.0.0.0 with JICOFO_ENABLE_REST, which the
 *   task does not set.
 * - The body is `getStats().toString()` (Application.kt `respondJson`; jackson.version 2.19.0 in
 *   pom.xml): `JsonNode.toString()` writes with jackson-databind's default writer, no pretty printer
 *   (InternalNodeMapper, since 2.10), so one line without whitespace, keys in insertion order. From
 *   stable/jitsi-meet_9584 to _11031 it is json-simple 1.1.1's `toJSONString()`, also one line
 *   without whitespace (keys in any order, which the pattern does not depend on).
 * - `bridge_selector` is `BridgeSelector.stats` (JicofoServices.kt `getStats`): only numbers, so its
 *   object holds no `}` before its end, and `[^}]*` cannot reach into another section
 *   (jicofo-selector BridgeSelector.kt: bridge_count, operational_bridge_count,
 *   in_shutdown_bridge_count, lost_bridges, bridge_version_count; at every tag from 9584 on).
 * - `operational_bridge_count` counts the bridges jicofo has seen join its bridge brewery room
 *   (BridgeMucDetector → BridgeSelector.addJvbAddress) and not marked failed (BridgeSelector
 *   `updateMetrics`, `isOperational`, true for a new bridge in Bridge.kt, false after a failed
 *   allocation); getStats runs that update before it answers, so the count is current. The jicofo
 *   image runs the check with Debian's /bin/sh, curl (docker-jitsi-meet base/Dockerfile) and grep
 *   (Essential in Debian); it has no jq.
 */
export const JICOFO_HAS_OPERATIONAL_BRIDGE = '"bridge_selector":[{][^}]*"operational_bridge_count":[1-9]';

function startUpCheck(
  url: string,
  timing: { interval: number; startPeriod: number; retries: number },
  bodyMatches?: string,
): ecs.HealthCheck {
  return {
    command: ['CMD-SHELL', startUpCheckCommand(url, bodyMatches)],
    interval: Duration.seconds(timing.interval),
    timeout: Duration.seconds(4),
    startPeriod: Duration.seconds(timing.startPeriod),
    retries: timing.retries,
  };
}

/** One log group per container of the mode, with retention; destroyed with the stack (recordings are the data kept). */
export function containerLogGroups(scope: Construct, retention: logs.RetentionDays, ingress: IngressMode): ContainerLogGroups {
  const groups: Partial<Record<ContainerName, logs.LogGroup>> = {};
  for (const name of containersFor(ingress)) {
    groups[name] = new logs.LogGroup(scope, `${capitalise(name)}Logs`, { retention, removalPolicy: RemovalPolicy.DESTROY });
  }
  return groups as ContainerLogGroups;
}

function capitalise(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}
