import { IAspect } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { IConstruct } from 'constructs';

/**
 * Lets every customer-managed key of the platform grant use of itself only to AWS services acting on
 * AWS resources (RDS for the Aurora clusters, EKS for secrets encryption): a principal that can call
 * kms:CreateGrant directly cannot hand the key to someone else. The AWS Control Tower control
 * CT.KMS.PR.3 asks for exactly this statement (a Deny on kms:CreateGrant unless
 * kms:GrantIsForAWSResource or aws:PrincipalIsAWSService, with BoolIfExists). Applied as an aspect, so
 * keys that libraries create (the EKS secrets key from EKS Blueprints) get it too.
 */
export class KeyGrantsOnlyForAwsResources implements IAspect {
  visit(node: IConstruct): void {
    if (!(node instanceof kms.Key)) return;
    node.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'GrantsOnlyForAwsResources',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['kms:CreateGrant'],
        resources: ['*'],
        conditions: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
      }),
    );
  }
}
