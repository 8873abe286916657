import { BRIDGE_FIELDS, type HEALTH_COMPONENTS, STATS_LINE } from '../control/stats-lines.js';
import { JICOFO_REST_PORT, JVB_HEALTH_PORT, PROSODY_HTTP_PORT } from './constructs/ports.js';

/**
 * The stats sidecar: a busybox shell loop in the meeting task that reads what jicofo, prosody and the
 * video bridge serve on 127.0.0.1 and prints the lines of src/control/stats-lines.ts once a minute.
 * CloudWatch Logs metric filters turn them into metrics; `meetctl` and the automation read them.
 *
 * Endpoints, as the pinned release serves them in our configuration (every one on localhost; none is
 * in a security group):
 * - jicofo `/stats` on 8888: jicofo's REST server is on by default on 127.0.0.1:8888 (jicofo
 *   `jicofo/src/main/resources/reference.conf` `jicofo.rest`, tag stable/jitsi-meet_11146); docker's
 *   jicofo.conf only moves it to 0.0.0.0 with JICOFO_ENABLE_REST. The body is one JSON object with
 *   `participants` and `conferences` (`FocusManager.stats`, `JicofoServices.getStats`).
 * - the bridge's Prometheus `/metrics` on 8080: the private HTTP server (jicoco
 *   `JettyBundleActivatorConfig`, port default 8080) with `videobridge.rest.prometheus.enabled = true`
 *   (jvb `reference.conf`). `/colibri/stats` is not served: it needs `videobridge.apis.rest.enabled`,
 *   which docker's jvb.conf sets from COLIBRI_REST_ENABLED, default false (stable-11146-2).
 *   `Prometheus.java` splits the Accept header without a null check and busybox wget sends none, so
 *   the sidecar asks for `text/plain` (jicoco `MetricsContainer.getMetrics`: the 0.0.4 text format).
 * - prosody's `/metrics` on 5280 (`http_openmetrics`, on with PROSODY_ENABLE_METRICS in docker's
 *   prosody.cfg.lua; 127.0.0.1 is always allowed): the number of guests connected.
 * - each component's health endpoint, for the health lines.
 */

/** Seconds between two rounds of lines. */
export const STATS_INTERVAL_SECONDS = 60;
/** Seconds one request may take (a component that accepts and never answers must not stall the loop). */
export const STATS_REQUEST_SECONDS = 5;

/**
 * The bridge's Prometheus metrics the bridge line carries, by line field. Names: namespace
 * `jitsi_jvb` (`VideobridgeMetricsContainer`) + the registered name, at stable/jitsi-meet_11146:
 * `stress` and `conferences` in `VideobridgeMetrics.kt` (stress is what colibri stats called
 * `stress_level`), `average_rtt` (ms), `loss_fraction` (incoming and outgoing packets combined) and
 * `current_endpoints` (local and relayed) in `VideobridgePeriodicMetrics.kt`. All are gauges, which
 * the 0.0.4 text format writes as `name value` (simpleclient 0.16.0 `TextFormat.write004`).
 */
export const BRIDGE_METRICS: Readonly<Record<(typeof BRIDGE_FIELDS)[number], string>> = {
  stress: 'jitsi_jvb_stress',
  rtt_ms: 'jitsi_jvb_average_rtt',
  loss: 'jitsi_jvb_loss_fraction',
  conferences: 'jitsi_jvb_conferences',
  endpoints: 'jitsi_jvb_current_endpoints',
};

/**
 * Guests connected: prosody 13's `mod_c2s` gauge `connections` with labels host, type, ip_family
 * (`module:metric` names it `prosody_mod_c2s/connections`, which `util/openmetrics.lua` writes as
 * `prosody_mod_c2s__connections`), summed over the guest domain's authenticated sessions. The guest
 * domain is docker's XMPP_GUEST_DOMAIN default (jitsi-meet.cfg.lua, stable-11146-2). The TYPE line
 * tells that prosody answered: no sample line for the guest host means no guest connected.
 */
export const GUEST_CONNECTIONS = {
  metric: 'prosody_mod_c2s__connections',
  host: 'guest.meet.jitsi',
  type: 'c2s',
} as const;

/** Where the sidecar reads; the ports are the task's, and tests point them at their own servers. */
export interface StatsEndpoints {
  readonly jicofoPort: number;
  readonly jvbPort: number;
  readonly prosodyPort: number;
  readonly webPort: number;
}

export const taskEndpoints = (webPort: number): StatsEndpoints => ({
  jicofoPort: JICOFO_REST_PORT,
  jvbPort: JVB_HEALTH_PORT,
  prosodyPort: PROSODY_HTTP_PORT,
  webPort,
});

/**
 * jicofo's `/stats`: the sidecar's people line carries it whole, and jicofo's start-up health check
 * reads the bridge selector's operational bridge count in it (src/infra/constructs/jitsi-task.ts).
 */
