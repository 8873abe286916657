import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { parseConfig, parseConfigText } from '../../src/config/load.js';
import type { ConfigInput, MeetConfig } from '../../src/config/schema.js';
import { buildApp } from '../../src/infra/app.js';
import type { MeetStack } from '../../src/infra/meet-stack.js';

export const ROOT = path.resolve(__dirname, '..', '..');
export const EXAMPLE_FILE = path.join(ROOT, 'meet.config.example.json');

/** The shipped example config, validated. */
export function exampleConfig(): MeetConfig {
  return parseConfigText(readFileSync(EXAMPLE_FILE, 'utf8'), 'meet.config.example.json');
}

/** The example config with some fields changed. */
export function configWith(changes: Partial<ConfigInput>): MeetConfig {
  const raw = JSON.parse(readFileSync(EXAMPLE_FILE, 'utf8')) as ConfigInput;
  return parseConfig({ ...raw, ...changes }, 'test config');
}

/** Synthesize a stack (no Lambda bundling) and return it with its template. Call once per test file. */
export function synth(config: MeetConfig = exampleConfig()): { stack: MeetStack; template: Template; json: TemplateJson } {
  const { stack } = buildApp(config, { skipBundling: true });
  const template = Template.fromStack(stack);
  return { stack, template, json: template.toJSON() as TemplateJson };
}

export interface TemplateJson {
  Parameters: Record<string, Record<string, unknown>>;
  Conditions: Record<string, unknown>;
  Resources: Record<
    string,
    {
      Type: string;
      Condition?: string;
      DependsOn?: string | string[];
      Properties?: Record<string, unknown>;
      DeletionPolicy?: string;
    }
  >;
  Outputs: Record<string, { Value: unknown; Condition?: string }>;
}

/** The single resource of a type whose logical id contains `idPart`; throws listing candidates otherwise. */
export function resource(json: TemplateJson, type: string, idPart = ''): { id: string; props: Record<string, unknown> } {
  const matches = Object.entries(json.Resources).filter(([id, r]) => r.Type === type && id.includes(idPart));
  if (matches.length !== 1) {
    throw new Error(
      `expected one ${type} with id containing "${idPart}", found: ${matches.map(([id]) => id).join(', ') || 'none'}`,
    );
  }
  const [id, r] = matches[0] as [string, { Properties?: Record<string, unknown> }];
  return { id, props: r.Properties ?? {} };
}

/** Every Ref / Fn::GetAtt target and DependsOn inside a value. */
export function referencedIds(value: unknown, into = new Set<string>()): Set<string> {
  if (Array.isArray(value)) for (const v of value) referencedIds(v, into);
  else if (value && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      if (key === 'Ref' && typeof v === 'string') into.add(v);
      else if (key === 'Fn::GetAtt' && Array.isArray(v) && typeof v[0] === 'string') into.add(v[0]);
      else if (key === 'Fn::GetAtt' && typeof v === 'string') into.add(v.split('.')[0] ?? v);
      else referencedIds(v, into);
    }
  }
  return into;
}
