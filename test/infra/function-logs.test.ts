import { describe, expect, it } from 'vitest';
import { configWith, synth } from '../support/fixtures.js';
import { TEMPLATE_VARIANTS } from '../support/template-variants.js';

// Every Lambda function of the stack, CDK's own helpers included, logs to a log group of the stack
// that has a retention and goes with the stack. A function without LoggingConfig.LogGroup writes to
// /aws/lambda/<name>, a group Lambda creates on the first run, never expires and a destroy leaves
// behind ("By default, Lambda sends logs to a log group named /aws/lambda/<function name>", Lambda
// Developer Guide, Configuring CloudWatch log groups).
describe('Lambda functions log to log groups of the stack', () => {
  for (const [name, changes] of Object.entries(TEMPLATE_VARIANTS)) {
    it(`${name}: each function has its own log group with a retention, deleted with the stack`, () => {
      const { json } = synth(configWith(changes));
      const functions = Object.entries(json.Resources).filter(([, r]) => r.Type === 'AWS::Lambda::Function');
      expect(functions.length).toBeGreaterThan(0);
      for (const [id, fn] of functions) {
        const ref = (fn.Properties?.LoggingConfig as { LogGroup?: { Ref?: string } } | undefined)?.LogGroup?.Ref;
        expect(ref, `${id} has no LoggingConfig.LogGroup of the stack`).toBeDefined();
        const group = json.Resources[ref as string] as {
          Type: string;
          Properties?: { RetentionInDays?: number };
          DeletionPolicy?: string;
        };
        expect(group?.Type, id).toBe('AWS::Logs::LogGroup');
        expect(group?.Properties?.RetentionInDays, id).toBeGreaterThan(0);
        expect(group?.DeletionPolicy, id).toBe('Delete');
      }
    });
  }
});
