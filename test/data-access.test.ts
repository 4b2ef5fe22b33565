/**
 * The RDS Proxies of each region (cluster/data-access) and the workloads that connect through them: the
 * stacks as synthesized offline, the outputs contract that carries their endpoints to the charts, and the
 * charts with and without those outputs (first install: the proxies cannot exist before the databases).
 */
import * as fs from 'fs';
import * as path from 'path';
import { Template } from 'aws-cdk-lib/assertions';
import { DATA_ENDPOINTS, DATA_PROXY_ENDPOINTS, PORTS } from '../charts/constants';
import { RenderInput } from '../charts/render';
import { ClusterSynth } from '../cluster/synth';
import CATALOG_DATABASE_CONFIG from '../cluster/upstream/catalog-database-config.json';
import { CREDENTIALS, secretName } from '../config/credentials';
import {
  DATABASE_ENGINES,
  PROXIED_DATABASES,
  PROXY_MAX_CONNECTIONS_PERCENT,
  ProxiedDatabase,
  proxyName,
  readOnlyEndpointName,
  regionalClusterIdentifier,
  WRITE_FORWARDING_CONNECTIONS_PERCENT,
} from '../config/data-access';
import { parseConfig } from '../config/load';
import { DATA_ACCESS_OUTPUT_KEYS, dataAccessStackName, loadOutputs, PlatformOutputs, regionalStackName } from '../config/outputs';
import { defaultConfigData, defaultInput, K8sObject, renderRegion, tmpDir } from './helpers';
import { resourcesOf, synthTemplates } from './support/cluster-templates';
import { cfnText, evaluate, policyStatements } from './support/iam';

// The proxies are an option (data.rdsProxy, off by default since the Region switch): this suite turns it on.
const config = (() => {
  const data = defaultConfigData();
  data.data.rdsProxy = true;
  return parseConfig(data, 'rds-proxy');
})();
const regions = config.regions.map((r) => r.name);
// Client auth: catalog's go-sql-driver/mysql v1.8.1 defaults to mysql_native_password (const.go:14,
// auth.go:304-311), and AWS warns that the proxy's caching_sha2_password "has compatibility issues with
// certain go-sql driver versions" (Aurora User Guide, "RDS Proxy concepts"); orders' pgJDBC does SCRAM.
const ENGINE = {
  orders: { family: 'POSTGRESQL', port: PORTS.postgres, clientAuth: 'POSTGRES_SCRAM_SHA_256', credential: 'ordersDb' },
  catalog: { family: 'MYSQL', port: PORTS.mysql, clientAuth: 'MYSQL_NATIVE_PASSWORD', credential: 'catalogDb' },
} as const;

let synth: ClusterSynth;
const templates: Record<string, Template> = {};
beforeAll(async () => {
  const result = await synthTemplates(config);
  synth = result.synth;
  Object.assign(templates, result.templates);
}, 180_000);

const dataAccess = (region: string) => templates[dataAccessStackName(config.name, region)].toJSON();
const regionalTemplate = (region: string) => templates[regionalStackName(config.name, region)].toJSON();
const ofType = (t: any, type: string) => Object.entries(t.Resources as Record<string, any>).filter(([, r]) => r.Type === type);
/** The value a regional stack exports under an Fn::ImportValue name. */
const imported = (region: string, value: any) => {
  const name = value?.['Fn::ImportValue'];
  if (typeof name !== 'string') throw new Error(`not an import: ${JSON.stringify(value)}`);
  const output = Object.values(regionalTemplate(region).Outputs as Record<string, any>).find((o) => o.Export?.Name === name);
  if (!output) throw new Error(`${regionalStackName(config.name, region)} exports no ${name}`);
  return output.Value;
};
/** The proxy (and its logical id) of a database in a region's data-access template. */
const proxyOf = (region: string, db: ProxiedDatabase) => {
  const found = ofType(dataAccess(region), 'AWS::RDS::DBProxy').find(([, r]) => r.Properties.DBProxyName === proxyName(config.name, db));
  if (!found) throw new Error(`no proxy for ${db} in ${region}`);
  return { id: found[0], props: found[1].Properties };
};
const securityGroupOf = (region: string, db: ProxiedDatabase) => {
  const id = proxyOf(region, db).props.VpcSecurityGroupIds[0]['Fn::GetAtt'][0];
  return { id, props: dataAccess(region).Resources[id].Properties };
};

