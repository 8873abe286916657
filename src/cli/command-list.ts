import type { RegisterCommand } from './command-wiring.js';
import * as config from './commands/definitions/config.js';
import * as cost from './commands/definitions/cost.js';
import * as deploy from './commands/definitions/deploy.js';
import * as destroy from './commands/definitions/destroy.js';
import * as health from './commands/definitions/health.js';
import * as history from './commands/definitions/history.js';
import * as link from './commands/definitions/link.js';
import * as logs from './commands/definitions/logs.js';
import * as plan from './commands/definitions/plan.js';
import * as powerDown from './commands/definitions/power-down.js';
import * as powerUp from './commands/definitions/power-up.js';
import * as recordings from './commands/definitions/recordings.js';
import * as report from './commands/definitions/report.js';
import * as rotateSecrets from './commands/definitions/rotate-secrets.js';
import * as schedule from './commands/definitions/schedule.js';
import * as simulate from './commands/definitions/simulate.js';
import * as start from './commands/definitions/start.js';
import * as status from './commands/definitions/status.js';
import * as stop from './commands/definitions/stop.js';
import * as test from './commands/definitions/test.js';
import * as users from './commands/definitions/users.js';

/**
 * Every top-level command of meetctl, in the order `meetctl --help` lists them. A new command is one new
 * module in commands/definitions/ (exporting `register`) and one line here.
 */
export const COMMANDS: readonly RegisterCommand[] = [
  plan.register,
  deploy.register,
  status.register,
  start.register,
  stop.register,
  powerDown.register,
  powerUp.register,
  destroy.register,
  health.register,
  test.register,
  logs.register,
  history.register,
  cost.register,
  report.register,
  rotateSecrets.register,
  link.register,
  users.register,
  recordings.register,
  schedule.register,
  simulate.register,
  config.register,
];
