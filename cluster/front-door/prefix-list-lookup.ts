import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';

export interface PrefixListLookupProps {
  /** Name of the AWS-managed prefix list, e.g. com.amazonaws.global.cloudfront.origin-facing. */
  readonly prefixListName: string;
}

/**
 * The id of an AWS-managed prefix list, found at deploy time (ec2:DescribeManagedPrefixLists, which has
 * no resource-level permissions): ids differ per region and account partition, and synth must not call
 * AWS (`ec2.PrefixList.fromLookup` would). Deploy fails, naming the list, when the region has none.
 */
export class PrefixListLookup extends Construct {
  readonly prefixListId: string;

  constructor(scope: Construct, id: string, props: PrefixListLookupProps) {
    super(scope, id);
    const call: cr.AwsSdkCall = {
      service: 'EC2',
      action: 'describeManagedPrefixLists',
      parameters: { Filters: [{ Name: 'prefix-list-name', Values: [props.prefixListName] }] },
      physicalResourceId: cr.PhysicalResourceId.of(props.prefixListName),
      outputPaths: ['PrefixLists.0.PrefixListId'],
    };
    const lookup = new cr.AwsCustomResource(this, 'Resource', {
      onCreate: call,
      onUpdate: call,
      installLatestAwsSdk: false,
      policy: cr.AwsCustomResourcePolicy.fromSdkCalls({ resources: cr.AwsCustomResourcePolicy.ANY_RESOURCE }),
    });
    this.prefixListId = lookup.getResponseField('PrefixLists.0.PrefixListId');
  }
}
