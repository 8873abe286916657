import { describe, expect, it } from 'vitest';
import { brandingInitCommand, jitsiBrandingFiles } from '../../src/branding/jitsi-branding.js';
import { BRANDING_ENV } from '../../src/branding/page-branding.js';
import { BRANDING_CONTAINER, BRANDING_VOLUME, STATS_IMAGE } from '../../src/infra/constructs/jitsi-task.js';
import { FULL_BRANDING } from '../support/branding.js';
import { configWith, resource, synth } from '../support/fixtures.js';

// One template for the whole file: the example (direct, members) with every branding field set.
const branding = FULL_BRANDING;
const { json } = synth(configWith({ branding }));
const taskDefinition = resource(json, 'AWS::ECS::TaskDefinition');
type Container = {
  Name: string;
  Image: unknown;
  Essential?: boolean;
  EntryPoint?: string[];
  Command?: string[];
  Environment?: Array<{ Name: string; Value: unknown }>;
  MountPoints?: Array<{ SourceVolume: string; ContainerPath: string; ReadOnly: boolean }>;
  DependsOn?: Array<{ ContainerName: string; Condition: string }>;
  Secrets?: unknown[];
};
const containers = taskDefinition.props.ContainerDefinitions as Container[];
const container = (name: string) => containers.find((c) => c.Name === name) as Container;
const env = (name: string) => Object.fromEntries((container(name).Environment ?? []).map((e) => [e.Name, e.Value]));
const functionEnv = (idPart: string) =>
  (resource(json, 'AWS::Lambda::Function', idPart).props.Environment as { Variables: Record<string, unknown> }).Variables;

describe('branding in the template', () => {
  it('runs a one-shot init container from the pinned busybox image that writes the files, essential: false', () => {
    const init = container(BRANDING_CONTAINER);
    expect(init.Image).toBe(STATS_IMAGE);
    expect(STATS_IMAGE).toMatch(/^public\.ecr\.aws\/docker\/library\/busybox:\d+\.\d+\.\d+$/);
    expect(init.Essential).toBe(false);
    const expected = brandingInitCommand(jitsiBrandingFiles(branding, 'meet.example.org'), '/branding');
    expect(init.EntryPoint).toEqual(['sh', '-c']);
    expect(init.Command).toEqual([expected.command]);
    expect(env(BRANDING_CONTAINER)).toEqual(expected.environment);
    expect(init.Secrets).toBeUndefined();
    expect(init.MountPoints).toEqual([{ SourceVolume: BRANDING_VOLUME, ContainerPath: '/branding', ReadOnly: false }]);
  });

  it("mounts the volume read-only at web's /config, and starts web only after the files are written", () => {
    expect(taskDefinition.props.Volumes).toEqual([{ Name: BRANDING_VOLUME }]);
    expect(container('web').MountPoints).toEqual([{ SourceVolume: BRANDING_VOLUME, ContainerPath: '/config', ReadOnly: true }]);
    expect(container('web').DependsOn).toContainEqual({ ContainerName: BRANDING_CONTAINER, Condition: 'SUCCESS' });
    for (const other of ['prosody', 'jicofo', 'jvb', 'stats', 'tls']) expect(container(other).MountPoints ?? []).toEqual([]);
  });

  it('points the web client at the branding data on its own origin', () => {
    expect(env('web').DYNAMIC_BRANDING_URL).toBe('https://meet.example.org/branding/branding.json');
  });

  it('gives the organizer page and the asleep page the branding', () => {
    for (const fn of ['OrganizerPageFunction', 'AsleepFunction']) {
      expect(JSON.parse(functionEnv(fn)[BRANDING_ENV] as string)).toEqual(branding);
    }
  });
});
