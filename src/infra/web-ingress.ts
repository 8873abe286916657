import { frameAncestors, HSTS } from '../web-headers.js';

/**
 * The meeting host's security headers and HTTP redirect in load-balancer mode. The Network Load
 * Balancer passes TLS 443 as plain TCP to web's nginx and can add no header, and it had no port 80 at
 * all (so http:// addresses got no answer). So web's own nginx does it, through docker-jitsi-meet's
 * custom config mechanism, checked at stable-11146-2:
 * - web/rootfs/defaults/meet.conf has `include /run/web/config/nginx-custom/*.conf;` at server level,
 *   before its locations, and web/rootfs/defaults/default includes meet.conf in the one server that
 *   listens on 8000 (`DISABLE_HTTPS=1`: no 8443 server, so ssl.conf's HSTS never applies);
 * - web/rootfs/etc/s6-overlay/scripts/config copies /config to /run/web/config at start, so a file
 *   the init container writes to /config/nginx-custom/ is included.
 * The file adds a second listening port to that server, on which every request is answered with a
 * redirect to HTTPS (the load balancer's TCP 80 forwards to it), and the headers for everything
 * else. nginx inherits server-level `add_header` only into locations without their own, so the
 * documents (the room pages, config.js) carry them; static files under /libs, /css… do not, which
 * needs neither (a browser reads HSTS from any HTTPS answer and frame-ancestors from documents).
 */

/** The port web's nginx answers plain HTTP on with a redirect (load-balancer mode): nothing else in the task uses it. */
export const WEB_REDIRECT_PORT = 8001;
/** The file under web's /config. */
export const WEB_INGRESS_FILE = 'nginx/custom-meet.conf';

/** The nginx-custom file; `listen` moves the redirect port (tests run it on loopback). */
export function webIngressConf(
  embedOrigins: readonly string[] = [],
  redirect: { readonly listen: string; readonly port: number } = { listen: String(WEB_REDIRECT_PORT), port: WEB_REDIRECT_PORT },
): string {
  return `# Written at start from meet.config.json (load-balancer mode): see src/infra/web-ingress.ts.
listen ${redirect.listen};
if ($server_port = ${redirect.port}) {
    return 301 https://$host$request_uri;
}
add_header Strict-Transport-Security "${HSTS}" always;
add_header Content-Security-Policy "${frameAncestors(embedOrigins)}" always;
`;
}
