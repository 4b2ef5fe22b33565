import { Duration } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { PROXY_MAX_CONNECTIONS_PERCENT } from '../../config/data-access';
import { DATA_PORTS } from '../regional-prerequisites';

export interface GlobalDatabaseProxyProps {
  /** Name of the proxy: unique in the account and region, and the first label of its default endpoint. */
  readonly proxyName: string;
  /** Name of the proxy's READ_ONLY endpoint. */
  readonly readOnlyEndpointName: string;
  readonly engine: 'aurora-postgresql' | 'aurora-mysql';
  /** The cluster's pinned engine version (the proxy only needs its engine family). */
  readonly engineVersion: string;
  /** This region's member of the global database, which the data tier creates (not this stack). */
  readonly clusterIdentifier: string;
  /** Secrets Manager name of the database credentials (`username`, `password`), present in this region. */
  readonly secretName: string;
  readonly vpc: ec2.IVpc;
  /** Where the proxy and its endpoints put their network interfaces (at least two AZs). */
  readonly subnets: ec2.SubnetSelection;
  /** Security group of the clients (the EKS cluster's): the only source let in. */
  readonly clientSecurityGroupId: string;
  /** Security group of the database cluster: the proxy's only destination, and opened to the proxy here. */
  readonly databaseSecurityGroupId: string;
  /**
   * Percent of the writer's max_connections the proxy may open.
   * @default PROXY_MAX_CONNECTIONS_PERCENT (what global write forwarding leaves: config/data-access.ts)
   */
  readonly maxConnectionsPercent?: number;
  /**
   * Percent of max_connections the proxy keeps open while idle.
   * @default 50 (AWS's default for MySQL and PostgreSQL proxies, ConnectionPoolConfiguration in the RDS API)
   */
  readonly maxIdleConnectionsPercent?: number;
  /**
   * How long a client waits for a connection from the pool before it gets an error (0-300 s).
   * @default Duration.seconds(120) (AWS's default, ConnectionPoolConfiguration.ConnectionBorrowTimeout)
   */
  readonly borrowTimeout?: Duration;
  /**
   * How long an idle client connection stays open (1-28,800 s).
   * @default Duration.seconds(1800) (AWS's default, DBProxy.IdleClientTimeout)
   */
  readonly idleClientTimeout?: Duration;
}

/**
 * What differs between the engines. ClientPasswordAuthType (client to proxy) is set, never left to AWS's
 * per-engine default:
 * - PostgreSQL: SCRAM-SHA-256, which AWS names as the default for PostgreSQL (ClientPasswordAuthType in the
 *   RDS API) and orders' pgJDBC speaks.
 * - MySQL: mysql_native_password. AWS's MySQL default is caching_sha2_password, and "RDS Proxy support for
 *   caching_sha2_password is known to have compatibility issues with certain go-sql driver versions"
 *   (https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/rds-proxy.html, limitations). catalog
 *   runs go-sql-driver/mysql v1.8.1, whose default plugin is mysql_native_password (const.go:14) and which
 *   allows it by default (dsn.go:90, AllowNativePasswords: true; auth.go:304-311 answers the scramble,
 *   no TLS or RSA exchange needed). The driver speaks caching_sha2_password too (auth.go:279-281, 389-455),
 *   but AWS names no driver version that works with the proxy: the plugin with no known issue is chosen.
 */
const ENGINES = {
  'aurora-postgresql': {
    port: DATA_PORTS.postgres,
    clientPasswordAuthType: rds.ClientPasswordAuthType.POSTGRES_SCRAM_SHA_256,
    cluster: (version: string) => rds.DatabaseClusterEngine.auroraPostgres({ version: rds.AuroraPostgresEngineVersion.of(version, version.split('.')[0]) }),
  },
  'aurora-mysql': {
    port: DATA_PORTS.mysql,
    clientPasswordAuthType: rds.ClientPasswordAuthType.MYSQL_NATIVE_PASSWORD,
    cluster: (version: string) => rds.DatabaseClusterEngine.auroraMysql({ version: rds.AuroraMysqlEngineVersion.of(version, version.split('.').slice(0, 2).join('.')) }),
  },
} as const;

/**
 * An RDS Proxy in front of one region's member of an Aurora global database: its default (read/write)
 * endpoint for the primary region's clients, and a READ_ONLY endpoint for a secondary's, whose cluster has
 * no writer ("requests that are sent to read/write endpoints fail with the error 'The target group doesn't
 * have any associated read/write instances'", https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/rds-proxy-gdb.html).
 * It targets its cluster by identifier, so a promotion changes nothing here: "RDS Proxy queues all requests
 * through read/write endpoints and sends them to the writer instance of the new primary cluster" (same page).
 *
 * TLS only, password authentication with the database's Secrets Manager secret (the images know nothing of
 * IAM tokens), a security group that lets in the clients and lets out to the cluster, on the engine's port.
 */
export class GlobalDatabaseProxy extends Construct {
  readonly proxy: rds.DatabaseProxy;
  readonly readOnlyEndpoint: rds.IDatabaseProxyEndpoint;
  readonly securityGroup: ec2.SecurityGroup;
  /** Assumed by RDS to read the secret: GetSecretValue on that secret only. */
  readonly role: iam.Role;
  /** The rule on the database's security group that lets the proxy in. */
  readonly databaseIngress: ec2.CfnSecurityGroupIngress;
  readonly port: number;

