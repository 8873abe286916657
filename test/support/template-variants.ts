import type { ConfigInput } from '../../src/config/schema.js';
import { FULL_BRANDING } from './branding.js';

const SECRET = (name: string) => `arn:aws:secretsmanager:us-west-2:111122223333:secret:${name}-AbC123`;
const SIGN_IN: ConfigInput['signIn'] = {
  allow: ['ana@example.org', '@example.org'],
  google: { clientId: '123-abc.apps.googleusercontent.com', clientSecretArn: SECRET('google') },
  oidc: [
    { name: 'Keycloak', issuerUrl: 'https://id.example.org/realms/community', clientId: 'meet', clientSecretArn: SECRET('kc') },
  ],
};

/** Config changes by name, the names kept as a type so that a subset can only name real variants. */
const variants = <Name extends string>(byName: Record<Name, Partial<ConfigInput>>) => byName;

/**
 * The config changes (to the example) of every template the tests synthesize, by a descriptive name:
 * scripts/template-variants.ts synthesizes them all before and after a refactor of src/infra/, and
 * test/boundary/cfn-lint.test.ts lints a set of them.
 */
export const TEMPLATE_VARIANTS = variants({
  direct: {},
  'load-balancer': { ingress: 'load-balancer' },
  'load-balancer-open': { ingress: 'load-balancer', auth: 'open' },
  'recording-direct': { recording: { enabled: true } },
  'recording-direct-no-local': {
    recording: { enabled: true, maxHours: 12, local: { enabled: false, notifyAllParticipants: false, selfRecording: false } },
    rotateSecretsMonthly: true,
  },
  'recording-local-on': { recording: { enabled: true, local: { enabled: true } } },
  'recording-load-balancer': { ingress: 'load-balancer', recording: { enabled: true, instanceType: 'c6i.xlarge' } },
  'recording-rotation-direct': { recording: { enabled: true }, rotateSecretsMonthly: true },
  'recording-rotation-load-balancer': { ingress: 'load-balancer', recording: { enabled: true }, rotateSecretsMonthly: true },
  'monthly-rotation': { rotateSecretsMonthly: true },
  'parameter-store': { secretStore: 'parameter-store', recording: { enabled: true }, rotateSecretsMonthly: true },
  'parameter-store-load-balancer-open': { secretStore: 'parameter-store', ingress: 'load-balancer', auth: 'open' },
  'federated-sign-in': { signIn: SIGN_IN },
  'federated-sign-in-recording-rotation': {
    recording: { enabled: true },
    rotateSecretsMonthly: true,
    signIn: { allow: ['@ne3d.org'], google: { clientId: 'id.apps.googleusercontent.com', clientSecretArn: SECRET('g') } },
  },
  'branding-embed': { branding: FULL_BRANDING, embedOrigins: ['https://ne3d.org', 'https://www.ne3d.org'] },
  'branding-sign-in': { branding: FULL_BRANDING, signIn: SIGN_IN },
  'branding-load-balancer-open': {
    ingress: 'load-balancer',
    auth: 'open',
    branding: { appName: 'NE3D', logoUrl: 'https://ne3d.org/logo.svg', primaryColor: '#e87d0d' },
  },
  automation: { idleStopMinutes: 10, startGraceMinutes: 25, maxRuntimeHours: 3, monthlyBudgetUsd: 40 },
  'small-x86-stable-11031': {
    size: 'small',
    architecture: 'x86_64',
    jitsiRelease: 'stable-11031',
    logRetentionDays: 14,
    ingress: 'load-balancer',
  },
  'oldest-release': { jitsiRelease: 'stable-9584', ingress: 'load-balancer', size: 'small', architecture: 'x86_64' },
  'stable-9584-load-balancer': { jitsiRelease: 'stable-9584', ingress: 'load-balancer' },
  'stable-11031-load-balancer': { jitsiRelease: 'stable-11031', ingress: 'load-balancer' },
  'stable-11146-direct': { jitsiRelease: 'stable-11146' },
  'stable-11146-load-balancer': { jitsiRelease: 'stable-11146', ingress: 'load-balancer' },
  'eu-central-1': {
    region: 'eu-central-1',
    account: '111122223333',
    stackName: 'Meet-eu',
    size: 'large',
    acmeDirectoryUrl: 'https://acme-staging-v02.api.letsencrypt.org/directory',
    logRetentionDays: 7,
    idleStopMinutes: 30,
    startGraceMinutes: 10,
    maxRuntimeHours: 8,
  },
  'us-east-1-load-balancer-recording': { region: 'us-east-1', ingress: 'load-balancer', recording: { enabled: true } },
  moto: {
    domain: 'meet.ne3d.org',
    hostedZone: { id: 'Z1234567890ABC', name: 'ne3d.org' },
    alertEmail: 'organizers@ne3d.org',
  },
  'moto-recording': {
    domain: 'meet.ne3d.org',
    hostedZone: { id: 'Z1234567890ABC', name: 'ne3d.org' },
    alertEmail: 'organizers@ne3d.org',
    recording: { enabled: true },
  },
});

export type TemplateVariant = keyof typeof TEMPLATE_VARIANTS;
