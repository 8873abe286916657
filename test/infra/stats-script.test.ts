import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { STATS_SCRIPT } from '../../src/infra/constructs/jitsi-task.js';

// Run the sidecar's script in a real shell with `wget` and `sleep` stubbed: one loop, one line.
const bin = mkdtempSync(path.join(tmpdir(), 'stats-stubs-'));
afterAll(() => rmSync(bin, { recursive: true, force: true }));

function runWith(wgetBody: string): string {
  writeFileSync(path.join(bin, 'wget'), `#!/bin/sh\n${wgetBody}\n`);
  writeFileSync(path.join(bin, 'sleep'), '#!/bin/sh\nkill -TERM $PPID\n');
  chmodSync(path.join(bin, 'wget'), 0o755);
  chmodSync(path.join(bin, 'sleep'), 0o755);
  const result = spawnSync('sh', ['-c', STATS_SCRIPT], {
    env: { PATH: `${bin}:/usr/bin:/bin` },
    encoding: 'utf8',
    timeout: 5000,
  });
  return result.stdout.trim();
}

describe('stats sidecar script', () => {
  it("prints jicofo's stats as one JSON line, even when jicofo answers on several lines", () => {
    const line = runWith(`printf '{"participants": 3,\\n "conferences": 1, "bridge_selector": {"operational_bridge_count": 1}}'`);
    expect(line.split('\n')).toHaveLength(1);
    expect(JSON.parse(line)).toEqual({
      type: 'jicofo-stats',
      ok: true,
      stats: { participants: 3, conferences: 1, bridge_selector: { operational_bridge_count: 1 } },
    });
  });

  it('prints ok=false when jicofo does not answer', () => {
    expect(JSON.parse(runWith('exit 4'))).toEqual({ type: 'jicofo-stats', ok: false, stats: null });
  });
});
