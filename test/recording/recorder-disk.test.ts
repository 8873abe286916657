import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseRecorderStatus, prepareRecordingsScript, recorderStatusLine } from '../../src/recording/recorder.js';
import { externalTool, TOOLS } from '../support/tools.js';

/**
 * The recorder's disk, as the busybox containers see it: the init container's preparation of the
 * recordings folder and the status container's line, each run in busybox's own sh (the image is
 * busybox), against a folder laid out as finalize.sh leaves it. Jibri's health comes from a local
 * HTTP server that answers what Jibri's API answers (`/jibri/api/v1.0/health`).
 */
const SUITE = "the recorder's disk (busybox sh)";
const busybox = externalTool(TOOLS.busybox, SUITE);
const run = promisify(execFile);

const root = mkdtempSync(path.join(tmpdir(), 'meetctl-disk-'));
let jibri: Server;
let health = '';
let url = '';

beforeAll(async () => {
  jibri = createServer((_req, res) => {
    if (health === '') res.writeHead(503).end();
    else res.writeHead(200, { 'content-type': 'application/json' }).end(health);
  });
  await new Promise<void>((resolve) => jibri.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(jibri.address() as AddressInfo).port}/jibri/api/v1.0/health`;
});
afterAll(async () => {
  await new Promise((resolve) => jibri.close(resolve));
  rmSync(root, { recursive: true, force: true });
});

const sh = (script: string) => run(busybox as string, ['sh', '-c', script], { env: { PATH: '/usr/bin:/bin' } });

describe.skipIf(!busybox)(SUITE, () => {
  it('the status line carries Jibri health and every pending marker, and parses back', async () => {
    const dir = path.join(root, 'status');
    mkdirSync(path.join(dir, 'a'), { recursive: true });
    mkdirSync(path.join(dir, 'b'), { recursive: true });
    const a = {
      file: 'a_2026-12-03-18-00-05.mp4',
      key: 'recordings/2026-12-03/a/a_2026-12-03-18-00-05.mp4',
      why: 'rclone: AccessDenied: Access Denied',
      since: '2026-12-03T19:00:00Z',
      tries: 2,
    };
    const b = {
      file: 'b.mp4',
      why: 'the recorder stopped before it uploaded this recording',
      since: '2026-12-03T19:05:00Z',
      tries: 0,
    };
    writeFileSync(path.join(dir, 'a', 'a_2026-12-03-18-00-05.pending.json'), `${JSON.stringify(a)}\n`);
    writeFileSync(path.join(dir, 'b', 'b.pending.json'), `${JSON.stringify(b)}\n`);
    // A marker being written (finalize.sh writes .tmp, then renames) is not read.
    writeFileSync(path.join(dir, 'b', 'c.pending.json.tmp'), '{"file":');
    health = JSON.stringify({ status: { busyStatus: 'IDLE', health: { healthStatus: 'HEALTHY' } } });
    const { stdout } = await sh(recorderStatusLine(url, dir));
    expect(parseRecorderStatus(stdout.trim(), 1)).toEqual({
      at: 1,
      answering: true,
      busy: 'IDLE',
      healthy: true,
      pending: [a, b],
    });

    health = '';
    const silent = await sh(recorderStatusLine(url, dir));
    expect(parseRecorderStatus(silent.stdout.trim(), 2)).toMatchObject({ answering: false, pending: [a, b] });

    const empty = path.join(root, 'empty');
    mkdirSync(empty);
    health = JSON.stringify({ status: { busyStatus: 'BUSY', health: { healthStatus: 'HEALTHY' } } });
    const none = await sh(recorderStatusLine(url, empty));
    expect(parseRecorderStatus(none.stdout.trim(), 3)).toMatchObject({ busy: 'BUSY', pending: [] });
  });

  it('the init container marks a recording left without a marker, and leaves marked ones alone', async () => {
    const dir = path.join(root, 'prepare');
    mkdirSync(path.join(dir, 'left'), { recursive: true });
    mkdirSync(path.join(dir, 'marked'), { recursive: true });
    writeFileSync(path.join(dir, 'left', 'weekly "x"_2026-12-03-18-00-05.mp4'), 'video');
    writeFileSync(path.join(dir, 'marked', 'm.mp4'), 'video');
    const kept = '{"file":"m.mp4","why":"rclone: AccessDenied","since":"2026-12-03T19:00:00Z","tries":3}\n';
    writeFileSync(path.join(dir, 'marked', 'm.pending.json'), kept);
    const { stdout } = await sh(prepareRecordingsScript(dir));
    expect(stdout).toContain('recordings folder ready');
    const marker = JSON.parse(readFileSync(path.join(dir, 'left', 'weekly "x"_2026-12-03-18-00-05.pending.json'), 'utf8'));
    expect(marker).toMatchObject({
      file: 'weekly__x__2026-12-03-18-00-05.mp4',
      why: 'the recorder stopped before it uploaded this recording',
      tries: 0,
    });
    expect(Number.isNaN(Date.parse(marker.since))).toBe(false);
    expect(readFileSync(path.join(dir, 'marked', 'm.pending.json'), 'utf8')).toBe(kept);
    // Jibri's user (uid 1000) owns the folder: it writes the recordings.
    expect(statSync(dir).uid).toBe(1000);
  });
});
