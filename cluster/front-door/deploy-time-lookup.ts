import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';

/**
 * One read-only AWS API call made while CloudFormation deploys (never at synth, which must not call
 * AWS), on create and on every update of its inputs; returns the response field `outputPath`. The call
 * must be a read whose action has no resource-level permissions (the role allows it on `*`).
 */
export function deployTimeLookup(scope: Construct, call: Omit<cr.AwsSdkCall, 'outputPaths'>, outputPath: string): string {
  const sdkCall: cr.AwsSdkCall = { ...call, outputPaths: [outputPath] };
  const lookup = new cr.AwsCustomResource(scope, 'Resource', {
    onCreate: sdkCall,
    onUpdate: sdkCall,
    installLatestAwsSdk: false,
    policy: cr.AwsCustomResourcePolicy.fromSdkCalls({ resources: cr.AwsCustomResourcePolicy.ANY_RESOURCE }),
  });
  return lookup.getResponseField(outputPath);
}
