import type { AwsPorts, AwsTarget } from './ports.js';

/**
 * AWS SDK v3 implementations of the deploy ports. They reuse the control-plane adapters' describe
 * functions; SDK packages are imported on first use so that commands that never call AWS (plan,
 * config, --help) start fast. The SDK's default credential chain and retry strategy are used as they are.
 */
export function sdkPorts(target: AwsTarget): AwsPorts {
  const clientConfig = { region: target.region, ...(target.profile ? { profile: target.profile } : {}) };
  const adapters = () => import('./control-adapters.js');
  return {
    stacks: {
      async describe(stackName) {
        const [{ describeStack }, { CloudFormationClient }] = await Promise.all([
          adapters(),
          import('@aws-sdk/client-cloudformation'),
        ]);
        const client = new CloudFormationClient(clientConfig);
        try {
          return await describeStack(client, stackName);
        } finally {
          client.destroy();
        }
      },
    },
    services: {
      async counts(cluster, service) {
        const [{ describeService }, { ECSClient }] = await Promise.all([adapters(), import('@aws-sdk/client-ecs')]);
        const client = new ECSClient(clientConfig);
        try {
          return await describeService(client, cluster, service);
        } finally {
          client.destroy();
        }
      },
    },
    identity: {
      async accountId(): Promise<string> {
        const { STSClient, GetCallerIdentityCommand } = await import('@aws-sdk/client-sts');
        const client = new STSClient(clientConfig);
        try {
          const { Account } = await client.send(new GetCallerIdentityCommand({}));
          return Account ?? '';
        } finally {
          client.destroy();
        }
      },
    },
  };
}
