import { describe, expect, it } from 'vitest';
import { wakingCsp, wakingPage } from '../../src/asleep/waking-page.js';
import { brandingInitCommand, jitsiBrandingFiles } from '../../src/branding/jitsi-branding.js';
import { BRANDING_ENV } from '../../src/branding/page-branding.js';
import { withBandwidthConfig } from '../../src/config/bandwidth.js';
import {
  STATS_IMAGE,
  TLS_CONTAINER,
  WEB_CONFIG_CONTAINER,
  WEB_CONFIG_MOUNT,
  WEB_CONFIG_VOLUME,
} from '../../src/infra/constructs/jitsi-task.js';
import { nginxQuoted, tlsProxyCommand, WAKING_RETRY_SECONDS } from '../../src/infra/tls-proxy.js';
import { EMBED_ORIGINS_ENV } from '../../src/web-headers.js';
import { FULL_BRANDING } from '../support/branding.js';
import { configWith, resource, synth } from '../support/fixtures.js';

// One template for the whole file: the example (direct, members) with every branding field set, and
// the group's website allowed to frame the meeting.
const branding = FULL_BRANDING;
const EMBED = ['https://ne3d.org', 'https://www.ne3d.org'];
const { json } = synth(configWith({ branding, embedOrigins: EMBED }));
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
    const init = container(WEB_CONFIG_CONTAINER);
    expect(init.Image).toBe(STATS_IMAGE);
    expect(STATS_IMAGE).toMatch(/^public\.ecr\.aws\/docker\/library\/busybox:\d+\.\d+\.\d+$/);
    expect(init.Essential).toBe(false);
    const expected = brandingInitCommand(
      withBandwidthConfig('talk', jitsiBrandingFiles(branding, 'meet.example.org')),
      WEB_CONFIG_MOUNT,
    );
    expect(init.EntryPoint).toEqual(['sh', '-c']);
    expect(init.Command).toEqual([expected.command]);
    expect(env(WEB_CONFIG_CONTAINER)).toEqual(expected.environment);
    expect(init.Secrets).toBeUndefined();
    expect(init.MountPoints).toEqual([{ SourceVolume: WEB_CONFIG_VOLUME, ContainerPath: WEB_CONFIG_MOUNT, ReadOnly: false }]);
  });

  it("mounts the volume read-only at web's /config, and starts web only after the files are written", () => {
    expect(taskDefinition.props.Volumes).toEqual([{ Name: WEB_CONFIG_VOLUME }]);
    expect(container('web').MountPoints).toEqual([{ SourceVolume: WEB_CONFIG_VOLUME, ContainerPath: '/config', ReadOnly: true }]);
    expect(container('web').DependsOn).toContainEqual({ ContainerName: WEB_CONFIG_CONTAINER, Condition: 'SUCCESS' });
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

  it("gives the TLS sidecar's waking page the group's name, logo and colours, and a CSP of its own for that page", () => {
    const tls = container(TLS_CONTAINER) as Container & { Command: string[] };
    // Members-only (the example's auth): the page also links members to the organizer page.
    const pageUrl = 'https://start.meet.example.org/';
    expect(tls.Command).toEqual([
      tlsProxyCommand({ host: 'meet.example.org', webPort: 8000, embedOrigins: EMBED, branding, pageUrl }),
    ]);
    const page = wakingPage({ host: 'meet.example.org', branding, retrySeconds: WAKING_RETRY_SECONDS, pageUrl });
    expect(page).toContain('NE3D Blender Meet is starting');
    expect(tls.Command[0]).toContain(`return 503 "${nginxQuoted(page, 'page')}";`);
    expect(tls.Command[0]).toContain(`add_header Content-Security-Policy "${wakingCsp(branding, EMBED)}" always;`);
    expect(wakingCsp(branding, EMBED)).toContain('img-src https://ne3d.org;');
  });

  it("lets the group's website frame the meeting host, in the sidecar and on the asleep page, and nobody else", () => {
    const tls = container(TLS_CONTAINER) as Container & { Command: string[] };
    expect(tls.Command[0]).toContain(`add_header Content-Security-Policy "frame-ancestors ${EMBED.join(' ')}" always;`);
    expect(JSON.parse(functionEnv('AsleepFunction')[EMBED_ORIGINS_ENV] as string)).toEqual(EMBED);
    // The organizer page is never framed.
    expect(functionEnv('OrganizerPageFunction')[EMBED_ORIGINS_ENV]).toBeUndefined();
  });
});
