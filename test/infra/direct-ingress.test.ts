import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { normalName } from '../../src/aws/route53.js';
import { TASK_RECORD_TTL } from '../../src/aws/task-dns-adapters.js';
import { challengeName } from '../../src/certs/certificate.js';
import { ASLEEP_THROTTLE } from '../../src/infra/constructs/asleep-page.js';
import { TLS_CONTAINER, WEB_CONFIG_CONTAINER } from '../../src/infra/constructs/jitsi-task.js';
import { CERTIFICATE_KEYS, RENEWAL_CHECK_HOURS } from '../../src/infra/constructs/task-certificate.js';
import { OUTPUTS } from '../../src/infra/meet-stack.js';
import { TLS_ENV, TLS_LINGER_SECONDS, TLS_PROXY_IMAGE, TLS_STOP_TIMEOUT_SECONDS } from '../../src/infra/tls-proxy.js';
import { ASLEEP_ENV } from '../../src/lambda/asleep-page.js';
import { configWith, resource, synth } from '../support/fixtures.js';

// One template for the whole file: the shipped example, whose ingress is the default, direct.
const { template, json } = synth();
type Container = {
  Name: string;
  Image: string;
  Essential?: boolean;
  Environment?: Array<{ Name: string; Value: unknown }>;
  Secrets?: Array<{ Name: string; ValueFrom: unknown }>;
  PortMappings?: Array<{ ContainerPort: number; Protocol: string }>;
  DependsOn?: Array<{ ContainerName: string; Condition: string }>;
  Command?: string[];
  StopTimeout?: number;
};
const taskDefinition = resource(json, 'AWS::ECS::TaskDefinition');
const containers = taskDefinition.props.ContainerDefinitions as Container[];
const container = (name: string): Container => {
  const found = containers.find((c) => c.Name === name);
  if (!found) throw new Error(`no container ${name}`);
  return found;
};
const env = (name: string) => Object.fromEntries((container(name).Environment ?? []).map((e) => [e.Name, e.Value]));
const dependsOn = (id: string) => [json.Resources[id]?.DependsOn ?? []].flat();
const certificateSecret = resource(json, 'AWS::SecretsManager::Secret', 'TaskCertificate');

describe('direct ingress: no load balancer', () => {
  it('has no load balancer, listener, target group or Elastic IP at all', () => {
    for (const type of [
      'AWS::ElasticLoadBalancingV2::LoadBalancer',
      'AWS::ElasticLoadBalancingV2::Listener',
      'AWS::ElasticLoadBalancingV2::TargetGroup',
      'AWS::EC2::EIP',
    ]) {
      template.resourceCountIs(type, 0);
    }
    expect(resource(json, 'AWS::ECS::Service').props.LoadBalancers ?? []).toEqual([]);
  });

  it('opens exactly 443/tcp, 80/tcp (redirect only) and 10000/udp on the task, from anywhere', () => {
    const group = resource(json, 'AWS::EC2::SecurityGroup', 'TaskSecurityGroup').props;
    const rules = (group.SecurityGroupIngress as Array<Record<string, unknown>>).map(
      (r) => `${r.IpProtocol}/${r.FromPort}-${r.ToPort} ${r.CidrIp}`,
    );
    expect(rules.sort()).toEqual(['tcp/443-443 0.0.0.0/0', 'tcp/80-80 0.0.0.0/0', 'udp/10000-10000 0.0.0.0/0']);
    template.resourceCountIs('AWS::EC2::SecurityGroupIngress', 0);
    template.resourceCountIs('AWS::EC2::SecurityGroup', 1);
  });

  it('is always on: PowerState allows only "on" and no resource or output has a condition', () => {
    template.hasParameter('PowerState', { AllowedValues: ['on'], Default: 'on' });
    expect(json.Conditions ?? {}).toEqual({});
    expect(Object.entries(json.Resources).filter(([, r]) => r.Condition)).toEqual([]);
    expect(Object.values(json.Outputs ?? {}).filter((o) => (o as { Condition?: string }).Condition)).toEqual([]);
  });

  it('says its mode in an output, and has no load-balancer outputs', () => {
    template.hasOutput(OUTPUTS.ingress, { Value: 'direct' });
    expect(json.Outputs?.[OUTPUTS.loadBalancer]).toBeUndefined();
    expect(json.Outputs?.[OUTPUTS.webTargets]).toBeUndefined();
  });
});

