import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

export interface MediaBucketProps {
  /** The bucket's name (known to the other regions and to the CloudFront stack). */
  readonly bucketName: string;
  /**
   * Buckets, in other regions, this one replicates every object (and deletion marker) to. They must
   * exist before this bucket's stack deploys (S3 checks the destination of a replication rule).
   * @default none: this bucket receives replicas
   */
  readonly replicateTo?: ReadonlyArray<{ readonly bucketName: string; readonly region: string }>;
}

/**
 * Product media in one region: versioned (replication needs it, and an overwritten image can be got
 * back), encrypted (SSE-S3: CloudFront's origin access control cannot use the AWS-managed KMS key, and
 * the images are the catalogue's public pictures), never public, TLS only, retained with the stack. Only
 * CloudFront distributions of this account read it, through origin access control (the distribution's
 * id is not known before it exists, in another stack, so the account scopes it).
 */
export class MediaBucket extends Construct {
  readonly bucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: MediaBucketProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const destinations = props.replicateTo ?? [];
    this.bucket = new s3.Bucket(this, 'Bucket', {
      bucketName: props.bucketName,
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      versioned: true,
      // Replaced images stay recoverable for 90 days, then go.
      lifecycleRules: [{ noncurrentVersionExpiration: Duration.days(90), abortIncompleteMultipartUploadAfter: Duration.days(7) }],
      removalPolicy: RemovalPolicy.RETAIN,
      replicationRules: destinations.length
        ? destinations.map((d, i) => ({
            destination: s3.Bucket.fromBucketAttributes(this, `Destination${i}`, { bucketName: d.bucketName, region: d.region }),
            priority: destinations.length - i,
            deleteMarkerReplication: true,
            // Replication Time Control: 99.99 % of objects within 15 minutes, with metrics to alarm on.
            replicationTimeControl: s3.ReplicationTimeValue.FIFTEEN_MINUTES,
            metrics: s3.ReplicationTimeValue.FIFTEEN_MINUTES,
          }))
        : undefined,
    });
    this.bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudFrontOriginAccessControl',
        principals: [new iam.ServicePrincipal('cloudfront.amazonaws.com')],
        actions: ['s3:GetObject'],
        resources: [this.bucket.arnForObjects('*')],
        conditions: { ArnLike: { 'AWS:SourceArn': `arn:${stack.partition}:cloudfront::${stack.account}:distribution/*` } },
      }),
    );
  }
}
