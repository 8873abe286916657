import type { CloudWatchAlarmEvent, Context } from 'aws-lambda';
import { idleStop } from '../automation/handlers.js';
import { automationDeps } from './environment.js';

/** Lambda entry: a thin wrapper; the logic is `idleStop` in src/automation/handlers.ts. */
export const handler = (event: CloudWatchAlarmEvent, context?: Context) => idleStop(automationDeps(context))(event);
