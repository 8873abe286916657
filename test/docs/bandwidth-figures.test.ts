import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BANDWIDTH_PRESETS, BANDWIDTH_SETTINGS } from '../../src/config/bandwidth.js';
import { EGRESS_GB_PER_PARTICIPANT_HOUR, meetupEgress } from '../../src/cost/bandwidth.js';
import { ROOT } from '../support/fixtures.js';

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
  it("gives each preset's modelled GB per person-hour and the rule of thumb", () => {
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8').replace(/\s+/g, ' ');
    const [talk, discussion, low] = BANDWIDTH_PRESETS.map((preset) => EGRESS_GB_PER_PARTICIPANT_HOUR[preset].toFixed(2));
    expect(readme).toContain(
      `modelled at ${talk}, ${discussion} and ${low} GB per person-hour against the 0.675 GB rule of thumb`,
    );
  });
});
