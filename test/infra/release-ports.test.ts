import { describe, expect, it } from 'vitest';
import { listeningPorts, parseRelease } from '../../src/config/release.js';
import type { IngressMode } from '../../src/config/schema.js';
import { buildApp } from '../../src/infra/app.js';
import { WEB_REDIRECT_PORT } from '../../src/infra/web-ingress.js';
import { configWith, resource, synth, type TemplateJson } from '../support/fixtures.js';

// Every release boundary the schema accepts, in every ingress mode it accepts it in: the oldest
// release (stable-9584), the last Docker Hub one (stable-11031), the first GHCR one (stable-11146)
// and the pinned one (stable-11146-2). Releases before stable-11146 run only behind the load
// balancer: their web image binds port 80 (web/rootfs/defaults/default at those tags), which the
// direct mode's TLS sidecar needs (test/config/release.test.ts checks the refusal).
//
// What each Jitsi image binds comes from its defaults at the tag (listeningPorts, cited in
// src/config/release.ts); what the sidecar binds and where it proxies is read from its synthesized
// command; everything else (port mappings, health checks, target group, security group) from the
// synthesized template.
const CASES: Array<[tag: string, ingress: IngressMode]> = [
  ['stable-9584', 'load-balancer'],
  ['stable-11031', 'load-balancer'],
  ['stable-11146', 'direct'],
  ['stable-11146', 'load-balancer'],
  ['stable-11146-2', 'direct'],
  ['stable-11146-2', 'load-balancer'],
];

interface Container {
  Name: string;
  Command?: string[];
  PortMappings?: Array<{ ContainerPort: number; Protocol: string }>;
  HealthCheck?: { Command: string[] };
  Environment?: Array<{ Name: string; Value: unknown }>;
}

/**
 * The TCP ports each container of the task binds. Behind the load balancer, web's nginx also answers
 * plain HTTP on the redirect port, from the custom file the init container writes (web-ingress.ts).
 */
function boundPorts(tag: string, ingress: IngressMode, containers: Container[]): Map<string, number[]> {
  const release = parseRelease(tag);
  if (!release) throw new Error(`not a release: ${tag}`);
  const images = listeningPorts(release);
  const bound = new Map<string, number[]>();
  for (const c of containers) {
    if (c.Name === 'web' && ingress === 'load-balancer') bound.set(c.Name, [...images.web, WEB_REDIRECT_PORT]);
    else if (c.Name in images) bound.set(c.Name, [...images[c.Name as keyof typeof images]]);
    else if (c.Name === 'tls')
      bound.set(
        c.Name,
        [...(c.Command?.[0] ?? '').matchAll(/^\s*listen (\d+)/gm)].map((m) => Number(m[1])),
      );
    else bound.set(c.Name, []);
  }
  return bound;
}

/** Pairs of containers that bind the same TCP port (the second nginx or Java server would fail to start). */
function sharedPorts(bound: Map<string, number[]>): string[] {
  const owner = new Map<number, string>();
  const clashes: string[] = [];
  for (const [name, ports] of bound) {
    for (const port of ports) {
      const other = owner.get(port);
      if (other) clashes.push(`${other} and ${name} on ${port}`);
      else owner.set(port, name);
    }
  }
  return clashes;
}

const urlPort = (text: string): number => Number(/http:\/\/127\.0\.0\.1:(\d+)\//.exec(text)?.[1]);

function webTargets(json: TemplateJson) {
  return resource(json, 'AWS::ElasticLoadBalancingV2::TargetGroup', 'WebTargets').props;
}

describe.each(CASES)('the task at %s in %s mode', (tag, ingress) => {
  const { json } = synth(configWith({ jitsiRelease: tag, ingress }));
  const containers = resource(json, 'AWS::ECS::TaskDefinition', 'Task').props.ContainerDefinitions as Container[];
  const bound = boundPorts(tag, ingress, containers);
  const webPort = listeningPorts(parseRelease(tag) ?? ({} as never)).web[0];

  it('has no TCP port bound by two containers of its one network namespace', () => {
    const web = tag.startsWith('stable-11146') ? 8000 : 80;
    expect(bound.get('web')).toEqual(ingress === 'load-balancer' ? [web, WEB_REDIRECT_PORT] : [web]);
    expect(sharedPorts(bound)).toEqual([]);
  });

  it('maps only ports its containers bind, and checks each container on a port it binds', () => {
    for (const c of containers) {
      for (const mapping of c.PortMappings ?? []) {
        if (mapping.Protocol === 'udp') {
          expect(c.Name).toBe('jvb');
          expect(c.Environment).toContainEqual({ Name: 'JVB_PORT', Value: String(mapping.ContainerPort) });
        } else expect(bound.get(c.Name)).toContain(mapping.ContainerPort);
      }
      if (c.HealthCheck) expect(bound.get(c.Name), c.Name).toContain(urlPort(c.HealthCheck.Command.join(' ')));
    }
    expect(containers.filter((c) => c.HealthCheck).map((c) => c.Name)).toEqual(
      expect.arrayContaining(['web', 'prosody', 'jicofo', 'jvb']),
    );
  });

  if (ingress === 'direct') {
    it("publishes 443 and 80 through the sidecar only, which proxies to web's real port", () => {
      const tls = containers.find((c) => c.Name === 'tls');
      expect(bound.get('tls')?.sort()).toEqual([443, 80].sort());
      expect(tls?.PortMappings?.map((m) => m.ContainerPort).sort()).toEqual([443, 80].sort());
      expect(tls?.Command?.[0]).toContain(`proxy_pass http://127.0.0.1:${webPort};`);
      expect(containers.find((c) => c.Name === 'web')?.PortMappings ?? []).toEqual([]);
      expect(Object.values(json.Resources).some((r) => r.Type === 'AWS::ElasticLoadBalancingV2::TargetGroup')).toBe(false);
    });
  } else {
    it("points the target group, its health check, the service and the security group at web's real port", () => {
      expect(containers.some((c) => c.Name === 'tls')).toBe(false);
      expect(webTargets(json)).toMatchObject({ Port: webPort, HealthCheckPort: String(webPort) });
      // TLS 443 to web's real port; plain HTTP 80 to the redirect port (web-ingress.ts).
      expect(resource(json, 'AWS::ECS::Service').props.LoadBalancers).toEqual([
        expect.objectContaining({ ContainerName: 'web', ContainerPort: webPort }),
        expect.objectContaining({ ContainerName: 'web', ContainerPort: WEB_REDIRECT_PORT }),
      ]);
      const ingressRules = Object.values(json.Resources)
        .filter((r) => r.Type === 'AWS::EC2::SecurityGroupIngress')
        .map((r) => r.Properties ?? {});
      expect(ingressRules).toContainEqual(expect.objectContaining({ IpProtocol: 'tcp', FromPort: webPort, ToPort: webPort }));
    });
  }
});

describe('the task construct', () => {
  it('refuses a release whose web binds the sidecar port, even when the config schema was bypassed', () => {
    const config = { ...configWith({ jitsiRelease: 'stable-11031', ingress: 'load-balancer' }), ingress: 'direct' as const };
    expect(() => buildApp(config, { skipBundling: true })).toThrow(
      'containers web and tls both bind TCP port 80 in the task\'s one network namespace at jitsiRelease "stable-11031"',
    );
  });

  it('would see a clash: the check finds two containers on one port', () => {
    expect(
      sharedPorts(
        new Map([
          ['web', [80]],
          ['tls', [443, 80]],
        ]),
      ),
    ).toEqual(['web and tls on 80']);
  });
});
