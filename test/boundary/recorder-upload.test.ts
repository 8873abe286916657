import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { CreateBucketCommand, GetObjectCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { finalizeScript } from '../../src/recording/recorder.js';
import { configWith, resource, synth, type TemplateJson } from '../support/fixtures.js';
import { arnOf, policiesOfRole, resolve } from '../support/iam.js';
import { MOTO_CREDENTIALS, type MotoServer, motoAvailable, startMoto } from '../support/moto-server.js';
import { type Policies, type S3AsAws, startS3AsAws } from '../support/s3-as-aws.js';
import { externalTool, TOOLS } from '../support/tools.js';

/**
 * The recorder's upload, end to end with implementations written by others: the real finalize
 * script in bash, Debian's rclone (/usr/bin/rclone 1.60; the jibri image installs Debian's package
 * too), jq, and moto's S3 enforcing the recorder task role's policies exactly as synthesized (attached
 * to a moto IAM user whose keys rclone uses). In front of moto, test/support/s3-as-aws.ts answers as
 * S3 documents where moto does not: a HEAD of a missing key without s3:ListBucket is 403
 * (API_HeadObject: "If you don't have the s3:ListBucket permission, Amazon S3 returns an HTTP status
 * code 403"), an ACL on an upload needs s3:PutObjectAcl, and a bucket with ACLs disabled takes no
 * ACL but bucket-owner-full-control. rclone talks to 127.0.0.1 only.
 */
const SUITE = 'the recorder upload (finalize.sh, rclone, moto)';
const available = [externalTool(TOOLS.rclone, SUITE), externalTool(TOOLS.jq, SUITE)].every(Boolean) && motoAvailable(SUITE);

const root = mkdtempSync(path.join(tmpdir(), 'meetctl-upload-'));
let moto: MotoServer;
let layer: S3AsAws;
let admin: S3Client;
let recorderKeys: { id: string; secret: string };
/** The jibri container's environment as synthesized (bucket, prefix, rclone's remote). */
let jibriEnv: Record<string, string>;
let bucket: string;

/** Form-encoded IAM query API call to moto, before IAM is enforced (no signature is checked then). */
async function iam(params: Record<string, string>): Promise<string> {
  const response = await fetch(`${moto.endpoint}/`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
      authorization: `AWS4-HMAC-SHA256 Credential=${MOTO_CREDENTIALS.accessKeyId}/20261201/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=0`,
    },
    body: new URLSearchParams({ Version: '2010-05-08', ...params }).toString(),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`IAM ${params.Action}: ${text}`);
  return text;
}

async function userWith(name: string, policies: Policies): Promise<{ id: string; secret: string }> {
  await iam({ Action: 'CreateUser', UserName: name });
  for (const p of policies) {
    await iam({ Action: 'PutUserPolicy', UserName: name, PolicyName: p.name, PolicyDocument: JSON.stringify(p.policy) });
  }
  const key = await iam({ Action: 'CreateAccessKey', UserName: name });
  return {
    id: /<AccessKeyId>(.+?)<\/AccessKeyId>/.exec(key)?.[1] ?? '',
    secret: /<SecretAccessKey>(.+?)<\/SecretAccessKey>/.exec(key)?.[1] ?? '',
  };
}

function jibriEnvironment(json: TemplateJson): Record<string, string> {
  const task = resource(json, 'AWS::ECS::TaskDefinition', 'RecorderTaskDefinition');
  const containers = task.props.ContainerDefinitions as Array<{
    Name: string;
    Environment?: Array<{ Name: string; Value: unknown }>;
  }>;
  const jibri = containers.find((c) => c.Name === 'jibri');
  return Object.fromEntries((jibri?.Environment ?? []).map((e) => [e.Name, String(resolve(json, e.Value))]));
}

