import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { brandingInitCommand } from '../../src/branding/jitsi-branding.js';
import { withBandwidthConfig } from '../../src/config/bandwidth.js';
import { NONCURRENT_VERSION_EXPIRY_DAYS } from '../../src/cost/assumptions.js';
import {
  JICOFO_HAS_OPERATIONAL_BRIDGE,
  SECRET_KEYS,
  STATS_IMAGE,
  startUpCheckCommand,
  WEB_CONFIG_CONTAINER,
  WEB_CONFIG_MOUNT,
} from '../../src/infra/constructs/jitsi-task.js';
import { HEALTH_CHECK_GRACE_SECONDS, OUTPUTS } from '../../src/infra/meet-stack.js';
import { statsSidecarScript, taskEndpoints } from '../../src/infra/stats-sidecar.js';
import { WEB_INGRESS_FILE, WEB_REDIRECT_PORT, webIngressConf } from '../../src/infra/web-ingress.js';
import { configWith, referencedIds, resource, synth } from '../support/fixtures.js';

// One template for the whole file: the shipped example (medium, arm64, stable-11146-2) in load-balancer mode,
// open to anyone with the link (members-only meetings are in members-only.test.ts).
const { template, json } = synth(configWith({ ingress: 'load-balancer', auth: 'open' }));
const taskDefinition = resource(json, 'AWS::ECS::TaskDefinition').props;
type Container = {
  Name: string;
  Image: string;
  Environment?: Array<{ Name: string; Value: unknown }>;
  Secrets?: Array<{ Name: string; ValueFrom: unknown }>;
  HealthCheck?: { Command: string[]; StartPeriod: number };
  DependsOn?: Array<{ ContainerName: string; Condition: string }>;
  PortMappings?: Array<{ ContainerPort: number; Protocol: string }>;
  Essential?: boolean;
};
const containers = taskDefinition.ContainerDefinitions as Container[];
const container = (name: string): Container => {
  const found = containers.find((c) => c.Name === name);
  if (!found) throw new Error(`no container ${name}`);
  return found;
};
const env = (name: string) => Object.fromEntries((container(name).Environment ?? []).map((e) => [e.Name, e.Value]));
const ingressOf = (groupIdPart: string) => {
  const group = resource(json, 'AWS::EC2::SecurityGroup', groupIdPart);
  const inline = (group.props.SecurityGroupIngress as Array<Record<string, unknown>>) ?? [];
  const separate = Object.values(json.Resources)
    .filter((r) => r.Type === 'AWS::EC2::SecurityGroupIngress' && JSON.stringify(r.Properties?.GroupId).includes(group.id))
    .map((r) => r.Properties ?? {});
  return [...inline, ...separate].map((rule) => ({
    protocol: rule.IpProtocol,
    port: rule.FromPort,
    toPort: rule.ToPort,
    from: rule.CidrIp ?? (referencedIds(rule.SourceSecurityGroupId).values().next().value as string),
  }));
};

describe('network', () => {
  it('has a VPC with exactly two public subnets and no NAT gateway', () => {
    template.resourceCountIs('AWS::EC2::VPC', 1);
    template.resourceCountIs('AWS::EC2::Subnet', 2);
    template.allResourcesProperties('AWS::EC2::Subnet', { MapPublicIpOnLaunch: true });
    template.resourceCountIs('AWS::EC2::NatGateway', 0);
    template.resourceCountIs('AWS::EC2::InternetGateway', 1);
  });

  it('opens only 443/tcp and 80/tcp (which only redirects) to the internet on the load balancer: no UDP', () => {
    expect(ingressOf('LoadBalancerSecurityGroup')).toEqual([
      { protocol: 'tcp', port: 443, toPort: 443, from: '0.0.0.0/0' },
      { protocol: 'tcp', port: 80, toPort: 80, from: '0.0.0.0/0' },
    ]);
  });

  it('opens web only to the load balancer, and media straight to the task from anywhere', () => {
    const lbGroup = resource(json, 'AWS::EC2::SecurityGroup', 'LoadBalancerSecurityGroup').id;
    expect(ingressOf('TaskSecurityGroup')).toEqual(
      expect.arrayContaining([
        { protocol: 'udp', port: 10000, toPort: 10000, from: '0.0.0.0/0' },
        { protocol: 'tcp', port: 8000, toPort: 8000, from: lbGroup },
        { protocol: 'tcp', port: WEB_REDIRECT_PORT, toPort: WEB_REDIRECT_PORT, from: lbGroup },
      ]),
    );
    // The bridge's HTTP port (8080) is open to nobody: its health is checked inside the task.
    expect(ingressOf('TaskSecurityGroup')).toHaveLength(3);
  });
});

