import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/errors.js';
import { SimAws, VirtualClock } from '../../src/sim/simulated-aws.js';
import { cli, communityConfig } from '../support/cli.js';

const files = { 'meet.config.json': communityConfig() };
const dir = mkdtempSync(path.join(tmpdir(), 'meetctl-recordings-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A simulated bucket with what the finalize script leaves: two recordings, one with its metadata. */
function world() {
  const sim = new SimAws(new VirtualClock());
  const put = (key: string, body: string) => sim.objects.set(key, { body, at: Date.UTC(2026, 11, 3, 19) });
  put('recordings/2026-12-03/weekly/weekly_2026-12-03-18-00-05.mp4', 'x'.repeat(3 * 1024 * 1024));
  put(
    'recordings/2026-12-03/weekly/weekly_2026-12-03-18-00-05.json',
    JSON.stringify({ room: 'weekly', start: '2026-12-03T18:00:05Z', durationSeconds: 3723.4, sizeBytes: 3145728 }),
  );
  put('recordings/2026-11-05/board/board_2026-11-05-19-30-00.mp4', 'short');
  put('notes/readme.txt', 'not a recording');
  return sim;
}

describe('meetctl recordings', () => {
  it('lists the recordings newest first, with start, length and size from the metadata', async () => {
    const result = await cli(['recordings', 'list'], { files, sim: world() });
    expect(result.code).toBe(ExitCode.ok);
    const lines = result.stdout
      .trim()
      .split('\n')
      .filter((l) => !/^[- ]+$/.test(l));
    expect(lines[0]).toMatch(/Day\s+Room\s+Started \(UTC\)\s+Length\s+Size\s+Key/);
    expect(lines[1]).toMatch(
      /2026-12-03\s+weekly\s+18:00\s+1:02:03\s+3\.0 MB\s+recordings\/2026-12-03\/weekly\/weekly_2026-12-03-18-00-05\.mp4/,
    );
    expect(lines[2]).toMatch(/2026-11-05\s+board\s+-\s+-\s+5 B/);
    expect(result.stdout).not.toContain('readme');
    const json = JSON.parse((await cli(['recordings', 'list', '--room', 'board', '--json'], { files, sim: world() })).stdout);
    expect(json.recordings).toEqual([
      expect.objectContaining({ room: 'board', file: 'board_2026-11-05-19-30-00.mp4', sizeBytes: 5 }),
    ]);
  });

  it('filters by day, and refuses a day that is not a date', async () => {
    expect((await cli(['recordings', 'list', '--day', '2026-11-05'], { files, sim: world() })).stdout).not.toContain('weekly');
    const bad = await cli(['recordings', 'list', '--day', 'yesterday'], { files, sim: world() });
    expect(bad.code).toBe(ExitCode.usage);
    expect(bad.stderr).toContain('YYYY-MM-DD');
    expect((await cli(['recordings', 'list', '--day', '2026-13-45'], { files, sim: world() })).code).toBe(ExitCode.usage);
  });

  it('downloads by file name to a new file, and never overwrites one', async () => {
    const sim = world();
    const to = path.join(dir, 'board.mp4');
    const first = await cli(['recordings', 'download', 'board_2026-11-05-19-30-00.mp4', '--to', to], { files, sim });
    expect(first.code).toBe(ExitCode.ok);
    expect(readFileSync(to, 'utf8')).toBe('short');
    const again = await cli(['recordings', 'download', 'board_2026-11-05-19-30-00.mp4', '--to', to], { files, sim });
    expect(again.code).toBe(ExitCode.usage);
    expect(again.stderr).toContain('already exists');
    const missing = await cli(['recordings', 'download', 'nope.mp4', '--to', path.join(dir, 'n.mp4')], { files, sim });
    expect(missing.code).toBe(ExitCode.failed);
    expect(missing.stderr).toContain('meetctl recordings list');
  });

  it('an empty recording name is a usage error before any call, for download and delete', async () => {
    for (const command of ['download', 'delete']) {
      const sim = world();
      const result = await cli(['recordings', command, ' ', '--yes'], { files, sim });
      expect(result.code, command).toBe(ExitCode.usage);
      expect(result.stderr, command).toContain('error: the recording to name is empty.');
      expect(sim.calls, command).toBe(0);
    }
  });

  it('deletes a recording and its metadata only after the file name is typed', async () => {
    const sim = world();
    const key = 'recordings/2026-12-03/weekly/weekly_2026-12-03-18-00-05.mp4';
    const wrong = await cli(['recordings', 'delete', key], { files, sim, answer: 'weekly' });
    expect(wrong.code).toBe(ExitCode.failed);
    expect(sim.objects.has(key)).toBe(true);
    const noTerminal = await cli(['recordings', 'delete', key], { files, sim });
    expect(noTerminal.code).toBe(ExitCode.usage);
    expect(sim.objects.has(key)).toBe(true);
    const done = await cli(['recordings', 'delete', key], { files, sim, answer: 'weekly_2026-12-03-18-00-05.mp4' });
    expect(done.code).toBe(ExitCode.ok);
    expect(sim.objects.has(key)).toBe(false);
    expect(sim.objects.has(key.replace('.mp4', '.json'))).toBe(false);
    expect(sim.objects.has('recordings/2026-11-05/board/board_2026-11-05-19-30-00.mp4')).toBe(true);
    expect(existsSync(path.join(dir, 'weekly_2026-12-03-18-00-05.mp4'))).toBe(false);
  });
});