describe('the data-access stacks', () => {
  test('one per region, in the region, after its regional stack and the global stack (secrets), termination-protected', () => {
    for (const region of regions) {
      const stack = synth.assembly.getStackByName(dataAccessStackName(config.name, region));
      expect(stack.environment.region).toBe(region);
      expect(stack.terminationProtection).toBe(true);
      expect(stack.dependencies.map((d) => d.id)).toEqual(expect.arrayContaining([regionalStackName(config.name, region), `securecart-${config.name}-global`]));
    }
    // The regional stacks never refer to the data-access stacks (they deploy first, on a first install alone).
    for (const region of regions) expect(JSON.stringify(regionalTemplate(region))).not.toContain('data-access');
  });
});

describe.each(regions)('RDS Proxies in %s', (region) => {
  const t = () => dataAccess(region);
  const dataSubnets = () =>
    Object.entries(regionalTemplate(region).Resources as Record<string, any>)
      .filter(([, r]) => r.Type === 'AWS::EC2::Subnet' && r.Properties.Tags.some((tag: any) => tag.Key === 'aws-cdk:subnet-name' && tag.Value === 'data'))
      .map(([id, r]) => ({ id, cidr: r.Properties.CidrBlock as string }));
  const subnetIds = (list: any[]) => list.map((v) => imported(region, v).Ref).sort();

  test('two proxies, one per database and engine family: TLS required, the database secret, explicit client auth, no IAM auth', () => {
    expect(ofType(t(), 'AWS::RDS::DBProxy')).toHaveLength(2);
    for (const db of PROXIED_DATABASES) {
      const { props } = proxyOf(region, db);
      expect(props.EngineFamily).toBe(ENGINE[db].family);
      expect(props.RequireTLS).toBe(true);
      expect(props.DebugLogging).toBe(false);
      expect(props.IdleClientTimeout).toBe(1800);
      expect(props.Auth).toHaveLength(1);
      expect(props.Auth[0]).toMatchObject({ AuthScheme: 'SECRETS', ClientPasswordAuthType: ENGINE[db].clientAuth, IAMAuth: 'DISABLED' });
      // The secret by partial ARN in this region (the replica of the global stack's secret).
      expect(cfnText(props.Auth[0].SecretArn)).toBe(`arn:aws:secretsmanager:${region}:${config.accountId}:secret:${secretName(config, ENGINE[db].credential)}`);
    }
  });

  test('the secrets can be named by partial ARN: no name ends in a hyphen and six characters', () => {
    for (const db of PROXIED_DATABASES) expect(secretName(config, ENGINE[db].credential)).not.toMatch(/-[A-Za-z0-9]{6}$/);
  });

  test('in the region’s isolated data subnets (where the data tier’s NetworkPolicies already let the clients go), each with its own security group', () => {
    const data = dataSubnets();
    expect(data.map((s) => s.cidr).sort()).toEqual(regionalTemplate(region).Outputs.DataSubnetCidrs.Value.split(',').sort());
    const groups = new Set<string>();
    for (const db of PROXIED_DATABASES) {
      const { props } = proxyOf(region, db);
      expect(subnetIds(props.VpcSubnetIds)).toEqual(data.map((s) => s.id).sort());
      expect(props.VpcSecurityGroupIds).toHaveLength(1);
      const sg = securityGroupOf(region, db);
      expect(t().Resources[sg.id].Type).toBe('AWS::EC2::SecurityGroup');
      groups.add(sg.id);
    }
    expect(groups.size).toBe(2);
  });

  test('target groups name this region’s clusters, as the data tier renders them', () => {
    const rendered = renderRegion(defaultInput(), region).data.filter((o) => o.kind === 'DBCluster');
    const groups = ofType(t(), 'AWS::RDS::DBProxyTargetGroup');
    expect(groups).toHaveLength(2);
    for (const db of PROXIED_DATABASES) {
      const { id } = proxyOf(region, db);
      const [groupId, group] = groups.find(([, g]) => g.Properties.DBProxyName.Ref === id)!;
      expect(group.Properties.TargetGroupName).toBe('default');
      expect(group.Properties.DBClusterIdentifiers).toEqual([regionalClusterIdentifier(config.name, db, region)]);
      expect(group.Properties.DBClusterIdentifiers).toEqual([rendered.find((c) => c.metadata.name === db)!.spec.dbClusterIdentifier]);
      expect(group.Properties).not.toHaveProperty('DBInstanceIdentifiers');
      // Registering waits for the targets to be reachable: the database's rule and the role come first.
      const ingress = ofType(t(), 'AWS::EC2::SecurityGroupIngress').find(([, r]) => r.Properties.FromPort === ENGINE[db].port)![0];
      const policy = ofType(t(), 'AWS::IAM::Policy').find(([, p]) => p.Properties.Roles[0].Ref === proxyOf(region, db).props.RoleArn['Fn::GetAtt'][0])![0];
      expect(t().Resources[groupId].DependsOn).toEqual(expect.arrayContaining([ingress, policy]));
    }
  });

  test('a READ_ONLY endpoint per proxy, in the same subnets and security group', () => {
    // On a secondary cluster "requests that are sent to read/write endpoints fail" and read-only endpoints
    // reach the readers (https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/rds-proxy-gdb.html).
    const endpoints = ofType(t(), 'AWS::RDS::DBProxyEndpoint');
    expect(endpoints).toHaveLength(2);
    for (const db of PROXIED_DATABASES) {
      const { id, props } = proxyOf(region, db);
      const [, endpoint] = endpoints.find(([, e]) => e.Properties.DBProxyName.Ref === id)!;
      expect(endpoint.Properties).toMatchObject({ DBProxyEndpointName: readOnlyEndpointName(config.name, db), TargetRole: 'READ_ONLY', VpcSecurityGroupIds: props.VpcSecurityGroupIds });
      expect(subnetIds(endpoint.Properties.VpcSubnetIds)).toEqual(subnetIds(props.VpcSubnetIds));
    }
  });

  test('connection pool: what write forwarding leaves of the writer, AWS’s documented defaults otherwise', () => {
    const catalogGroup = renderRegion(defaultInput(), region).data.find((o) => o.kind === 'DBClusterParameterGroup' && o.metadata.name === 'catalog-tls')!;
    const forwarding = Number(catalogGroup.spec.parameterOverrides.aurora_fwd_writer_max_connections_pct);
    expect(forwarding).toBe(WRITE_FORWARDING_CONNECTIONS_PERCENT);
    for (const [, group] of ofType(t(), 'AWS::RDS::DBProxyTargetGroup')) {
      const pool = group.Properties.ConnectionPoolConfigurationInfo;
      expect(pool).toEqual({ MaxConnectionsPercent: PROXY_MAX_CONNECTIONS_PERCENT, MaxIdleConnectionsPercent: 50, ConnectionBorrowTimeout: 120 });
      expect(pool.MaxConnectionsPercent + forwarding).toBeLessThanOrEqual(100);
      expect(pool.MaxIdleConnectionsPercent).toBeLessThanOrEqual(pool.MaxConnectionsPercent);
      expect(pool.ConnectionBorrowTimeout).toBeLessThanOrEqual(300);
    }
  });

  test('each proxy’s role: trusted by RDS only, GetSecretValue on its own database’s secret only', () => {
    const roles = ofType(t(), 'AWS::IAM::Role');
    expect(roles).toHaveLength(2);
    for (const [, role] of roles) {
      expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'rds.amazonaws.com' } }]);
      expect(role.Properties).not.toHaveProperty('ManagedPolicyArns');
      expect(role.Properties).not.toHaveProperty('Policies');
    }
    const secretArn = (db: ProxiedDatabase, suffix: string) => `arn:aws:secretsmanager:${region}:${config.accountId}:secret:${secretName(config, ENGINE[db].credential)}${suffix}`;
    for (const db of PROXIED_DATABASES) {
      const roleId = proxyOf(region, db).props.RoleArn['Fn::GetAtt'][0];
      const policies = ofType(t(), 'AWS::IAM::Policy').filter(([, p]) => p.Properties.Roles.some((r: any) => r.Ref === roleId));
      expect(policies).toHaveLength(1);
      const statements = policyStatements(t().Resources, policies[0][0]);
      expect(statements).toEqual([{ Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: expect.anything() }]);
      expect(cfnText(statements[0].Resource)).toBe(secretArn(db, '-??????'));
      // The full ARN (random suffix) is allowed; the other database's secret, other calls and longer names are not.
      expect(evaluate(statements, 'secretsmanager:GetSecretValue', secretArn(db, '-AbC123')).decision).toBe('Allow');
      expect(evaluate(statements, 'secretsmanager:DescribeSecret', secretArn(db, '-AbC123')).decision).toBe('ImplicitDeny');
      expect(evaluate(statements, 'secretsmanager:GetSecretValue', secretArn(db, '-extra-AbC123')).decision).toBe('ImplicitDeny');
      const other = PROXIED_DATABASES.find((d) => d !== db)!;
      expect(evaluate(statements, 'secretsmanager:GetSecretValue', secretArn(other, '-AbC123')).decision).toBe('ImplicitDeny');
    }
    // No kms statement is needed: the secrets and their replicas use the AWS managed key (aws/secretsmanager).
    const secrets = resourcesOf(templates[`securecart-${config.name}-global`], 'AWS::SecretsManager::Secret').filter(([, s]) =>
      [CREDENTIALS.ordersDb, CREDENTIALS.catalogDb].some((c) => s.Properties.Name === `securecart/${config.name}/${c.secret}`),
    );
    expect(secrets).toHaveLength(2);
    for (const [, s] of secrets) {
      expect(s.Properties).not.toHaveProperty('KmsKeyId');
      for (const replica of s.Properties.ReplicaRegions ?? []) expect(replica).not.toHaveProperty('KmsKeyId');
      expect((s.Properties.ReplicaRegions ?? []).map((r: any) => r.Region).concat(config.regions[0].name)).toContain(region);
    }
  });

  test('security groups: clients in from the EKS cluster, out to the database, and the database open to each proxy, on its engine’s port only', () => {
    const clusterSg = regionalTemplate(region).Resources;
    for (const db of PROXIED_DATABASES) {
      const port = ENGINE[db].port;
      const sg = securityGroupOf(region, db).props;
      expect(sg.SecurityGroupIngress).toHaveLength(1);
      expect(sg.SecurityGroupIngress[0]).toMatchObject({ IpProtocol: 'tcp', FromPort: port, ToPort: port });
      expect(imported(region, sg.SecurityGroupIngress[0].SourceSecurityGroupId)['Fn::GetAtt'][1]).toBe('ClusterSecurityGroupId');
      expect(sg.SecurityGroupEgress).toHaveLength(1);
      expect(sg.SecurityGroupEgress[0]).toMatchObject({ IpProtocol: 'tcp', FromPort: port, ToPort: port });
      const databaseSg = imported(region, sg.SecurityGroupEgress[0].DestinationSecurityGroupId)['Fn::GetAtt'][0];
      expect(clusterSg[databaseSg].Properties.GroupDescription).toMatch(/^Aurora MySQL \(catalog\) and PostgreSQL \(orders\)/);
    }
    // The database's security group (regional stack) gets one rule per proxy, from this stack.
    const rules = ofType(t(), 'AWS::EC2::SecurityGroupIngress').map(([, r]) => r.Properties);
    expect(rules).toHaveLength(2);
    for (const db of PROXIED_DATABASES) {
      const port = ENGINE[db].port;
      const rule = rules.find((r) => r.SourceSecurityGroupId['Fn::GetAtt'][0] === securityGroupOf(region, db).id)!;
      expect(rule).toMatchObject({ IpProtocol: 'tcp', FromPort: port, ToPort: port });
      expect(imported(region, rule.GroupId)['Fn::GetAtt'][0]).toMatch(/^PrerequisitesDatabaseSecurityGroup/);
    }
    expect(JSON.stringify(t())).not.toMatch(/CidrIp/);
  });

  test('every resource is kept when the stack is deleted or replaces it (a failed first create still rolls back)', () => {
    const resources = Object.entries(t().Resources as Record<string, any>);
    expect(resources.length).toBeGreaterThanOrEqual(14);
    for (const [id, r] of resources) expect({ id, deletion: r.DeletionPolicy, replace: r.UpdateReplacePolicy }).toEqual({ id, deletion: 'RetainExceptOnCreate', replace: 'Retain' });
  });

  test('outputs the four endpoints the charts read', () => {
    const outputs = t().Outputs;
    const endpointOf = (type: string, db: ProxiedDatabase) => {
      const { id } = proxyOf(region, db);
      return type === 'AWS::RDS::DBProxy' ? id : ofType(t(), type).find(([, e]) => e.Properties.DBProxyName.Ref === id)![0];
    };
    for (const db of PROXIED_DATABASES) {
      expect(outputs[DATA_ACCESS_OUTPUT_KEYS[`${db}ProxyEndpoint`]].Value).toEqual({ 'Fn::GetAtt': [endpointOf('AWS::RDS::DBProxy', db), 'Endpoint'] });
      expect(outputs[DATA_ACCESS_OUTPUT_KEYS[`${db}ProxyReadOnlyEndpoint`]].Value).toEqual({ 'Fn::GetAtt': [endpointOf('AWS::RDS::DBProxyEndpoint', db), 'Endpoint'] });
    }
    expect(Object.keys(outputs).sort()).toEqual(Object.values(DATA_ACCESS_OUTPUT_KEYS).sort());
  });
});

