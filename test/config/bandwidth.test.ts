import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import {
  BANDWIDTH_PRESETS,
  BANDWIDTH_SETTINGS,
  type BandwidthPreset,
  bandwidthCustomConfig,
  bandwidthEnvironment,
  CUSTOM_CONFIG_FILE,
  codecCaps,
  STOCK_CAPS,
  VIDEO_CODECS,
  withBandwidthConfig,
} from '../../src/config/bandwidth.js';
import { ExitCode } from '../../src/errors.js';
import { cli, communityConfig } from '../support/cli.js';
import { configWith } from '../support/fixtures.js';
import { renderGoTemplate } from '../support/go-template.js';
import { WEB_VIDEO_SETTINGS_CONFIG } from '../support/jitsi-templates.js';

type WebConfig = {
  resolution?: number;
  constraints?: { video: { height: Record<string, number>; width: Record<string, number> } };
  disableSimulcast?: boolean;
  startWithVideoMuted?: boolean;
  channelLastN?: number;
  disableTileView?: boolean;
  audioQuality?: { stereo?: boolean; opusMaxAverageBitrate?: unknown };
  videoQuality?: Record<string, unknown> & { codecPreferenceOrder?: string[] };
};

/**
 * config.js as web's start script builds it at stable-11146-2 (web/rootfs/etc/s6-overlay/scripts/config:141-145):
 * settings-config.js rendered with the container's variables, then custom-config.js appended; run as
 * JavaScript against a `config` object the way the page's script does.
 */
function webConfig(env: Record<string, string>, customConfig = ''): WebConfig {
  const config: WebConfig = {};
  runInNewContext(`${renderGoTemplate(WEB_VIDEO_SETTINGS_CONFIG, env)}\n${customConfig}`, { config });
  return config;
}

/**
 * lib-jitsi-meet at jitsi-meet_11146 reads a codec's caps from `videoQuality.<codec>.maxBitratesVideo`
 * (modules/RTC/TPCUtils.ts:71-88; JingleSessionPC.ts:1741-1749 lower-cases the codec keys first)
 * and keeps its own default for a level it finds no truthy number for.
 */
function capsTheClientUses(config: WebConfig, codec: string): Record<string, number> {
  const settings = config.videoQuality ?? {};
  const lowered = Object.fromEntries(Object.entries(settings).map(([key, value]) => [key.toLowerCase(), value]));
  const own = (lowered[codec] as { maxBitratesVideo?: Record<string, number> } | undefined)?.maxBitratesVideo;
  const stock = { ...STOCK_CAPS[codec as keyof typeof STOCK_CAPS] } as Record<string, number>;
  for (const level of Object.keys(stock)) if (own?.[level]) stock[level] = own[level];
  return stock;
}

const presetConfig = (preset: BandwidthPreset) => webConfig(bandwidthEnvironment(preset), bandwidthCustomConfig(preset));

