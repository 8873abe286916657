import type { z } from 'zod';
import { ConfigError } from '../errors.js';
import { configSchema, defaultStackName, FIELD_FIXES, type MeetConfig } from './schema.js';

export { DEFAULT_CONFIG_FILE, EXAMPLE_CONFIG_FILE } from './files.js';

/** Validate already-parsed JSON. Throws ConfigError listing every problem. */
export function parseConfig(raw: unknown, file: string): MeetConfig {
  const result = configSchema.safeParse(raw);
  if (!result.success)
    throw new ConfigError(
      file,
      result.error.issues.map((issue) => describeIssue(issue, raw)),
    );
  return { ...result.data, stackName: result.data.stackName ?? defaultStackName(result.data.domain) };
}

/** Parse the text of a config file. Throws ConfigError for bad JSON or bad fields. */
export function parseConfigText(text: string, file: string): MeetConfig {
  // Editors on Windows may start the file with a UTF-8 byte-order mark; JSON itself has none.
  const body = text.replace(/^\uFEFF/, '');
  if (body.trim() === '') {
    throw new ConfigError(file, [
      'the file is empty. Fix: copy meet.config.example.json to it and set your domain, hosted zone, alert e-mail and budget',
    ]);
  }
  // Read as UTF-8, other encodings show as replacement characters (or NULs: UTF-16, Notepad's "Unicode").
  if (body.includes('\uFFFD') || body.includes('\u0000')) {
    throw new ConfigError(file, [
      'the file is not UTF-8 text (an editor may have saved it as UTF-16 or another encoding). Fix: save it as UTF-8',
    ]);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(body);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new ConfigError(file, [`the file is not valid JSON (${detail}). Fix: correct the JSON syntax at that position`]);
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    const what = Array.isArray(raw) ? 'an array' : raw === null ? 'null' : `a ${typeof raw}`;
    throw new ConfigError(file, [
      `the file holds ${what}, not an object with the config's fields. Fix: write one JSON object like meet.config.example.json ({ "domain": …, "hostedZone": …, … })`,
    ]);
  }
  return parseConfig(raw, file);
}

/**
 * Fields that still hold the shipped example's placeholder values (reserved example domains, the
 * example zone id): fine for `plan` and the simulation, refused by `config validate` and `deploy`.
 */
export function placeholderProblems(config: MeetConfig): string[] {
  const example = (host: string) => /(^|\.)example\.(org|com|net)$|\.example$|\.test$|\.invalid$/i.test(host);
  const problems: string[] = [];
  if (example(config.domain))
    problems.push(`domain is the example's "${config.domain}". Fix: set it to your meeting host, e.g. "meet.your-group.org"`);
  if (example(config.hostedZone.name))
    problems.push(`hostedZone.name is the example's "${config.hostedZone.name}". Fix: set it to your Route 53 zone's name`);
  if (/EXAMPLE/i.test(config.hostedZone.id))
    problems.push(
      `hostedZone.id is the example's "${config.hostedZone.id}". Fix: set it to your zone's id (aws route53 list-hosted-zones)`,
    );
  const mailDomain = config.alertEmail.split('@')[1] ?? '';
  if (example(mailDomain))
    problems.push(`alertEmail is the example's "${config.alertEmail}". Fix: set it to an address that reads alerts`);
  return problems;
}

function describeIssue(issue: z.core.$ZodIssue, raw: unknown): string {
  const path = issue.path.map(String);
  const field = path.length > 0 ? path.join('.') : '(top level)';
  const value = valueAt(raw, path);
  const fix = fixFor(path, issue);
  if (issue.code === 'unrecognized_keys') {
    const where = path.length > 0 ? `${field} has` : 'the file has';
    return `${where} unknown field(s) ${issue.keys.map((k) => `"${k}"`).join(', ')}. Fix: remove them or check their spelling (\`meetctl config schema\` lists the fields)`;
  }
  if (value === undefined) {
    return `${field} is missing. Fix: ${fix}`;
  }
  const message = normalise(issue);
  return `${field} ${message} (got ${JSON.stringify(value)}). Fix: ${fix}`;
}

function normalise(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_value') return `is not one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
  if (issue.code === 'invalid_type') return `has the wrong type (expected ${issue.expected})`;
  return issue.message;
}

function fixFor(path: string[], issue: z.core.$ZodIssue): string {
  for (let n = path.length; n > 0; n--) {
    const fix = FIELD_FIXES[path.slice(0, n).join('.')];
    if (fix) return fix;
  }
  return issue.message;
}

function valueAt(raw: unknown, path: string[]): unknown {
  let current: unknown = raw;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}
