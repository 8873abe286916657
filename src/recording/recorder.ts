/**
 * Server-side recording with Jibri, and the browser's local recording: the settings of the Jitsi
 * containers, the recorder task's scripts and what its status lines say. Checked at
 * docker-jitsi-meet stable-11146-2:
 * - prosody, jicofo and web read `ENABLE_RECORDING`; prosody registers `jibri@auth…` and
 *   `recorder@hidden…` from `JIBRI_XMPP_PASSWORD` and `JIBRI_RECORDER_PASSWORD`
 *   (prosody/rootfs/etc/s6-overlay/scripts/register-setup), and listens for clients on 5222;
 * - jibri's start script refuses a `/dev/shm` under 2 GB (shm-check), needs `DISPLAY`, and runs
 *   `JIBRI_FINALIZE_RECORDING_SCRIPT_PATH` with the recording's directory when a recording ends;
 *   `JIBRI_USAGE_TIMEOUT` ends a session after that long (xmpp.conf, usage-timeout);
 * - web's settings-config.js writes `config.localRecording` from `DISABLE_LOCAL_RECORDING`,
 *   `ENABLE_LOCAL_RECORDING_NOTIFY_ALL_PARTICIPANT` and `ENABLE_LOCAL_RECORDING_SELF_START`, the last
 *   one into `disableSelfRecording`: an inverted name, so `true` turns self recording OFF.
 * Pure: no AWS imports.
 */

import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { packageRoot } from '../package-root.js';

/** Keys of the internal secret the recorder adds (the images' variable names). */
export const JIBRI_SECRET_KEYS = ['JIBRI_RECORDER_PASSWORD', 'JIBRI_XMPP_PASSWORD'] as const;

/** The XMPP client port prosody listens on; only the recorder's security group may reach it. */
export const XMPP_CLIENT_PORT = 5222;

/** Environment of each Jitsi container when server-side recording is on. */
export const RECORDING_ENV = {
  prosody: { ENABLE_RECORDING: '1' },
  jicofo: { ENABLE_RECORDING: '1' },
  // settings-config.js: config.recordingService.enabled and config.hiddenDomain.
  web: { ENABLE_RECORDING: '1' },
} as const;

/** The config's `recording.local`. */
export interface LocalRecording {
  readonly enabled: boolean;
  readonly notifyAllParticipants: boolean;
  readonly selfRecording: boolean;
}

/**
 * The web container's local-recording variables. ENABLE_LOCAL_RECORDING_SELF_START becomes
 * `disableSelfRecording` at stable-11146-2: allowing self recording means setting it to false.
 */
export function localRecordingEnv(local: LocalRecording): Record<string, string> {
  return {
    DISABLE_LOCAL_RECORDING: String(!local.enabled),
    ENABLE_LOCAL_RECORDING_NOTIFY_ALL_PARTICIPANT: String(local.notifyAllParticipants),
    ENABLE_LOCAL_RECORDING_SELF_START: String(!local.selfRecording),
  };
}

/** Containers of the recorder task. */
export const RECORDER_CONTAINERS = {
  jibri: 'jibri',
  files: 'recorder-files',
  status: 'recorder-status',
  upload: 'recorder-upload',
} as const;
/** Where the finalize script sits in the jibri container (a task volume written by the files container). */
export const FINALIZE_PATH = '/config/finalize.sh';
/** Where Jibri writes recordings (the image's default), mounted from the instance's disk. */
export const RECORDING_DIR = '/storage/recordings';
/**
 * The recordings' folder on the recorder instance's disk: a recording outlives its task (a stop
 * during the upload, a crash), and the next recorder task on the instance finds it. The control
 * plane keeps the instance while a recording waits there.
 */
export const RECORDINGS_HOST_PATH = '/var/lib/meetctl/recordings';
/** The jibri image's user (`adduser s6`, the first user of its Debian base): it owns the recordings folder. */
export const JIBRI_UID = 1000;
/** Seconds between two rounds of the uploader (the retry of every recording still pending). */
export const UPLOAD_RETRY_SECONDS = 300;
/** Jibri's HTTP API (the image's default external port), reached by the status container over a link. */
export const JIBRI_API_PORT = 2222;
/** Seconds between two status lines. */
export const RECORDER_STATUS_SECONDS = 15;

/**
 * Jibri runs this with the recording's directory when a recording ends, and waits for it (Jibri
 * stays BUSY meanwhile). For each recording (`<room>_<yyyy-mm-dd-hh-mm-ss>.mp4`) it uploads the file
 * and a metadata file (room, start, duration, size) under `recordings/<yyyy-mm-dd>/<room>/` with
 * rclone, asks S3 for each object (a HEAD: size, and MD5 where S3 gives one), and deletes the local
 * files only once S3 confirmed both. A recording it cannot upload (after UPLOAD_ATTEMPTS tries, or
 * because the task is being stopped) stays where it is, with `<stem>.pending.json` next to it (file,
 * key, why, since, tries); the uploader container retries those (`finalize.sh --pending`). Every
 * outcome is one JSON line on stdout and on the container's log. The script is
 * src/recording/finalize.sh (bash, as in the jibri image, with jq and rclone).
 */
export function finalizeScript(): string {
  return readFileSync(path.join(packageRoot(), 'src', 'recording', 'finalize.sh'), 'utf8');
}

/**
 * The uploader container's loop (bash, jibri image): every recording still pending, now and every
 * UPLOAD_RETRY_SECONDS; so a recorder that starts finishes what an earlier one left, and a failure
 * that passes (S3 unreachable, a policy fixed by a deploy) heals without anyone.
 */
