import * as shield from 'aws-cdk-lib/aws-shield';
import { Construct } from 'constructs';

export interface ShieldProtectedResource {
  /** Construct id and Shield protection name suffix. */
  readonly name: string;
  readonly resourceArn: string;
  /**
   * Route 53 health check (ARN) Shield's health-based detection follows: it reacts sooner, and with
   * fewer false alarms, when the resource is also unhealthy. Not for hosted zones (Shield refuses it).
   * @default none
   */
  readonly healthCheckArn?: string;
}

export interface ShieldAdvancedProps {
  /** Prefix of protection names, e.g. securecart-prod. */
  readonly namePrefix: string;
  readonly resources: readonly ShieldProtectedResource[];
}

/**
 * Shield Advanced protections of the front door's resources, with health-based detection where a
 * Route 53 health check says whether the shop is hurt, and one protection group over them all, so
 * Shield judges an attack on the shop as a whole (SUM of their traffic). Needs the account's Shield
 * Advanced subscription (there is no CloudFormation resource for it): without it the deploy fails.
 */
export class ShieldAdvanced extends Construct {
  readonly protections: shield.CfnProtection[];

  constructor(scope: Construct, id: string, props: ShieldAdvancedProps) {
    super(scope, id);
    this.protections = props.resources.map(
      (r) =>
        new shield.CfnProtection(this, r.name, {
          name: `${props.namePrefix}-${r.name}`,
          resourceArn: r.resourceArn,
          healthCheckArns: r.healthCheckArn ? [r.healthCheckArn] : undefined,
        }),
    );
    const group = new shield.CfnProtectionGroup(this, 'Group', {
      protectionGroupId: `${props.namePrefix}-front-door`,
      aggregation: 'SUM',
      pattern: 'ARBITRARY',
      members: props.resources.map((r) => r.resourceArn),
    });
    for (const p of this.protections) group.addDependency(p);
  }
}