describe('the data-access outputs', () => {
  const dir = tmpDir('data-access-outputs-');
  const example = () => JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'config', 'outputs', `${config.name}.json`), 'utf8'));
  const write = (data: unknown) => {
    const file = path.join(dir, `outputs-${Math.random().toString(36).slice(2)}.json`);
    fs.writeFileSync(file, JSON.stringify(data));
    return file;
  };
  const stack = (region: string) => dataAccessStackName(config.name, region);
  const problems = (data: unknown): string[] => {
    try {
      loadOutputs(config, write(data));
    } catch (e) {
      return (e as { problems?: string[] }).problems ?? [String(e)];
    }
    return [];
  };

  test('the example has every region’s proxies', () => {
    const outputs = loadOutputs(config);
    for (const region of regions) {
      expect(outputs.regions[region].proxyEndpoints).toEqual({
        ordersProxyEndpoint: expect.stringMatching(new RegExp(`^securecart-prod-orders\\.proxy-[a-z0-9]+\\.${region}\\.rds\\.amazonaws\\.com$`)),
        ordersProxyReadOnlyEndpoint: expect.stringMatching(new RegExp(`^securecart-prod-orders-read-only\\.endpoint\\.proxy-[a-z0-9]+\\.${region}\\.rds\\.amazonaws\\.com$`)),
        catalogProxyEndpoint: expect.stringMatching(new RegExp(`^securecart-prod-catalog\\.proxy-[a-z0-9]+\\.${region}\\.rds\\.amazonaws\\.com$`)),
        catalogProxyReadOnlyEndpoint: expect.stringMatching(new RegExp(`^securecart-prod-catalog-read-only\\.endpoint\\.proxy-[a-z0-9]+\\.${region}\\.rds\\.amazonaws\\.com$`)),
      });
    }
  });

  test('optional: without a region’s data-access stack (first install) that region simply has no proxies', () => {
    const data = example();
    delete data[stack(regions[1])];
    const outputs = loadOutputs(config, write(data));
    expect(outputs.regions[regions[1]].proxyEndpoints).toBeUndefined();
    expect(outputs.regions[regions[0]].proxyEndpoints).toBeDefined();
    for (const region of regions) delete data[stack(region)];
    expect(Object.values(loadOutputs(config, write(data)).regions).map((r) => r.proxyEndpoints)).toEqual([undefined, undefined]);
  });

  test('once there, a missing output is named with its stack and key', () => {
    const data = example();
    delete data[stack(regions[0])].CatalogProxyReadOnlyEndpoint;
    expect(problems(data)).toEqual([`${stack(regions[0])}.CatalogProxyReadOnlyEndpoint: required output is missing: redeploy ${stack(regions[0])} with --outputs-file`]);
  });

  test.each([
    ['another region', 'OrdersProxyEndpoint', (v: string, other: string) => v.replace(/\.[a-z]{2}-[a-z]+-\d\./, `.${other}.`)],
    ['the other database', 'CatalogProxyEndpoint', (v: string) => v.replace('-catalog.', '-orders.')],
    ['the read-only form for the default endpoint', 'OrdersProxyEndpoint', (v: string) => v.replace('securecart-prod-orders.proxy-', 'securecart-prod-orders-read-only.endpoint.proxy-')],
    ['the default form for the read-only endpoint', 'OrdersProxyReadOnlyEndpoint', (v: string) => v.replace('-read-only.endpoint.proxy-', '.proxy-')],
    ['a cluster endpoint', 'CatalogProxyReadOnlyEndpoint', () => 'securecart-prod-catalog-us-east-1.cluster-c0ffee123456.us-east-1.rds.amazonaws.com'],
  ])('%s is refused, naming the key', (_what, key, change) => {
    const data = example();
    const [region, other] = regions;
    data[stack(region)][key] = change(data[stack(region)][key], other);
    const found = problems(data);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(new RegExp(`^${stack(region)}\\.${key}: ".+" is not the (default|READ_ONLY) endpoint of proxy securecart-prod-(orders|catalog) in ${region}: expected `));
  });

  test('both endpoints of a proxy must share its id', () => {
    const data = example();
    data[stack(regions[0])].OrdersProxyReadOnlyEndpoint = data[stack(regions[0])].OrdersProxyReadOnlyEndpoint.replace(/proxy-[a-z0-9]+/, 'proxy-0ther1d');
    expect(problems(data)).toEqual([expect.stringMatching(new RegExp(`^${stack(regions[0])}\\.OrdersProxyReadOnlyEndpoint: names proxy id 0ther1d, OrdersProxyEndpoint names [a-z0-9]+`))]);
  });

  test('the names the loader expects are the ones the proxies are given', () => {
    for (const region of regions) {
      for (const db of PROXIED_DATABASES) {
        expect(proxyOf(region, db).props.DBProxyName).toBe(proxyName(config.name, db));
        expect(DATABASE_ENGINES[db]).toBe(renderRegion(defaultInput(), region).data.find((o) => o.kind === 'DBCluster' && o.metadata.name === db)!.spec.engine);
      }
    }
  });
});

