/** UDP port of the video bridge (JVB_PORT), the same on the load balancer and in the container. */
export const JVB_MEDIA_PORT = 10000;
/** The bridge's private HTTP port with /about/health (and /colibri/stats). */
export const JVB_HEALTH_PORT = 8080;
/** Prosody's HTTP port (BOSH, websocket, /health) on localhost. */
export const PROSODY_HTTP_PORT = 5280;
/** Jicofo's REST port on localhost (/about/health, /stats). */
export const JICOFO_REST_PORT = 8888;
/** The public HTTPS port. */
export const HTTPS_PORT = 443;