  constructor(scope: Construct, id: string, props: GlobalDatabaseProxyProps) {
    super(scope, id);
    const engine = ENGINES[props.engine];
    const maxConnectionsPercent = props.maxConnectionsPercent ?? PROXY_MAX_CONNECTIONS_PERCENT;
    if (!Number.isInteger(maxConnectionsPercent) || maxConnectionsPercent < 1 || maxConnectionsPercent > 100) {
      throw new Error(`proxy ${props.proxyName}: maxConnectionsPercent ${maxConnectionsPercent} is not a whole percent from 1 to 100`);
    }
    const borrowSeconds = (props.borrowTimeout ?? Duration.seconds(120)).toSeconds();
    if (borrowSeconds > 300) throw new Error(`proxy ${props.proxyName}: borrowTimeout ${borrowSeconds} s exceeds the 300 s RDS allows`);
    this.port = engine.port;

    // The proxy's own group: in from the cluster's pods and nodes, out to the database only.
    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: `RDS Proxy ${props.proxyName}: from the EKS cluster, to the database, port ${engine.port} only`,
      allowAllOutbound: false,
    });
    this.securityGroup.addIngressRule(ec2.Peer.securityGroupId(props.clientSecurityGroupId), ec2.Port.tcp(engine.port), 'clients in the EKS cluster');
    this.securityGroup.addEgressRule(ec2.Peer.securityGroupId(props.databaseSecurityGroupId), ec2.Port.tcp(engine.port), `database ${props.clusterIdentifier}`);
    // The database's group belongs to the regional stack; the rule that opens it to the proxy lives here,
    // so that the regional stack never refers to this one.
    this.databaseIngress = new ec2.CfnSecurityGroupIngress(this, 'DatabaseIngress', {
      groupId: props.databaseSecurityGroupId,
      sourceSecurityGroupId: this.securityGroup.securityGroupId,
      ipProtocol: 'tcp',
      fromPort: engine.port,
      toPort: engine.port,
      description: `RDS Proxy ${props.proxyName}`,
    });

    // The secret is replicated into every region under the same name (cluster/global-data-stack.ts); its
    // full ARN carries a random suffix CloudFormation cannot know here, so the proxy names it by its
    // partial ARN, which Secrets Manager resolves as long as the name does not itself end in a hyphen and
    // six characters ("Finding a secret from a partial ARN",
    // https://docs.aws.amazon.com/secretsmanager/latest/userguide/troubleshoot.html#ARN_secretnamehyphen),
    // and IAM grants on the full ARN, suffix as `-??????`.
    if (/-[A-Za-z0-9]{6}$/.test(props.secretName)) {
      throw new Error(`proxy ${props.proxyName}: secret name "${props.secretName}" ends in a hyphen and six characters, which Secrets Manager would read as a full ARN`);
    }
    const secret = secretsmanager.Secret.fromSecretNameV2(this, 'Secret', props.secretName);
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('rds.amazonaws.com'),
      description: `RDS Proxy ${props.proxyName}: reads the database credentials ${props.secretName}`,
    });
    // The secrets and their replicas use the AWS managed key aws/secretsmanager (the global stack gives no
    // encryptionKey, nor a kmsKeyId per replica), whose key policy lets any principal of the account decrypt
    // through Secrets Manager (kms:CallerAccount and kms:ViaService conditions): no kms statement. Only GetSecretValue: the one call AWS's proxy policy lists (Aurora User Guide, "Setting up
    // AWS Identity and Access Management (IAM) policies" for RDS Proxy).
    this.role.addToPolicy(new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [`${secret.secretArn}-??????`] }));

    const cluster = rds.DatabaseCluster.fromDatabaseClusterAttributes(this, 'Cluster', {
      clusterIdentifier: props.clusterIdentifier,
      engine: engine.cluster(props.engineVersion),
      // A port but no security groups: the L2 would otherwise add the database's ingress rule inside the
      // regional stack (the group's own), making it depend on this one. DatabaseIngress above does it here.
      port: engine.port,
    });
    this.proxy = new rds.DatabaseProxy(this, 'Proxy', {
      dbProxyName: props.proxyName,
      proxyTarget: rds.ProxyTarget.fromCluster(cluster),
      secrets: [secret],
      // The L2 would grant secretsmanager:GetSecretValue and DescribeSecret on the secret (Secret.grantRead):
      // it gets the role without policy updates, and the role keeps the one statement above.
      role: this.role.withoutPolicyUpdates(),
      vpc: props.vpc,
      vpcSubnets: props.subnets,
      securityGroups: [this.securityGroup],
      requireTLS: true,
      iamAuth: false,
      clientPasswordAuthType: engine.clientPasswordAuthType,
      maxConnectionsPercent,
      maxIdleConnectionsPercent: props.maxIdleConnectionsPercent ?? 50,
      borrowTimeout: Duration.seconds(borrowSeconds),
      idleClientTimeout: props.idleClientTimeout ?? Duration.seconds(1800),
      debugLogging: false,
    });
    // Registering the cluster waits until its instances are AVAILABLE through the proxy (up to ~20 min, then
    // fails: aws-cloudformation-resource-providers-rds-proxy DBProxyTargetGroup CreateHandler), which needs
    // the database to let the proxy in and the proxy to read the secret: both before the target group.
    const targetGroup = this.proxy.node.tryFindChild('ProxyTargetGroup');
    if (!(targetGroup instanceof rds.CfnDBProxyTargetGroup)) throw new Error('the DatabaseProxy L2 no longer creates "ProxyTargetGroup": review GlobalDatabaseProxy');
    targetGroup.node.addDependency(this.databaseIngress, this.role);

    // Without security groups the endpoint would get the VPC's default group: it gets the proxy's.
    this.readOnlyEndpoint = this.proxy.addEndpoint('ReadOnly', {
      dbProxyEndpointName: props.readOnlyEndpointName,
      targetRole: rds.ProxyEndpointTargetRole.READ_ONLY,
      vpc: props.vpc,
      vpcSubnets: props.subnets,
      securityGroups: [this.securityGroup],
    });
  }
}