beforeAll(async () => {
  if (!available) return;
  const { json } = synth(configWith({ recording: { enabled: true } }));
  const recordings = resource(json, 'AWS::S3::Bucket', 'RecordingsBucket');
  bucket = arnOf(json, recordings.id);
  expect((recordings.props.OwnershipControls as { Rules: unknown[] }).Rules).toEqual([
    { ObjectOwnership: 'BucketOwnerEnforced' },
  ]);
  const policies = policiesOfRole(json, resource(json, 'AWS::IAM::Role', 'RecorderTaskRole').id);
  jibriEnv = jibriEnvironment(json);
  expect(jibriEnv.RECORDINGS_BUCKET).toBe(bucket);

  moto = await startMoto();
  admin = new S3Client({ endpoint: moto.endpoint, region: 'us-west-2', forcePathStyle: true, credentials: MOTO_CREDENTIALS });
  await admin.send(
    new CreateBucketCommand({
      Bucket: bucket,
      CreateBucketConfiguration: { LocationConstraint: 'us-west-2' },
      ObjectOwnership: 'BucketOwnerEnforced',
    }),
  );
  recorderKeys = await userWith('recorder', policies);
  const adminPolicy = [
    { name: 'all', policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] } },
  ];
  const adminKeys = await userWith('admin', adminPolicy);
  admin = new S3Client({
    endpoint: moto.endpoint,
    region: 'us-west-2',
    forcePathStyle: true,
    credentials: { accessKeyId: adminKeys.id, secretAccessKey: adminKeys.secret },
  });
  await moto.enforceIam(0);
  layer = await startS3AsAws({
    upstream: moto.endpoint,
    policiesOf: (id) => (id === recorderKeys.id ? policies : id === adminKeys.id ? adminPolicy : []),
    ownerEnforced: [bucket],
    admin: { accessKeyId: adminKeys.id, secretAccessKey: adminKeys.secret },
  });
});

afterAll(async () => {
  admin?.destroy();
  await layer?.stop();
  await moto?.stop();
  rmSync(root, { recursive: true, force: true });
});

let runs = 0;
/** A session directory as Jibri leaves it: the recording and Jibri's own metadata.json. */
function session(files: Record<string, Buffer | string>): string {
  const dir = path.join(root, `recordings-${++runs}`, 'abcdefgh');
  mkdirSync(dir, { recursive: true });
  for (const [name, bytes] of Object.entries(files)) writeFileSync(path.join(dir, name), bytes);
  writeFileSync(path.join(dir, 'metadata.json'), '{"meeting_url":"https://meet.example.org/weekly"}');
  return dir;
}

interface Run {
  status: number | null;
  lines: Array<Record<string, unknown>>;
  stderr: string;
}

/**
 * Run the finalize script as the jibri container would: its environment as synthesized, plus what
 * points rclone at 127.0.0.1 and gives it the recorder user's keys. No AWS_CA_BUNDLE (rclone cannot
 * load the one this machine sets).
 */
function finalize(args: string[], extra: Record<string, string> = {}, onSpawn?: (pid: number) => void): Promise<Run> {
  const script = path.join(root, 'finalize.sh');
  writeFileSync(script, finalizeScript());
  const env: Record<string, string> = {
    PATH: `/usr/bin:/bin`,
    HOME: root,
    ...jibriEnv,
    RCLONE: '/usr/bin/rclone',
    RCLONE_CONFIG_S3_ENDPOINT: layer.endpoint,
    HTTP_PROXY: layer.endpoint,
    AWS_ACCESS_KEY_ID: recorderKeys.id,
    AWS_SECRET_ACCESS_KEY: recorderKeys.secret,
    UPLOAD_ATTEMPTS: '2',
    UPLOAD_PAUSE_SECONDS: '0',
    FINALIZE_LOG_COPY: '/dev/null',
    ...extra,
  };
  return new Promise((done) => {
    const child = spawn('bash', [script, ...args], { env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d;
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d;
    });
    if (child.pid) onSpawn?.(child.pid);
    child.on('close', (status) =>
      done({
        status,
        stderr,
        lines: stdout
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l) as Record<string, unknown>),
      }),
    );
  });
}

