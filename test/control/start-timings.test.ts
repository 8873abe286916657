import { describe, expect, it } from 'vitest';
import {
  KEPT_STARTS,
  MEDIAN_OF,
  measuredPhases,
  measuredStart,
  median,
  parseTimingsFile,
  type RecordedStart,
  TimingsFileError,
  withStart,
} from '../../src/control/start-timings.js';

const deployment = { ingress: 'direct', jitsiRelease: 'stable-11146-2', size: 'small', architecture: 'arm64' } as const;
const start = (readySeconds: number, changes: Partial<RecordedStart> = {}): RecordedStart => ({
  measuredAt: `2026-12-0${Math.min(9, readySeconds % 9) + 1}T18:00:00.000Z`,
  ...deployment,
  region: 'eu-central-1',
  phases: [
    { name: 'images pulled', seconds: readySeconds - 40, by: 'aws' },
    { name: 'READY', seconds: readySeconds, by: 'observed' },
  ],
  readySeconds,
  ...changes,
});

describe('a start timed from its stamps', () => {
  it('takes the AWS stamps for placement, pull, start and the DNS change, the polls for the rest', () => {
    const t0 = 1_000_000;
    const phases = measuredPhases({
      requestedAt: t0,
      task: { pullStartedAt: t0 + 9_400, pullStoppedAt: t0 + 52_600, startedAt: t0 + 55_000 },
      dnsSubmittedAt: t0 + 58_000,
      stepsDoneAt: { 'wait-task-running': t0 + 80_000, 'check-endpoints': t0 + 85_000, 'wait-host-record': t0 + 95_000 },
      readyAt: t0 + 95_000,
    });
    expect(phases).toEqual([
      { name: 'task placed', seconds: 9, by: 'aws' },
      { name: 'images pulled', seconds: 53, by: 'aws' },
      { name: 'containers started', seconds: 55, by: 'aws' },
      { name: 'DNS switched', seconds: 58, by: 'aws' },
      { name: 'healthy', seconds: 80, by: 'observed' },
      { name: 'checks', seconds: 85, by: 'observed' },
      { name: 'INSYNC', seconds: 95, by: 'observed' },
      { name: 'READY', seconds: 95, by: 'observed' },
    ]);
  });

  it('lists the phases in the order they ended: a direct start checks while the JVMs start, before health', () => {
    const t0 = 1_000_000;
    const phases = measuredPhases({
      requestedAt: t0,
      task: { pullStartedAt: t0 + 10_000, pullStoppedAt: t0 + 60_000, startedAt: t0 + 62_000 },
      dnsSubmittedAt: t0 + 19_000,
      inSyncSeenAt: t0 + 60_000,
      stepsDoneAt: { 'check-endpoints': t0 + 70_000, 'wait-task-running': t0 + 90_000, 'wait-host-record': t0 + 90_000 },
      readyAt: t0 + 90_000,
    });
    expect(phases.map((p) => `${p.name} ${p.seconds}`)).toEqual([
      'task placed 10',
      'DNS switched 19',
      'images pulled 60',
      'INSYNC 60',
      'containers started 62',
      'checks 70',
      'healthy 90',
      'READY 90',
    ]);
  });

  it('times a start whose task AWS no longer describes from the polls alone', () => {
    const t0 = 1_000_000;
    const phases = measuredPhases({
      requestedAt: t0,
      stepsDoneAt: { 'check-endpoints': t0 + 70_000, 'wait-task-running': t0 + 90_000 },
      readyAt: t0 + 90_000,
    });
    expect(phases.map((p) => `${p.name} ${p.seconds}`)).toEqual(['checks 70', 'healthy 90', 'READY 90']);
  });

  it('leaves out what has no stamp (load-balancer mode: no DNS change) and never goes below 0', () => {
    const phases = measuredPhases({ requestedAt: 10_000, task: { startedAt: 9_000 }, stepsDoneAt: {}, readyAt: 70_000 });
    expect(phases).toEqual([
      { name: 'containers started', seconds: 0, by: 'aws' },
      { name: 'READY', seconds: 60, by: 'observed' },
    ]);
  });
});