describe('direct ingress: TLS in the task', () => {
  it('runs an essential nginx sidecar from a pinned public image on 443 and 80', () => {
    const tls = container(TLS_CONTAINER);
    expect(tls.Image).toBe(TLS_PROXY_IMAGE);
    expect(TLS_PROXY_IMAGE).toMatch(/^public\.ecr\.aws\/.+:\d+\.\d+\.\d+-alpine$/);
    expect(tls.Essential).toBe(true);
    expect(tls.PortMappings?.map((p) => `${p.Protocol}/${p.ContainerPort}`).sort()).toEqual(['tcp/443', 'tcp/80']);
    // It depends on nothing and nothing depends on it: it answers once its own small image is in, and
    // no Jitsi image waits for it (the ECS agent pulls a dependent container's image only once its
    // condition is met, ECS_PULL_DEPENDENT_CONTAINERS_UPFRONT default false).
    expect(tls.DependsOn).toBeUndefined();
    for (const name of ['prosody', 'web', 'jicofo', 'jvb', 'stats', 'web-config']) {
      expect(container(name).DependsOn ?? [], name).not.toContainEqual(expect.objectContaining({ ContainerName: TLS_CONTAINER }));
    }
    // Stopped together with the others, it answers until Route 53 has moved the record everywhere
    // ("generally within 60 seconds") and a resolver's copy has expired (the record's TTL).
    expect(tls.StopTimeout).toBe(TLS_STOP_TIMEOUT_SECONDS);
    expect(TLS_STOP_TIMEOUT_SECONDS).toBeGreaterThan(TLS_LINGER_SECONDS);
    expect(TLS_STOP_TIMEOUT_SECONDS).toBeLessThanOrEqual(120);
    expect(TLS_LINGER_SECONDS).toBeGreaterThanOrEqual(60 + TASK_RECORD_TTL);
    // While web does not answer it serves the waking page (test/infra/tls-proxy.test.ts runs it).
    expect(tls.Command?.[0]).toContain('error_page 502 503 504 =503 @waking;');
    expect(tls.Command?.[0]).toContain(`trap 'sleep ${TLS_LINGER_SECONDS};`);
    // It proxies to web's plain HTTP on 127.0.0.1 and keeps the websocket open.
    expect(tls.Command?.[0]).toContain('proxy_pass http://127.0.0.1:8000;');
    expect(tls.Command?.[0]).toContain('proxy_set_header Upgrade $http_upgrade;');
    // The meeting host's headers come from the sidecar here (test/infra/tls-proxy.test.ts runs them),
    // so web gets no header file of its own.
    expect(tls.Command?.[0]).toContain('add_header Strict-Transport-Security "max-age=31536000" always;');
    expect(tls.Command?.[0]).toContain(`add_header Content-Security-Policy "frame-ancestors 'none'" always;`);
    // web's init container writes the bandwidth preset's custom-config.js only (test/infra/bandwidth.test.ts).
    expect(Object.keys(env(WEB_CONFIG_CONTAINER))).toHaveLength(1);
  });

  it("gets the certificate and key as ECS secrets from the certificate's own secret", () => {
    expect(container(TLS_CONTAINER).Secrets).toEqual([
      {
        Name: TLS_ENV.certificate,
        ValueFrom: { 'Fn::Join': ['', [{ Ref: certificateSecret.id }, `:${CERTIFICATE_KEYS.certificate}::`]] },
      },
      {
        Name: TLS_ENV.privateKey,
        ValueFrom: { 'Fn::Join': ['', [{ Ref: certificateSecret.id }, `:${CERTIFICATE_KEYS.privateKey}::`]] },
      },
    ]);
    // Created empty: the certificate function writes it, nothing is in the template.
    expect(certificateSecret.props.SecretString).toBe('{}');
  });

  it('names the host on the waking page when the config has no branding (test/infra/tls-proxy.test.ts serves it)', () => {
    const command = container(TLS_CONTAINER).Command?.[0];
    expect(command).toContain('<title>meet.example.org is starting</title>');
    expect(command).toContain('<h1>meet.example.org is starting</h1>');
    expect(command).not.toContain('<img');
  });

  it('links members to the organizer page on the waking page, as the asleep page does, only when meetings are members-only', () => {
    /** The task definition whose TLS sidecar's command matches `pattern` (its nginx.conf, quotes escaped). */
    const sidecarSays = (pattern: string) => ({
      ContainerDefinitions: Match.arrayWith([
        Match.objectLike({ Name: TLS_CONTAINER, Command: [Match.stringLikeRegexp(pattern)] }),
      ]),
    });
    /** A function with the organizer page's address in its environment (the asleep page's: PAGE_URL). */
    const pageUrlIs = (url: unknown) => ({ Environment: { Variables: Match.objectLike({ [ASLEEP_ENV.pageUrl]: url }) } });
    // The example's auth is members: the asleep page's function and the sidecar name the same address.
    const signIn = 'https://start.meet.example.org/';
    template.hasResourceProperties('AWS::Lambda::Function', pageUrlIs(signIn));
    template.hasResourceProperties(
      'AWS::ECS::TaskDefinition',
      sidecarSays('Guests need no account: once the server is up, you wait in the lobby until a member or the host is in\\.'),
    );
    template.hasResourceProperties(
      'AWS::ECS::TaskDefinition',
      sidecarSays(`Members and organizers: <a href=\\\\"${signIn.replace(/\./g, '\\.')}\\\\">sign in</a> to join`),
    );
    // Open meetings: neither page has a sign-in to point at, nor a lobby to explain.
    const open = synth(configWith({ auth: 'open' })).template;
    open.hasResourceProperties('AWS::ECS::TaskDefinition', sidecarSays('<h1>meet\\.example\\.org is starting</h1>'));
    open.resourcePropertiesCountIs(
      'AWS::ECS::TaskDefinition',
      sidecarSays('start\\.meet\\.example\\.org|sign in|Guests need no account'),
      0,
    );
    open.resourcePropertiesCountIs('AWS::Lambda::Function', pageUrlIs(Match.anyValue()), 0);
  });

  it('keeps web on plain HTTP behind the sidecar, with no port of its own on the task', () => {
    expect(env('web').DISABLE_HTTPS).toBe('1');
    expect(env('web').ENABLE_LETSENCRYPT).toBe('0');
    expect(container('web').PortMappings ?? []).toEqual([]);
  });

  it('makes the bridge advertise the task address found over STUN, exactly as in load-balancer mode', () => {
    const jvb = env('jvb');
    expect(String(jvb.JVB_STUN_SERVERS).split(',').length).toBeGreaterThanOrEqual(2);
    expect(jvb.JVB_REQUIRE_VALID_ADDRESS).toBe('1');
    for (const gone of ['COLIBRI_REST_ENABLED', 'ENABLE_IPV6', 'JVB_ADVERTISE_IPS']) expect(jvb[gone], gone).toBeUndefined();
    expect(env('jicofo').ENABLE_IPV6).toBeUndefined();
  });

  it('has the first certificate in place before the task definition exists, and checks renewal daily', () => {
    const first = resource(json, 'Custom::AcmeCertificate');
    expect(first.props).toMatchObject({
      Host: 'meet.example.org',
      DirectoryUrl: 'https://acme-v02.api.letsencrypt.org/directory',
    });
    expect(dependsOn(taskDefinition.id)).toContain(first.id);
    const fn = resource(json, 'AWS::Lambda::Function', 'TaskCertificateFunction');
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: RENEWAL_CHECK_HOURS === 24 ? 'rate(1 day)' : `rate(${RENEWAL_CHECK_HOURS} hours)`,
      Targets: [{ Arn: { 'Fn::GetAtt': [fn.id, 'Arn'] }, Id: 'Target0', RetryPolicy: { MaximumRetryAttempts: 0 } }],
    });
    expect(fn.props).toMatchObject({ Timeout: 600, Runtime: 'nodejs24.x' });
  });
});

