/**
 * Modelled data leaving the bridge per participant-hour under each bandwidth preset
 * (src/config/bandwidth.ts), from the caps the preset writes. Pure: no AWS imports.
 *
 * What each person receives (checked at the pinned release):
 * - At most last-N videos (config.channelLastN, which jitsi-meet sends as the receiver's lastN:
 *   react/features/base/lastn/middleware.ts, read at jitsi-meet commit 1c8216eb because the release
 *   commit is not in the code index; lib-jitsi-meet JitsiConference.ts:795-796 at jitsi-meet_11146
 *   applies channelLastN itself too). The bridge forwards nothing beyond it and keeps what is on the
 *   receiver's stage first (jitsi-videobridge stable/jitsi-meet_11146,
 *   cc/allocation/Prioritize.kt:63-87 and BandwidthAllocator.kt:218-227).
 * - Each forwarded video at most at its sender's cap for the layer forwarded: the sender encodes no
 *   layer above it (lib-jitsi-meet jitsi-meet_11146, TPCUtils.ts:213-234: layers low, standard and the
 *   capture level's cap; ssHigh for a screen share). A still speaker or static slides often use less.
 *
 * Assumptions, stated once and used below:
 * - Every one of the meetup's people receives (the presenter receives a little less: ignored).
 * - Video on the wire costs its cap × {@link VIDEO_OVERHEAD}: RTP/SRTP/UDP/IPv4 headers (~66 B on a
 *   ~1 200 B packet) and retransmissions.
 * - Audio: one Opus stream per person heard at once, at the browser's 32 kbit/s (or the preset's own
 *   opusMaxAverageBitrate) plus 50 packets/s × 66 B of headers; muted microphones send nothing.
 * - Two-person calls go peer to peer (no bridge egress): ignored, so small calls are over-counted.
 * - Signalling, the data channel and bandwidth probing are left out (under 1 %).
 */

import { BANDWIDTH_PRESETS, BANDWIDTH_SETTINGS, type BandwidthPreset, worstCaseCap } from '../config/bandwidth.js';

/** Headers and retransmissions on video, as a factor on the payload bitrate. */
export const VIDEO_OVERHEAD = 1.1;
/** Opus's average bitrate when config.js sets none (the browser's default), bit/s. */
export const OPUS_DEFAULT_BPS = 32_000;
/** Audio headers: 50 packets a second (20 ms frames) × 66 B of RTP/SRTP/UDP/IPv4, bit/s. */
export const AUDIO_HEADER_BPS = 50 * 66 * 8;
/** Today's rule of thumb in the cost model (about 1.5 Mbit/s per receiver), kept for comparison. */
export const RULE_OF_THUMB_GB_PER_PARTICIPANT_HOUR = 0.675;

/** One modelled situation: what a receiver gets. */
export interface ReceiveCase {
  /** What it is, in plain words. */
  readonly name: string;
  /** Video streams received and the layer each is forwarded at. */
  readonly videos: ReadonlyArray<{ readonly layer: 'low' | 'standard' | 'high' | 'ssHigh'; readonly count: number }>;
  /** People heard at once (average). */
  readonly speakersHeard: number;
}

/**
 * The situations modelled per preset; the preset's figure is the dearest of them.
 * talk: stage view with last-N 2, so the stage plus one more video (the latest other speaker, or the
 * speaker's camera when slides are on stage) in the filmstrip at 180p (the vertical filmstrip asks
 * for LOW, jitsi-meet video-quality reducer). discussion: tile view with last-N 6; with more people
 * than maxFullResolutionParticipants (2) visible, tiles ask for at most 360p, and a tile of a
 * 15-person grid (about 220 px high on a laptop) asks for 180p. low-bandwidth: one video at 360p.
 */
export const RECEIVE_CASES: Readonly<Record<BandwidthPreset, readonly ReceiveCase[]>> = {
  talk: [
    {
      name: 'camera on stage',
      videos: [
        { layer: 'high', count: 1 },
        { layer: 'low', count: 1 },
      ],
      speakersHeard: 1.5,
    },
    {
      name: 'slides on stage',
      videos: [
        { layer: 'ssHigh', count: 1 },
        { layer: 'low', count: 1 },
      ],
      speakersHeard: 1.5,
    },
  ],
  discussion: [{ name: 'tiles', videos: [{ layer: 'low', count: 6 }], speakersHeard: 2 }],
  'low-bandwidth': [
    { name: 'slides', videos: [{ layer: 'ssHigh', count: 1 }], speakersHeard: 1.5 },
    // Captured at 360p, the top layer is the standard cap (TPCUtils.ts:220-234).
    { name: 'camera', videos: [{ layer: 'standard', count: 1 }], speakersHeard: 1.5 },
  ],
};

/** Bits per second one receiver gets in a case under a preset. */
export function receiveBitsPerSecond(preset: BandwidthPreset, receive: ReceiveCase): number {
  const video = receive.videos.reduce((sum, v) => sum + v.count * worstCaseCap(preset, v.layer), 0);
  const opus = BANDWIDTH_SETTINGS[preset].opusMaxAverageBitrate ?? OPUS_DEFAULT_BPS;
  return video * VIDEO_OVERHEAD + receive.speakersHeard * (opus + AUDIO_HEADER_BPS);
}

/** Decimal GB (what AWS bills) in an hour at a bitrate. */
export const gbPerHour = (bitsPerSecond: number): number => (bitsPerSecond * 3600) / 8 / 1e9;

/** The modelled GB of bridge egress per participant-hour: the dearest case of the preset. */
export function egressGbPerParticipantHour(preset: BandwidthPreset): number {
  return Math.max(...RECEIVE_CASES[preset].map((receive) => gbPerHour(receiveBitsPerSecond(preset, receive))));
}

/** Every preset's figure, in preset order. */
export const EGRESS_GB_PER_PARTICIPANT_HOUR: Readonly<Record<BandwidthPreset, number>> = Object.fromEntries(
  BANDWIDTH_PRESETS.map((preset) => [preset, egressGbPerParticipantHour(preset)]),
) as Record<BandwidthPreset, number>;

export interface MeetupEgress {
  readonly preset: BandwidthPreset;
  readonly gb: number;
  /** Dollars at the given price per GB (0 while the month is within the free allowance). */
  readonly usd: number;
}

/** A meetup's egress: participants × hours × the preset's GB per participant-hour, priced per GB. */
export function meetupEgress(options: {
  readonly preset: BandwidthPreset;
  readonly participants: number;
  readonly hours: number;
  readonly usdPerGb: number;
}): MeetupEgress {
  const { preset, participants, hours, usdPerGb } = options;
  for (const [name, value] of Object.entries({ participants, hours, usdPerGb })) {
    if (!Number.isFinite(value) || value < 0) throw new RangeError(`${name} must be a number ≥ 0, got ${value}`);
  }
  const gb = participants * hours * egressGbPerParticipantHour(preset);
  return { preset, gb, usd: gb * usdPerGb };
}
