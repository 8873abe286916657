#!/usr/bin/env node
/**
 * CDK app entry for the `cdk` CLI (`npm run synth`, `meetctl deploy`). It only wires the config into
 * the app: MEET_CONFIG names the config file (default meet.config.json, else the shipped example) and
 * MEET_REGION overrides its region. The start timings file next to the config (`meetctl start
 * --record-timings`), when there is one, gives the organizer page its measured start.
 */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_TIMINGS_FILE, readTimingsFile } from '../src/cli/commands/start-timing.js';
import { DEFAULT_CONFIG_FILE, EXAMPLE_CONFIG_FILE, parseConfigText } from '../src/config/load.js';
import { MeetError } from '../src/errors.js';
import { buildApp } from '../src/infra/app.js';

const file =
  process.env.MEET_CONFIG ??
  (existsSync(DEFAULT_CONFIG_FILE) ? DEFAULT_CONFIG_FILE : path.join(__dirname, '..', '..', EXAMPLE_CONFIG_FILE));
try {
  const config = parseConfigText(readFileSync(file, 'utf8'), file);
  const files = { fileExists: existsSync, readFile: (name: string) => readFileSync(name, 'utf8') };
  const startTimings = readTimingsFile(files, path.join(path.dirname(file), DEFAULT_TIMINGS_FILE));
  buildApp({ ...config, region: process.env.MEET_REGION ?? config.region }, startTimings ? { startTimings } : {}).app.synth();
} catch (error) {
  if (!(error instanceof MeetError)) throw error;
  process.stderr.write(`error: ${error.message}\n${error.hint ? `hint: ${error.hint}\n` : ''}`);
  process.exitCode = error.exitCode;
}