/** Debian's rclone with the jibri container's remote and the recorder user's keys; its exit code. */
function rclone(args: string[]): Promise<number | null> {
  return new Promise((done) => {
    const child = spawn('/usr/bin/rclone', args, {
      env: {
        PATH: '/usr/bin:/bin',
        HOME: root,
        ...jibriEnv,
        RCLONE_CONFIG_S3_ENDPOINT: layer.endpoint,
        HTTP_PROXY: layer.endpoint,
        AWS_ACCESS_KEY_ID: recorderKeys.id,
        AWS_SECRET_ACCESS_KEY: recorderKeys.secret,
      },
      stdio: 'ignore',
    });
    child.on('close', done);
  });
}

async function objectBytes(key: string): Promise<Buffer | undefined> {
  try {
    const object = await admin.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return Buffer.from(await (object.Body?.transformToByteArray() ?? new Uint8Array()));
  } catch (error) {
    if ((error as Error).name === 'NoSuchKey') return undefined;
    throw error;
  }
}

const marker = (dir: string, stem: string) => JSON.parse(readFileSync(path.join(dir, `${stem}.pending.json`), 'utf8'));
const keyOf = (room: string, stem: string) => `recordings/2026-12-03/${room}/${stem}.mp4`;

describe.skipIf(!available)(SUITE, () => {
  it("rclone's plain copy is refused under the recorder's role: it looks the key up first (403 without s3:ListBucket)", async () => {
    layer.reset();
    const dir = session({ 'plain_2026-12-03-18-00-00.mp4': 'x' });
    const run = await rclone([
      'copyto',
      path.join(dir, 'plain_2026-12-03-18-00-00.mp4'),
      `s3:${bucket}/${keyOf('plain', 'plain_2026-12-03-18-00-00')}`,
    ]);
    // What the old finalize script did (`copyto … --s3-no-check-bucket`): every server recording was lost here.
    expect(run).not.toBe(0);
    expect(layer.requests[0]).toMatchObject({ method: 'HEAD', status: 403 });
    expect(layer.requests.some((r) => r.method === 'PUT')).toBe(false);
  });

  it('the role as deployed may not list the bucket (moto enforces s3:ListBucket): the upload needs no listing', async () => {
    layer.reset();
    const status = await rclone(['lsf', `s3:${bucket}/recordings/`]);
    expect(status).not.toBe(0);
    expect(layer.requests).toEqual([expect.objectContaining({ method: 'GET', key: '', status: 403 })]);
  });

  it('uploads with the role as deployed, confirms size and MD5, then deletes the local files', async () => {
    layer.reset();
    const video = randomBytes(200_000);
    const dir = session({ 'weekly_2026-12-03-18-00-05.mp4': video });
    const run = await finalize([dir]);
    expect(run.status, run.stderr).toBe(0);
    const key = keyOf('weekly', 'weekly_2026-12-03-18-00-05');
    expect((await objectBytes(key))?.equals(video)).toBe(true);
    expect(JSON.parse(String(await objectBytes(key.replace(/\.mp4$/, '.json'))))).toMatchObject({
      room: 'weekly',
      start: '2026-12-03T18:00:05Z',
      sizeBytes: video.length,
      file: 'weekly_2026-12-03-18-00-05.mp4',
      key,
    });
    expect(run.lines).toEqual([{ type: 'recording-upload', ok: true, key, sizeBytes: video.length }]);
    expect(existsSync(dir)).toBe(false);
    // No lookup before the upload, no ACL but the one the bucket takes, and S3 asked for the object.
    const requests = layer.requests.filter((r) => r.key === key);
    expect(requests[0]).toMatchObject({ method: 'PUT', status: 200 });
    expect(requests.slice(1).map((r) => `${r.method} ${r.status}`)).toEqual(['HEAD 200', 'HEAD 200']);
  });

  it('uploads a recording above the multipart cutoff and confirms it by the MD5 rclone stores with it', async () => {
    layer.reset();
    const video = randomBytes(6 * 1024 * 1024 + 17);
    const dir = session({ 'long_2026-12-03-19-00-00.mp4': video });
    const run = await finalize([dir], { RCLONE_S3_UPLOAD_CUTOFF: '5M', RCLONE_S3_CHUNK_SIZE: '5M' });
    expect(run.status, run.stderr).toBe(0);
    const key = keyOf('long', 'long_2026-12-03-19-00-00');
    expect((await objectBytes(key))?.equals(video)).toBe(true);
    expect(layer.requests.some((r) => r.key === key && r.method === 'POST' && r.query.includes('uploads'))).toBe(true);
    const head = await admin.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    expect(head.ETag).toMatch(/-2"$/);
    expect(existsSync(dir)).toBe(false);
  });

  it('403 (a prefix the role may not write): keeps the file, marks it pending with the reason, and says so', async () => {
    layer.reset();
    const dir = session({ 'denied_2026-12-03-18-00-05.mp4': 'a recording' });
    const run = await finalize([dir], { RECORDINGS_PREFIX: 'elsewhere/' });
    expect(run.status).toBe(1);
    expect(readFileSync(path.join(dir, 'denied_2026-12-03-18-00-05.mp4'), 'utf8')).toBe('a recording');
    const pending = marker(dir, 'denied_2026-12-03-18-00-05');
    expect(pending).toMatchObject({ file: 'denied_2026-12-03-18-00-05.mp4', tries: 1 });
    expect(pending.why).toMatch(/AccessDenied|403|Forbidden/);
    expect(run.lines.at(-1)).toMatchObject({ type: 'recording-upload', ok: false, pending: true, why: pending.why });
    expect(await objectBytes('elsewhere/2026-12-03/denied/denied_2026-12-03-18-00-05.mp4')).toBeUndefined();
  });

  it('a connection that drops mid-upload: keeps the file pending; the retry uploads it once the network is back', async () => {
    layer.reset();
    layer.failUploads({ kind: 'drop', afterBytes: 4096 });
    const video = randomBytes(100_000);
    const dir = session({ 'cut_2026-12-03-18-00-05.mp4': video });
    const run = await finalize([dir]);
    expect(run.status).toBe(1);
    expect(layer.requests.some((r) => r.method === 'PUT' && r.status === 0)).toBe(true);
    expect(marker(dir, 'cut_2026-12-03-18-00-05').why).toMatch(/^rclone: /);
    const key = keyOf('cut', 'cut_2026-12-03-18-00-05');
    expect(await objectBytes(key)).toBeUndefined();

    layer.reset();
    const retry = await finalize(['--pending', path.dirname(dir)]);
    expect(retry.status, retry.stderr).toBe(0);
    expect((await objectBytes(key))?.equals(video)).toBe(true);
    expect(existsSync(dir)).toBe(false);
  });

  it('S3 holds a short object: the confirmation fails and the file stays, pending', async () => {
    layer.reset();
    layer.failUploads({ kind: 'short', keepBytes: 10, suffix: '.mp4' });
    const video = randomBytes(50_000);
    const dir = session({ 'short_2026-12-03-18-00-05.mp4': video });
    const run = await finalize([dir]);
    expect(run.status, JSON.stringify(run.lines) + run.stderr).toBe(1);
    expect(
      run.lines.filter((l) => l.retry !== undefined).map((l) => l.why),
      JSON.stringify(run.lines),
    ).toEqual(['S3 holds 10 bytes of 50000', 'S3 holds 10 bytes of 50000']);
    expect(readFileSync(path.join(dir, 'short_2026-12-03-18-00-05.mp4')).equals(video)).toBe(true);
    expect(marker(dir, 'short_2026-12-03-18-00-05')).toMatchObject({ why: 'S3 holds 10 bytes of 50000' });
  });

  it('S3 holds an object of the same size with other bytes: the MD5 check catches it, and the file stays', async () => {
    layer.reset();
    layer.failUploads({ kind: 'corrupt', suffix: '.mp4' });
    const video = randomBytes(40_000);
    const dir = session({ 'flipped_2026-12-03-18-00-05.mp4': video });
    const run = await finalize([dir]);
    expect(run.status).toBe(1);
    expect(marker(dir, 'flipped_2026-12-03-18-00-05')).toMatchObject({ why: 'S3 holds 40000 bytes with another MD5' });
    expect(readFileSync(path.join(dir, 'flipped_2026-12-03-18-00-05.mp4')).equals(video)).toBe(true);
  });

  it('a stop requested during the upload (SIGTERM): the file stays, pending; a later retry finishes it', async () => {
    layer.reset();
    layer.failUploads({ kind: 'hold' });
    const video = randomBytes(80_000);
    const dir = session({ 'stopped_2026-12-03-18-00-05.mp4': video });
    let pid = 0;
    const running = finalize([dir], {}, (p) => {
      pid = p;
    });
    await layer.uploadHeld();
    process.kill(pid, 'SIGTERM');
    const run = await running;
    expect(run.status).toBe(143);
    expect(readFileSync(path.join(dir, 'stopped_2026-12-03-18-00-05.mp4')).equals(video)).toBe(true);
    expect(marker(dir, 'stopped_2026-12-03-18-00-05')).toMatchObject({
      why: 'the recorder was stopped during the upload',
      tries: 1,
    });
    expect(run.lines.at(-1)).toMatchObject({ pending: true, key: keyOf('stopped', 'stopped_2026-12-03-18-00-05') });
    // rclone was ended with the script: nothing of it is left running.
    expect(readdirSync('/proc').some((p) => /^\d+$/.test(p) && readProc(p).includes(dir))).toBe(false);

    layer.reset();
    const retry = await finalize(['--pending', path.dirname(dir)]);
    expect(retry.status, retry.stderr).toBe(0);
    expect((await objectBytes(keyOf('stopped', 'stopped_2026-12-03-18-00-05')))?.equals(video)).toBe(true);
    expect(existsSync(dir)).toBe(false);
  });

  it('the retry takes only what is pending, and counts its tries', async () => {
    layer.reset();
    const parent = path.join(root, `recordings-${++runs}`);
    const pending = path.join(parent, 'one');
    const fresh = path.join(parent, 'two');
    mkdirSync(pending, { recursive: true });
    mkdirSync(fresh, { recursive: true });
    writeFileSync(path.join(pending, 'a_2026-12-03-18-00-05.mp4'), 'pending one');
    writeFileSync(
      path.join(pending, 'a_2026-12-03-18-00-05.pending.json'),
      JSON.stringify({ file: 'a_2026-12-03-18-00-05.mp4', why: 'x', since: '2026-12-03T19:00:00Z', tries: 1 }),
    );
    // A recording Jibri is still finalizing has no marker: the retry leaves it alone.
    writeFileSync(path.join(fresh, 'b_2026-12-03-18-00-05.mp4'), 'being finalized');
    const retry = await finalize(['--pending', parent], { RECORDINGS_PREFIX: 'elsewhere/' });
    expect(retry.status).toBe(1);
    expect(marker(pending, 'a_2026-12-03-18-00-05')).toMatchObject({ since: '2026-12-03T19:00:00Z', tries: 2 });
    expect(layer.requests.every((r) => !r.key.includes('b_2026'))).toBe(true);
    expect(existsSync(path.join(fresh, 'b_2026-12-03-18-00-05.mp4'))).toBe(true);
  });

  it('handles two recordings in one directory, and a name without a timestamp (from the file time)', async () => {
    layer.reset();
    const dir = session({ 'a_2026-12-03-18-00-05.mp4': 'one', 'odd name.mp4': 'two' });
    const run = await finalize([dir]);
    expect(run.status, run.stderr).toBe(0);
    expect(run.lines.map((l) => l.key)).toEqual(
      expect.arrayContaining([
        'recordings/2026-12-03/a/a_2026-12-03-18-00-05.mp4',
        expect.stringMatching(/^recordings\/\d{4}-\d{2}-\d{2}\/odd_name\/odd_name\.mp4$/),
      ]),
    );
  });

  it('says so and exits 1 when the directory holds no recording', async () => {
    const dir = session({});
    const run = await finalize([dir]);
    expect(run.status).toBe(1);
    expect(run.lines).toEqual([{ type: 'recording-upload', ok: false, why: `no recording in ${dir}` }]);
  });
});

function readProc(pid: string): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return '';
  }
}
