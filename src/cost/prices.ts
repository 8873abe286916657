/**
 * us-west-2 list prices (USD) used by `meetctl plan`. Checked against the AWS price pages and price
 * summaries on the date below (each service's page and Price List API offer: PRICE_SOURCES);
 * re-check before relying on them for a budget. us-east-1 has the same prices for these services
 * (PRICES_BY_REGION); other regions are shown with these prices and a note.
 */
export const PRICES = {
  asOf: '2026-11-01',
  region: 'us-west-2',
  fargate: {
    x86_64: { vcpuHour: 0.04048, gbHour: 0.004445 },
    arm64: { vcpuHour: 0.03238, gbHour: 0.00356 },
  },
  /** Network Load Balancer: per hour, plus per NLCU-hour (for UDP/TLS media the processed-bytes dimension, 1 GB/h per NLCU, dominates). */
  nlb: { hour: 0.0225, nlcuHour: 0.006, gbPerNlcu: 1 },
  /** Every public IPv4 address, attached or not (Elastic IPs, the task's public IP). */
  publicIpv4Hour: 0.005,
  secretsManagerSecretMonth: 0.4,
  /** Parameter Store: a standard-tier parameter has no monthly charge (advanced: $0.05 each); standard-throughput API calls are free. */
  ssmStandardParameterMonth: 0,
  /** API Gateway HTTP API requests (the direct mode's asleep page), first 300 M a month. */
  httpApiRequestsPerMillion: 1.0,
  route53HostedZoneMonth: 0.5,
  s3: { standardGbMonth: 0.023, infrequentAccessGbMonth: 0.0125 },
  /** Internet egress: the first 100 GB a month are free (account-wide), then $0.09/GB up to 10 TB. */
  dataTransferOut: { gb: 0.09, freeGbMonth: 100 },
  /** Data sent to or from a public IPv4 address within the region, charged in each direction (EC2 on-demand page, Data Transfer). */
  regionalDataTransferGb: 0.01,
  cloudWatchLogs: { ingestGb: 0.5, storageGbMonth: 0.03 },
  /**
   * Standard-resolution alarm per month; custom metric per month (billed pro rata for the hours it
   * gets data). The free tier (per account, every month): 10 alarms, 10 custom metrics, 3 dashboards.
   */
  cloudWatch: { alarmMonth: 0.1, metricMonth: 0.3, dashboardMonth: 3.0, freeDashboards: 3, freeAlarms: 10, freeMetrics: 10 },
  /**
   * Cognito user pools (Essentials): monthly active users signing in directly or through a social
   * provider (Google) are free up to 10,000 a month; users federated through SAML or OIDC only up to 50.
   */
  cognito: { mau: 0.015, freeMau: 10_000, freeFederatedMau: 50 },
  /**
   * EC2 on-demand Linux per hour, for the recorder's x86_64 types (4 vCPU / 8 GiB and up). A type not
   * listed is shown as "price unknown" in the plan.
   */
  ec2Hour: {
    'c5.xlarge': 0.17,
    'c5.2xlarge': 0.34,
    'c6a.xlarge': 0.153,
    'c6a.2xlarge': 0.306,
    'c6i.xlarge': 0.17,
    'c6i.2xlarge': 0.34,
    'c7i.xlarge': 0.1785,
    'c7a.xlarge': 0.20527,
    'm5.xlarge': 0.192,
    'm6a.xlarge': 0.1728,
    'm6i.xlarge': 0.192,
  } as Readonly<Record<string, number>>,
  /** EBS gp3 per GB-month (the recorder's root volume exists only while its instance does). */
  ebsGp3GbMonth: 0.08,
  /** Lambda on arm64: GB-seconds and requests beyond the free tier (400,000 GB-s and 1 M requests a month). */
  lambda: { armGbSecond: 0.0000133334, requestsPerMillion: 0.2, freeGbSecondsMonth: 400_000, freeRequestsMonth: 1_000_000 },
} as const;

/** A region's price table: the same items as PRICES. */
export type Prices = Omit<typeof PRICES, 'region'> & { readonly region: string };

/**
 * The regions the plan prices exactly. us-east-1's list prices for every item above equal
 * us-west-2's (same pages and offers, region us-east-1; checked by test/cost/recomputation.test.ts).
 */
