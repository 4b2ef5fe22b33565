import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { deployTimeLookup } from './deploy-time-lookup';

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
    this.prefixListId = deployTimeLookup(
      this,
      {
        service: 'EC2',
        action: 'describeManagedPrefixLists',
        parameters: { Filters: [{ Name: 'prefix-list-name', Values: [props.prefixListName] }] },
        physicalResourceId: cr.PhysicalResourceId.of(props.prefixListName),
      },
      'PrefixLists.0.PrefixListId',
    );
  }
}