export const jicofoStatsUrl = (ports: StatsEndpoints): string => `http://127.0.0.1:${ports.jicofoPort}/stats`;

/**
 * The health endpoint of each component, for the sidecar's health lines. The start-up health checks
 * of web, prosody and the bridge use the same; jicofo's reads {@link jicofoStatsUrl} instead.
 */
export function healthUrls(ports: StatsEndpoints): Record<(typeof HEALTH_COMPONENTS)[number], string> {
  return {
    web: `http://127.0.0.1:${ports.webPort}/`,
    prosody: `http://127.0.0.1:${ports.prosodyPort}/health`,
    jicofo: `http://127.0.0.1:${ports.jicofoPort}/about/health`,
    jvb: `http://127.0.0.1:${ports.jvbPort}/about/health`,
  };
}

/** A JSON number as Java's Double.toString and Lua's %.17g write finite values ("NaN" and "+Inf" are left out). */
const NUMBER = '/^-?[0-9]+(\\.[0-9]+)?([eE][-+]?[0-9]+)?$/';

/** awk: the bridge line's fields from the 0.0.4 text, prefixed by "ok" when at least one was there. */
function bridgeAwk(): string {
  const rules = BRIDGE_FIELDS.map(
    (field) => `$1 == "${BRIDGE_METRICS[field]}" && $2 ~ ${NUMBER} { f = f ",\\"${field}\\":" $2 }`,
  );
  return [...rules, 'END { if (f != "") print "ok" f }'].join('\n');
}

/** awk: guests connected, or nothing when the output is not prosody's metrics. */
function guestsAwk(): string {
  const { metric, host, type } = GUEST_CONNECTIONS;
  return [
    `$0 == "# TYPE ${metric} gauge" { seen = 1 }`,
    `index($1, "${metric}{") == 1 && index($1, "host=\\"${host}\\"") && index($1, "type=\\"${type}\\"") && $2 ~ /^[0-9]+$/ { n += $2 }`,
    'END { if (seen) print n + 0 }',
  ].join('\n');
}

/**
 * The sidecar's loop. Health lines are written only for a component that passed once and fails now:
 * start-up is the container health checks' business, and the runtime guard alerts on a start that
 * never becomes ready.
 */
export function statsSidecarScript(
  ports: StatsEndpoints,
  intervalSeconds = STATS_INTERVAL_SECONDS,
  requestSeconds = STATS_REQUEST_SECONDS,
): string {
  const get = `timeout ${requestSeconds} wget -q -O -`;
  const health = Object.entries(healthUrls(ports))
    .map(([name, url]) => `${name}=${url}`)
    .join(' ');
  return `seen=""
while true; do
  g=$(${get} http://127.0.0.1:${ports.prosodyPort}/metrics 2>/dev/null | awk '${guestsAwk()}')
  case "$g" in ''|*[!0-9]*) g=null ;; esac
  s=$(${get} ${jicofoStatsUrl(ports)} 2>/dev/null | tr -d '\\n')
  case "$s" in
    "{"*"}") echo "{\\"type\\":\\"${STATS_LINE.people}\\",\\"ok\\":true,\\"stats\\":$s,\\"guests\\":$g}" ;;
    *) echo "{\\"type\\":\\"${STATS_LINE.people}\\",\\"ok\\":false,\\"stats\\":null,\\"guests\\":$g}" ;;
  esac
  b=$(${get} --header 'Accept: text/plain' http://127.0.0.1:${ports.jvbPort}/metrics 2>/dev/null | awk '${bridgeAwk()}')
  case "$b" in
    ok*) echo "{\\"type\\":\\"${STATS_LINE.bridge}\\",\\"ok\\":true\${b#ok}}" ;;
    *) echo "{\\"type\\":\\"${STATS_LINE.bridge}\\",\\"ok\\":false}" ;;
  esac
  for c in ${health}; do
    n=\${c%%=*}
    if ${get.replace(' -O -', ' -O /dev/null')} "\${c#*=}" 2>/dev/null; then
      case " $seen " in *" $n "*) ;; *) seen="$seen $n" ;; esac
    else
      case " $seen " in *" $n "*) echo "{\\"type\\":\\"${STATS_LINE.health}\\",\\"component\\":\\"$n\\",\\"ok\\":false}" ;; esac
    fi
  done
  sleep ${intervalSeconds}
done`;
}

/**
 * Prosody's OpenMetrics endpoint, for the guests count: PROSODY_ENABLE_METRICS loads
 * `http_openmetrics` (docker's prosody.cfg.lua, stable-11146-2), whose allowed network defaults to
 * 172.16.0.0/12 there; narrowed to the task itself (127.0.0.1 is allowed in any case).
 */
export const PROSODY_METRICS_ENV = { PROSODY_ENABLE_METRICS: '1', PROSODY_METRICS_ALLOWED_CIDR: '127.0.0.1/32' } as const;
