import { existsSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { observeRecorder } from '../../control/observe.js';
import { OUTPUT_NAMES } from '../../control/outputs.js';
import { ExitCode, MeetError } from '../../errors.js';
import {
  findRecording,
  humanDuration,
  humanSize,
  listPrefix,
  metadataOf,
  type Recording,
  recordingsFrom,
} from '../../recording/catalog.js';
import type { PendingRecording } from '../../recording/recorder.js';
import type { Context } from '../context.js';
import { table } from '../output.js';
import { openSession, type Session } from '../session.js';
import { pendingLines } from './inspect.js';
import { confirm } from './operate.js';

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** YYYY-MM-DD of a day that exists (not 2026-02-30). */
function realDay(text: string): boolean {
  const ms = Date.parse(`${text}T00:00:00Z`);
  return DAY.test(text) && !Number.isNaN(ms) && new Date(ms).toISOString().startsWith(text);
}

/** The stack's recordings bucket, or a clear error when the stack is not deployed. */
async function bucketOf(session: Session): Promise<string> {
  return (await deployed(session)).bucket;
}

/** The deployed stack's outputs and bucket, or a clear error when the stack is not deployed. */
async function deployed(session: Session): Promise<{ bucket: string; outputs: Readonly<Record<string, string>> }> {
  const stack = await session.guard('reading the stack', () => session.ports.stack.describe());
  const bucket = stack?.outputs[OUTPUT_NAMES.bucket];
  if (!stack || !bucket) {
    throw new MeetError(
      `stack ${session.config.stackName} is not deployed, so there is no recordings bucket to read.`,
      ExitCode.failed,
      'Run `meetctl deploy` first. A bucket kept after `meetctl destroy` can be read with the AWS console or CLI.',
    );
  }
  return { bucket, outputs: stack.outputs };
}

/**
 * Recordings on the recorder that S3 has not confirmed (what its status line says), matching the
 * filters where their key is known; none without a recorder.
 */
async function pendingOn(
  session: Session,
  outputs: Readonly<Record<string, string>>,
  options: { day?: string; room?: string },
): Promise<PendingRecording[]> {
  const recorder = await session.guard('reading the recorder', () =>
    observeRecorder(session.ports, outputs, session.clock.now()),
  );
  return (recorder?.pending ?? []).filter((p) => {
    if (!options.day && !options.room) return true;
    const [, day, room] = p.key?.split('/') ?? [];
    return (!options.day || day === options.day) && (!options.room || room === options.room);
  });
}

async function catalog(session: Session, bucket: string, day?: string): Promise<Recording[]> {
  const objects = await session.guard('listing the recordings', () => session.ports.recordings.list(bucket, listPrefix(day)));
  return recordingsFrom(objects);
}

/** An empty RECORDING argument is a usage error before any call, not "there is no recording named ." */
function checkName(name: string): void {
  if (name.trim() === '') {
    throw new MeetError(
      'the recording to name is empty.',
      ExitCode.usage,
      '`meetctl recordings list` shows each recording with its key; give the key or the file name.',
    );
  }
}

/** The one recording a name means, or an error that says how to name it. */
function pick(recordings: readonly Recording[], name: string): Recording {
  const found = findRecording(recordings, name);
  if (!found) {
    throw new MeetError(
      `there is no recording named ${name}.`,
      ExitCode.failed,
      '`meetctl recordings list` shows each recording with its key; give the key or the file name.',
    );
  }
  if (Array.isArray(found)) {
    throw new MeetError(
      `${found.length} recordings have the file name ${name}.`,
      ExitCode.usage,
      `Give the whole key, one of: ${found.map((r) => r.key).join(', ')}`,
    );
  }
  return found;
}

/** `meetctl recordings list [--day YYYY-MM-DD] [--room NAME]`: newest first, with duration from the metadata. */
export async function recordingsList(ctx: Context, options: { day?: string; room?: string }): Promise<number> {
  if (options.day && !realDay(options.day)) {
    throw new MeetError(
      `--day ${options.day} is not a date.`,
      ExitCode.usage,
      `Give the day as YYYY-MM-DD, e.g. --day ${new Date(ctx.deps.clock.now()).toISOString().slice(0, 10)} (today, UTC).`,
    );
  }
  const session = await openSession(ctx);
  const { bucket, outputs } = await deployed(session);
  const recordings = (await catalog(session, bucket, options.day)).filter((r) => !options.room || r.room === options.room);
  const metadata = await Promise.all(recordings.map((r) => metadataOf(r, (key) => session.ports.recordings.read(bucket, key))));
  const pending = await pendingOn(session, outputs, options);
  if (ctx.options.json) {
    ctx.out.json({ bucket, recordings: recordings.map((r, i) => ({ ...r, ...metadata[i] })), pending });
    return ExitCode.ok;
  }
  if (pending.length > 0) {
    ctx.out.line(`Not in S3 yet: ${pending.length} recording(s) kept on the recorder, which tries again every 5 minutes:`);
    for (const line of pendingLines(pending)) ctx.out.line(line);
  }
  if (recordings.length === 0) {
    ctx.out.line(options.day || options.room ? 'No recording in S3 matches.' : noRecordingsYet(session));
    return ExitCode.ok;
  }
  ctx.out.line(
    table(
      ['Day', 'Room', 'Started (UTC)', 'Length', 'Size', 'Key'],
      recordings.map((r, i) => [
        r.day,
        r.room,
        metadata[i]?.start?.slice(11, 16) ?? '-',
        humanDuration(metadata[i]?.durationSeconds),
        humanSize(r.sizeBytes),
        r.key,
      ]),
    ),
  );
  return ExitCode.ok;
}

/** What to do when the bucket is empty: it depends on whether this deployment records on the server. */
function noRecordingsYet(session: Session): string {
  const simulated = session.ctx.deps.simulation ? ' In the simulation, `meetctl simulate recording` puts one here.' : '';
  return session.config.recording.enabled
    ? `No recordings yet. Start a meeting with \`meetctl start --record\`, then press Record in the meeting.${simulated}`
    : `No recordings yet. Server-side recording is off: set "recording": { "enabled": true } in the config and run \`meetctl deploy\`, then \`meetctl start --record\`. (A recording made in the browser stays on the recording computer.)${simulated}`;
}

/** Where a download goes: --to as a file, or into --to when it is a folder; the folder must exist. */
function downloadTarget(cwd: string, to: string | undefined, file: string): string {
  const given = path.resolve(cwd, to ?? file);
  if (existsSync(given) && statSync(given).isDirectory()) return path.join(given, file);
  const folder = path.dirname(given);
  if (!existsSync(folder) || !statSync(folder).isDirectory()) {
    throw new MeetError(
      `--to ${to}: the folder ${folder} does not exist; nothing was downloaded.`,
      ExitCode.usage,
      'Create the folder first, or give a file in a folder that exists (or the folder itself).',
    );
  }
  return given;
}

/** `meetctl recordings download KEY|FILE [--to PATH]`: never overwrites a file. */
export async function recordingsDownload(ctx: Context, name: string, options: { to?: string }): Promise<number> {
  checkName(name);
  const session = await openSession(ctx);
  const bucket = await bucketOf(session);
  const recording = pick(await catalog(session, bucket), name);
  const target = downloadTarget(ctx.deps.cwd, options.to, recording.file);
  if (existsSync(target)) {
    throw new MeetError(`${target} already exists; nothing was downloaded.`, ExitCode.usage, 'Give another file with --to PATH.');
  }
  if (ctx.options.dryRun) {
    ctx.out.line(`Would download ${recording.key} (${humanSize(recording.sizeBytes)}) to ${target}.`);
    return ExitCode.ok;
  }
  const bytes = await session
    .guard(`downloading ${recording.key}`, () => session.ports.recordings.download(bucket, recording.key, target))
    .catch((error: unknown) => {
      // Writing the local file failed (no permission, disk full): that is this computer, not AWS.
      const local = localFileError(error);
      if (local)
        throw new MeetError(
          `could not write ${target}: ${local}.`,
          ExitCode.failed,
          "Check the folder's permissions and free space, or give another --to.",
        );
      throw error;
    });
  if (ctx.options.json) ctx.out.json({ downloaded: recording.key, file: target, bytes });
  else ctx.out.line(`Downloaded ${recording.key} to ${target} (${humanSize(bytes)}).`);
  return ExitCode.ok;
}

/** `meetctl recordings delete KEY|FILE`: asks you to type the file name (or --yes); removes every version. */
export async function recordingsDelete(ctx: Context, name: string): Promise<number> {
  checkName(name);
  const session = await openSession(ctx);
  const bucket = await bucketOf(session);
  const recording = pick(await catalog(session, bucket), name);
  const keys = [recording.key, ...(recording.metadataKey ? [recording.metadataKey] : [])];
  if (ctx.options.dryRun) {
    ctx.out.line(`Would delete ${keys.join(' and ')} (every version: it cannot be undone).`);
    return ExitCode.ok;
  }
  await confirm(ctx, `This deletes ${recording.key} and its metadata for good, every version of them.`, recording.file);
  let versions = 0;
  for (const key of keys) versions += await session.guard(`deleting ${key}`, () => session.ports.recordings.remove(bucket, key));
  if (ctx.options.json) ctx.out.json({ deleted: keys, versions });
  else ctx.out.line(`Deleted ${recording.key} (${versions} object version(s)).`);
  return ExitCode.ok;
}

/** The local file-system error behind a failed download (EACCES, ENOSPC, …), if that is what it was. */
function localFileError(error: unknown): string | undefined {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code && /^E(ACCES|PERM|NOSPC|NOENT|EXIST|ISDIR|NOTDIR|ROFS|DQUOT)$/.test(code)) return `${code} (${e.message})`;
  }
  return undefined;
}