export const UPLOADER_SCRIPT = `while true; do
  ${FINALIZE_PATH} --pending ${RECORDING_DIR}
  sleep ${UPLOAD_RETRY_SECONDS}
done`;

/**
 * The init container's preparation of the recordings folder (busybox sh, as root, before Jibri
 * starts): Jibri's user owns it, and a recording left without a marker (its task stopped before
 * Jibri ran the finalize script) gets one, so that the uploader takes it. No `$`+`{` in it: the
 * template carries it verbatim.
 */
export function prepareRecordingsScript(dir: string): string {
  return `mkdir -p '${dir}'
chown ${JIBRI_UID}:${JIBRI_UID} '${dir}'
for f in '${dir}'/*/*.mp4; do
  [ -e "$f" ] || continue
  m=$(echo "$f" | sed 's/[.]mp4$/.pending.json/')
  [ -e "$m" ] && continue
  n=$(basename "$f" | tr -c 'A-Za-z0-9._\\n-' '_')
  printf '{"file":"%s","why":"%s","since":"%s","tries":0}\\n' "$n" "the recorder stopped before it uploaded this recording" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" > "$m.tmp"
  mv "$m.tmp" "$m"
  chown ${JIBRI_UID}:${JIBRI_UID} "$m"
done
echo "recordings folder ready"`;
}

/**
 * One status line (busybox sh): Jibri's health from its HTTP API, and the markers of the recordings
 * waiting for an upload, `{"type":"recorder-status","ok":true,"health":{…},"pending":[{…}]}`, or
 * ok=false while Jibri does not answer. BUSY means recording, or uploading once the meeting is over.
 */
export function recorderStatusLine(healthUrl: string, dir: string): string {
  return `s=$(wget -q -O - -T 5 ${healthUrl} 2>/dev/null | tr -d '\\n')
  p=$(cat '${dir}'/*/*.pending.json 2>/dev/null | tr '\\n' ',' | sed 's/,$//')
  case "$s" in
    "{"*) echo "{\\"type\\":\\"recorder-status\\",\\"ok\\":true,\\"health\\":$s,\\"pending\\":[$p]}" ;;
    *) echo "{\\"type\\":\\"recorder-status\\",\\"ok\\":false,\\"health\\":null,\\"pending\\":[$p]}" ;;
  esac`;
}

/** Where the status container mounts the recordings folder (read-only). */
export const STATUS_RECORDINGS_DIR = '/recordings';

/** The status container's loop: one line every RECORDER_STATUS_SECONDS. */
export const RECORDER_STATUS_SCRIPT = `while true; do
  ${recorderStatusLine(`http://${RECORDER_CONTAINERS.jibri}:${JIBRI_API_PORT}/jibri/api/v1.0/health`, STATUS_RECORDINGS_DIR)}
  sleep ${RECORDER_STATUS_SECONDS}
done`;

/** A recording on the recorder that S3 has not confirmed yet, as its marker says. */
export interface PendingRecording {
  /** The file name on the recorder. */
  readonly file: string;
  /** Where it goes in the bucket, once the finalize script computed it. */
  readonly key?: string;
  readonly why: string;
  /** ISO time of the first failure. */
  readonly since: string;
  /** Rounds of upload tries so far. */
  readonly tries: number;
}

/** What the recorder said last: Jibri's busy status (IDLE, BUSY, EXPIRED), or that it does not answer; and what waits for an upload. */
export interface RecorderStatus {
  /** Epoch ms of the line. */
  readonly at: number;
  readonly answering: boolean;
  readonly busy?: 'IDLE' | 'BUSY' | 'EXPIRED';
  readonly healthy?: boolean;
  /** Recordings on the recorder's disk that are not in S3 yet (empty when none). */
  readonly pending: readonly PendingRecording[];
}

function pendingOf(raw: unknown): PendingRecording[] {
  if (!Array.isArray(raw)) return [];
  return raw.flatMap((p: Record<string, unknown>) =>
    p && typeof p.file === 'string'
      ? [
          {
            file: p.file,
            ...(typeof p.key === 'string' && p.key ? { key: p.key } : {}),
            why: typeof p.why === 'string' ? p.why : 'unknown',
            since: typeof p.since === 'string' ? p.since : '',
            tries: typeof p.tries === 'number' ? p.tries : 0,
          },
        ]
      : [],
  );
}

/** One status line, or undefined when the line is something else. */
export function parseRecorderStatus(message: string, at: number): RecorderStatus | undefined {
  let line: unknown;
  try {
    line = JSON.parse(message);
  } catch {
    return undefined;
  }
  const l = line as {
    type?: unknown;
    ok?: unknown;
    pending?: unknown;
    health?: { status?: { busyStatus?: unknown; health?: { healthStatus?: unknown } } };
  };
  if (l?.type !== 'recorder-status') return undefined;
  const pending = pendingOf(l.pending);
  if (l.ok !== true) return { at, answering: false, pending };
  const busy = l.health?.status?.busyStatus;
  return {
    at,
    answering: true,
    ...(busy === 'IDLE' || busy === 'BUSY' || busy === 'EXPIRED' ? { busy } : {}),
    healthy: l.health?.status?.health?.healthStatus === 'HEALTHY',
    pending,
  };
}

/** Where a recording lands: `recordings/<yyyy-mm-dd>/<room>/<file>`. */
export const RECORDINGS_PREFIX = 'recordings/';
