import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/errors.js';
import { SimAws, VirtualClock } from '../../src/sim/simulated-aws.js';
import { cli, communityConfig } from '../support/cli.js';

describe('meetctl test after a failed start', () => {
  it('skips the health, TLS, web and websocket phases and still stops', async () => {
    const aws = new SimAws(new VirtualClock(), { faults: { targetNeverHealthy: true } });
    const result = await cli(['test', '--json'], { files: { 'meet.config.json': communityConfig() }, sim: aws });
    expect(result.code).toBe(ExitCode.failed);
    const body = JSON.parse(result.stdout) as { ok: boolean; phases: { name: string; status: string; detail: string }[] };
    expect(body.ok).toBe(false);
    expect(body.phases.map((p) => `${p.name}:${p.status}`)).toEqual([
      'start:fail',
      'health:skip',
      'tls:skip',
      'web:skip',
      'websocket:skip',
      'stop:pass',
    ]);
    expect(body.phases.filter((p) => p.status === 'skip').every((p) => p.detail === 'the start failed')).toBe(true);
    expect(aws.liveTasks()).toBe(0);
  });
});