describe('bandwidth presets in the web client', () => {
  it('sets the camera resolution through the variables, as settings-config.js renders them', () => {
    expect(presetConfig('talk')).toMatchObject({
      resolution: 720,
      constraints: { video: { height: { ideal: 720, max: 720, min: 180 }, width: { ideal: 1280, max: 1280, min: 320 } } },
    });
    expect(presetConfig('low-bandwidth')).toMatchObject({
      resolution: 360,
      constraints: { video: { height: { ideal: 360, max: 360, min: 180 }, width: { ideal: 640, max: 640, min: 320 } } },
    });
    // Simulcast stays on: the bridge can then forward a small layer to a thumbnail.
    for (const preset of BANDWIDTH_PRESETS) expect(presetConfig(preset).disableSimulcast, preset).toBeUndefined();
  });

  it('turns cameras off on joining only in low-bandwidth', () => {
    expect(presetConfig('talk').startWithVideoMuted).toBe(false);
    expect(presetConfig('discussion').startWithVideoMuted).toBe(false);
    expect(presetConfig('low-bandwidth').startWithVideoMuted).toBe(true);
  });

  it('sets exactly these web variables per preset (the minimums and the codec order pin the stock values)', () => {
    const common = { RESOLUTION_MIN: '180', RESOLUTION_WIDTH_MIN: '320', CODEC_ORDER_JVB: '["AV1","VP9","VP8","H264"]' };
    expect(bandwidthEnvironment('talk')).toEqual({
      ...common,
      RESOLUTION: '720',
      RESOLUTION_WIDTH: '1280',
      START_WITH_VIDEO_MUTED: 'false',
    });
    expect(bandwidthEnvironment('discussion')).toEqual(bandwidthEnvironment('talk'));
    expect(bandwidthEnvironment('low-bandwidth')).toEqual({
      ...common,
      RESOLUTION: '360',
      RESOLUTION_WIDTH: '640',
      START_WITH_VIDEO_MUTED: 'true',
    });
  });

  it('sets the codec order as a JavaScript array, AV1 first', () => {
    for (const preset of BANDWIDTH_PRESETS) {
      expect(presetConfig(preset).videoQuality?.codecPreferenceOrder).toEqual(['AV1', 'VP9', 'VP8', 'H264']);
    }
  });

  it('sets last-N and the layout in custom-config.js', () => {
    expect(presetConfig('talk')).toMatchObject({ channelLastN: 2, disableTileView: true });
    expect(presetConfig('discussion').channelLastN).toBe(6);
    expect(presetConfig('discussion').disableTileView).toBeUndefined();
    expect(presetConfig('low-bandwidth')).toMatchObject({ channelLastN: 1, disableTileView: true });
  });

  it.each(BANDWIDTH_PRESETS)('caps every codec and layer where the client reads it (%s)', (preset) => {
    const config = presetConfig(preset);
    for (const codec of VIDEO_CODECS) {
      const used = capsTheClientUses(config, codec);
      const wanted = BANDWIDTH_SETTINGS[preset].caps;
      for (const level of ['low', 'standard', 'high', 'ssHigh'] as const) {
        expect(used[level], `${codec} ${level}`).toBe(Math.min(wanted[level], STOCK_CAPS[codec][level]));
        expect(used[level], `${codec} ${level}`).toBe(codecCaps(preset, codec)[level]);
      }
    }
    // The talk preset halves AV1's stock 720p cap and more for the others.
    expect(capsTheClientUses(presetConfig('talk'), 'vp8').high).toBe(450_000);
  });

  it("does not rely on the image's VIDEOQUALITY_BITRATE_* variables: they land where the pinned client never reads", () => {
    const config = webConfig({ VIDEOQUALITY_BITRATE_VP8_LOW: '123000', VIDEOQUALITY_BITRATE_VP8_STANDARD: '234000' });
    expect(config.videoQuality?.vp8).toEqual({ low: 123000, standard: 234000 });
    expect(capsTheClientUses(config, 'vp8')).toEqual(STOCK_CAPS.vp8);
    for (const preset of BANDWIDTH_PRESETS) {
      expect(Object.keys(bandwidthEnvironment(preset)).filter((name) => name.startsWith('VIDEOQUALITY_'))).toEqual([]);
    }
  });

  it('sets the Opus bitrate as a number in low-bandwidth (the variable would make it a string, which the client ignores)', () => {
    expect(webConfig({ AUDIO_QUALITY_OPUS_BITRATE: '24000' }).audioQuality?.opusMaxAverageBitrate).toBe('24000');
    expect(presetConfig('low-bandwidth').audioQuality).toEqual({ stereo: false, opusMaxAverageBitrate: 24000 });
    expect(presetConfig('talk').audioQuality).toEqual({ stereo: false });
    expect(bandwidthEnvironment('low-bandwidth').AUDIO_QUALITY_OPUS_BITRATE).toBeUndefined();
  });

  it('never raises a cap above the stock one of that codec', () => {
    for (const preset of BANDWIDTH_PRESETS) {
      for (const codec of VIDEO_CODECS) {
        const caps = codecCaps(preset, codec);
        for (const level of ['low', 'standard', 'high', 'ssHigh'] as const) {
          expect(caps[level], `${preset} ${codec} ${level}`).toBeLessThanOrEqual(STOCK_CAPS[codec][level]);
          expect(caps[level]).toBeGreaterThan(0);
        }
      }
    }
    expect(codecCaps('discussion', 'av1').low).toBe(100_000);
    expect(codecCaps('discussion', 'vp8').low).toBe(150_000);
  });

  it("appends the preset's lines after the branding's in custom-config.js, and writes the file without branding", () => {
    expect(withBandwidthConfig('talk', {})).toEqual({ [CUSTOM_CONFIG_FILE]: bandwidthCustomConfig('talk') });
    const branded = withBandwidthConfig('talk', { [CUSTOM_CONFIG_FILE]: 'config.defaultLogoUrl = "x";\n', other: 'y' });
    expect(branded).toEqual({
      [CUSTOM_CONFIG_FILE]: `config.defaultLogoUrl = "x";\n${bandwidthCustomConfig('talk')}`,
      other: 'y',
    });
    const config = webConfig({}, branded[CUSTOM_CONFIG_FILE]) as WebConfig & { defaultLogoUrl?: string };
    expect(config.defaultLogoUrl).toBe('x');
    expect(config.channelLastN).toBe(2);
  });
});

describe('the "bandwidth" config field', () => {
  it('is talk by default and takes each preset', () => {
    expect(configWith({}).bandwidth).toBe('talk');
    for (const preset of BANDWIDTH_PRESETS) expect(configWith({ bandwidth: preset }).bandwidth).toBe(preset);
  });

  it('refuses another value naming the field and the choices, with exit code 253', async () => {
    const result = await cli(['config', 'validate'], {
      files: { 'meet.config.json': communityConfig({ bandwidth: 'webinar' }) },
    });
    expect(result.code).toBe(ExitCode.config);
    expect(ExitCode.config).toBe(253);
    expect(result.stderr).toContain(
      'bandwidth is not one of "talk", "discussion", "low-bandwidth" (got "webinar"). Fix: set "bandwidth" to one of talk, discussion, low-bandwidth',
    );
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
