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
export const RECORDER_CONTAINERS = { jibri: 'jibri', files: 'recorder-files', status: 'recorder-status' } as const;
/** Where the finalize script sits in the jibri container (a task volume written by the files container). */
export const FINALIZE_PATH = '/config/finalize.sh';
/** Where Jibri writes recordings (the image's default, in the container's own writable layer). */
export const RECORDING_DIR = '/storage/recordings';
/** Jibri's HTTP API (the image's default external port), reached by the status container over a link. */
export const JIBRI_API_PORT = 2222;
/** Seconds between two status lines. */
export const RECORDER_STATUS_SECONDS = 15;

/**
 * Jibri runs this with the recording's directory when a recording ends, and waits for it (Jibri
 * stays BUSY meanwhile, so the control plane waits for it before it removes the recorder). For each
 * recording (`<room>_<yyyy-mm-dd-hh-mm-ss>.mp4`):
 * - upload it to `s3://$RECORDINGS_BUCKET/recordings/<yyyy-mm-dd>/<room>/<file>` with rclone, then
 *   ask S3 for the object (a HEAD) and compare sizes: a partial or failed upload is tried again, up to
 *   UPLOAD_ATTEMPTS times;
 * - then a metadata file next to it: room, start, duration, size;
 * - only once S3 confirmed both is the local file removed. A recording that could not be uploaded
 *   stays on disk and the script exits 1.
 * Every outcome is one JSON line on stdout and, when it can be written, on the container's log
 * (/proc/1/fd/1), which is where the control plane and `meetctl logs` read it. The script is
 * src/recording/finalize.sh (bash, as in the jibri image, with jq and rclone).
 */
export function finalizeScript(): string {
  return readFileSync(path.join(packageRoot(), 'src', 'recording', 'finalize.sh'), 'utf8');
}

/**
 * The status container's loop: ask Jibri's HTTP API for its health every few seconds and print one
 * JSON line, `{"type":"recorder-status","ok":true,"status":{"busyStatus":"IDLE",…}}`, or ok=false
 * while Jibri does not answer. BUSY means recording, or uploading once the meeting is over.
 */
export const RECORDER_STATUS_SCRIPT = String.raw`while true; do
  s=$(wget -q -O - -T 5 http://${RECORDER_CONTAINERS.jibri}:${JIBRI_API_PORT}/jibri/api/v1.0/health 2>/dev/null | tr -d '\n')
  case "$s" in
    "{"*) echo "{\"type\":\"recorder-status\",\"ok\":true,\"health\":$s}" ;;
    *) echo "{\"type\":\"recorder-status\",\"ok\":false,\"health\":null}" ;;
  esac
  sleep ${RECORDER_STATUS_SECONDS}
done`;

/** What the recorder said last: Jibri's busy status (IDLE, BUSY, EXPIRED), or that it does not answer. */
export interface RecorderStatus {
  /** Epoch ms of the line. */
  readonly at: number;
  readonly answering: boolean;
  readonly busy?: 'IDLE' | 'BUSY' | 'EXPIRED';
  readonly healthy?: boolean;
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
    health?: { status?: { busyStatus?: unknown; health?: { healthStatus?: unknown } } };
  };
  if (l?.type !== 'recorder-status') return undefined;
  if (l.ok !== true) return { at, answering: false };
  const busy = l.health?.status?.busyStatus;
  return {
    at,
    answering: true,
    ...(busy === 'IDLE' || busy === 'BUSY' || busy === 'EXPIRED' ? { busy } : {}),
    healthy: l.health?.status?.health?.healthStatus === 'HEALTHY',
  };
}

/** Where a recording lands: `recordings/<yyyy-mm-dd>/<room>/<file>`. */
export const RECORDINGS_PREFIX = 'recordings/';