describe('the workloads and the proxies', () => {
  const withProxies = defaultInput(config);
  const withoutProxies: RenderInput = {
    ...withProxies,
    outputs: { ...withProxies.outputs, regions: Object.fromEntries(Object.entries(withProxies.outputs.regions).map(([r, o]) => [r, { ...o, proxyEndpoints: undefined }])) },
  };
  const env = (objects: K8sObject[], name: string) =>
    Object.fromEntries(objects.find((o) => o.kind === 'Deployment' && o.metadata.name === name)!.spec.template.spec.containers[0].env.map((e: any) => [e.name, e.value ?? e.valueFrom]));
  const ref = (name: string, key: string) => ({ configMapKeyRef: { name, key } });

  test.each(regions)('%s: the proxies’ endpoints are published whole from the outputs', (region) => {
    const map = renderRegion(withProxies, region).data.find((o) => o.kind === 'ConfigMap' && o.metadata.name === DATA_PROXY_ENDPOINTS.configMap)!;
    const p = withProxies.outputs.regions[region].proxyEndpoints!;
    expect(map.data).toEqual({
      [DATA_PROXY_ENDPOINTS.ordersReadWrite]: p.ordersProxyEndpoint,
      [DATA_PROXY_ENDPOINTS.ordersReadOnly]: p.ordersProxyReadOnlyEndpoint,
      [DATA_PROXY_ENDPOINTS.catalogReadWrite]: p.catalogProxyEndpoint,
      [DATA_PROXY_ENDPOINTS.catalogReadOnly]: p.catalogProxyReadOnlyEndpoint,
    });
    // Not an ACK export target: Argo CD owns its data.
    expect(renderRegion(withProxies, region).data.filter((o) => o.kind === 'FieldExport').map((f) => f.spec.to.name)).not.toContain(DATA_PROXY_ENDPOINTS.configMap);
  });

  test.each(regions)('%s: orders and catalog read the proxy endpoint of their region’s role', (region) => {
    const apps = renderRegion(withProxies, region).apps;
    const primary = region === config.primaryRegion;
    expect(env(apps, 'orders').ORDERS_DB_HOST).toEqual(ref(DATA_PROXY_ENDPOINTS.configMap, primary ? DATA_PROXY_ENDPOINTS.ordersReadWrite : DATA_PROXY_ENDPOINTS.ordersReadOnly));
    expect(env(apps, 'catalog').CATALOG_DB_HOST).toEqual(ref(DATA_PROXY_ENDPOINTS.configMap, primary ? DATA_PROXY_ENDPOINTS.catalogReadWrite : DATA_PROXY_ENDPOINTS.catalogReadOnly));
    // Redis is not proxied.
    expect(env(apps, 'checkout').CHECKOUT_REDIS_HOST).toEqual(ref(DATA_ENDPOINTS.configMap, DATA_ENDPOINTS.redisHost));
  });

  test('with proxies, the home (primaryRegion) reads the read/write endpoints and the other region the read-only ones', () => {
    const data = defaultConfigData();
    data.data.rdsProxy = true;
    const promoted = parseConfig({ ...data, primaryRegion: regions[1] }, 'promoted');
    const input: RenderInput = { config: promoted, outputs: loadOutputs(promoted), platformVersion: '0.0.0-test' };
    expect(env(renderRegion(input, regions[1]).apps, 'orders').ORDERS_DB_HOST).toEqual(ref(DATA_PROXY_ENDPOINTS.configMap, DATA_PROXY_ENDPOINTS.ordersReadWrite));
    expect(env(renderRegion(input, regions[0]).apps, 'catalog').CATALOG_DB_HOST).toEqual(ref(DATA_PROXY_ENDPOINTS.configMap, DATA_PROXY_ENDPOINTS.catalogReadOnly));
  });

  test.each(regions)('%s: without the data-access outputs, the clusters’ own endpoints as before, and no proxy ConfigMap', (region) => {
    const rendered = renderRegion(withoutProxies, region);
    expect(rendered.data.map((o) => o.metadata.name)).not.toContain(DATA_PROXY_ENDPOINTS.configMap);
    expect(env(rendered.apps, 'orders').ORDERS_DB_HOST).toEqual(ref(DATA_ENDPOINTS.configMap, DATA_ENDPOINTS.ordersDbHost));
    expect(env(rendered.apps, 'catalog').CATALOG_DB_HOST).toEqual(ref(DATA_ENDPOINTS.configMap, DATA_ENDPOINTS.catalogDbHost));
    // Directly to the cluster catalog verifies an RDS certificate: the bundle is mounted again.
    expect(env(rendered.apps, 'catalog').SSL_CERT_FILE).toMatch(/^\/etc\/rds-ca\//);
    // Everything else about catalog's connection is the same in both modes.
    const a = env(rendered.apps, 'catalog');
    const b = env(renderRegion(withProxies, region).apps, 'catalog');
    for (const name of ['RETAIL_CATALOG_PERSISTENCE_ENDPOINT', 'RETAIL_CATALOG_PERSISTENCE_DB_NAME', 'RETAIL_CATALOG_PERSISTENCE_USER', 'RETAIL_CATALOG_PERSISTENCE_PASSWORD']) expect(a[name]).toEqual(b[name]);
  });

  test.each(regions)('%s: the NetworkPolicies already let orders and catalog reach the proxies (the data subnets, the engine’s port)', (region) => {
    const out: PlatformOutputs['regions'][string] = withProxies.outputs.regions[region];
    const policies = renderRegion(withProxies, region).apps.filter((o) => o.kind === 'NetworkPolicy');
    for (const [service, port] of [['orders', PORTS.postgres], ['catalog', PORTS.mysql]] as const) {
      const egress = policies.filter((p) => p.spec.podSelector.matchLabels?.['app.kubernetes.io/name'] === service && p.spec.policyTypes.includes('Egress')).flatMap((p) => p.spec.egress ?? []);
      for (const cidr of out.dataSubnetCidrs.split(',')) {
        expect(egress.some((rule: any) => rule.to?.some((peer: any) => peer.ipBlock?.cidr === cidr) && rule.ports?.some((p: any) => p.port === port && p.protocol === 'TCP'))).toBe(true);
      }
    }
  });
});

describe('catalog v1.6.2 reads one database endpoint', () => {
  // The fixture is DatabaseConfiguration of src/catalog/config/config.go:27-34 at v1.6.2, field by field.
  const variables = Object.values(CATALOG_DATABASE_CONFIG.fields);

  test('exactly one endpoint variable, for reads and writes alike: no reader endpoint to give it', () => {
    expect(variables.filter((v) => /ENDPOINT|HOST|READER|URL/.test(v))).toEqual(['RETAIL_CATALOG_PERSISTENCE_ENDPOINT']);
  });

  test.each(regions)('%s: the Deployment sets only variables the image reads, the endpoint among them', (region) => {
    const rendered = renderRegion(defaultInput(), region).apps.find((o) => o.kind === 'Deployment' && o.metadata.name === 'catalog')!;
    const names = rendered.spec.template.spec.containers[0].env.map((e: any) => e.name as string).filter((n: string) => n.startsWith('RETAIL_CATALOG_PERSISTENCE_'));
    for (const name of names) expect(variables).toContain(name);
    expect(names).toContain('RETAIL_CATALOG_PERSISTENCE_ENDPOINT');
  });
});
