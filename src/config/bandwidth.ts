/**
 * Bandwidth presets: what the web client sends and receives, set through the pinned web image's
 * environment where a variable really reaches the client, and through custom-config.js lines
 * (appended to config.js after the image's own settings) where none does. Pure: no AWS imports.
 *
 * Checked at the pinned release (docker-jitsi-meet `stable-11146-2`, lib-jitsi-meet `jitsi-meet_11146`,
 * commit f9c1a436, the library that release's web client bundles):
 * - web/rootfs/defaults/settings-config.js maps RESOLUTION(_MIN, _WIDTH, _WIDTH_MIN) to config.resolution
 *   and config.constraints (lines 39-42, 81-85), START_WITH_VIDEO_MUTED to config.startWithVideoMuted
 *   (50, 93) and CODEC_ORDER_JVB to config.videoQuality.codecPreferenceOrder (69, 436).
 * - Its VIDEOQUALITY_BITRATE_<CODEC>_<LEVEL> variables write `config.videoQuality.vp8.low` and so on
 *   (444-546), but lib-jitsi-meet reads only `videoQuality.<codec>.maxBitratesVideo.<level>`
 *   (modules/RTC/TPCUtils.ts:71-88, after JingleSessionPC.ts:1741-1749 lower-cases the codec keys):
 *   at this release those variables change nothing, so the caps go into custom-config.js.
 * - Its AUDIO_QUALITY_OPUS_BITRATE writes the value quoted, a string (line 124), and TPCUtils.ts:908
 *   applies opusMaxAverageBitrate only when it is a number: custom-config.js again.
 * - No variable exists for last-N or the layout (`git grep -i lastn stable-11146-2` finds only Grafana
 *   dashboards): config.channelLastN and config.disableTileView go into custom-config.js.
 */

/** The presets, the default first. */
export const BANDWIDTH_PRESETS = ['talk', 'discussion', 'low-bandwidth'] as const;
export type BandwidthPreset = (typeof BANDWIDTH_PRESETS)[number];
export const DEFAULT_BANDWIDTH_PRESET: BandwidthPreset = 'talk';

/** The codecs lib-jitsi-meet configures (TPCUtils.ts:24 at jitsi-meet_11146), config.js's key for each. */
export const VIDEO_CODECS = ['av1', 'h264', 'vp8', 'vp9'] as const;
export type VideoCodec = (typeof VIDEO_CODECS)[number];

/**
 * Bits per second a sender may spend on each layer: low (180p), standard (360p), high (720p) and
 * ssHigh (a screen share). The 1080p and 4K levels are never used: no preset captures above 720p.
 */
export interface LayerCaps {
  readonly low: number;
  readonly standard: number;
  readonly high: number;
  readonly ssHigh: number;
}

/**
 * lib-jitsi-meet's own caps when config.js sets none: STANDARD_CODEC_SETTINGS in
 * service/RTC/StandardVideoQualitySettings.ts:48-101 at tag jitsi-meet_11146.
 */
export const STOCK_CAPS: Readonly<Record<VideoCodec, LayerCaps>> = {
  av1: { low: 100_000, standard: 300_000, high: 1_000_000, ssHigh: 2_500_000 },
  h264: { low: 400_000, standard: 800_000, high: 2_000_000, ssHigh: 2_500_000 },
  vp8: { low: 200_000, standard: 500_000, high: 1_500_000, ssHigh: 2_500_000 },
  vp9: { low: 100_000, standard: 300_000, high: 1_200_000, ssHigh: 2_500_000 },
};

/**
 * The stock codec order (settings-config.js:69 at stable-11146-2): best quality per bit first. A room
 * moves down the list when a browser in it lacks a codec; the caps bound every codec, so the cost
 * does not depend on which one a room ends up with.
 */
export const CODEC_ORDER = ['AV1', 'VP9', 'VP8', 'H264'] as const;

/** What one preset sets. */
export interface BandwidthSettings {
  /** Caps of every codec, each lowered to the codec's stock cap where that is lower ({@link codecCaps}). */
  readonly caps: LayerCaps;
  /** How many videos each person receives (config.channelLastN): the stage first, then the latest speakers. */
  readonly lastN: number;
  /**
   * False: config.disableTileView, stage view (one large video) instead of the automatic tiles from 3
   * people on; a person's own choice still wins (jitsi-meet react/features/video-layout/functions.any.ts,
   * shouldDisplayTileView, read at commit 000ebb67: the release commit is not in the code index).
   */
  readonly tileView: boolean;
  /** Camera capture height and width in pixels (RESOLUTION, RESOLUTION_WIDTH). */
  readonly capture: { readonly height: 720 | 360; readonly width: 1280 | 640 };
  /** People join with their camera off (START_WITH_VIDEO_MUTED). */
  readonly startWithVideoMuted: boolean;
  /** Opus average bitrate in bit/s, or undefined for the browser's default. */
  readonly opusMaxAverageBitrate?: number;
}

