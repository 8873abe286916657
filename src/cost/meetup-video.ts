import { BANDWIDTH_PRESETS, type BandwidthPreset } from '../config/bandwidth.js';
import { EGRESS_GB_PER_PARTICIPANT_HOUR, meetupEgress, RULE_OF_THUMB_GB_PER_PARTICIPANT_HOUR } from './bandwidth.js';
import type { MeetupVideo } from './estimate.js';
import type { Prices } from './prices.js';

/** The meetup `plan` compares the presets on: 2 hours of the assumptions' 15 people. */
export const COMPARED_MEETUP = { participants: 15, hours: 2 } as const;

/** A 2-hour meetup of 15's video to participants under every preset, at the region's egress price. */
export function meetupVideo(configured: BandwidthPreset, prices: Prices): MeetupVideo {
  const { participants, hours } = COMPARED_MEETUP;
  const usdPerGb = prices.dataTransferOut.gb;
  return {
    participants,
    hours,
    usdPerGb,
    freeGbMonth: prices.dataTransferOut.freeGbMonth,
    presets: BANDWIDTH_PRESETS.map((preset) => {
      const { gb, usd } = meetupEgress({ preset, participants, hours, usdPerGb });
      return { preset, configured: preset === configured, gbPerParticipantHour: EGRESS_GB_PER_PARTICIPANT_HOUR[preset], gb, usd };
    }),
    ruleOfThumbGb: participants * hours * RULE_OF_THUMB_GB_PER_PARTICIPANT_HOUR,
  };
}