describe('direct ingress: DNS follows the task', () => {
  const record = resource(json, 'AWS::Route53::RecordSet', 'MeetingAlias');
  const asleepDomain = resource(json, 'AWS::ApiGatewayV2::DomainName', 'Asleep');

  it('has one A record for the host that starts as an alias to the asleep page and is never conditional', () => {
    expect(record.props).toMatchObject({
      Name: 'meet.example.org.',
      Type: 'A',
      HostedZoneId: 'Z0000000000EXAMPLE0000',
      AliasTarget: {
        DNSName: { 'Fn::GetAtt': [asleepDomain.id, 'RegionalDomainName'] },
        HostedZoneId: { 'Fn::GetAtt': [asleepDomain.id, 'RegionalHostedZoneId'] },
      },
    });
  });

  it('names the record in its outputs, with the alias CloudFormation created: the guard and deploy put it back', () => {
    expect(json.Outputs[OUTPUTS.hostedZone]?.Value).toBe(record.props.HostedZoneId);
    expect(json.Outputs[OUTPUTS.asleepDnsName]?.Value).toEqual((record.props.AliasTarget as { DNSName: unknown }).DNSName);
    expect(json.Outputs[OUTPUTS.asleepZone]?.Value).toEqual((record.props.AliasTarget as { HostedZoneId: unknown }).HostedZoneId);
    expect(json.Outputs[OUTPUTS.url]?.Value).toBe(`https://${normalName(String(record.props.Name))}`);
  });

  it('deletes the service before the record, and the record before the function that moves it', () => {
    const service = resource(json, 'AWS::ECS::Service').id;
    expect(dependsOn(service)).toContain(record.id);
    const dnsFunction = resource(json, 'AWS::Lambda::Function', 'TaskDnsFunction').id;
    const rule = resource(json, 'AWS::Events::Rule', 'TaskStateChange').id;
    expect(dependsOn(record.id)).toEqual(expect.arrayContaining([dnsFunction, rule]));
  });

  it("calls the DNS function on this cluster's service task state changes, retrying delivery", () => {
    const rule = resource(json, 'AWS::Events::Rule', 'TaskStateChange');
    const cluster = resource(json, 'AWS::ECS::Cluster').id;
    expect(rule.props.EventPattern).toEqual({
      source: ['aws.ecs'],
      'detail-type': ['ECS Task State Change'],
      detail: { clusterArn: [{ 'Fn::GetAtt': [cluster, 'Arn'] }], group: [{ prefix: 'service:' }] },
    });
    expect(rule.props.Targets).toEqual([
      expect.objectContaining({ RetryPolicy: { MaximumEventAgeInSeconds: 3600, MaximumRetryAttempts: 8 } }),
    ]);
  });

  it('serves the asleep page on the meeting host with its ACM certificate, and not on the execute-api address', () => {
    const certificate = resource(json, 'AWS::CertificateManager::Certificate', 'Certificate4E7ABB08');
    expect(asleepDomain.props).toMatchObject({
      DomainName: 'meet.example.org',
      DomainNameConfigurations: [
        { CertificateArn: { Ref: certificate.id }, EndpointType: 'REGIONAL', SecurityPolicy: 'TLS_1_2' },
      ],
    });
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', { ProtocolType: 'HTTP', DisableExecuteApiEndpoint: true });
    const mapping = resource(json, 'AWS::ApiGatewayV2::ApiMapping', 'Asleep');
    expect(mapping.props).toEqual({
      ApiId: { Ref: resource(json, 'AWS::ApiGatewayV2::Api', 'Asleep').id },
      DomainName: { Ref: asleepDomain.id },
      Stage: '$default',
    });
  });

  it('lets the asleep page read the one meeting service (it says "starting" while a task is asked for)', () => {
    const service = resource(json, 'AWS::ECS::Service');
    const fn = Object.entries(json.Resources).find(
      ([id, r]) => r.Type === 'AWS::Lambda::Function' && id.startsWith('Asleep'),
    ) as unknown as [
      string,
      { Properties: { Environment: { Variables: Record<string, unknown> }; Role: { 'Fn::GetAtt': [string] } } },
    ];
    expect(fn[1].Properties.Environment.Variables).toMatchObject({
      MEETING_SERVICE: { 'Fn::GetAtt': [service.id, 'Name'] },
      MEETING_CLUSTER: expect.anything(),
    });
    const role = fn[1].Properties.Role['Fn::GetAtt'][0];
    const statements = Object.values(json.Resources)
      .filter(
        (r) =>
          r.Type === 'AWS::IAM::Policy' && ((r.Properties?.Roles ?? []) as Array<{ Ref: string }>).some((x) => x.Ref === role),
      )
      .flatMap(
        (r) =>
          (r.Properties?.PolicyDocument as { Statement: Array<{ Action: unknown; Resource: unknown }> } | undefined)?.Statement ??
          [],
      );
    expect(statements).toContainEqual(expect.objectContaining({ Action: 'ecs:DescribeServices', Resource: { Ref: service.id } }));
    expect(statements.filter((st) => JSON.stringify(st.Action).includes('ecs:'))).toHaveLength(1);
  });

  it("throttles the asleep page's stage (every caller together: HTTP APIs have no per-client limit)", () => {
    expect(resource(json, 'AWS::ApiGatewayV2::Stage', 'Asleep').props.DefaultRouteSettings).toEqual({
      ThrottlingRateLimit: ASLEEP_THROTTLE.rateLimit,
      ThrottlingBurstLimit: ASLEEP_THROTTLE.burstLimit,
    });
  });

  it("allows certificates for the host only from Let's Encrypt over DNS-01 and from Amazon", () => {
    const caa = resource(json, 'AWS::Route53::RecordSet', 'MeetingCaa');
    expect(caa.props).toMatchObject({ Name: 'meet.example.org.', Type: 'CAA' });
    expect(caa.props.ResourceRecords).toEqual([
      '0 issue "letsencrypt.org; validationmethods=dns-01"',
      '0 issue "amazon.com"',
      '0 issuewild ";"',
    ]);
  });

  it('names the challenge record the renewal may write', () => {
    expect(normalName(challengeName('Meet.Example.org.'))).toBe('_acme-challenge.meet.example.org');
  });
});
