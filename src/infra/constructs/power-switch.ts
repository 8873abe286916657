import { Aspects, CfnCondition, CfnOutput, type CfnOutputProps, CfnParameter, CfnResource, Fn, type IAspect } from 'aws-cdk-lib';
import { Construct, type IConstruct } from 'constructs';

import { POWER_STATE_PARAMETER, POWER_STATES } from '../../control/outputs.js';

export type { PowerState } from '../../control/snapshot.js';

/**
 * The `PowerState` parameter and the condition that goes with it. Everything billed by the hour
 * (load balancer, the ECS service and what depends on them) is put under the
 * condition, so `off` deletes exactly those and keeps data, secrets and the certificate. Power-down
 * and power-up are then a parameter flip on the same template (`UpdateStack` with
 * `UsePreviousTemplate`), which needs no CDK toolchain.
 */
export class PowerSwitch extends Construct {
  /** The CloudFormation parameter. */
  readonly parameter: CfnParameter;
  /** True when `PowerState` is `on`. */
  readonly isOn: CfnCondition;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.parameter = new CfnParameter(scope, POWER_STATE_PARAMETER, {
      type: 'String',
      allowedValues: [...POWER_STATES],
      default: 'on',
      description:
        'on: load balancer and ECS service exist (the platform can start). off: powered down, nothing billed by the hour; data, secrets and certificate are kept.',
    });
    this.isOn = new CfnCondition(scope, 'PowerIsOn', {
      expression: Fn.conditionEquals(this.parameter.valueAsString, 'on'),
    });
  }

  /** Put every CloudFormation resource under `scope` (now and later) under the `PowerIsOn` condition. */
  governs(scope: IConstruct): void {
    Aspects.of(scope).add(new ApplyCondition(this.isOn));
  }

  /** An output that only exists while powered on (it names a powered resource). */
  output(scope: Construct, id: string, props: CfnOutputProps): CfnOutput {
    return new CfnOutput(scope, id, { ...props, condition: this.isOn });
  }
}

class ApplyCondition implements IAspect {
  constructor(private readonly condition: CfnCondition) {}

  visit(node: IConstruct): void {
    if (node instanceof CfnResource) node.cfnOptions.condition = this.condition;
  }
}
