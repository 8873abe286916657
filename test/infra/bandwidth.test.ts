import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { bandwidthEnvironment, CUSTOM_CONFIG_FILE } from '../../src/config/bandwidth.js';
import { WEB_CONFIG_CONTAINER, WEB_CONFIG_MOUNT, WEB_CONFIG_VOLUME } from '../../src/infra/constructs/jitsi-task.js';
import { FULL_BRANDING } from '../support/branding.js';
import { configWith, resource, synth } from '../support/fixtures.js';
import { renderGoTemplate } from '../support/go-template.js';
import { WEB_VIDEO_SETTINGS_CONFIG } from '../support/jitsi-templates.js';

type Container = {
  Name: string;
  Command?: string[];
  Environment?: Array<{ Name: string; Value: unknown }>;
  MountPoints?: Array<{ SourceVolume: string; ContainerPath: string; ReadOnly: boolean }>;
  DependsOn?: Array<{ ContainerName: string; Condition: string }>;
};

/** The web container's variables and the files its init container writes, read back from a synthesized template. */
function webOf(changes: Parameters<typeof configWith>[0]) {
  const { json } = synth(configWith(changes));
  const containers = resource(json, 'AWS::ECS::TaskDefinition').props.ContainerDefinitions as Container[];
  const find = (name: string) => containers.find((c) => c.Name === name) as Container;
  const envOf = (c: Container) => Object.fromEntries((c.Environment ?? []).map((e) => [e.Name, String(e.Value)]));
  const init = find(WEB_CONFIG_CONTAINER);
  // Each line `printf '%s' "$VAR" | base64 -d > 'file'` of the init command says which variable holds a file.
  const files = Object.fromEntries(
    [...(init.Command?.[0] ?? '').matchAll(/"\$(\w+)" \| base64 -d > '([^']+)'/g)].map(([, variable, file]) => [
      file,
      Buffer.from(envOf(init)[variable as string] ?? '', 'base64').toString('utf8'),
    ]),
  );
  return { web: find('web'), webEnv: envOf(find('web')), files };
}

/** config.js as web's start script builds it (settings-config.js with the variables, then custom-config.js). */
function configJs(webEnv: Record<string, string>, customConfig: string): Record<string, unknown> {
  const config: Record<string, unknown> = {};
  runInNewContext(`${renderGoTemplate(WEB_VIDEO_SETTINGS_CONFIG, webEnv)}\n${customConfig}`, { config });
  return config;
}

describe('bandwidth preset in the template', () => {
  it('gives the default deploy (direct, no branding) the talk preset: web variables and custom-config.js', () => {
    const { web, webEnv, files } = webOf({});
    expect(webEnv).toMatchObject(bandwidthEnvironment('talk'));
    expect(Object.keys(files)).toEqual([CUSTOM_CONFIG_FILE]);
    expect(web.MountPoints).toEqual([{ SourceVolume: WEB_CONFIG_VOLUME, ContainerPath: '/config', ReadOnly: true }]);
    expect(web.DependsOn).toContainEqual({ ContainerName: WEB_CONFIG_CONTAINER, Condition: 'SUCCESS' });
    expect(WEB_CONFIG_MOUNT).toBe('/web-config');
    const config = configJs(webEnv, files[CUSTOM_CONFIG_FILE] as string);
    expect(config).toMatchObject({ resolution: 720, channelLastN: 2, disableTileView: true });
    expect(config.videoQuality).toMatchObject({
      vp8: { maxBitratesVideo: { low: 100_000, standard: 300_000, high: 450_000, ssHigh: 400_000 } },
    });
  });

  it('writes the low-bandwidth preset the config asks for', () => {
    const { webEnv, files } = webOf({ bandwidth: 'low-bandwidth' });
    expect(webEnv).toMatchObject(bandwidthEnvironment('low-bandwidth'));
    expect(configJs(webEnv, files[CUSTOM_CONFIG_FILE] as string)).toMatchObject({
      resolution: 360,
      channelLastN: 1,
      startWithVideoMuted: true,
      disableTileView: true,
      audioQuality: { opusMaxAverageBitrate: 24_000 },
    });
  });

  it("writes the discussion preset next to the branding's custom-config.js lines", () => {
    const { webEnv, files } = webOf({ branding: FULL_BRANDING, bandwidth: 'discussion' });
    expect(webEnv).toMatchObject(bandwidthEnvironment('discussion'));
    const config = configJs(webEnv, files[CUSTOM_CONFIG_FILE] as string);
    expect(config).toMatchObject({ resolution: 720, channelLastN: 6, startWithVideoMuted: false });
    expect(config.disableTileView).toBeUndefined();
    expect(config.defaultLogoUrl).toBe(FULL_BRANDING.logoUrl);
  });
});
