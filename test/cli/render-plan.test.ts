import { describe, expect, it } from 'vitest';
import { BANDWIDTH_PRESETS } from '../../src/config/bandwidth.js';
import { meetupEgress } from '../../src/cost/bandwidth.js';
import { PRICES } from '../../src/cost/prices.js';
import { ExitCode } from '../../src/errors.js';
import { cli, communityConfig } from '../support/cli.js';

/**
 * `meetctl plan`'s meetup line: a 2-hour meetup of 15's video to participants under each bandwidth
 * preset, as the pure cost module computes it (meetupEgress), the configured preset marked, in the
 * text and under cost.meetupVideo in --json.
 */
interface MeetupVideoJson {
  readonly participants: number;
  readonly hours: number;
  readonly presets: { readonly preset: string; readonly configured: boolean; readonly gb: number; readonly usd: number }[];
}

describe('plan: a 2-hour meetup of 15 under each bandwidth preset', () => {
  it.each(BANDWIDTH_PRESETS)('matches meetupEgress and marks the configured preset (%s)', async (configured) => {
    const files = { 'meet.config.json': communityConfig({ bandwidth: configured }) };
    const usdPerGb = PRICES.dataTransferOut.gb;
    const expected = BANDWIDTH_PRESETS.map((preset) => {
      const { gb, usd } = meetupEgress({ preset, participants: 15, hours: 2, usdPerGb });
      return { preset, configured: preset === configured, gb, usd };
    });

    const json = await cli(['plan', '--json'], { files });
    expect(json.code, json.stderr).toBe(ExitCode.ok);
    const video = (JSON.parse(json.stdout) as { cost: { meetupVideo: MeetupVideoJson } }).cost.meetupVideo;
    expect({ participants: video.participants, hours: video.hours }).toEqual({ participants: 15, hours: 2 });
    expect(video.presets.map(({ preset, configured, gb, usd }) => ({ preset, configured, gb, usd }))).toEqual(expected);

    const text = await cli(['plan'], { files });
    expect(text.code, text.stderr).toBe(ExitCode.ok);
    const flat = text.stdout.replace(/\s+/g, ' ');
    const parts = expected.map(
      (e) => `${e.preset}${e.configured ? ' (configured)' : ''} ${e.gb.toFixed(1)} GB ($${e.usd.toFixed(2)})`,
    );
    expect(flat).toContain(`Video to participants, a 2-hour meetup of 15: ${parts.join(', ')};`);
    expect(flat.match(/\(configured\) [\d.]+ GB/g)).toHaveLength(1);
  });
});
