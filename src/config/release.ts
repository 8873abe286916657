/**
 * What a pinned docker-jitsi-meet release tag implies for the containers. Facts from the upstream
 * repository (see docs/architecture.md): from stable-11146 the images are published on GHCR only,
 * are rootless and the web container listens on 8000; up to stable-11031 they are on Docker Hub and
 * nginx listens on 80.
 */
export interface JitsiRelease {
  /** The tag exactly as configured, e.g. `stable-11146-2`. */
  readonly tag: string;
  /** The release number, e.g. 11146. */
  readonly number: number;
  /** Registry and namespace of the images, e.g. `ghcr.io/jitsi`. */
  readonly imageRepository: string;
  /** Plain-HTTP port of the web container (TLS ends at the load balancer). */
  readonly webPort: number;
}

/** The oldest release whose health checks and defaults this project relies on (prosody /health). */
export const OLDEST_SUPPORTED_RELEASE = 9584;
/** The first release on GHCR with web on port 8000. */
export const GHCR_RELEASE = 11146;
/**
 * The oldest release the direct ingress mode (and the branding files) can run. Up to stable-11031
 * web's nginx binds port 80 itself (`listen 80 default_server;`, hard-coded in
 * web/rootfs/defaults/default at stable-9584 … stable-11031, with no variable for the port), which
 * is the port the direct mode's TLS sidecar redirects from: in one awsvpc task the second nginx
 * cannot bind it, exits, and the task never becomes healthy. Those images also write their
 * generated nginx and Jitsi config into /config (web/rootfs/etc/cont-init.d/10-config), which the
 * branding init container mounts read-only. From stable-11146 web listens on 8000 and copies
 * /config to /run/web/config (web/rootfs/etc/s6-overlay/scripts/config).
 */
export const DIRECT_INGRESS_MIN_RELEASE = GHCR_RELEASE;
/** Stable tags look like `stable-11146` or `stable-11146-2`; moving tags are refused. */
export const RELEASE_TAG_PATTERN = /^stable-(\d{4,6})(-\d{1,3})?$/;

export function parseRelease(tag: string): JitsiRelease | undefined {
  const match = RELEASE_TAG_PATTERN.exec(tag);
  if (!match) return undefined;
  const number = Number(match[1]);
  const ghcr = number >= GHCR_RELEASE;
  return {
    tag,
    number,
    imageRepository: ghcr ? 'ghcr.io/jitsi' : 'jitsi',
    webPort: ghcr ? 8000 : 80,
  };
}

/** Full image reference of one component at the pinned release. */
export function imageFor(release: JitsiRelease, component: 'web' | 'prosody' | 'jicofo' | 'jvb'): string {
  return `${release.imageRepository}/${component}:${release.tag}`;
}

/**
 * The TCP ports each Jitsi image listens on inside the task's one network namespace, with the
 * settings this project gives it (DISABLE_HTTPS=1 on web, no port variables changed). Read from the
 * images' defaults at stable-9584, stable-11031, stable-11146 and stable-11146-2:
 * - web: web/rootfs/defaults/default `listen 80` (up to 11031) or `listen 8000` (from 11146); its
 *   443/8443 server exists only without DISABLE_HTTPS;
 * - prosody: prosody/rootfs/defaults/prosody.cfg.lua `c2s_ports` (XMPP_PORT, 5222), `s2s_ports`
 *   (PROSODY_S2S_PORT, 5269), `http_ports` (PROSODY_HTTP_PORT, 5280), `component_ports = { }`;
 * - jicofo: its REST API on `jicofo.rest.port = 8888` (jicofo reference.conf, tags
 *   stable/jitsi-meet_9584 and stable/jitsi-meet_11146);
 * - jvb: the private HTTP server on 8080 (jitsi-videobridge doc/rest.md "Defaults to 8080"), and up
 *   to stable-11031 a public one on 9090 (jvb/rootfs/defaults/jvb.conf `http-servers.public.port`;
 *   from stable-11146 the public server is off, `port = -1` in jvb's reference.conf). Media is UDP.
 */
export function listeningPorts(release: JitsiRelease): Record<'web' | 'prosody' | 'jicofo' | 'jvb', readonly number[]> {
  const old = release.number < GHCR_RELEASE;
  return {
    web: [release.webPort],
    prosody: [5222, 5269, 5280],
    jicofo: [8888],
    jvb: old ? [8080, 9090] : [8080],
  };
}
