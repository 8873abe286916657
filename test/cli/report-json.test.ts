import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TransitionEvent } from '../../src/control/ports.js';
import { SimAws, VirtualClock } from '../../src/sim/simulated-aws.js';
import { cli, communityConfig } from '../support/cli.js';
import { ROOT } from '../support/fixtures.js';

// The recorded event log of test/report/meetups.test.ts (weekly meetups in Berlin, one recorded).
const events = JSON.parse(readFileSync(path.join(ROOT, 'test', 'fixtures', 'event-log-dst.json'), 'utf8')) as TransitionEvent[];
const now = Date.UTC(2026, 11, 3, 17, 45);

describe('meetctl report --json', () => {
  it('gives the window start, and the recorder hours only of a meetup that was recorded', async () => {
    const sim = new SimAws(new VirtualClock(now), { ingress: 'direct' });
    sim.state.log.push(...events);
    const result = await cli(['report', '--since', '300d', '--tz', 'Europe/Berlin', '--json'], {
      files: { 'meet.config.json': communityConfig() },
      sim,
    });
    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout) as { since: string; meetups: Record<string, unknown>[] };
    expect(json.since).toBe(new Date(now - 300 * 86_400_000).toISOString());
    expect(json.meetups[1]).toMatchObject({ startedBy: 'page:ana@ne3d.org', stoppedBy: 'cli:bo@laptop', recorderHours: 1 });
    expect(json.meetups[0]).not.toHaveProperty('recorderHours');
  });
});