describe('load balancer', () => {
  it('is an internet-facing NLB in both public subnets with cross-zone on, and no Elastic IP', () => {
    template.resourceCountIs('AWS::EC2::EIP', 0);
    const nlb = resource(json, 'AWS::ElasticLoadBalancingV2::LoadBalancer');
    expect(nlb.props.Subnets).toHaveLength(2);
    expect(nlb.props.SubnetMappings).toBeUndefined();
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      Type: 'network',
      Scheme: 'internet-facing',
      LoadBalancerAttributes: Match.arrayWith([{ Key: 'load_balancing.cross_zone.enabled', Value: 'true' }]),
    });
  });

  it('terminates TLS 443 with the DNS-validated certificate and a forward-secret policy, to the web container', () => {
    const certificate = resource(json, 'AWS::CertificateManager::Certificate');
    expect(certificate.props).toMatchObject({
      DomainName: 'meet.example.org',
      ValidationMethod: 'DNS',
      DomainValidationOptions: [{ DomainName: 'meet.example.org', HostedZoneId: 'Z0000000000EXAMPLE0000' }],
    });
    const web = resource(json, 'AWS::ElasticLoadBalancingV2::TargetGroup', 'WebTargets');
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 443,
      Protocol: 'TLS',
      // The -Res- variant: TLS 1.3, and 1.2 with ECDHE only (no RSA key exchange).
      SslPolicy: 'ELBSecurityPolicy-TLS13-1-2-Res-2021-06',
      Certificates: [{ CertificateArn: { Ref: certificate.id } }],
      DefaultActions: [{ Type: 'forward', TargetGroupArn: { Ref: web.id } }],
    });
    expect(web.props).toMatchObject({
      Port: 8000,
      Protocol: 'TCP',
      TargetType: 'ip',
      HealthCheckProtocol: 'HTTP',
      HealthCheckPath: '/',
    });
  });

  it('has no UDP listener and no UDP target group: media never goes through the load balancer', () => {
    template.resourcePropertiesCountIs('AWS::ElasticLoadBalancingV2::Listener', { Protocol: 'UDP' }, 0);
    template.resourcePropertiesCountIs('AWS::ElasticLoadBalancingV2::TargetGroup', { Protocol: 'UDP' }, 0);
    template.resourceCountIs('AWS::ElasticLoadBalancingV2::Listener', 2);
    template.resourceCountIs('AWS::ElasticLoadBalancingV2::TargetGroup', 2);
  });

  // The review found port 80 unreachable in this mode (no listener, no rule) and no HSTS or
  // frame-ancestors on the meeting host; test/infra/web-ingress.test.ts runs the file in nginx.
  it("forwards plain HTTP on 80 to web's redirect port, and web's nginx adds the meeting host's headers", () => {
    const redirect = resource(json, 'AWS::ElasticLoadBalancingV2::TargetGroup', 'RedirectTargets');
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 80,
      Protocol: 'TCP',
      DefaultActions: [{ Type: 'forward', TargetGroupArn: { Ref: redirect.id } }],
    });
    expect(redirect.props).toMatchObject({ Port: WEB_REDIRECT_PORT, Protocol: 'TCP', TargetType: 'ip' });
    expect(container('web').PortMappings?.map((p) => p.ContainerPort)).toEqual([8000, WEB_REDIRECT_PORT]);
    const init = container(WEB_CONFIG_CONTAINER) as Container & { Command: string[] };
    const expected = brandingInitCommand(
      withBandwidthConfig('talk', { [WEB_INGRESS_FILE]: webIngressConf([]) }),
      WEB_CONFIG_MOUNT,
    );
    expect(init.Command).toEqual([expected.command]);
    expect(env(WEB_CONFIG_CONTAINER)).toEqual(expected.environment);
    expect(webIngressConf([])).toContain(`add_header Content-Security-Policy "frame-ancestors 'none'" always;`);
    expect(container('web').DependsOn).toContainEqual({ ContainerName: WEB_CONFIG_CONTAINER, Condition: 'SUCCESS' });
  });

  it("makes the bridge find and advertise the task's own public address (STUN, two servers, required)", () => {
    const jvb = env('jvb');
    expect(String(jvb.JVB_STUN_SERVERS).split(',')).toHaveLength(2);
    expect(jvb.JVB_STUN_SERVERS).toContain('meet-jit-si-turnrelay.jitsi.net:443');
    expect(jvb.JVB_REQUIRE_VALID_ADDRESS).toBe('1');
    expect(jvb.JVB_ADVERTISE_PRIVATE_CANDIDATES).toBe('true');
    for (const gone of ['JVB_ADVERTISE_IPS', 'JVB_DISABLE_STUN', 'COLIBRI_REST_ENABLED', 'ENABLE_IPV6']) {
      expect(jvb[gone], gone).toBeUndefined();
    }
    expect(container('jvb').PortMappings).toEqual([expect.objectContaining({ ContainerPort: 10000, Protocol: 'udp' })]);
  });
});