describe('the timings file', () => {
  it('keeps the newest starts, the oldest dropped', () => {
    let file = withStart(undefined, start(90));
    for (let i = 0; i < KEPT_STARTS + 3; i++) file = withStart(file, start(60 + i));
    expect(file.schema).toBe(1);
    expect(file.starts).toHaveLength(KEPT_STARTS);
    expect(file.starts.at(-1)?.readySeconds).toBe(60 + KEPT_STARTS + 2);
    expect(parseTimingsFile(JSON.stringify(file))).toEqual(file);
  });

  it('names the bad field', () => {
    const field = (text: string) => {
      try {
        parseTimingsFile(text);
      } catch (error) {
        return (error as TimingsFileError).field;
      }
      return 'accepted';
    };
    const good = withStart(undefined, start(80));
    expect(field(JSON.stringify(good))).toBe('accepted');
    expect(field('[')).toBe('(the whole file)');
    expect(field(JSON.stringify({ ...good, schema: 2 }))).toBe('schema');
    expect(field(JSON.stringify({ schema: 1, starts: [{ ...start(80), ingress: 'nlb' }] }))).toBe('starts[0].ingress');
    expect(field(JSON.stringify({ schema: 1, starts: [start(80), { ...start(80), readySeconds: 1.5 }] }))).toBe(
      'starts[1].readySeconds',
    );
    const badPhase = { ...start(80), phases: [{ name: 'warming', seconds: 3, by: 'aws' }] };
    expect(field(JSON.stringify({ schema: 1, starts: [badPhase] }))).toBe('starts[0].phases[0].name');
    expect(() => parseTimingsFile('{')).toThrow(TimingsFileError);
  });

  it('says what is wrong: a file cut short is not JSON; a bad field gets the reason the schema gives', () => {
    expect(() => parseTimingsFile('{"schema": 1, "starts": [')).toThrow(/^it is not JSON \(/);
    expect(() => parseTimingsFile(JSON.stringify({ schema: 2, starts: [] }))).toThrow('expected 1');
  });
});

describe('the measured start that plan shows', () => {
  it('is the median of the last starts of the same ingress, release, size and architecture', () => {
    const others = [
      start(20, { ingress: 'load-balancer' }),
      start(21, { jitsiRelease: 'stable-9584' }),
      start(22, { size: 'large' }),
      start(23, { architecture: 'x86_64' }),
    ];
    // Older matching starts beyond the last MEDIAN_OF do not count.
    const file = {
      schema: 1 as const,
      starts: [start(300), start(301), ...others, start(70), start(95), start(80), start(62), start(88)],
    };
    const measured = measuredStart(file, deployment);
    expect(MEDIAN_OF).toBe(5);
    expect(measured).toEqual({
      seconds: 80,
      range: [62, 95],
      phases: [
        { name: 'images pulled', seconds: 40 },
        { name: 'READY', seconds: 80 },
      ],
      starts: 5,
      lastMeasuredAt: start(88).measuredAt,
    });
    expect(measuredStart({ schema: 1, starts: others }, deployment)).toBeUndefined();
  });

  it('shows the medians in the order they ended (a load-balancer start checks after health)', () => {
    const lb = { ...deployment, ingress: 'load-balancer' } as const;
    const phases: RecordedStart['phases'] = [
      { name: 'healthy', seconds: 75, by: 'observed' },
      { name: 'checks', seconds: 140, by: 'observed' },
      { name: 'READY', seconds: 140, by: 'observed' },
    ];
    const measured = measuredStart({ schema: 1, starts: [start(140, { ...lb, phases })] }, lb);
    expect(measured?.phases.map((p) => p.name)).toEqual(['healthy', 'checks', 'READY']);
  });

  it('median: the middle value, the lower middle of an even count', () => {
    expect(median([3])).toBe(3);
    expect(median([9, 1, 5])).toBe(5);
    expect(median([4, 1, 3, 2])).toBe(2);
  });
});
