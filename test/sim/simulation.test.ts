import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { transition } from '../../src/control/transition.js';
import { SIMULATED_ACCOUNT, Simulation, simulationFile } from '../../src/sim/simulation.js';

const dirs: string[] = [];
const fresh = () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'meetctl-sim-test-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const rt = (simulation: Simulation, stackName: string) => ({
  ports: simulation.world(stackName, 'meet.example.org').ports,
  clock: simulation.clock,
  host: 'meet.example.org',
  pollMs: 5000,
  onProgress: () => {},
});

describe('the simulation kept between commands', () => {
  it('starts a fresh world deployed and stopped, named from the config', async () => {
    const simulation = new Simulation(fresh());
    const stack = await simulation.world('Meet-meet-example-org', 'meet.example.org').ports.stack.describe();
    expect(stack).toMatchObject({
      name: 'Meet-meet-example-org',
      outputs: expect.objectContaining({ MeetingUrl: 'https://meet.example.org' }),
    });
    expect(simulation.world('Meet-meet-example-org', 'x').desired).toBe(0);
  });

  it('keeps the world of one command for the next: start, then a new process sees it running', async () => {
    const dir = fresh();
    const first = new Simulation(dir);
    await transition({ goal: 'running', actor: 'cli', reason: 'try' }, rt(first, 'Meet-a'));
    first.save();
    const second = new Simulation(dir);
    expect(second.world('Meet-a', 'meet.example.org').liveTasks()).toBe(1);
    expect(second.clock.now()).toBeGreaterThanOrEqual(first.clock.now());
    expect(second.world('Meet-a', 'meet.example.org').state.log.map((e) => e.outcome)).toEqual(['done']);
    // Another stack has a world of its own.
    expect(second.world('Meet-b', 'meet.example.org').liveTasks()).toBe(0);
  });

  it('reset forgets the world', async () => {
    const dir = fresh();
    const simulation = new Simulation(dir);
    await transition({ goal: 'running', actor: 'cli', reason: 'try' }, rt(simulation, 'Meet-a'));
    simulation.save();
    expect(simulation.reset('Meet-a')).toBe(true);
    expect(simulation.reset('Meet-a')).toBe(false);
    expect(new Simulation(dir).world('Meet-a', 'x').liveTasks()).toBe(0);
    expect(simulationFile('Meet/a b', dir)).toBe(path.join(dir, 'Meet-a-b.json'));
  });

  it('answers deploy without any AWS call: its own account, its own stack, and a cdk that updates the world', async () => {
    const simulation = new Simulation(fresh());
    const aws = simulation.awsPorts('meet.example.org');
    expect(await aws.identity.accountId()).toBe(SIMULATED_ACCOUNT);
    expect((await aws.stacks.describe('Meet-a'))?.name).toBe('Meet-a');
    const code = await simulation.cdkRunner()(['deploy', 'Meet-a', '--parameters', 'DesiredCount=0'], { env: {}, cwd: '/' });
    expect(code).toBe(0);
    expect(simulation.world('Meet-a', 'x').deploys).toHaveLength(1);
  });

  it("starts a fresh world in the config's ingress mode, keeps it, and switches it on deploy", async () => {
    const dir = fresh();
    const first = new Simulation(dir);
    const world = first.world('Meet-c', 'meet.example.org', 'load-balancer');
    expect((await world.ports.stack.describe())?.outputs).toMatchObject({ IngressMode: 'load-balancer' });
    first.save();
    // A saved world keeps the mode it was deployed in, whatever the next command's config says…
    const second = new Simulation(dir);
    expect(second.world('Meet-c', 'meet.example.org', 'direct').ingress).toBe('load-balancer');
    // …until a deploy of a config in the other mode.
    const config = path.join(dir, 'meet.config.json');
    writeFileSync(config, JSON.stringify({ ingress: 'direct' }));
    expect(
      await second.cdkRunner()(['deploy', 'Meet-c', '--parameters', 'DesiredCount=0'], {
        env: { MEET_CONFIG: config },
        cwd: dir,
      }),
    ).toBe(0);
    const stack = await second.world('Meet-c', 'meet.example.org').ports.stack.describe();
    expect(stack?.outputs).toMatchObject({ IngressMode: 'direct' });
    expect(stack?.outputs.WebTargetGroupArn).toBeUndefined();
  });
});