describe('ECS service and task', () => {
  it('takes the desired count from a parameter (0 by default) so a deploy never resets a running task', () => {
    template.hasParameter('DesiredCount', { Type: 'Number', Default: '0', AllowedValues: ['0', '1'] });
    template.hasResourceProperties('AWS::ECS::Service', { DesiredCount: { Ref: 'DesiredCount' } });
  });

  it('runs a Fargate service with the circuit breaker, and ECS never replaces a task for failing target health', () => {
    template.hasResourceProperties('AWS::ECS::Service', {
      LaunchType: 'FARGATE',
      HealthCheckGracePeriodSeconds: HEALTH_CHECK_GRACE_SECONDS,
      DeploymentConfiguration: {
        DeploymentCircuitBreaker: { Enable: true, Rollback: true },
        MinimumHealthyPercent: 0,
        MaximumPercent: 100,
      },
      NetworkConfiguration: { AwsvpcConfiguration: Match.objectLike({ AssignPublicIp: 'ENABLED' }) },
      LoadBalancers: [
        Match.objectLike({ ContainerName: 'web', ContainerPort: 8000 }),
        Match.objectLike({ ContainerName: 'web', ContainerPort: WEB_REDIRECT_PORT }),
      ],
    });
    // ECS never acts on the load balancer's health: the longest grace period the API takes
    // (healthCheckGracePeriodSeconds, "up to 2,147,483,647 seconds (about 69 years)").
    expect(HEALTH_CHECK_GRACE_SECONDS).toBe(2_147_483_647);
  });

  it('sizes the task from the preset on ARM64', () => {
    expect(taskDefinition).toMatchObject({
      Cpu: '4096',
      Memory: '8192',
      NetworkMode: 'awsvpc',
      RequiresCompatibilities: ['FARGATE'],
      RuntimePlatform: { CpuArchitecture: 'ARM64', OperatingSystemFamily: 'LINUX' },
    });
    expect(env('jicofo').JICOFO_MAX_MEMORY).toBe('1536m');
    expect(env('jvb').VIDEOBRIDGE_MAX_MEMORY).toBe('3072m');
  });

  it('has no branding without a "branding" in the config: no branding files or branding URL', () => {
    expect(env('web').DYNAMIC_BRANDING_URL).toBeUndefined();
    // The header file and the bandwidth preset's custom-config.js.
    expect(Object.keys(env(WEB_CONFIG_CONTAINER))).toHaveLength(2);
  });

  it('has the four Jitsi containers, every image pinned to the one release tag, the stats sidecar and the config writer', () => {
    expect(containers.map((c) => c.Name).sort()).toEqual(['jicofo', 'jvb', 'prosody', 'stats', 'web', WEB_CONFIG_CONTAINER]);
    for (const c of containers.filter((c) => c.Name !== 'stats' && c.Name !== WEB_CONFIG_CONTAINER)) {
      expect(c.Image).toBe(`ghcr.io/jitsi/${c.Name}:stable-11146-2`);
      expect(c.Essential).toBe(true);
    }
    for (const c of containers) expect(c.Image).not.toMatch(/:(stable|latest|unstable)$/);
  });

  it('runs a non-essential stats sidecar from a pinned public image that reads jicofo, prosody and the bridge once a minute', () => {
    const stats = container('stats') as Container & { EntryPoint: string[]; Command: string[] };
    expect(stats.Image).toBe(STATS_IMAGE);
    expect(stats.Image).toMatch(/^public\.ecr\.aws\/.+:\d+\.\d+\.\d+$/);
    expect(stats.Essential).toBe(false);
    expect(stats.DependsOn).toEqual([{ ContainerName: 'jicofo', Condition: 'START' }]);
    expect(stats.EntryPoint).toEqual(['sh', '-c']);
    expect(stats.Command).toEqual([statsSidecarScript(taskEndpoints(8000))]);
    expect(stats.Command[0]).toContain('http://127.0.0.1:8080/metrics');
    expect(stats.Command[0]).not.toContain('/colibri/stats');
    expect(stats.Secrets).toBeUndefined();
  });

  it('wires every container over 127.0.0.1', () => {
    expect(env('web')).toMatchObject({
      PUBLIC_URL: 'https://meet.example.org',
      XMPP_BOSH_URL_BASE: 'http://127.0.0.1:5280',
      DISABLE_HTTPS: '1',
      ENABLE_HTTP_REDIRECT: '0',
      ENABLE_LETSENCRYPT: '0',
    });
    expect(env('jicofo').XMPP_SERVER).toBe('127.0.0.1');
    expect(env('jvb').XMPP_SERVER).toBe('127.0.0.1');
    // Only web and prosody read ENABLE_IPV6 at the pinned tag.
    for (const name of ['web', 'prosody']) expect(env(name).ENABLE_IPV6).toBe('0');
    for (const name of ['jicofo', 'jvb']) expect(env(name).ENABLE_IPV6).toBeUndefined();
  });

  it('gives every Jitsi container a start-up health check and starts them together', () => {
    expect(container('prosody').HealthCheck?.Command).toEqual(['CMD-SHELL', startUpCheckCommand('http://127.0.0.1:5280/health')]);
    expect(container('web').HealthCheck?.Command).toEqual(['CMD-SHELL', startUpCheckCommand('http://127.0.0.1:8000/')]);
    expect(container('jicofo').HealthCheck?.Command).toEqual([
      'CMD-SHELL',
      startUpCheckCommand('http://127.0.0.1:8888/stats', JICOFO_HAS_OPERATIONAL_BRIDGE),
    ]);
    expect(container('jvb').HealthCheck?.Command).toEqual([
      'CMD-SHELL',
      startUpCheckCommand('http://127.0.0.1:8080/about/health'),
    ]);
    expect(env('jicofo').JICOFO_ENABLE_HEALTH_CHECKS).toBe('1');
    // No HEALTHY chain (jicofo and the bridge retry their XMPP login); the sidecar of the direct mode
    // starts before them all (test/infra/direct-ingress.test.ts).
    for (const name of ['prosody', 'web', 'jicofo', 'jvb']) {
      expect(container(name).DependsOn ?? [], name).not.toContainEqual(expect.objectContaining({ ContainerName: 'prosody' }));
    }
  });

  it("holds jicofo's HEALTHY until its /stats counts an operational bridge", () => {
    // jicofo's /about/health passes before its first check (jitsi-task.ts, JICOFO_HAS_OPERATIONAL_BRIDGE);
    // test/infra/health-checks.test.ts runs this command against bodies shaped as jicofo writes them.
    template.hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: Match.arrayWith([
        Match.objectLike({
          Name: 'jicofo',
          HealthCheck: Match.exact({
            Command: [
              'CMD-SHELL',
              `[ -e "\${TMPDIR:-/tmp}/meetctl-started" ] || { curl -fsS --max-time 4 http://127.0.0.1:8888/stats` +
                ` | grep -Eq '"bridge_selector":[{][^}]*"operational_bridge_count":[1-9]' || exit 1;` +
                ` touch "\${TMPDIR:-/tmp}/meetctl-started" 2>/dev/null; true; }`,
            ],
            Interval: 5,
            Timeout: 4,
            StartPeriod: 180,
            Retries: 10,
          }),
        }),
        // The bridge's own check stays on its /about/health, with its own start period.
        Match.objectLike({
          Name: 'jvb',
          HealthCheck: Match.exact({
            Command: ['CMD-SHELL', startUpCheckCommand('http://127.0.0.1:8080/about/health')],
            Interval: 5,
            Timeout: 4,
            StartPeriod: 60,
            Retries: 10,
          }),
        }),
      ]),
    });
    // The sidecar's people line reads the same endpoint.
    const stats = container('stats') as Container & { Command: string[] };
    expect(stats.Command[0]).toContain('wget -q -O - http://127.0.0.1:8888/stats ');
  });

  it('negative: jicofo is not judged by /about/health, nor by a count of 0', () => {
    const command = container('jicofo').HealthCheck?.Command[1] ?? '';
    expect(command).not.toContain('/about/health');
    expect(command).not.toContain('-o /dev/null');
    expect(command).not.toMatch(/operational_bridge_count":\[0/);
  });

  it('has no token authentication when auth is open', () => {
    for (const name of ['prosody', 'web', 'jicofo']) {
      expect(env(name).ENABLE_AUTH, name).toBeUndefined();
      expect(env(name).AUTH_TYPE, name).toBeUndefined();
    }
    expect(env('prosody').XMPP_MUC_MODULES).toBeUndefined();
  });

  it('injects passwords as ECS secrets from the one secret, only into the containers that need them', () => {
    const secretId = resource(json, 'AWS::SecretsManager::Secret').id;
    const secretsOf = (name: string) => (container(name).Secrets ?? []).map((s) => s.Name).sort();
    expect(secretsOf('prosody')).toEqual(['JICOFO_AUTH_PASSWORD', 'JVB_AUTH_PASSWORD']);
    expect(secretsOf('jicofo')).toEqual(['JICOFO_AUTH_PASSWORD']);
    expect(secretsOf('jvb')).toEqual(['JVB_AUTH_PASSWORD']);
    expect(secretsOf('web')).toEqual([]);
    for (const c of containers) {
      for (const s of c.Secrets ?? []) {
        expect(s.ValueFrom).toEqual({ 'Fn::Join': ['', [{ Ref: secretId }, `:${s.Name}::`]] });
      }
      for (const e of c.Environment ?? []) expect(e.Name).not.toMatch(/PASSWORD|SECRET/);
    }
  });
});

