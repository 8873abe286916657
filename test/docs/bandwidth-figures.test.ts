import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BANDWIDTH_PRESETS, BANDWIDTH_SETTINGS, type BandwidthPreset } from '../../src/config/bandwidth.js';
import { EXAMPLE_CONFIG_FILE, parseConfigText } from '../../src/config/load.js';
import { EGRESS_GB_PER_PARTICIPANT_HOUR, meetupEgress, RULE_OF_THUMB_GB_PER_PARTICIPANT_HOUR } from '../../src/cost/bandwidth.js';
import { estimateForConfig, type MeetupVideo } from '../../src/cost/model.js';
import { buildPlanReport } from '../../src/plan/report.js';
import { ROOT } from '../support/fixtures.js';

// The shipped example's plan (its cost side needs no synthesized template).
const config = parseConfigText(readFileSync(path.join(ROOT, EXAMPLE_CONFIG_FILE), 'utf8'), EXAMPLE_CONFIG_FILE);
const plan = buildPlanReport(config, { Resources: {} });
const presetsOf = (video: MeetupVideo) =>
  Object.fromEntries(video.presets.map((p) => [p.preset, p])) as Record<BandwidthPreset, MeetupVideo['presets'][number]>;

// The data figures docs/guide.md gives for each bandwidth preset are the cost model's
// (test/docs/cost-figures.test.ts checks the dollars in the same rows).
const guide = readFileSync(path.join(ROOT, 'docs', 'guide.md'), 'utf8');

describe('bandwidth figures in the guide', () => {
  it.each(BANDWIDTH_PRESETS)('gives the modelled GB per person-hour and for a 2-hour meetup of 15 (%s)', (preset) => {
    const row = new RegExp(`\\| \`${preset}\`[^|]*\\|[^|]*\\| ([\\d.]+) GB\\s+\\| ([\\d.]+) GB, `).exec(guide);
    expect(row, `no row for ${preset}`).not.toBeNull();
    const [, perHour, meetup] = row as RegExpExecArray;
    expect(perHour).toBe(EGRESS_GB_PER_PARTICIPANT_HOUR[preset].toFixed(2));
    expect(meetup).toBe(meetupEgress({ preset, participants: 15, hours: 2, usdPerGb: 0 }).gb.toFixed(1));
  });
});

describe('the bandwidth presets table in docs/architecture.md', () => {
  const architecture = readFileSync(path.join(ROOT, 'docs', 'architecture.md'), 'utf8');

  it.each(BANDWIDTH_PRESETS)('lists the caps and last-N the code writes (%s)', (preset) => {
    const row = new RegExp(
      `^\\| \`${preset}\`\\s+\\| ([\\d ]+?)\\s+\\| ([\\d ]+?)\\s+\\| ([\\d ]+?)\\s+\\| ([\\d ]+?)\\s+\\| (\\d+)\\s+\\|`,
      'm',
    ).exec(architecture);
    expect(row, `no row for ${preset}`).not.toBeNull();
    const [low, standard, high, ssHigh, lastN] = (row as RegExpExecArray)
      .slice(1)
      .map((cell) => Number(cell.replaceAll(' ', '')));
    const settings = BANDWIDTH_SETTINGS[preset];
    expect({ low, standard, high, ssHigh, lastN }).toEqual({ ...settings.caps, lastN: settings.lastN });
  });
});

describe('the bandwidth presets in README.md', () => {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8').replace(/\s+/g, ' ');

  it("gives each preset's modelled GB per person-hour and the rule of thumb", () => {
    const [talk, discussion, low] = BANDWIDTH_PRESETS.map((preset) => EGRESS_GB_PER_PARTICIPANT_HOUR[preset].toFixed(2));
    expect(readme).toContain(
      `modelled at ${talk}, ${discussion} and ${low} GB per person-hour (the earlier rule of thumb was ${RULE_OF_THUMB_GB_PER_PARTICIPANT_HOUR} GB)`,
    );
  });

  it("gives the default preset's 2-hour meetup of 15 as plan prints it", () => {
    const talk = presetsOf(plan.cost.meetupVideo).talk;
    expect(readme).toContain(`shows a 2-hour meetup of 15 under each (${talk.gb.toFixed(1)} GB, $`);
  });
});

describe('the cost model figures in docs/architecture.md, as plan prints them', () => {
  const architecture = readFileSync(path.join(ROOT, 'docs', 'architecture.md'), 'utf8').replace(/\s+/g, ' ');
  const under = (bandwidth: BandwidthPreset) => estimateForConfig({ ...config, bandwidth }).assumptions;

  it("gives each preset's egress per participant-hour and the recorder's under discussion", () => {
    expect(architecture).toContain(
      `${under('talk').egressGbPerParticipantHour} GB for \`talk\` (the default), ${under('discussion').egressGbPerParticipantHour} for \`discussion\`, ${under('low-bandwidth').egressGbPerParticipantHour} for \`low-bandwidth\``,
    );
    expect(architecture).toContain(`${under('discussion').recorderGbPerHour.toFixed(5)} GB an hour under \`discussion\``);
    expect(architecture).toContain(
      `under \`discussion\` it is ${under('discussion').recorderGbPerHour.toFixed(3)} GB an hour (the stage at 800 kbit/s and five 180p videos) where a participant in tiles receives ${under('discussion').egressGbPerParticipantHour.toFixed(3)}`,
    );
    for (const preset of ['talk', 'low-bandwidth'] as const)
      expect(under(preset).recorderGbPerHour).toBe(under(preset).egressGbPerParticipantHour);
  });

  it('gives the 2-hour meetup of 15 under each preset and the rule of thumb', () => {
    const video = presetsOf(plan.cost.meetupVideo);
    expect(architecture).toContain(
      `\`talk\` ${video.talk.gb.toFixed(1)} GB, \`discussion\` ${video.discussion.gb.toFixed(1)} GB, \`low-bandwidth\` ${video['low-bandwidth'].gb.toFixed(1)} GB, against ${plan.cost.meetupVideo.ruleOfThumbGb.toFixed(1)} GB under the earlier rule of thumb (${RULE_OF_THUMB_GB_PER_PARTICIPANT_HOUR} GB)`,
    );
  });
});
