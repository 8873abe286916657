import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { StatsEndpoints } from '../../src/infra/stats-sidecar.js';

/**
 * jicofo's GET /stats at stable/jitsi-meet_11146: `JicofoServices.getStats()` merges
 * `FocusManager.stats` (total_participants … participants, visitors, conference_sizes, endpoint_pairs,
 * jibri, queues: one entry per packet queue, jitsi-utils `QueueStatistics.getStatistics`, none here)
 * with bridge_selector (`BridgeSelector.stats`: its five counts, in this order), jibri_detector and
 * sip_jibri_detector (`JibriDetectorMetrics.appendStats`), jigasi, threads, jingle, version and the
 * health result, and `Application.kt` answers `json.toString()`: one compact line, keys in insertion
 * order (Jackson's ObjectNode), which `JSON.stringify` of this object reproduces.
 */
export const JICOFO_STATS = {
  total_participants: 41,
  total_conferences_created: 6,
  conferences: 1,
  conferences_with_visitors: 0,
  bridge_failures: { participants_moved: 0, bridges_removed: 0 },
  participant_notifications: { ice_failed: 0, request_restart: 0 },
  largest_conference: 3,
  participants: 3,
  visitors: 0,
  conference_sizes: [0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
  endpoint_pairs: 6,
  jibri: {
    total_sip_call_failures: 0,
    total_live_streaming_failures: 0,
    total_recording_failures: 0,
    live_streaming_active: 0,
    recording_active: 0,
    sip_call_active: 0,
  },
  queues: {},
  bridge_selector: {
    bridge_count: 1,
    operational_bridge_count: 1,
    in_shutdown_bridge_count: 0,
    lost_bridges: 0,
    bridge_version_count: 1,
  },
  jibri_detector: { count: 0, available: 0 },
  sip_jibri_detector: { count: 0, available: 0 },
  jigasi: { sip_call_failures: 0 },
  threads: 71,
  jingle: { sent: {}, received: {} },
  version: '1.0-1160-ga0c2b8c',
  slow_health_check: 0,
  healthy: true,
  health: { success: true, hardFailure: false, responseCode: null, sticky: false, message: null },
} as const;

/**
 * The bridge's GET /metrics with `Accept: text/plain` at stable/jitsi-meet_11146: simpleclient
 * 0.16.0 `TextFormat.write004` over the `jitsi_jvb` registry. Per family `# HELP`/`# TYPE`, then
 * `name value` with `Double.toString` values (`0.92`, `3.0`, `1.0E-4`); counters are written with
 * `_total`; labels as `{le="1.0",}` (a comma after each); the `_created` samples of counters come last
 * as gauges. Names and help texts from `VideobridgeMetrics.kt` and `VideobridgePeriodicMetrics.kt`.
 */
export const JVB_METRICS_004 = `# HELP jitsi_jvb_graceful_shutdown Whether the bridge is in graceful shutdown mode (not accepting new conferences).
# TYPE jitsi_jvb_graceful_shutdown gauge
jitsi_jvb_graceful_shutdown 0.0
# HELP jitsi_jvb_endpoints_total The total number of endpoints created.
# TYPE jitsi_jvb_endpoints_total counter
jitsi_jvb_endpoints_total 12.0
# HELP jitsi_jvb_stress Current stress (between 0 and 1).
# TYPE jitsi_jvb_stress gauge
jitsi_jvb_stress 0.92
# HELP jitsi_jvb_local_endpoints Number of local endpoints that exist currently.
# TYPE jitsi_jvb_local_endpoints gauge
jitsi_jvb_local_endpoints 3.0
# HELP jitsi_jvb_conferences Current number of conferences.
# TYPE jitsi_jvb_conferences gauge
jitsi_jvb_conferences 1.0
# HELP jitsi_jvb_incoming_loss_fraction Fraction of incoming RTP packets that are lost.
# TYPE jitsi_jvb_incoming_loss_fraction gauge
jitsi_jvb_incoming_loss_fraction 2.0E-4
# HELP jitsi_jvb_loss_fraction Fraction of RTP packets that are lost (incoming and outgoing combined).
# TYPE jitsi_jvb_loss_fraction gauge
jitsi_jvb_loss_fraction 1.0E-4
# HELP jitsi_jvb_average_rtt Average RTT across all local endpoints in ms.
# TYPE jitsi_jvb_average_rtt gauge
jitsi_jvb_average_rtt 38.5
# HELP jitsi_jvb_current_endpoints Number of current endpoints (local and relayed).
# TYPE jitsi_jvb_current_endpoints gauge
jitsi_jvb_current_endpoints 3.0
# HELP jitsi_jvb_conferences_by_size Histogram of conferences by total number of endpoints.
# TYPE jitsi_jvb_conferences_by_size histogram
jitsi_jvb_conferences_by_size_bucket{le="1.0",} 0.0
jitsi_jvb_conferences_by_size_bucket{le="+Inf",} 1.0
jitsi_jvb_conferences_by_size_count 1.0
jitsi_jvb_conferences_by_size_sum 3.0
# HELP jitsi_jvb_endpoints_created The total number of endpoints created.
# TYPE jitsi_jvb_endpoints_created gauge
jitsi_jvb_endpoints_created 1.7647884E9
`;

/**
 * prosody 13's GET /metrics (`mod_http_openmetrics`, `util/openmetrics.lua` `render`): per family
 * `# HELP`, `# UNIT` (empty unit: a trailing space), `# TYPE`, then `name{labels} value` with "%.17g"
 * values, and `# EOF`. `mod_c2s` is global, so its gauge has the labels it declares (host, type,
 * ip_family) and counts every client session by host: users (meet.jitsi), guests (guest.meet.jitsi),
 * jicofo and the bridge (auth.meet.jitsi).
 */
export const PROSODY_OPENMETRICS = `# HELP prosody_mod_bosh__active_sessions
# UNIT prosody_mod_bosh__active_sessions 
# TYPE prosody_mod_bosh__active_sessions gauge
prosody_mod_bosh__active_sessions{host="meet.jitsi"} 0
# HELP prosody_mod_c2s__connections Established c2s connections
# UNIT prosody_mod_c2s__connections 
# TYPE prosody_mod_c2s__connections gauge
prosody_mod_c2s__connections{host="auth.meet.jitsi",type="c2s",ip_family="ipv4"} 2
prosody_mod_c2s__connections{host="auth.meet.jitsi",type="c2s",ip_family="ipv6"} 0
prosody_mod_c2s__connections{host="meet.jitsi",type="c2s",ip_family="ipv4"} 1
prosody_mod_c2s__connections{host="meet.jitsi",type="c2s",ip_family="ipv6"} 0
prosody_mod_c2s__connections{host="guest.meet.jitsi",type="c2s",ip_family="ipv4"} 2
prosody_mod_c2s__connections{host="guest.meet.jitsi",type="c2s",ip_family="ipv6"} 0
prosody_mod_c2s__connections{host="guest.meet.jitsi",type="c2s_unauthed",ip_family="ipv4"} 1
prosody_mod_c2s__connections{host="guest.meet.jitsi",type="c2s_unauthed",ip_family="ipv6"} 0
# EOF
`;

/** What each local server answers. */
export interface EndpointState {
  /** undefined: 404; 'hang': accept the request and never answer. */
  jicofoStats: string | undefined;
  jvbMetrics: string | undefined;
  prosodyMetrics: string | undefined;
  /**
   * HTTP statuses of each component's health endpoint, one per request (the sidecar asks once a
   * round); the last one repeats.
   */
  health: { web: number[]; prosody: number[]; jicofo: number[]; jvb: number[] };
  /** The Accept headers the bridge's /metrics received. */
  readonly jvbAccepts: Array<string | undefined>;
}

export interface StatsServers {
  readonly ports: StatsEndpoints;
  readonly state: EndpointState;
  close(): Promise<void>;
}

/** A server whose handler says what to answer, or undefined to never answer (a stuck process). */
function listen(handler: (req: IncomingMessage) => { status: number; body: string } | undefined): Promise<Server> {
  const server = createServer((req, res) => {
    const reply = handler(req);
    if (!reply) return;
    res.writeHead(reply.status, { 'content-type': 'text/plain' });
    res.end(reply.body);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

const answer = (body: string | undefined) =>
  body === 'hang' ? undefined : body === undefined ? { status: 404, body: '' } : { status: 200, body };
function health(statuses: number[]) {
  const status = (statuses.length > 1 ? statuses.shift() : statuses[0]) ?? 200;
  return { status, body: status === 200 ? 'OK' : 'failing' };
}

/**
 * jicofo, the bridge, prosody and web on free 127.0.0.1 ports. The bridge's /metrics answers as
 * `Prometheus.java` does: without an Accept header `accept.split(",")` throws, which Jersey turns
 * into a 500.
 */
export async function startStatsServers(): Promise<StatsServers> {
  const state: EndpointState = {
    jicofoStats: JSON.stringify(JICOFO_STATS),
    jvbMetrics: JVB_METRICS_004,
    prosodyMetrics: PROSODY_OPENMETRICS,
    health: { web: [200], prosody: [200], jicofo: [200], jvb: [200] },
    jvbAccepts: [],
  };
  const jicofo = await listen((req) => (req.url === '/stats' ? answer(state.jicofoStats) : health(state.health.jicofo)));
  const jvb = await listen((req) => {
    if (req.url !== '/metrics') return health(state.health.jvb);
    const accept = req.headers.accept;
    state.jvbAccepts.push(accept);
    if (accept === undefined) return { status: 500, body: 'java.lang.NullPointerException' };
    return accept.includes('text/plain') ? answer(state.jvbMetrics) : { status: 406, body: '' };
  });
  const prosody = await listen((req) => (req.url === '/metrics' ? answer(state.prosodyMetrics) : health(state.health.prosody)));
  const web = await listen(() => health(state.health.web));
  const servers = [jicofo, jvb, prosody, web];
  const port = (s: Server) => (s.address() as AddressInfo).port;
  return {
    ports: { jicofoPort: port(jicofo), jvbPort: port(jvb), prosodyPort: port(prosody), webPort: port(web) },
    state,
    close: () =>
      Promise.all(
        servers.map(
          (s) =>
            new Promise<void>((resolve) => {
              s.close(() => resolve());
              s.closeAllConnections();
            }),
        ),
      ).then(() => undefined),
  };
}

/**
 * Runs `script` with Debian's busybox (sh, wget, awk, tr, timeout, sleep: the applets the sidecar's
 * image has, not the host's GNU tools) and returns the lines of `rounds` rounds (a people line starts
 * a round). The process is killed once they are read.
 */
export async function runRounds(busybox: string, script: string, rounds: number): Promise<string[][]> {
  const bin = mkdtempSync(path.join(tmpdir(), 'busybox-'));
  for (const applet of ['sh', 'wget', 'awk', 'tr', 'timeout', 'sleep']) symlinkSync(busybox, path.join(bin, applet));
  const child = spawn(busybox, ['sh', '-c', script], { env: { PATH: bin }, stdio: ['ignore', 'pipe', 'pipe'] });
  const out: string[][] = [];
  let buffer = '';
  let guard: NodeJS.Timeout | undefined;
  try {
    return await new Promise<string[][]>((resolve, reject) => {
      // Not a timing assertion: a loop that stalls must not outlive the test (nor leave a process).
      guard = setTimeout(() => reject(new Error(`the sidecar printed ${out.length} of ${rounds} rounds in 60 s`)), 60_000);
      child.on('error', reject);
      child.on('exit', (code) => reject(new Error(`the sidecar exited (${code}) after ${out.length} rounds`)));
      child.stdout.on('data', (chunk: Buffer) => {
        buffer += chunk.toString('utf8');
        let newline = buffer.indexOf('\n');
        while (newline >= 0) {
          const line = buffer.slice(0, newline);
          buffer = buffer.slice(newline + 1);
          if (line.includes('"type":"jicofo-stats"')) {
            if (out.length === rounds) return resolve(out);
            out.push([]);
          }
          out.at(-1)?.push(line);
          newline = buffer.indexOf('\n');
        }
      });
    });
  } finally {
    clearTimeout(guard);
    child.removeAllListeners('exit');
    child.kill('SIGKILL');
    rmSync(bin, { recursive: true, force: true });
  }
}
