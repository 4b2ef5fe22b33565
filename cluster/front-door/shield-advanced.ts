import { Stack } from 'aws-cdk-lib';
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

/** What the front door's stack knows of the resources its Shield Advanced protections cover. */
export interface FrontDoorShieldOptions {
  /** The distribution or accelerator. */
  readonly frontDoor: { readonly name: string; readonly resourceArn: string };
  /** Each region's ALB ARN (lookUpAlbs). */
  readonly albs: Readonly<Record<string, string>>;
  /** Route 53 health check id of each region, and of "at least one region can sell". */
  readonly regionHealthCheckIds: Readonly<Record<string, string>>;
  readonly shopHealthCheckId: string;
  readonly hostedZoneId: string;
  readonly env: string;
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

  /**
   * The front door's protections: the distribution or accelerator (detection follows "at least one
   * region can sell"), each ALB (its region's health) and the hosted zone (no health check).
   */
  static forFrontDoor(scope: Construct, id: string, options: FrontDoorShieldOptions): ShieldAdvanced {
    const partition = Stack.of(scope).partition;
    const healthCheck = (hc: string) => `arn:${partition}:route53:::healthcheck/${hc}`;
    return new ShieldAdvanced(scope, id, {
      namePrefix: `securecart-${options.env}`,
      resources: [
        { ...options.frontDoor, healthCheckArn: healthCheck(options.shopHealthCheckId) },
        ...Object.entries(options.albs).map(([region, arn]) => ({ name: `alb-${region}`, resourceArn: arn, healthCheckArn: healthCheck(options.regionHealthCheckIds[region]) })),
        { name: 'hosted-zone', resourceArn: `arn:${partition}:route53:::hostedzone/${options.hostedZoneId}` },
      ],
    });
  }

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
