/**
 * The AWS regions the stack can be deployed to: every service it uses exists there, and CloudFormation
 * can create every resource type of its template there.
 *
 * The stack uses ECS on Fargate (Linux, arm64 or x86_64), Lambda, API Gateway HTTP APIs, Cognito user
 * pools (Essentials feature plan, prefix domain), EventBridge Scheduler and rules, AWS Budgets (as an
 * `AWS::Budgets::Budget` in the stack's region), Secrets Manager, DynamoDB, CloudWatch (alarms,
 * dashboard, Logs), SNS, S3, ACM, Elastic Load Balancing (Network Load Balancer), EC2 (VPC, launch
 * template and Auto Scaling group of the recorder) and Route 53 (global).
 *
 * Sources, checked 2026-12: AWS's "AWS services by Region" list
 * (https://aws.amazon.com/about-aws/global-infrastructure/regional-product-services/), the Fargate
 * region table (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/AWS_Fargate-Regions.html),
 * and the CloudFormation resource types of each region (the CloudFormation registry; cfn-lint ships it
 * as per-region provider schemas, and test/config/regions.test.ts lints every synthesized template
 * against it: no resource type may be missing in a supported region). The binding limit is AWS
 * Budgets: CloudFormation offers `AWS::Budgets::Budget` only in the regions below, and the stack
 * creates its budget in its own region.
 */
export const SUPPORTED_REGIONS = [
  'us-east-1',
  'us-east-2',
  'us-west-1',
  'us-west-2',
  'ca-central-1',
  'sa-east-1',
  'eu-central-1',
  'eu-west-1',
  'eu-west-2',
  'eu-west-3',
  'ap-northeast-1',
  'ap-northeast-2',
  'ap-south-1',
  'ap-southeast-1',
  'ap-southeast-2',
] as const;
export type SupportedRegion = (typeof SUPPORTED_REGIONS)[number];

const NO_BUDGET = 'CloudFormation cannot create the AWS Budgets budget (AWS::Budgets::Budget) there';
const NO_HTTP_API = 'it has no API Gateway HTTP APIs (the organizer page) and CloudFormation cannot create the budget there';
const PARTITION = (name: string) =>
  `it is in ${name}, a separate AWS partition with its own accounts, which this project does not support`;

/** AWS regions that exist but cannot hold the stack, with the reason named in the error. */
export const UNSUPPORTED_REGIONS: Readonly<Record<string, string>> = {
  'af-south-1': NO_BUDGET,
  'ap-east-1': NO_BUDGET,
  'ap-east-2': NO_HTTP_API,
  'ap-northeast-3': NO_BUDGET,
  'ap-south-2': NO_BUDGET,
  'ap-southeast-3': NO_BUDGET,
  'ap-southeast-4': NO_BUDGET,
  'ap-southeast-5': NO_BUDGET,
  'ap-southeast-6': NO_HTTP_API,
  'ap-southeast-7': NO_BUDGET,
  'ca-west-1': NO_BUDGET,
  'eu-central-2': NO_BUDGET,
  'eu-north-1': NO_BUDGET,
  'eu-south-1': NO_BUDGET,
  'eu-south-2': NO_BUDGET,
  'il-central-1': NO_BUDGET,
  'me-central-1': NO_BUDGET,
  'me-south-1': NO_BUDGET,
  'mx-central-1': NO_BUDGET,
  'cn-north-1': `${PARTITION('AWS China')} (no Cognito user pools for members-only meetings either)`,
  'cn-northwest-1': `${PARTITION('AWS China')} (no Cognito user pools for members-only meetings either)`,
  'us-gov-east-1': `${PARTITION('AWS GovCloud (US)')}, and CloudFormation cannot create the budget there`,
  'us-gov-west-1': `${PARTITION('AWS GovCloud (US)')}, and CloudFormation cannot create the budget there`,
  'eusc-de-east-1': PARTITION('the AWS European Sovereign Cloud'),
  'us-iso-east-1': PARTITION('an isolated (ISO) partition'),
  'us-iso-west-1': PARTITION('an isolated (ISO) partition'),
  'us-isob-east-1': PARTITION('an isolated (ISO-B) partition'),
  'us-isob-west-1': PARTITION('an isolated (ISO-B) partition'),
  'us-isof-east-1': PARTITION('an isolated (ISO-F) partition'),
  'us-isof-south-1': PARTITION('an isolated (ISO-F) partition'),
  'eu-isoe-west-1': PARTITION('an isolated (ISO-E) partition'),
};

/** The regions as one line, for errors and hints. */
export const SUPPORTED_REGION_LIST = SUPPORTED_REGIONS.join(', ');

/** Why a region cannot hold the stack (a sentence without a final full stop), or undefined when it can. */
export function regionProblem(region: string): string | undefined {
  if ((SUPPORTED_REGIONS as readonly string[]).includes(region)) return undefined;
  const why = UNSUPPORTED_REGIONS[region];
  if (why) return `is an AWS region, but the stack cannot be deployed there: ${why}`;
  return 'is not an AWS region code';
}
