import { RECORDINGS_PREFIX } from './recorder.js';

/**
 * What is in the recordings bucket, as people think of it: one recording per video file, with the
 * metadata file the finalize script writes next to it (`<file>.json`: room, start, duration, size).
 * Pure: no AWS imports.
 */

/** One object of the bucket, as S3 lists it. */
export interface RecordingObject {
  readonly key: string;
  readonly size: number;
  /** Epoch ms. */
  readonly lastModified: number;
}

export interface Recording {
  /** The video's key, e.g. recordings/2026-12-03/weekly-meetup/weekly-meetup_2026-12-03-18-00-05.mp4 */
  readonly key: string;
  readonly day: string;
  readonly room: string;
  readonly file: string;
  readonly sizeBytes: number;
  /** Epoch ms of the upload. */
  readonly uploadedAt: number;
  /** The metadata file's key, when there is one. */
  readonly metadataKey?: string;
}

/** What the finalize script wrote about a recording. */
export interface RecordingMetadata {
  readonly room?: string;
  readonly start?: string;
  readonly durationSeconds?: number | null;
  readonly sizeBytes?: number;
}

const KEY = /^recordings\/(\d{4}-\d{2}-\d{2})\/([^/]+)\/([^/]+\.mp4)$/;

/** The recordings among the bucket's objects, newest first; objects of any other shape are ignored. */
export function recordingsFrom(objects: readonly RecordingObject[]): Recording[] {
  const keys = new Set(objects.map((o) => o.key));
  const out: Recording[] = [];
  for (const o of objects) {
    const match = KEY.exec(o.key);
    if (!match) continue;
    const [, day, room, file] = match as unknown as [string, string, string, string];
    const metadataKey = `${o.key.slice(0, -'.mp4'.length)}.json`;
    out.push({
      key: o.key,
      day,
      room,
      file,
      sizeBytes: o.size,
      uploadedAt: o.lastModified,
      ...(keys.has(metadataKey) ? { metadataKey } : {}),
    });
  }
  return out.sort((a, b) => b.key.localeCompare(a.key));
}

/** The metadata file's fields that are well-formed; anything else is dropped. */
export function parseMetadata(text: string): RecordingMetadata {
  try {
    const raw = JSON.parse(text) as Record<string, unknown>;
    return {
      ...(typeof raw.room === 'string' ? { room: raw.room } : {}),
      ...(typeof raw.start === 'string' ? { start: raw.start } : {}),
      ...(typeof raw.durationSeconds === 'number' ? { durationSeconds: raw.durationSeconds } : {}),
      ...(typeof raw.sizeBytes === 'number' ? { sizeBytes: raw.sizeBytes } : {}),
    };
  } catch {
    return {};
  }
}

/**
 * A recording's metadata, read with `read` (the bucket's object reader); none when there is no
 * metadata file or it cannot be read: a listing never fails for one missing file.
 */
export async function metadataOf(recording: Recording, read: (key: string) => Promise<string>): Promise<RecordingMetadata> {
  return recording.metadataKey ? parseMetadata(await read(recording.metadataKey).catch(() => '')) : {};
}

/** Where to list: every recording, or one day's. */
export function listPrefix(day?: string): string {
  return day ? `${RECORDINGS_PREFIX}${day}/` : RECORDINGS_PREFIX;
}

/** A recording named by its key or its file name; undefined when none, all matches when ambiguous. */
export function findRecording(recordings: readonly Recording[], name: string): Recording | Recording[] | undefined {
  const exact = recordings.find((r) => r.key === name);
  if (exact) return exact;
  const byFile = recordings.filter((r) => r.file === name);
  if (byFile.length === 1) return byFile[0];
  return byFile.length > 1 ? byFile : undefined;
}

/** 1536 → "1.5 KB", 3.2e9 → "3.2 GB". */
export function humanSize(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(1)} ${units[unit]}`;
}

/** 3723 → "1:02:03". */
export function humanDuration(seconds: number | null | undefined): string {
  if (seconds === undefined || seconds === null) return '-';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return `${h}:${String(m).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
}
