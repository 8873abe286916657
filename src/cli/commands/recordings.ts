import { existsSync } from 'node:fs';
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
  if (options.day && !DAY.test(options.day)) {
    throw new MeetError(
      `--day ${options.day} is not a date.`,
      ExitCode.usage,
      'Give the day as YYYY-MM-DD, e.g. --day 2026-12-03.',
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
    ctx.out.line(
      options.day || options.room
        ? 'No recording in S3 matches.'
        : 'No recordings in S3 yet. Start a meeting with `meetctl start --record`, then press Record in the meeting.',
    );
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

/** `meetctl recordings download KEY|FILE [--to PATH]`: never overwrites a file. */
export async function recordingsDownload(ctx: Context, name: string, options: { to?: string }): Promise<number> {
  const session = await openSession(ctx);
  const bucket = await bucketOf(session);
  const recording = pick(await catalog(session, bucket), name);
  const target = path.resolve(ctx.deps.cwd, options.to ?? recording.file);
  if (existsSync(target)) {
    throw new MeetError(`${target} already exists; nothing was downloaded.`, ExitCode.usage, 'Give another file with --to PATH.');
  }
  if (ctx.options.dryRun) {
    ctx.out.line(`Would download ${recording.key} (${humanSize(recording.sizeBytes)}) to ${target}.`);
    return ExitCode.ok;
  }
  const bytes = await session.guard(`downloading ${recording.key}`, () =>
    session.ports.recordings.download(bucket, recording.key, target),
  );
  if (ctx.options.json) ctx.out.json({ downloaded: recording.key, file: target, bytes });
  else ctx.out.line(`Downloaded ${recording.key} to ${target} (${humanSize(bytes)}).`);
  return ExitCode.ok;
}

/** `meetctl recordings delete KEY|FILE`: asks you to type the file name (or --yes); removes every version. */
export async function recordingsDelete(ctx: Context, name: string): Promise<number> {
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
