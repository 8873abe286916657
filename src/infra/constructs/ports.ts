/** UDP port of the video bridge (JVB_PORT): participants send media straight to the task on it, in every mode. */
export const JVB_MEDIA_PORT = 10000;
/** The bridge's private HTTP port with /about/health and the Prometheus /metrics (not /colibri/stats: the REST API is off). */
export const JVB_HEALTH_PORT = 8080;
/** Prosody's HTTP port (BOSH, websocket, /health) on localhost. */
export const PROSODY_HTTP_PORT = 5280;
/** Jicofo's REST port on localhost (/about/health, /stats). */
export const JICOFO_REST_PORT = 8888;
/** The public HTTPS port. */
export const HTTPS_PORT = 443;
/** Plain HTTP: the direct mode's sidecar answers it only with a redirect to HTTPS. */
export const HTTP_PORT = 80;
