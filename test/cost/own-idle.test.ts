import { describe, expect, it } from 'vitest';
import { estimateForConfig } from '../../src/cost/model.js';
import { PRICE_SOURCES, PRICES } from '../../src/cost/prices.js';
import { configWith } from '../support/fixtures.js';

// Own idle cost: what the project adds in a month without meetups (zone and recordings aside).
const everything = { recording: { enabled: true }, rotateSecretsMonthly: true } as const;
const line = (e: ReturnType<typeof estimateForConfig>, item: RegExp) => e.rates.find((r) => item.test(r.item));

describe('own idle cost by secret store (direct, members-only, recorder, every automation)', () => {
  const secretsManager = estimateForConfig(configWith({ ...everything }));
  const parameterStore = estimateForConfig(configWith({ ...everything, secretStore: 'parameter-store' }));

  it('is $0.40 a month for each of the four secrets with Secrets Manager', () => {
    expect(line(secretsManager, /^Secrets Manager/)?.usd).toBeCloseTo(4 * PRICES.secretsManagerSecretMonth, 10);
    expect(secretsManager.ownIdleMonthlyUsd.stopped).toBe(1.6);
    expect(line(secretsManager, /^Parameter Store/)).toBeUndefined();
  });

  it('is at most $0.10 with Parameter Store: eight standard parameters at $0, with their pricing page', () => {
    expect(parameterStore.ownIdleMonthlyUsd.stopped).toBeLessThanOrEqual(0.1);
    const parameters = line(parameterStore, /^Parameter Store/);
    expect(parameters).toMatchObject({ item: 'Parameter Store SecureString parameters, standard tier (8)', usd: 0 });
    expect(parameters?.sources).toEqual([PRICE_SOURCES['systems-manager'].page]);
    expect(line(parameterStore, /^Secrets Manager/)?.usd).toBe(0);
  });

  it("keeps the sign-in providers' client secrets in Secrets Manager either way", () => {
    const signIn = {
      allow: ['@example.org'],
      google: { clientId: 'g', clientSecretArn: 'arn:aws:secretsmanager:us-west-2:111122223333:secret:g-AbC123' },
    };
    const e = estimateForConfig(configWith({ ...everything, secretStore: 'parameter-store', signIn }));
    expect(line(e, /^Secrets Manager/)?.usd).toBe(PRICES.secretsManagerSecretMonth);
  });

  it('leaves the hosted zone and the recordings out, and keeps the load balancer in, behind one', () => {
    const balanced = estimateForConfig(configWith({ ingress: 'load-balancer', secretStore: 'parameter-store' }));
    expect(balanced.ownIdleMonthlyUsd['powered-down']).toBe(0);
    expect(balanced.ownIdleMonthlyUsd.stopped).toBeCloseTo(balanced.idleHourUsd.stopped * balanced.hoursPerMonth, 2);
  });
});
