import { describe, expect, it } from 'vitest';
import { BANDWIDTH_PRESETS, BANDWIDTH_SETTINGS, worstCaseCap } from '../../src/config/bandwidth.js';
import {
  AUDIO_HEADER_BPS,
  EGRESS_GB_PER_PARTICIPANT_HOUR,
  egressGbPerParticipantHour,
  gbPerHour,
  meetupEgress,
  RECEIVE_CASES,
  RULE_OF_THUMB_GB_PER_PARTICIPANT_HOUR,
  receiveBitsPerSecond,
  VIDEO_OVERHEAD,
} from '../../src/cost/bandwidth.js';

/** The price beyond the free 100 GB a month (src/cost/prices.ts at this commit: $0.09 per GB). */
const USD_PER_GB = 0.09;

describe('modelled egress per participant-hour', () => {
  it('pins each preset to the caps it writes (lib-jitsi-meet jitsi-meet_11146 layers, cited in src/config/bandwidth.ts)', () => {
    // talk: 720p camera on stage at 450 kbit/s + one 180p video at 100 kbit/s, ×1.1, + 1.5 × (32 + 26.4) kbit/s audio.
    expect(receiveBitsPerSecond('talk', RECEIVE_CASES.talk[0] as (typeof RECEIVE_CASES.talk)[0])).toBeCloseTo(692_600, 6);
    expect(EGRESS_GB_PER_PARTICIPANT_HOUR.talk).toBeCloseTo(0.311_67, 5);
    // discussion: six 180p tiles at 150 kbit/s (VP8/H264; AV1 and VP9 stay at their stock 100), 2 speakers heard.
    expect(EGRESS_GB_PER_PARTICIPANT_HOUR.discussion).toBeCloseTo(0.498_06, 5);
    // low-bandwidth: slides at 300 kbit/s, Opus at 24 kbit/s.
    expect(EGRESS_GB_PER_PARTICIPANT_HOUR['low-bandwidth']).toBeCloseTo(0.182_52, 5);
  });

  it('halves today’s 0.675 GB with the default preset, talk', () => {
    expect(RULE_OF_THUMB_GB_PER_PARTICIPANT_HOUR / 2).toBe(0.3375);
    expect(egressGbPerParticipantHour('talk')).toBeLessThanOrEqual(0.3375);
    expect(egressGbPerParticipantHour('low-bandwidth')).toBeLessThan(egressGbPerParticipantHour('talk'));
  });

  it("takes the preset's dearest case: talk is priced with the camera on stage, not the slides", () => {
    const [camera, slides] = RECEIVE_CASES.talk.map((c) => gbPerHour(receiveBitsPerSecond('talk', c)));
    expect(camera).toBeGreaterThan(slides as number);
    expect(egressGbPerParticipantHour('talk')).toBe(camera);
  });

  it('moves with every cap the preset writes: a dearer layer makes a dearer hour', () => {
    for (const preset of BANDWIDTH_PRESETS) {
      for (const receive of RECEIVE_CASES[preset]) {
        const video = receive.videos.reduce((sum, v) => sum + v.count * worstCaseCap(preset, v.layer), 0);
        const opus = BANDWIDTH_SETTINGS[preset].opusMaxAverageBitrate ?? 32_000;
        expect(receiveBitsPerSecond(preset, receive)).toBeCloseTo(
          video * VIDEO_OVERHEAD + receive.speakersHeard * (opus + AUDIO_HEADER_BPS),
          6,
        );
      }
    }
    expect(AUDIO_HEADER_BPS).toBe(26_400);
    expect(VIDEO_OVERHEAD).toBe(1.1);
  });

  it('never models more videos per person than the preset lets the bridge forward (last-N)', () => {
    for (const preset of BANDWIDTH_PRESETS) {
      for (const receive of RECEIVE_CASES[preset]) {
        const videos = receive.videos.reduce((sum, v) => sum + v.count, 0);
        expect(videos, `${preset} ${receive.name}`).toBeLessThanOrEqual(BANDWIDTH_SETTINGS[preset].lastN);
      }
    }
    // Each preset's busiest case fills its last-N.
    for (const preset of BANDWIDTH_PRESETS) {
      const most = Math.max(...RECEIVE_CASES[preset].map((r) => r.videos.reduce((sum, v) => sum + v.count, 0)));
      expect(most, preset).toBe(BANDWIDTH_SETTINGS[preset].lastN);
    }
  });
});

describe("a meetup's egress", () => {
  it('gives a 2-hour, 15-person meetup under each preset in GB and dollars', () => {
    const totals = BANDWIDTH_PRESETS.map((preset) => meetupEgress({ preset, participants: 15, hours: 2, usdPerGb: USD_PER_GB }));
    expect(totals.map((t) => [t.preset, Number(t.gb.toFixed(1)), Number(t.usd.toFixed(2))])).toEqual([
      ['talk', 9.4, 0.84],
      ['discussion', 14.9, 1.34],
      ['low-bandwidth', 5.5, 0.49],
    ]);
    // Today's rule of thumb for the same meetup: 20.3 GB.
    expect(15 * 2 * RULE_OF_THUMB_GB_PER_PARTICIPANT_HOUR).toBeCloseTo(20.25, 9);
  });

  it('costs nothing while the month is inside the free allowance (price 0)', () => {
    expect(meetupEgress({ preset: 'talk', participants: 15, hours: 2, usdPerGb: 0 })).toMatchObject({ usd: 0 });
  });

  it.each([
    ['participants', { participants: -1, hours: 2, usdPerGb: 0.09 }],
    ['hours', { participants: 15, hours: Number.NaN, usdPerGb: 0.09 }],
    ['usdPerGb', { participants: 15, hours: 2, usdPerGb: Number.POSITIVE_INFINITY }],
  ])('refuses a bad %s', (name, values) => {
    expect(() => meetupEgress({ preset: 'talk', ...values })).toThrow(new RegExp(`^${name} must be a number ≥ 0`));
  });
});
