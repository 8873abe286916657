/** The parts of a CloudFormation template that the inventory reads. */
export interface TemplateLike {
  readonly Resources?: Record<string, { Type: string; Condition?: string; Properties?: Record<string, unknown> }>;
  readonly Outputs?: Record<string, { Condition?: string; Description?: string }>;
}

export type Purpose =
  | 'Network'
  | 'Load balancer and TLS'
  | 'Compute (ECS Fargate)'
  | 'Secrets'
  | 'Recordings'
  | 'Logs'
  | 'DNS'
  | 'Permissions (IAM)'
  | 'Automation and control plane'
  | 'Direct ingress (TLS, DNS)'
  | 'Members and organizer page'
  | 'Recorder (EC2 at 0 between recordings)'
  | 'Deploy-time helpers';

/** Purpose of each resource type, in the order `plan` prints them. */
const PURPOSE_BY_TYPE: ReadonlyArray<readonly [RegExp, Purpose]> = [
  [
    /^AWS::EC2::(VPC|Subnet|RouteTable|SubnetRouteTableAssociation|Route|InternetGateway|VPCGatewayAttachment|SecurityGroup.*)$/,
    'Network',
  ],
  [/^AWS::(ElasticLoadBalancingV2::.*|CertificateManager::Certificate)$/, 'Load balancer and TLS'],
  [/^AWS::ECS::/, 'Compute (ECS Fargate)'],
  [/^AWS::SecretsManager::/, 'Secrets'],
  [/^AWS::S3::/, 'Recordings'],
  [/^AWS::Logs::/, 'Logs'],
  [/^AWS::Route53::/, 'DNS'],
  [/^AWS::IAM::/, 'Permissions (IAM)'],
  [
    /^AWS::(DynamoDB::Table|Logs::MetricFilter|CloudWatch::Alarm|Events::Rule|Scheduler::.*|SNS::.*|Budgets::Budget)$/,
    'Automation and control plane',
  ],
  [/^AWS::Cognito::/, 'Members and organizer page'],
  [/^AWS::ApiGatewayV2::/, 'Direct ingress (TLS, DNS)'],
  [/^AWS::(AutoScaling::.*|EC2::LaunchTemplate)$/, 'Recorder (EC2 at 0 between recordings)'],
  [/^(AWS::Lambda::.*|Custom::.*|AWS::CloudFormation::CustomResource)$/, 'Deploy-time helpers'],
];
export const PURPOSES: readonly Purpose[] = [...new Set(PURPOSE_BY_TYPE.map(([, purpose]) => purpose))];

export interface InventoryItem {
  readonly logicalId: string;
  readonly type: string;
  /** True when the resource exists only while PowerState is on (deleted by power-down). */
  readonly poweredOnly: boolean;
}

export interface InventoryGroup {
  readonly purpose: Purpose;
  readonly items: readonly InventoryItem[];
}

/** Constructs whose every resource serves one purpose (their functions, roles and logs included). */
const PURPOSE_BY_CONSTRUCT: ReadonlyArray<readonly [RegExp, Purpose]> = [
  [/^Automation/, 'Automation and control plane'],
  [/^(TaskCertificate|TaskDns|Asleep)/, 'Direct ingress (TLS, DNS)'],
  [/^(Members|OrganizerPage|JitsiAuth)/, 'Members and organizer page'],
  [/^Recorder/, 'Recorder (EC2 at 0 between recordings)'],
];

export function purposeOf(type: string, logicalId = ''): Purpose {
  for (const [pattern, purpose] of PURPOSE_BY_CONSTRUCT) if (pattern.test(logicalId)) return purpose;
  for (const [pattern, purpose] of PURPOSE_BY_TYPE) if (pattern.test(type)) return purpose;
  return 'Deploy-time helpers';
}

/** Group a template's resources by purpose, marking those removed when powered down. */
export function inventory(template: TemplateLike, powerCondition = 'PowerIsOn'): InventoryGroup[] {
  const groups = new Map<Purpose, InventoryItem[]>(PURPOSES.map((p) => [p, []]));
  for (const [logicalId, resource] of Object.entries(template.Resources ?? {})) {
    groups.get(purposeOf(resource.Type, logicalId))?.push({
      logicalId,
      type: resource.Type,
      poweredOnly: resource.Condition === powerCondition,
    });
  }
  return [...groups].filter(([, items]) => items.length > 0).map(([purpose, items]) => ({ purpose, items }));
}

/** "AWS::EC2::Subnet × 2, AWS::EC2::VPC" style summary of a group's types. */
export function countByType(items: readonly InventoryItem[]): Array<{ type: string; count: number; poweredOnly: boolean }> {
  const counts = new Map<string, { type: string; count: number; poweredOnly: boolean }>();
  for (const item of items) {
    const key = `${item.type}|${item.poweredOnly}`;
    const entry = counts.get(key) ?? { type: item.type, count: 0, poweredOnly: item.poweredOnly };
    entry.count += 1;
    counts.set(key, entry);
  }
  return [...counts.values()];
}
