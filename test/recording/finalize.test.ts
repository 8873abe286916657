import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { finalizeScript } from '../../src/recording/recorder.js';

// The finalize script, run for real with bash and jq as the jibri image runs it, against a fake
// rclone that keeps "S3" in a folder and can fail or upload only part of a file on request.
const root = mkdtempSync(path.join(tmpdir(), 'meetctl-finalize-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const FAKE_RCLONE = `#!/bin/bash
store="$FAKE_S3"
echo "$*" >> "$store/.calls"
take() { local n; n=$(cat "$store/$1" 2>/dev/null || echo 0); if [ "$n" -gt 0 ]; then echo $((n - 1)) > "$store/$1"; return 0; fi; return 1; }
case "$1" in
  copyto)
    if take .fail; then echo "network down" >&2; exit 1; fi
    dst="$store/\${3#s3:}"; mkdir -p "$(dirname "$dst")"
    if take .partial; then head -c 7 "$2" > "$dst"; else cp "$2" "$dst"; fi ;;
  lsjson)
    obj="$store/\${3#s3:}"
    [ -f "$obj" ] || { echo "object not found" >&2; exit 3; }
    printf '{"Path":"%s","Size":%s,"IsDir":false}\\n' "$(basename "$obj")" "$(stat -c %s "$obj")" ;;
  *) exit 2 ;;