describe('secret', () => {
  it('is generated at deploy time and completed by the password custom resource', () => {
    const secret = resource(json, 'AWS::SecretsManager::Secret');
    expect(secret.props.GenerateSecretString).toMatchObject({ GenerateStringKey: SECRET_KEYS[0], SecretStringTemplate: '{}' });
    expect(secret.props.SecretString).toBeUndefined();
    template.hasResourceProperties('Custom::InternalPasswords', {
      SecretArn: { Ref: secret.id },
      Keys: [...SECRET_KEYS],
    });
    const passwords = resource(json, 'Custom::InternalPasswords').id;
    expect(json.Resources[resource(json, 'AWS::ECS::TaskDefinition').id]?.DependsOn).toContain(passwords);
  });

  it('puts no password or secret value anywhere in the template', () => {
    const text = JSON.stringify(json);
    expect(text).not.toMatch(/"(SecretString|Password|MasterUserPassword)"\s*:\s*"/);
    // The generator's password shape, but not part of a longer asset hash.
    expect(text.match(/(?<![0-9a-f])[0-9a-f]{32}(?![0-9a-f])/g) ?? []).toEqual([]);
  });
});

describe('recordings bucket', () => {
  const bucket = resource(json, 'AWS::S3::Bucket');

  it('is encrypted, versioned, private and retained on delete', () => {
    template.hasResource('AWS::S3::Bucket', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    expect(bucket.props).toMatchObject({
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      VersioningConfiguration: { Status: 'Enabled' },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
    });
  });

  it('moves objects to cheaper storage after 30 days', () => {
    expect(bucket.props.LifecycleConfiguration).toMatchObject({
      Rules: [{ Status: 'Enabled', Transitions: [{ StorageClass: 'STANDARD_IA', TransitionInDays: 30 }] }],
    });
  });

  it('expires an old version of a recording after the days the cost model bills it, and its delete marker', () => {
    const [rule] = (bucket.props.LifecycleConfiguration as { Rules: Record<string, unknown>[] }).Rules;
    expect(rule).toMatchObject({
      NoncurrentVersionExpiration: { NoncurrentDays: NONCURRENT_VERSION_EXPIRY_DAYS },
      ExpiredObjectDeleteMarker: true,
    });
    expect(NONCURRENT_VERSION_EXPIRY_DAYS).toBe(30);
    expect(rule).not.toHaveProperty('NoncurrentVersionTransitions');
  });

  it('denies every request that is not over TLS', () => {
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: bucket.id },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });
});

describe('logs, DNS and outputs', () => {
  it('has one log group per container with the configured retention', () => {
    for (const name of ['Web', 'Prosody', 'Jicofo', 'Jvb', 'Stats']) {
      expect(resource(json, 'AWS::Logs::LogGroup', `Logs${name}Logs`).props).toMatchObject({ RetentionInDays: 30 });
    }
    for (const c of containers) {
      expect((c as unknown as { LogConfiguration: { LogDriver: string } }).LogConfiguration.LogDriver).toBe('awslogs');
    }
  });

  it('points an alias A record for the meeting host at the load balancer, in the configured zone', () => {
    const nlb = resource(json, 'AWS::ElasticLoadBalancingV2::LoadBalancer').id;
    template.hasResourceProperties('AWS::Route53::RecordSet', {
      Name: 'meet.example.org.',
      Type: 'A',
      HostedZoneId: 'Z0000000000EXAMPLE0000',
      AliasTarget: Match.objectLike({
        DNSName: Match.objectLike({ 'Fn::Join': Match.arrayWith([Match.arrayWith([{ 'Fn::GetAtt': [nlb, 'DNSName'] }])]) }),
      }),
    });
  });

  it("limits certificates for the host to Let's Encrypt over DNS-01 and Amazon in this mode too", () => {
    template.hasResourceProperties('AWS::Route53::RecordSet', {
      Name: 'meet.example.org.',
      Type: 'CAA',
      ResourceRecords: ['0 issue "letsencrypt.org; validationmethods=dns-01"', '0 issue "amazon.com"', '0 issuewild ";"'],
    });
  });

  it('outputs the URL and the names the CLI needs', () => {
    template.hasOutput(OUTPUTS.url, { Value: 'https://meet.example.org' });
    template.hasOutput(OUTPUTS.ingress, { Value: 'load-balancer' });
    // The token secret and the user pool exist only for members-only meetings (members-only.test.ts).
    const membersOnly: string[] = [
      OUTPUTS.tokenSecret,
      OUTPUTS.userPool,
      OUTPUTS.userPoolClient,
      OUTPUTS.signInUrl,
      OUTPUTS.pageUrl,
    ];
    // The recorder exists only with "recording": { "enabled": true } (recorder.test.ts).
    const recorderOnly: string[] = [
      OUTPUTS.recorderGroup,
      OUTPUTS.recorderTaskFamily,
      OUTPUTS.recorderCapacityProvider,
      OUTPUTS.recorderLogGroup,
      OUTPUTS.recorderLauncher,
      OUTPUTS.recorderSecret,
    ];
    // The meeting host's record is CloudFormation's alias to the load balancer here; direct mode names
    // the record the DNS function, the runtime guard and deploy move (direct-ingress.test.ts).
    const directOnly: string[] = [OUTPUTS.hostedZone, OUTPUTS.asleepDnsName, OUTPUTS.asleepZone];
    const absent = [...membersOnly, ...recorderOnly, ...directOnly];
    for (const name of Object.values(OUTPUTS).filter((n) => !absent.includes(n))) {
      expect(json.Outputs[name], name).toBeDefined();
    }
    for (const name of absent) expect(json.Outputs[name], name).toBeUndefined();
    template.resourceCountIs('AWS::Cognito::UserPool', 0);
    // Recording off (the default): no recorder, no recording in Jitsi, nothing open on 5222.
    template.resourceCountIs('AWS::AutoScaling::AutoScalingGroup', 0);
    template.resourceCountIs('AWS::ECS::CapacityProvider', 0);
    for (const name of ['prosody', 'jicofo', 'web']) expect(env(name).ENABLE_RECORDING).toBeUndefined();
    expect(JSON.stringify(json.Resources)).not.toContain('"FromPort":5222');
    // The browser's local recording is off (Jitsi would show Record to everyone); turned on, it tells
    // everyone (ENABLE_LOCAL_RECORDING_SELF_START is inverted).
    expect(env('web')).toMatchObject({
      DISABLE_LOCAL_RECORDING: 'true',
      ENABLE_LOCAL_RECORDING_NOTIFY_ALL_PARTICIPANT: 'true',
      ENABLE_LOCAL_RECORDING_SELF_START: 'false',
    });
  });
});

describe('state table', () => {
  it('is on-demand with point-in-time recovery, keyed for the lock and the event log', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
    });
    expect(json.Resources[resource(json, 'AWS::DynamoDB::Table').id]?.Condition).toBeUndefined();
    template.hasOutput(OUTPUTS.stateTable, { Value: { Ref: resource(json, 'AWS::DynamoDB::Table').id } });
  });
});

