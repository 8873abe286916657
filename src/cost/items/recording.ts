import { DAYS_PER_MONTH, HOURS_PER_MONTH, NONCURRENT_VERSION_EXPIRY_DAYS, RECORDER_VOLUME_GB } from '../assumptions.js';
import { line, type PricedItem, type PricingBasis } from './line.js';

// The items of server-side recording: the recorder while it records, downloads, and deleted recordings' old versions.

/** The recorder's line, and its hourly cost when its instance type has a listed price. */
export interface RecorderItem {
  readonly line: PricedItem;
  readonly hourUsd?: number;
}

/**
 * EC2 with EBS and a public IPv4 address: the recorder, which exists only while a meeting records. It
 * joins the meeting through the task's public address, so the meeting's video to it (one participant's
 * worth) is regional data transfer over public IPv4, billed as it leaves the task and as it reaches the recorder.
 */
export function recorder({ input, assumptions: a, prices }: PricingBasis): RecorderItem | undefined {
  if (!input.recorder) return undefined;
  const type = input.recorder.instanceType;
  const instanceHour = prices.ec2Hour[type];
  const trafficHour = a.egressGbPerParticipantHour * 2 * prices.regionalDataTransferGb;
  const extras = prices.publicIpv4Hour + (RECORDER_VOLUME_GB * prices.ebsGp3GbMonth) / HOURS_PER_MONTH + trafficHour;
  const hourUsd = instanceHour !== undefined ? instanceHour + extras : undefined;
  const parts = `$${prices.publicIpv4Hour}/h address + ${RECORDER_VOLUME_GB} GB × $${prices.ebsGp3GbMonth}/GB-month + ${a.egressGbPerParticipantHour} GB/h from the meeting × $${prices.regionalDataTransferGb}/GB each way (public IPv4)`;
  const note =
    instanceHour !== undefined
      ? `$${instanceHour}/h instance + ${parts}, only while the recorder exists (0 instances otherwise)`
      : `price unknown for ${type}: see the EC2 on-demand price page; plus ${parts}`;
  return {
    line: line(
      ['ec2', 'ebs', 'public-ipv4', 'data-transfer'],
      `Recorder (${type}, ${RECORDER_VOLUME_GB} GB gp3, public IPv4)`,
      'per recording hour',
      hourUsd ?? 0,
      note,
    ),
    ...(hourUsd !== undefined ? { hourUsd } : {}),
  };
}

/**
 * Recording downloads: internet egress from the same free 100 GB a month as the meetings' video, so
 * the months' egress counts them (scenarios.ts); the line shows their rate once the allowance is used.
 */
export function recordingDownloads({
  input,
  assumptions: a,
  prices,
}: PricingBasis): (PricedItem & { readonly gb: number }) | undefined {
  if (!input.recorder) return undefined;
  return {
    ...line(
      ['data-transfer', 's3'],
      `Recording downloads (${a.newRecordingsGbMonth} GB a month)`,
      'per month',
      a.newRecordingsGbMonth * prices.dataTransferOut.gb,
      `each new recording downloaded once: ${a.newRecordingsGbMonth} GB × $${prices.dataTransferOut.gb}/GB, from the same ${prices.dataTransferOut.freeGbMonth} GB free each month as the meetings' video (counted in the months' egress, not in the fixed cost)`,
    ),
    gb: a.newRecordingsGbMonth,
  };
}

/**
 * Old versions in the versioned bucket: a deleted recording stays, as a noncurrent version, until the
 * lifecycle rule expires it NONCURRENT_VERSION_EXPIRY_DAYS later (as many GB deleted as recorded).
 */
export function oldVersions({ input, assumptions: a, prices }: PricingBasis): PricedItem | undefined {
  if (!input.recorder) return undefined;
  const gbMonths = (a.newRecordingsGbMonth * NONCURRENT_VERSION_EXPIRY_DAYS) / DAYS_PER_MONTH;
  return line(
    's3',
    `Deleted recordings kept ${NONCURRENT_VERSION_EXPIRY_DAYS} days as old versions`,
    'per month',
    gbMonths * prices.s3.standardGbMonth,
    `${a.newRecordingsGbMonth} GB deleted a month × ${NONCURRENT_VERSION_EXPIRY_DAYS}/${DAYS_PER_MONTH} month × $${prices.s3.standardGbMonth}/GB-month Standard, until the noncurrent-version expiry removes them`,
  );
}
