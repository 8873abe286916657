/** The example config shipped with the repo; `meetctl plan` uses it when no config exists yet. */
export { EXAMPLE_CONFIG_FILE } from '../package-root.js';
/** The config file a community writes for its own deployment. */
export const DEFAULT_CONFIG_FILE = 'meet.config.json';
