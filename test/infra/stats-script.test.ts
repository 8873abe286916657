import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { STATS_SCRIPT } from '../../src/infra/constructs/jitsi-task.js';

// Run the sidecar's script in a real shell with `wget` and `sleep` stubbed: one loop, two lines.
const bin = mkdtempSync(path.join(tmpdir(), 'stats-stubs-'));
afterAll(() => rmSync(bin, { recursive: true, force: true }));

/** The stub answers jicofo's /stats with `jicofo` and the bridge's /colibri/stats with `bridge` (shell commands). */
function runWith(jicofo: string, bridge = 'exit 4'): Array<Record<string, unknown>> {
  writeFileSync(path.join(bin, 'wget'), `#!/bin/sh\ncase "$*" in\n  *colibri/stats*) ${bridge} ;;\n  *) ${jicofo} ;;\nesac\n`);
  writeFileSync(path.join(bin, 'sleep'), '#!/bin/sh\nkill -TERM $PPID\n');
  chmodSync(path.join(bin, 'wget'), 0o755);
  chmodSync(path.join(bin, 'sleep'), 0o755);
  const result = spawnSync('sh', ['-c', STATS_SCRIPT], {
    env: { PATH: `${bin}:/usr/bin:/bin` },
    encoding: 'utf8',
    timeout: 5000,
  });
  return result.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('stats sidecar script', () => {
  it("prints jicofo's stats as one JSON line, even when jicofo answers on several lines", () => {
    const [jicofo] = runWith(
      `printf '{"participants": 3,\\n "conferences": 1, "bridge_selector": {"operational_bridge_count": 1}}'`,
    );
    expect(jicofo).toEqual({
      type: 'jicofo-stats',
      ok: true,
      stats: { participants: 3, conferences: 1, bridge_selector: { operational_bridge_count: 1 } },
    });
  });

  it('prints ok=false when jicofo does not answer', () => {
    expect(runWith('exit 4')[0]).toEqual({ type: 'jicofo-stats', ok: false, stats: null });
  });

  it("prints the bridge's stats as a second line: stress level, round-trip time and loss for the dashboard", () => {
    const lines = runWith('exit 4', `printf '{"stress_level": 0.42,\\n "rtt_aggregate": 38.5, "loss_rate_download": 0.01}'`);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toEqual({
      type: 'jvb-stats',
      ok: true,
      stats: { stress_level: 0.42, rtt_aggregate: 38.5, loss_rate_download: 0.01 },
    });
    expect(runWith('exit 4')[1]).toEqual({ type: 'jvb-stats', ok: false, stats: null });
  });
});
