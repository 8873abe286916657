import {
  Aspects,
  CfnCondition,
  CfnOutput,
  type CfnOutputProps,
  CfnParameter,
  CfnResource,
  Fn,
  type IAspect,
  Stack,
  Validations,
} from 'aws-cdk-lib';
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
export interface PowerSwitchProps {
  /**
   * Whether `off` exists. The direct ingress mode has no load balancer, so nothing is billed by the
   * hour while stopped and there is nothing to power down: the parameter then allows only `on`, and
   * CloudFormation itself refuses `off`.
   */
  readonly canPowerDown: boolean;
}

export class PowerSwitch extends Construct {
  /** The CloudFormation parameter. */
  readonly parameter: CfnParameter;
  /** True when `PowerState` is `on` (only when the platform can power down). */
  readonly isOn?: CfnCondition;

  constructor(scope: Construct, id: string, props: PowerSwitchProps) {
    super(scope, id);
    this.parameter = new CfnParameter(scope, POWER_STATE_PARAMETER, {
      type: 'String',
      allowedValues: props.canPowerDown ? [...POWER_STATES] : ['on'],
      default: 'on',
      description: props.canPowerDown
        ? 'on: load balancer and ECS service exist (the platform can start). off: powered down, nothing billed by the hour; data, secrets and certificate are kept.'
        : 'Always on: the direct ingress mode has no load balancer, so a stopped platform bills nothing by the hour and there is nothing to power down.',
    });
    if (!props.canPowerDown) {
      Validations.of(Stack.of(this)).acknowledge({
        id: 'CloudFormation-Validate::W2001',
        reason:
          'In direct mode PowerState only allows "on" and governs nothing; it stays so that a switch between ingress modes keeps one parameter set and CloudFormation itself refuses "off".',
      });
    } else {
      this.isOn = new CfnCondition(scope, 'PowerIsOn', {
        expression: Fn.conditionEquals(this.parameter.valueAsString, 'on'),
      });
    }
  }

  /** Put every CloudFormation resource under `scope` (now and later) under the `PowerIsOn` condition, if there is one. */
  governs(scope: IConstruct): void {
    if (this.isOn) Aspects.of(scope).add(new ApplyCondition(this.isOn));
  }

  /** A value that names a powered resource, or `whenOff` while powered down (for unconditional resources). */
  value(whenOn: string, whenOff: string): string {
    return this.isOn ? Fn.conditionIf(this.isOn.logicalId, whenOn, whenOff).toString() : whenOn;
  }

  /** An output that only exists while powered on (it names a powered resource). */
  output(scope: Construct, id: string, props: CfnOutputProps): CfnOutput {
    return new CfnOutput(scope, id, { ...props, ...(this.isOn ? { condition: this.isOn } : {}) });
  }
}

class ApplyCondition implements IAspect {
  constructor(private readonly condition: CfnCondition) {}

  visit(node: IConstruct): void {
    if (node instanceof CfnResource) node.cfnOptions.condition = this.condition;
  }
}
