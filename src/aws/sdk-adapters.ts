import type { AwsPorts, AwsTarget, ServiceCounts, StackState } from './ports.js';

/**
 * AWS SDK v3 implementations of the ports. SDK packages are imported on first use so that commands
 * that never call AWS (plan, config, --help) start fast. The SDK's default credential chain and retry
 * strategy (standard, 3 attempts) are used as they are.
 */
export function sdkPorts(target: AwsTarget): AwsPorts {
  const clientConfig = { region: target.region, ...(target.profile ? { profile: target.profile } : {}) };
  return {
    stacks: {
      async describe(stackName): Promise<StackState | undefined> {
        const { CloudFormationClient, DescribeStacksCommand } = await import('@aws-sdk/client-cloudformation');
        const client = new CloudFormationClient(clientConfig);
        try {
          const { Stacks } = await client.send(new DescribeStacksCommand({ StackName: stackName }));
          const stack = Stacks?.[0];
          if (!stack) return undefined;
          const power = stack.Parameters?.find((p) => p.ParameterKey === 'PowerState')?.ParameterValue;
          return {
            name: stack.StackName ?? stackName,
            status: stack.StackStatus ?? 'UNKNOWN',
            ...(power === 'on' || power === 'off' ? { powerState: power } : {}),
            outputs: Object.fromEntries((stack.Outputs ?? []).map((o) => [o.OutputKey ?? '', o.OutputValue ?? ''])),
          };
        } catch (error) {
          // CloudFormation answers a missing stack with a ValidationError, not a typed NotFound.
          if (error instanceof Error && error.name === 'ValidationError' && /does not exist/.test(error.message))
            return undefined;
          throw error;
        } finally {
          client.destroy();
        }
      },
    },
    services: {
      async counts(cluster, service): Promise<ServiceCounts | undefined> {
        const { ECSClient, DescribeServicesCommand } = await import('@aws-sdk/client-ecs');
        const client = new ECSClient(clientConfig);
        try {
          const { services } = await client.send(new DescribeServicesCommand({ cluster, services: [service] }));
          const found = services?.find((s) => s.status !== 'INACTIVE');
          if (!found) return undefined;
          return { desired: found.desiredCount ?? 0, running: found.runningCount ?? 0, pending: found.pendingCount ?? 0 };
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