export const BANDWIDTH_SETTINGS: Readonly<Record<BandwidthPreset, BandwidthSettings>> = {
  // The speaker (or the slides) large and sharp, one more video small; everyone else an avatar.
  talk: {
    caps: { low: 100_000, standard: 300_000, high: 450_000, ssHigh: 400_000 },
    lastN: 2,
    tileView: false,
    capture: { height: 720, width: 1280 },
    startWithVideoMuted: false,
  },
  // Six faces in tiles at once.
  discussion: {
    caps: { low: 150_000, standard: 400_000, high: 800_000, ssHigh: 800_000 },
    lastN: 6,
    tileView: true,
    capture: { height: 720, width: 1280 },
    startWithVideoMuted: false,
  },
  // One video at a time at 360p, cameras off until people turn them on, thinner audio.
  'low-bandwidth': {
    caps: { low: 100_000, standard: 200_000, high: 200_000, ssHigh: 300_000 },
    lastN: 1,
    tileView: false,
    capture: { height: 360, width: 640 },
    startWithVideoMuted: true,
    opusMaxAverageBitrate: 24_000,
  },
};

const LEVELS = ['low', 'standard', 'high', 'ssHigh'] as const;

/** The caps written for one codec: the preset's, but never above that codec's stock cap. */
export function codecCaps(preset: BandwidthPreset, codec: VideoCodec): LayerCaps {
  const wanted = BANDWIDTH_SETTINGS[preset].caps;
  const stock = STOCK_CAPS[codec];
  return Object.fromEntries(LEVELS.map((level) => [level, Math.min(wanted[level], stock[level])])) as unknown as LayerCaps;
}

/** The highest cap of a layer over all codecs: what a forwarded stream of that layer costs at most. */
export function worstCaseCap(preset: BandwidthPreset, level: keyof LayerCaps): number {
  return Math.max(...VIDEO_CODECS.map((codec) => codecCaps(preset, codec)[level]));
}

/**
 * The web container's variables for a preset (each maps to config.js as settings-config.js at
 * stable-11146-2 says, lines cited in the module comment).
 */
export function bandwidthEnvironment(preset: BandwidthPreset): Record<string, string> {
  const settings = BANDWIDTH_SETTINGS[preset];
  // 180p and 320 px are the image's own minimums (settings-config.js:40, 42); 360p capture keeps them.
  return {
    RESOLUTION: String(settings.capture.height),
    RESOLUTION_WIDTH: String(settings.capture.width),
    RESOLUTION_MIN: '180',
    RESOLUTION_WIDTH_MIN: '320',
    START_WITH_VIDEO_MUTED: String(settings.startWithVideoMuted),
    // A raw JavaScript array literal in config.js (settings-config.js:436).
    CODEC_ORDER_JVB: JSON.stringify(CODEC_ORDER),
  };
}

/** The custom-config.js lines of a preset: what no variable of the image sets (see the module comment). */
export function bandwidthCustomConfig(preset: BandwidthPreset): string {
  const settings = BANDWIDTH_SETTINGS[preset];
  const lines = [
    `// Bandwidth preset "${preset}" (meet.config.json "bandwidth"); see src/config/bandwidth.ts.`,
    `config.channelLastN = ${settings.lastN};`,
    ...(settings.tileView ? [] : ['config.disableTileView = true;']),
    'config.videoQuality = config.videoQuality || {};',
    ...VIDEO_CODECS.map(
      (codec) =>
        `config.videoQuality.${codec} = Object.assign(config.videoQuality.${codec} || {}, { maxBitratesVideo: ${JSON.stringify(codecCaps(preset, codec))} });`,
    ),
    ...(settings.opusMaxAverageBitrate === undefined
      ? []
      : [
          'config.audioQuality = config.audioQuality || {};',
          `config.audioQuality.opusMaxAverageBitrate = ${settings.opusMaxAverageBitrate};`,
        ]),
  ];
  return lines.map((line) => `${line}\n`).join('');
}

/** web's custom-config.js (relative to its /config), which the image appends to config.js. */
export const CUSTOM_CONFIG_FILE = 'custom-config.js';

/**
 * Web's extra files with the preset's lines added to custom-config.js (after the branding's lines,
 * when there are any), so every deploy writes one.
 */
export function withBandwidthConfig(preset: BandwidthPreset, files: Record<string, string>): Record<string, string> {
  return { ...files, [CUSTOM_CONFIG_FILE]: (files[CUSTOM_CONFIG_FILE] ?? '') + bandwidthCustomConfig(preset) };
}
