import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { peopleFromLine } from '../../src/control/stats-lines.js';
import { statsSidecarScript } from '../../src/infra/stats-sidecar.js';
import { JICOFO_STATS, JVB_METRICS_004, runRounds, type StatsServers, startStatsServers } from '../support/stats-endpoints.js';
import { externalTool, TOOLS } from '../support/tools.js';

// The sidecar's real loop, in Debian's busybox (the sidecar image is busybox), against local servers
// that answer as the pinned release's jicofo, bridge and prosody do (test/support/stats-endpoints.ts).
const busybox = externalTool(TOOLS.busybox, 'stats sidecar script');
const json = (line: string | undefined) => JSON.parse(line ?? 'null') as Record<string, unknown>;

describe.skipIf(!busybox)('stats sidecar script', () => {
  let servers: StatsServers;
  beforeAll(async () => {
    servers = await startStatsServers();
  });
  afterAll(() => servers?.close());
  const run = (rounds: number) => runRounds(busybox as string, statsSidecarScript(servers.ports, 0), rounds);

  it("prints jicofo's stats as one people line, with the guests connected to prosody", async () => {
    const [[people]] = (await run(1)) as [[string]];
    expect(json(people)).toEqual({ type: 'jicofo-stats', ok: true, stats: JICOFO_STATS, guests: 2 });
    expect(peopleFromLine(people)).toEqual({ participants: 3, guests: 2 });
  });

  it("prints the bridge's stress, round trip, loss, conferences and endpoints from its Prometheus /metrics", async () => {
    const [[, bridge]] = (await run(1)) as [[string, string]];
    expect(json(bridge)).toEqual({
      type: 'jvb-metrics',
      ok: true,
      stress: 0.92,
      rtt_ms: 38.5,
      loss: 0.0001,
      conferences: 1,
      endpoints: 3,
    });
    // Without an Accept header the release answers 500; the sidecar always asks for the text format.
    expect(servers.state.jvbAccepts.at(-1)).toBe('text/plain');
  });

  it('leaves out a value the bridge reports as NaN, and says ok=false when /metrics has none of its metrics', async () => {
    servers.state.jvbMetrics = 'jitsi_jvb_stress NaN\njitsi_jvb_average_rtt 0.0\n';
    const [[, partial]] = (await run(1)) as [[string, string]];
    expect(json(partial)).toEqual({ type: 'jvb-metrics', ok: true, rtt_ms: 0 });
    servers.state.jvbMetrics = '<html>not the bridge</html>\n';
    const [[, none]] = (await run(1)) as [[string, string]];
    expect(json(none)).toEqual({ type: 'jvb-metrics', ok: false });
    servers.state.jvbMetrics = JVB_METRICS_004;
  });

  it('counts 0 guests when prosody answers without a guest session, and null when it is not prosody', async () => {
    const saved = servers.state.prosodyMetrics;
    servers.state.prosodyMetrics = '# TYPE prosody_mod_c2s__connections gauge\n# EOF\n';
    expect(json((await run(1))[0]?.[0]).guests).toBe(0);
    servers.state.prosodyMetrics = 'something else\n';
    expect(json((await run(1))[0]?.[0]).guests).toBeNull();
    servers.state.prosodyMetrics = saved;
  });

  it('writes a health line for a component that passed once and fails now, never during start-up', async () => {
    // jvb passes, then fails; jicofo never passes (still starting): no line for it.
    servers.state.health.jvb = [200, 503];
    servers.state.health.jicofo = [503];
    const rounds = await run(3);
    expect(rounds[0]?.slice(2)).toEqual([]);
    for (const round of rounds.slice(1)) {
      expect(round.slice(2).map((l) => json(l))).toEqual([{ type: 'health', component: 'jvb', ok: false }]);
    }
    servers.state.health.jvb = [200];
    servers.state.health.jicofo = [200];
  });

  it('gives up on a component that accepts a request and never answers, and goes on with the others', async () => {
    servers.state.jicofoStats = 'hang';
    const [round] = await runRounds(busybox as string, statsSidecarScript(servers.ports, 0, 1), 1);
    expect(json(round?.[0])).toEqual({ type: 'jicofo-stats', ok: false, stats: null, guests: 2 });
    expect(json(round?.[1])).toMatchObject({ type: 'jvb-metrics', ok: true, stress: 0.92 });
    servers.state.jicofoStats = JSON.stringify(JICOFO_STATS);
  });

  it('prints ok=false lines and nothing else when nothing answers', async () => {
    const closed = await startStatsServers();
    const ports = closed.ports;
    await closed.close();
    const [round] = await runRounds(busybox as string, statsSidecarScript(ports, 0), 1);
    expect(round?.map((l) => json(l))).toEqual([
      { type: 'jicofo-stats', ok: false, stats: null, guests: null },
      { type: 'jvb-metrics', ok: false },
    ]);
  });
});
