import { CfnOutput, RemovalPolicy, Stack, StackProps } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { GLOBAL_OUTPUT_KEYS } from '../config/outputs';
import { PlatformConfig } from '../config/schema';
import { SECRET_KEYS } from '../config/credentials';
import { CLOUDFRONT_REGION, originVerifySecretName, regionalWebAclName } from '../config/front-door';
import { publicHostname } from '../config/hostnames';
import { OriginVerifySecret } from './front-door/origin-verify-secret';
import { CREDENTIALS, CredentialName, cartsTableName, commonTags, secretName } from './naming';

export interface GlobalDataStackProps extends StackProps {
  readonly config: PlatformConfig;
}

/**
 * The data every region shares, deployed in the primary region: the carts DynamoDB global table (a
 * replica per region) and the shop's credentials in Secrets Manager (replicated to every region, so a
 * region keeps reading its secrets when the primary is down). Everything is retained on delete.
 */
export class GlobalDataStack extends Stack {
  readonly cartsTable: dynamodb.TableV2;
  readonly secrets: Record<CredentialName, secretsmanager.Secret>;
  /** CloudFront's origin-verify secret (edge.frontDoor cloudfront only). */
  readonly originVerify?: OriginVerifySecret;

  constructor(scope: Construct, id: string, props: GlobalDataStackProps) {
    super(scope, id, props);
    const { config } = props;
    const [primary, ...others] = config.regions;
    if (this.region !== primary.name) throw new Error(`the global data stack must live in the primary region ${primary.name}, not ${this.region}`);

    const pitr = { pointInTimeRecoveryEnabled: true, recoveryPeriodInDays: config.data.backupRetentionDays };
    // The sample's carts schema: key `id`, customer lookups through `idx_global_customerId`.
    this.cartsTable = new dynamodb.TableV2(this, 'CartsTable', {
      tableName: cartsTableName(config),
      partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING },
      globalSecondaryIndexes: [{ indexName: 'idx_global_customerId', partitionKey: { name: 'customerId', type: dynamodb.AttributeType.STRING }, projectionType: dynamodb.ProjectionType.ALL }],
      billing: dynamodb.Billing.onDemand(),
      encryption: dynamodb.TableEncryptionV2.awsManagedKey(),
      // Point-in-time recovery for as long as the Aurora clusters keep theirs (DynamoDB: 1 to 35 days).
      pointInTimeRecoverySpecification: pitr,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
      replicas: others.map((r) => ({ region: r.name, deletionProtection: true, pointInTimeRecoverySpecification: pitr })),
    });

    const replicaRegions = others.map((r) => ({ region: r.name }));
    this.secrets = Object.fromEntries(
      (Object.keys(CREDENTIALS) as CredentialName[]).map((name) => {
        const credential = CREDENTIALS[name];
        const template = credential.username ? { [SECRET_KEYS.username]: credential.username } : {};
        const secret = new secretsmanager.Secret(this, `${name[0].toUpperCase()}${name.slice(1)}Secret`, {
          secretName: secretName(config, name),
          description: `SecureCart ${config.name} ${name} credentials (synced into Kubernetes Secret ${credential.kubernetesSecret})`,
          generateSecretString: {
            secretStringTemplate: JSON.stringify(template),
            generateStringKey: credential.generatedKey,
            passwordLength: 40,
            excludeCharacters: credential.excludeCharacters,
          },
          replicaRegions,
          removalPolicy: RemovalPolicy.RETAIN,
        });
        return [name, secret];
      }),
    ) as Record<CredentialName, secretsmanager.Secret>;

    if (config.edge.frontDoor === 'cloudfront') {
      this.originVerify = new OriginVerifySecret(this, 'OriginVerify', {
        secretName: originVerifySecretName(config.name),
        replicaRegions: [...new Set([...others.map((r) => r.name), CLOUDFRONT_REGION])].filter((r) => r !== primary.name),
        webAcls: config.regions.map((r) => ({ region: r.name, name: regionalWebAclName(config.name, r.name) })),
        alias: publicHostname(config),
        distributionTags: { project: commonTags(config).project, environment: commonTags(config).environment },
        rotationDays: config.edge.cloudFront.originSecretRotationDays,
      });
    }

    new CfnOutput(this, GLOBAL_OUTPUT_KEYS.cartsTableName, { value: this.cartsTable.tableName });
    for (const [name, secret] of Object.entries(this.secrets)) new CfnOutput(this, `${name[0].toUpperCase()}${name.slice(1)}SecretName`, { value: secret.secretName });
  }
}