esac
`;

let runs = 0;
function setup(options: { fail?: number; partial?: number; files?: Record<string, string> } = {}) {
  const dir = path.join(root, `run-${++runs}`);
  const s3 = path.join(dir, 's3');
  const recording = path.join(dir, 'recordings', 'abcdefgh');
  const bin = path.join(dir, 'bin');
  for (const d of [s3, recording, bin]) mkdirSync(d, { recursive: true });
  writeFileSync(path.join(bin, 'rclone'), FAKE_RCLONE);
  writeFileSync(path.join(bin, 'ffprobe'), '#!/bin/bash\necho 3723.5\n');
  chmodSync(path.join(bin, 'rclone'), 0o755);
  chmodSync(path.join(bin, 'ffprobe'), 0o755);
  writeFileSync(path.join(dir, 'finalize.sh'), finalizeScript());
  if (options.fail) writeFileSync(path.join(s3, '.fail'), String(options.fail));
  if (options.partial) writeFileSync(path.join(s3, '.partial'), String(options.partial));
  const files = options.files ?? { 'weekly-meetup_2026-12-03-18-00-05.mp4': 'a recording of the meetup' };
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(recording, name), text);
  writeFileSync(path.join(recording, 'metadata.json'), '{"meeting_url":"https://meet.example.org/weekly-meetup"}');
  return { dir, s3, recording };
}

function finalize(dir: string, recording: string, s3: string) {
  const result = spawnSync('bash', [path.join(dir, 'finalize.sh'), recording], {
    env: {
      PATH: `${path.join(dir, 'bin')}:${process.env.PATH}`,
      FAKE_S3: s3,
      RECORDINGS_BUCKET: 'meet-recordings',
      UPLOAD_ATTEMPTS: '3',
      UPLOAD_PAUSE_SECONDS: '0',
    },
    encoding: 'utf8',
  });
  const lines = result.stdout
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  return { status: result.status, lines, stderr: result.stderr };
}

const KEY = 'recordings/2026-12-03/weekly-meetup/weekly-meetup_2026-12-03-18-00-05';

describe('the finalize script (bash, as in the jibri image)', () => {
  it('uploads the recording under recordings/<day>/<room>/ with a metadata file, then removes the local copy', () => {
    const { dir, s3, recording } = setup();
    const run = finalize(dir, recording, s3);
    expect(run.status).toBe(0);
    expect(readFileSync(path.join(s3, 'meet-recordings', `${KEY}.mp4`), 'utf8')).toBe('a recording of the meetup');
    expect(JSON.parse(readFileSync(path.join(s3, 'meet-recordings', `${KEY}.json`), 'utf8'))).toEqual({
      room: 'weekly-meetup',
      start: '2026-12-03T18:00:05Z',
      durationSeconds: 3723.5,
      sizeBytes: 'a recording of the meetup'.length,
      file: 'weekly-meetup_2026-12-03-18-00-05.mp4',
      key: `${KEY}.mp4`,
    });
    expect(existsSync(recording)).toBe(false);
    expect(run.lines).toEqual([{ type: 'recording-upload', ok: true, key: `${KEY}.mp4`, sizeBytes: 25 }]);
    // rclone is told not to create or check the bucket (the role cannot), and S3 is asked for the object.
    const calls = readFileSync(path.join(s3, '.calls'), 'utf8');
    expect(calls).toContain(
      `copyto ${recording}/weekly-meetup_2026-12-03-18-00-05.mp4 s3:meet-recordings/${KEY}.mp4 --s3-no-check-bucket`,
    );
    expect(calls).toContain(`lsjson --stat s3:meet-recordings/${KEY}.mp4`);
  });

  it('retries a failed upload and succeeds', () => {
    const { dir, s3, recording } = setup({ fail: 2 });
    const run = finalize(dir, recording, s3);
    expect(run.status).toBe(0);
    expect(run.lines.filter((l) => l.ok === false).map((l) => l.why)).toEqual(['rclone failed', 'rclone failed']);
    expect(existsSync(path.join(s3, 'meet-recordings', `${KEY}.mp4`))).toBe(true);
    expect(existsSync(recording)).toBe(false);
  });

  it('notices a partial upload (S3 holds fewer bytes) and uploads again', () => {
    const { dir, s3, recording } = setup({ partial: 1 });
    const run = finalize(dir, recording, s3);
    expect(run.status).toBe(0);
    expect(run.lines[0]).toMatchObject({ ok: false, retry: 1, why: 'S3 holds 7 bytes of 25' });
    expect(statSync(path.join(s3, 'meet-recordings', `${KEY}.mp4`)).size).toBe(25);
  });

  it('keeps the local file when S3 never confirms it, and exits 1', () => {
    const { dir, s3, recording } = setup({ fail: 10 });
    const run = finalize(dir, recording, s3);
    expect(run.status).toBe(1);
    expect(existsSync(path.join(recording, 'weekly-meetup_2026-12-03-18-00-05.mp4'))).toBe(true);
    expect(run.lines.at(-1)).toMatchObject({ ok: false, why: 'not uploaded after 3 tries; the file stays on the recorder' });
  });

  it('keeps a file whose metadata could not be uploaded (the pair goes together)', () => {
    // The recording's upload uses one rclone copy and one confirmation; the metadata's first three copies fail.
    const { dir, s3, recording } = setup();
    writeFileSync(
      path.join(dir, 'bin', 'rclone'),
      FAKE_RCLONE.replace('if take .fail;', 'if [[ "$2" == *.json ]]; then exit 1; fi\n    if take .fail;'),
    );
    const run = finalize(dir, recording, s3);
    expect(run.status).toBe(1);
    expect(existsSync(path.join(recording, 'weekly-meetup_2026-12-03-18-00-05.mp4'))).toBe(true);
  });

  it('handles two recordings in one directory, and a name without a timestamp (from the file time)', () => {
    const { dir, s3, recording } = setup({ files: { 'a_2026-12-03-18-00-05.mp4': 'one', 'odd name.mp4': 'two' } });
    const run = finalize(dir, recording, s3);
    expect(run.status).toBe(0);
    expect(run.lines.map((l) => l.key)).toEqual(
      expect.arrayContaining([
        'recordings/2026-12-03/a/a_2026-12-03-18-00-05.mp4',
        expect.stringMatching(/^recordings\/\d{4}-\d{2}-\d{2}\/odd_name\/odd_name\.mp4$/),
      ]),
    );
    expect(run.lines).toHaveLength(2);
  });

  it('says so and exits 1 when the directory holds no recording', () => {
    const { dir, s3, recording } = setup({ files: {} });
    const run = finalize(dir, recording, s3);
    expect(run.status).toBe(1);
    expect(run.lines).toEqual([{ type: 'recording-upload', ok: false, why: `no recording in ${recording}` }]);
  });
});
