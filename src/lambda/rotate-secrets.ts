import type { Context, ScheduledEvent } from 'aws-lambda';
import { scheduledRotation } from '../automation/handlers.js';
import { automationDeps } from './environment.js';

/** Lambda entry: a thin wrapper; the logic is `rotateSecrets` in src/control/rotation.ts. */
export const handler = (event: ScheduledEvent, context?: Context) => scheduledRotation(automationDeps(context))(event);