describe('PowerState', () => {
  const conditional = Object.entries(json.Resources)
    .filter(([, r]) => r.Condition === 'PowerIsOn')
    .map(([, r]) => r.Type)
    .sort();

  it('is an on/off parameter (default on) with one condition', () => {
    expect(json.Parameters.PowerState).toMatchObject({ Type: 'String', AllowedValues: ['on', 'off'], Default: 'on' });
    expect(json.Conditions.PowerIsOn).toEqual({ 'Fn::Equals': [{ Ref: 'PowerState' }, 'on'] });
  });

  it('removes exactly the hourly-billed parts when off', () => {
    expect(new Set(conditional)).toEqual(
      new Set([
        'AWS::ElasticLoadBalancingV2::LoadBalancer',
        'AWS::ElasticLoadBalancingV2::Listener',
        'AWS::ElasticLoadBalancingV2::TargetGroup',
        'AWS::ECS::Service',
        'AWS::ECS::TaskDefinition',
        'AWS::IAM::Role',
        'AWS::IAM::Policy',
        'AWS::Route53::RecordSet',
      ]),
    );
  });

  it('keeps data, secret, certificate, logs and the cluster when off', () => {
    for (const type of [
      'AWS::S3::Bucket',
      'AWS::SecretsManager::Secret',
      'AWS::CertificateManager::Certificate',
      'AWS::Logs::LogGroup',
      'AWS::ECS::Cluster',
      'AWS::EC2::VPC',
    ]) {
      for (const [id, r] of Object.entries(json.Resources)) if (r.Type === type) expect(r.Condition, id).toBeUndefined();
    }
  });

  it('never lets something that stays depend on something that goes', () => {
    const powered = new Set(
      Object.entries(json.Resources)
        .filter(([, r]) => r.Condition)
        .map(([id]) => id),
    );
    // A reference inside Fn::If on the power condition is only followed while powered on (CloudFormation's
    // documented way to name a conditional resource): only the other branch counts.
    const conditions = new Set(Object.values(json.Resources).flatMap((r) => (r.Condition ? [r.Condition] : [])));
    const unguarded = (value: unknown): unknown => {
      if (Array.isArray(value)) return value.map(unguarded);
      if (!value || typeof value !== 'object') return value;
      const ifArgs = (value as Record<string, unknown>)['Fn::If'] as [string, unknown, unknown] | undefined;
      if (ifArgs && conditions.has(ifArgs[0])) return unguarded(ifArgs[2]);
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unguarded(v)]));
    };
    const problems: string[] = [];
    for (const [id, r] of Object.entries(json.Resources)) {
      if (r.Condition) continue;
      const refs = referencedIds(unguarded([r.Properties, r.DependsOn ? { DependsOn: r.DependsOn } : {}]));
      for (const dep of [r.DependsOn ?? []].flat()) refs.add(dep);
      for (const ref of refs) if (powered.has(ref)) problems.push(`${id} -> ${ref}`);
    }
    for (const [name, output] of Object.entries(json.Outputs)) {
      if (output.Condition) continue;
      for (const ref of referencedIds(output.Value)) if (powered.has(ref)) problems.push(`output ${name} -> ${ref}`);
    }
    expect(problems).toEqual([]);
  });
});
