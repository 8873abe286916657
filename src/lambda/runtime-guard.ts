import type { Context, ScheduledEvent } from 'aws-lambda';
import { runtimeGuard } from '../automation/handlers.js';
import { automationDeps } from './environment.js';

/** Lambda entry: a thin wrapper; the logic is `runtimeGuard` in src/automation/handlers.ts. */
export const handler = (event: ScheduledEvent, context?: Context) => runtimeGuard(automationDeps(context))(event);
