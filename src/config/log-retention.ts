/**
 * The retentions CloudWatch Logs accepts (PutRetentionPolicy), and the container logs' default. A
 * module of its own, without zod: the cost model (and so the organizer page's bundle) reads the default.
 */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731] as const;
/** Days the container logs are kept when the config does not say (`logRetentionDays`). */
export const DEFAULT_LOG_RETENTION_DAYS = 30;
