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
