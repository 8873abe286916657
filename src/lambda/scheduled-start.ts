import type { Context } from 'aws-lambda';
import { type ScheduledStartInput, scheduledStart } from '../automation/handlers.js';
import { automationDeps } from './environment.js';

/** Lambda entry: a thin wrapper; the logic is `scheduledStart` in src/automation/handlers.ts. */
export const handler = (event: ScheduledStartInput, context?: Context) => scheduledStart(automationDeps(context))(event);