export const PRICES_BY_REGION: Readonly<Record<string, Prices>> = {
  'us-west-2': PRICES,
  'us-east-1': { ...PRICES, region: 'us-east-1' },
};

/** The region's prices, or us-west-2's for a region without a table (the plan then says so). */
export const pricesFor = (region: string | undefined): Prices => (region && PRICES_BY_REGION[region]) || PRICES;

/** The AWS services the model prices; each priced line names one. */
export type PricedService =
  | 'fargate'
  | 'public-ipv4'
  | 'network-load-balancer'
  | 'data-transfer'
  | 'cloudwatch-logs'
  | 'cloudwatch'
  | 'api-gateway'
  | 'secrets-manager'
  | 'systems-manager'
  | 'route53'
  | 's3'
  | 'lambda'
  | 'ec2'
  | 'ebs'
  | 'cognito';

/** Where a service's price comes from: its AWS pricing page, and its offer in the AWS Price List API. */
export interface PriceSource {
  /** The AWS pricing page (choose the region on the page). */
  readonly page: string;
  /**
   * The Price List API offer code: the region's prices are at
   * https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/<offer>/current/<region>/index.json
   */
  readonly offer: string;
}

/**
 * The source of every price in PRICES, for us-west-2 (PRICES.region) and us-east-1. Other regions: the
 * plan uses the us-west-2 prices and says so (src/cli/render-plan.ts prints a note when the config's
 * region is not the estimate's); the same page and offer, with that region chosen, give its prices.
 */
export const PRICE_SOURCES: Readonly<Record<PricedService, PriceSource>> = {
  fargate: { page: 'https://aws.amazon.com/fargate/pricing/', offer: 'AmazonECS' },
  'public-ipv4': { page: 'https://aws.amazon.com/vpc/pricing/', offer: 'AmazonVPC' },
  'network-load-balancer': { page: 'https://aws.amazon.com/elasticloadbalancing/pricing/', offer: 'AWSELB' },
  'data-transfer': { page: 'https://aws.amazon.com/ec2/pricing/on-demand/#Data_Transfer', offer: 'AWSDataTransfer' },
  'cloudwatch-logs': { page: 'https://aws.amazon.com/cloudwatch/pricing/', offer: 'AmazonCloudWatch' },
  cloudwatch: { page: 'https://aws.amazon.com/cloudwatch/pricing/', offer: 'AmazonCloudWatch' },
  'api-gateway': { page: 'https://aws.amazon.com/api-gateway/pricing/', offer: 'AmazonApiGateway' },
  'secrets-manager': { page: 'https://aws.amazon.com/secrets-manager/pricing/', offer: 'AWSSecretsManager' },
  'systems-manager': { page: 'https://aws.amazon.com/systems-manager/pricing/', offer: 'AWSSystemsManager' },
  route53: { page: 'https://aws.amazon.com/route53/pricing/', offer: 'AmazonRoute53' },
  s3: { page: 'https://aws.amazon.com/s3/pricing/', offer: 'AmazonS3' },
  lambda: { page: 'https://aws.amazon.com/lambda/pricing/', offer: 'AWSLambda' },
  ec2: { page: 'https://aws.amazon.com/ec2/pricing/on-demand/', offer: 'AmazonEC2' },
  ebs: { page: 'https://aws.amazon.com/ebs/pricing/', offer: 'AmazonEC2' },
  cognito: { page: 'https://aws.amazon.com/cognito/pricing/', offer: 'AmazonCognito' },
};

/** The requirements document's own cost table (4 vCPU / 8 GB x86 Fargate, NLB always on). */
export const REQUIREMENTS_TABLE = {
  fixedMonthly: 16.62,
  fargateHour: 0.198,
  nlbMonthly: 16.2,
  rows: [
    { hours: 0, label: 'Scaled down', total: 16.62 },
    { hours: 10, label: 'Light use', total: 18.6 },
    { hours: 60, label: 'Regular use', total: 28.63 },
    { hours: 120, label: 'Heavy use', total: 40.38 },
    { hours: 744, label: 'Always on', total: 163.93 },
  ],
} as const;
