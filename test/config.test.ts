import { TRANSIT_ASN_BASE, transitAsn } from '../config/network';
import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { ConfigError, loadConfig, parseConfig } from '../config/load';
import { loadOutputs, regionalStackName } from '../config/outputs';
import { cpuMillis, memoryMebibytes, parseImage } from '../config/schema';
import { defaultConfigData, problemsOf, tmpDir, withChange } from './helpers';



describe('the embedded default environment', () => {
  test('is valid, with the primary region first and three zones per region', () => {
    const config = loadConfig();
    expect(config.name).toBe('prod');
    expect(config.failoverMode).toBe('active-passive');
    expect(config.regions.map((r) => r.name)).toEqual(['us-east-1', 'us-west-2']);
    for (const r of config.regions) expect(r.availabilityZones).toHaveLength(3);
  });

  test('pins every image to the 1.6.2 sample release', () => {
    const config = loadConfig();
    for (const [name, svc] of Object.entries(config.services)) {
      expect(svc.image).toMatch(/^public\.ecr\.aws\/aws-containers\/retail-store-sample-(ui|catalog|cart|orders|checkout):1\.6\.2$/);
      expect(svc.image).toContain(name === 'carts' ? 'sample-cart:' : `sample-${name}:`);
    }
  });

  test('defaults fill in what the file leaves out', () => {
    const config = parseConfig(
      withChange((c) => {
        delete c.failoverMode;
        delete c.namespace;
        delete c.dns.healthCheck;
        for (const r of c.regions) delete r.availabilityZones;
      }),
    );
    expect(config.failoverMode).toBe('active-passive');
    expect(config.namespace).toBe('securecart');
    expect(config.dns.healthCheck).toEqual({ intervalSeconds: 10, failureThreshold: 3, path: '/catalog' });
    expect(config.regions[1].availabilityZones).toEqual(['us-west-2a', 'us-west-2b', 'us-west-2c']);
  });

  test('the front door defaults to CloudFront, without Shield Advanced (a yearly commitment is opted into)', () => {
    const config = parseConfig(withChange((c) => delete c.edge));
    expect(config.edge.frontDoor).toBe('cloudfront');
    expect(config.edge.shieldAdvanced).toBe(false);
    expect(config.edge.cloudFront).toEqual({ priceClass: 'PriceClass_100', originSecretRotationDays: 30, rateLimitPer5Minutes: 2000 });
    expect(config.budgets.regionFailoverSeconds).toBe(90);
  });
});

describe('bad config is refused with the path and the fix', () => {
  const cases: Array<[string, (c: any) => void, RegExp]> = [
    ['an unknown field', (c) => (c.services.ui.replicas = 3), /^services\.ui: unknown field\(s\) "replicas": remove them/],
    ['a misspelt top-level field', (c) => (c.regionz = []), /^\(top level\): unknown field\(s\) "regionz"/],
    ['a missing field', (c) => delete c.dns.hostedZoneId, /^dns\.hostedZoneId: required field is missing: add it/],
    ['a missing service', (c) => delete c.services.checkout, /^services\.checkout: required field is missing/],
    ['a wrong type', (c) => (c.services.orders.regions['us-east-1'].minReplicas = 'three'), /^services\.orders\.regions\.us-east-1\.minReplicas: expected number, got string/],
    ['one region', (c) => c.regions.splice(1), /^regions: needs at least 2 regions/],
    ['duplicate regions', (c) => (c.regions[1] = { ...c.regions[1], name: 'us-east-1', availabilityZones: undefined }), /^regions\.1\.name: region "us-east-1" is listed twice/],
    ['overlapping CIDRs', (c) => (c.regions[1].vpcCidr = '10.10.128.0/17'), /^regions\.1\.vpcCidr: 10\.10\.128\.0\/17 overlaps regions\.0\.vpcCidr 10\.10\.0\.0\/16/],
    ['an invalid CIDR', (c) => (c.regions[0].vpcCidr = '10.10.0.0/33'), /^regions\.0\.vpcCidr: "10\.10\.0\.0\/33" is not an IPv4 CIDR in dotted decimal/],
    ['a CIDR in octal', (c) => (c.regions[0].vpcCidr = '012.10.0.0/16'), /^regions\.0\.vpcCidr: "012\.10\.0\.0\/16" is not an IPv4 CIDR in dotted decimal/],
    ['a CIDR in hex', (c) => (c.regions[0].vpcCidr = '0xa.10.0.0/16'), /is not an IPv4 CIDR in dotted decimal/],
    ['the kube-system namespace', (c) => (c.namespace = 'kube-system'), /^namespace: "kube-system" belongs to the cluster or its add-ons/],
    ['the default namespace', (c) => (c.namespace = 'default'), /^namespace: "default" belongs to the cluster/],
    ['a zero CPU request', (c) => (c.services.ui.resources.cpu = '0'), /^services\.ui\.resources\.cpu: must be above zero/],
    ['a zero memory request', (c) => (c.services.ui.resources.memory = '0Mi'), /^services\.ui\.resources\.memory: must be a memory quantity above zero/],
    ['an unquoted cpu', (c) => (c.services.ui.resources.cpu = 1), /^services\.ui\.resources\.cpu: expected a string \(string\), got number: quote the value/],
    ['an unquoted Kubernetes version', (c) => (c.kubernetesVersion = 1.34), /^kubernetesVersion: expected a string \('1\.33' \| '1\.34'\), got number: quote the value/],
    ['an image tagged LATEST', (c) => (c.services.ui.image = 'public.ecr.aws/aws-containers/retail-store-sample-ui:LATEST'), /mutable "latest" tag/],
    ['a health check interval Route 53 does not offer', (c) => (c.dns.healthCheck.intervalSeconds = 15), /^dns\.healthCheck\.intervalSeconds: must be 10 or 30/],
    ['a health check path without a slash', (c) => (c.dns.healthCheck.path = 'health'), /^dns\.healthCheck\.path: "health" is not one of the shop's public paths/],
    ['a fractional replica count', (c) => (c.services.ui.regions['us-east-1'].maxReplicas = 2.5), /^services\.ui\.regions\.us-east-1\.maxReplicas: expected a whole number, got a fraction/],
    ['an API endpoint open to the internet', (c) => (c.cluster.publicEndpointCidrs = ['0.0.0.0/0']), /^cluster\.publicEndpointCidrs\.0: "0\.0\.0\.0\/0" has prefix \/0/],
    ['an API endpoint CIDR that is not one', (c) => (c.cluster.publicEndpointCidrs = ['999.1.1.1/99']), /^cluster\.publicEndpointCidrs\.0: "999\.1\.1\.1\/99" is not an IPv4 CIDR/],
    ['fewer system nodes than AZs', (c) => (c.cluster.systemNodes.minSize = 2), /^cluster\.systemNodes\.minSize: 2 is fewer than the 3 AZs of a region/],
    ['a system node ceiling below its floor', (c) => (c.cluster.systemNodes = { minSize: 10, maxSize: 6 }), /^cluster\.systemNodes\.maxSize: maxSize must be at least minSize/],
    ['a primary region not in the region list', (c) => (c.primaryRegion = 'eu-west-1'), /^primaryRegion: "eu-west-1" is not one of the regions \(us-east-1, us-west-2\)/],
    ['an invalid account id', (c) => (c.accountId = '1234'), /^accountId: must be a 12-digit AWS account id/],
    ['a GitOps repository that is not a git URL', (c) => (c.gitops.repoUrl = 'github.com/x'), /^gitops\.repoUrl: must be an https:\/\/ or ssh git URL/],
    ['a front door that does not exist', (c) => (c.edge = { frontDoor: 'akamai' }), /^edge\.frontDoor: "akamai" is not allowed: use one of "route53", "cloudfront", "globalAccelerator"/],
    ['a CloudFront price class that does not exist', (c) => (c.edge = { cloudFront: { priceClass: 'PriceClass_50' } }), /^edge\.cloudFront\.priceClass: /],
    ['an origin secret never rotated', (c) => (c.edge = { cloudFront: { originSecretRotationDays: 0 } }), /^edge\.cloudFront\.originSecretRotationDays: must be between 1 and 365 days/],
    ['a rate limit below what WAF accepts', (c) => (c.edge = { cloudFront: { rateLimitPer5Minutes: 5 } }), /^edge\.cloudFront\.rateLimitPer5Minutes: must be at least 10/],
    ['a CloudFront log bucket that is not a bucket name', (c) => (c.edge = { cloudFront: { accessLogsBucket: 'Logs_Bucket' } }), /^edge\.cloudFront\.accessLogsBucket: must be an S3 bucket name/],
    ['the budget renamed when the front door became a choice', (c) => (c.budgets.dnsFailoverSeconds = 90), /^budgets\.dnsFailoverSeconds: was renamed budgets\.regionFailoverSeconds: it now applies to the chosen front door \(edge\.frontDoor\); rename the key/],
    ['a CIDR with host bits', (c) => (c.regions[0].vpcCidr = '10.10.0.1/16'), /use "10\.10\.0\.0\/16"/],
    ['a CIDR too small for the VPC', (c) => (c.regions[0].vpcCidr = '10.10.0.0/24'), /prefix \/24: .* needs \/16 to \/22/],
    ['one AZ', (c) => (c.regions[0].availabilityZones = ['us-east-1a']), /^regions\.0\.availabilityZones: has 1 zone\(s\): use 2 to 6/],
    ['seven AZs', (c) => (c.regions[0].availabilityZones = 'abcdefg'.split('').map((l) => `us-east-1${l}`)), /has 7 zone\(s\): use 2 to 6/],
    ['an AZ of another region', (c) => (c.regions[0].availabilityZones = ['us-east-1a', 'us-west-2b']), /^regions\.0\.availabilityZones\.1: "us-west-2b" is not an Availability Zone of us-east-1/],
    ['minReplicas 1 in the primary', (c) => (c.services.ui.regions['us-east-1'].minReplicas = 1), /^services\.ui\.regions\.us-east-1\.minReplicas: must be at least 2/],
    ['minReplicas 1 in the warm standby', (c) => (c.services.catalog.regions['us-west-2'].minReplicas = 1), /^services\.catalog\.regions\.us-west-2\.minReplicas: must be at least 2.*warm standby/],
    ['maxReplicas below minReplicas', (c) => (c.services.carts.regions['us-east-1'].maxReplicas = 2), /^services\.carts\.regions\.us-east-1\.maxReplicas: maxReplicas 2 must be greater than minReplicas 3/],
    ['maxReplicas equal to minReplicas', (c) => (c.services.carts.regions['us-east-1'].maxReplicas = 3), /maxReplicas 3 must be greater than minReplicas 3/],
    ['an image without tag', (c) => (c.services.ui.image = 'public.ecr.aws/aws-containers/retail-store-sample-ui'), /^services\.ui\.image: image ".*" has no tag or digest: pin it/],
    ['an image tagged latest', (c) => (c.services.ui.image = 'public.ecr.aws/aws-containers/retail-store-sample-ui:latest'), /mutable "latest" tag/],
    ['a malformed domain', (c) => (c.dns.domain = 'Shop_Example..com'), /^dns\.domain: must be a lowercase DNS name/],
    ['a malformed hosted zone id', (c) => (c.dns.hostedZoneId = 'zone-1'), /^dns\.hostedZoneId: must be a Route 53 hosted zone id/],
    ['a health check threshold outside Route 53 limits', (c) => (c.dns.healthCheck.failureThreshold = 11), /^dns\.healthCheck\.failureThreshold: must be between 1 and 10/],
    ['an unknown failover mode', (c) => (c.failoverMode = 'active-standby'), /^failoverMode: "active-standby" is not allowed: use one of "active-passive", "active-active"/],
    ['a region without sizing', (c) => delete c.services.orders.regions['us-west-2'], /^services\.orders\.regions: has no sizing for region "us-west-2"/],
    // Right shape, no such region: the list comes from aws-cdk-lib's region facts (aws partition).
    ['a region AWS does not have', (c) => (c.regions[1] = { ...c.regions[1], name: 'xx-nowhere-9', availabilityZones: undefined }), /^regions\.1\.name: "xx-nowhere-9" is not an AWS region of the aws partition: use one of .*us-west-2/],
    ['a region of another partition', (c) => (c.regions[1] = { ...c.regions[1], name: 'cn-north-1', availabilityZones: undefined }), /^regions\.1\.name: "cn-north-1" is not an AWS region of the aws partition/],
    ['sizing for an unknown region', (c) => (c.services.orders.regions['eu-west-1'] = { minReplicas: 2, maxReplicas: 4 }), /^services\.orders\.regions\.eu-west-1: sizes region "eu-west-1", which is not in regions/],
    ['a memory limit below the request', (c) => (c.services.ui.resources.memoryLimit = '256Mi'), /^services\.ui\.resources\.memoryLimit: memoryLimit 256Mi is below the memory request 1Gi/],
    ['a flow log retention CloudWatch does not offer', (c) => (c.cluster.flowLogRetentionDays = 100), /^cluster\.flowLogRetentionDays: 100 is not a CloudWatch Logs retention period: use one of .*365/],
    ['a short Aurora MySQL version (RDS reports the full one)', (c) => (c.data.catalog.engineVersion = '8.0'), /^data\.catalog\.engineVersion: "8\.0" is not the full Aurora MySQL version RDS reports: use the full form such as "8\.0\.mysql_aurora\.3\.08\.0"/],
    ['a major-only Aurora PostgreSQL version', (c) => (c.data.orders.engineVersion = '16'), /^data\.orders\.engineVersion: "16" is not the full Aurora PostgreSQL version/],
    ['a health check path the ALB and WAF refuse', (c) => (c.dns.healthCheck.path = '/actuator/health/readiness'), /^dns\.healthCheck\.path: "\/actuator\/health\/readiness" is not one of the shop's public paths .*the ALB and the WAF answer anything else with 404/],
    ['an RPO bound Aurora does not accept', (c) => (c.data.ordersRpoBoundSeconds = 5), /^data\.ordersRpoBoundSeconds: must be at least 20: the smallest rds\.global_db_rpo Aurora accepts/],
    ['a lag alarm at or past the RPO bound', (c) => (c.data.replicationLagAlarmSeconds = 20), /^data\.replicationLagAlarmSeconds: 20 s is not below ordersRpoBoundSeconds 20 s/],
    ['a malformed cpu quantity', (c) => (c.services.ui.resources.cpu = '250 millicores'), /^services\.ui\.resources\.cpu: must be a CPU quantity/],
  ];

  test.each(cases)('%s', (_name, mutate, expected) => {
    const problems = problemsOf(withChange(mutate));
    expect(problems.some((p) => expected.test(p))).toBe(true);
  });

  test('independent problems are reported together, not one per run', () => {
    const problems = problemsOf(
      withChange((c) => {
        c.dns.domain = 'bad domain';
        c.services.ui.regions['us-east-1'].minReplicas = 1;
        c.regions[1].vpcCidr = c.regions[0].vpcCidr;
      }),
    );
    expect(problems.length).toBeGreaterThanOrEqual(3);
  });

  describe('files', () => {
    const dir = tmpDir('config-files-');
    const write = (name: string, text: string) => {
      const file = path.join(dir, name);
      fs.writeFileSync(file, text);
      return file;
    };
    const messageOf = (file: string) => {
      try {
        loadConfig(file);
      } catch (e) {
        expect(e).toBeInstanceOf(ConfigError);
        return (e as Error).message;
      }
      throw new Error('file was accepted');
    };

    test('a file that does not exist', () => {
      expect(messageOf(path.join(dir, 'missing.yaml'))).toMatch(/missing\.yaml:\n  - cannot read the file \(ENOENT\): check the path passed to --config/);
    });
    test('an unreadable file (a folder)', () => {
      expect(messageOf(dir)).toMatch(/cannot read the file \(EISDIR\)/);
    });
    test('an empty file', () => {
      expect(messageOf(write('empty.yaml', '  \n'))).toMatch(/the file is empty/);
    });
    test('a file that is not YAML', () => {
      expect(messageOf(write('broken.yaml', 'name: prod\n  regions: [us-east-1\n'))).toMatch(/not valid YAML/);
    });
    test('a tab-indented file names the line', () => {
      expect(messageOf(write('tabs.yaml', 'name: prod\n\tregions: []\n'))).toMatch(/not valid YAML: Tabs are not allowed as indentation at line 2, column 1 \(near "regions: \[\]"\): fix the indentation/);
    });
    test('a YAML list instead of a mapping', () => {
      expect(messageOf(write('list.yaml', '- a\n- b\n'))).toMatch(/expected a YAML mapping at the top level, got a list/);
    });
    test('a valid file round-trips', () => {
      const file = write('ok.yaml', YAML.stringify(defaultConfigData()));
      expect(loadConfig(file).name).toBe('prod');
    });
  });
});

describe('the outputs file', () => {
  const config = loadConfig();
  const dir = tmpDir('outputs-');
  const exampleFile = path.join(__dirname, '..', 'config', 'outputs', 'prod.json');
  const example = () => JSON.parse(fs.readFileSync(exampleFile, 'utf8'));
  const write = (data: unknown) => {
    const file = path.join(dir, `outputs-${Math.random().toString(36).slice(2)}.json`);
    fs.writeFileSync(file, JSON.stringify(data));
    return file;
  };

  test('the example gives every region its endpoints, secrets and role', () => {
    const outputs = loadOutputs(config);
    expect(Object.keys(outputs.regions)).toEqual(['us-east-1', 'us-west-2']);
    expect(outputs.regions['us-west-2'].cartsRoleArn).toMatch(/us-west-2/);
    expect(outputs.global.cartsTableName).toBe('securecart-prod-carts');
  });

  test('a missing regional stack is named', () => {
    const data = example();
    delete data[regionalStackName('prod', 'us-west-2')];
    expect(() => loadOutputs(config, write(data))).toThrow(/securecart-prod-us-west-2: stack missing from the outputs file/);
  });

  test('a missing or malformed output is named with its stack', () => {
    const data = example();
    delete data['securecart-prod-us-east-1'].CartsRoleArn;
    data['securecart-prod-us-west-2'].DatabaseSecurityGroupId = 'default';
    const file = write(data);
    expect(() => loadOutputs(config, file)).toThrow(/securecart-prod-us-east-1\.CartsRoleArn: required field is missing/);
    expect(() => loadOutputs(config, file)).toThrow(/securecart-prod-us-west-2\.DatabaseSecurityGroupId: must be a security group id/);
  });

  // EC2 ids are the prefix and 8 (older) or 17 hex digits; any other length is a copy-paste error.
  test.each([
    ['DatabaseSecurityGroupId', 'sg-00ca11ed0000000000', /DatabaseSecurityGroupId: must be a security group id \(sg- and 8 or 17 hex digits\)/],
    ['RedisSecurityGroupId', 'sg-0123', /RedisSecurityGroupId: must be a security group id/],
    ['DataSubnetIds', 'subnet-0123456789abcdef0,subnet-0123456789abcdef', /DataSubnetIds: must be comma-separated subnet ids \(subnet- and 8 or 17 hex digits\)/],
  ])('%s %s is refused', (key, value, expected) => {
    const data = example();
    data['securecart-prod-us-east-1'][key] = value;
    expect(() => loadOutputs(config, write(data))).toThrow(expected);
  });

  test.each(['sg-0123abcd', 'sg-0123456789abcdef0'])('security group id %s (8 or 17 digits) is accepted', (id) => {
    const data = example();
    data['securecart-prod-us-east-1'].DatabaseSecurityGroupId = id;
    expect(loadOutputs(config, write(data)).regions['us-east-1'].databaseSecurityGroupId).toBe(id);
  });

  test('a file that is not JSON, or not an object of stacks, says how to produce one', () => {
    const broken = path.join(dir, 'broken.json');
    fs.writeFileSync(broken, '{');
    expect(() => loadOutputs(config, broken)).toThrow(/not valid JSON .*cdk deploy --all --outputs-file/);
    expect(() => loadOutputs(config, write(['a']))).toThrow(/expected an object of stacks/);
  });
});

describe('quantity and image helpers', () => {
  test.each([
    ['250m', 250],
    ['1', 1000],
    ['1.5', 1500],
  ])('cpu %s = %d millicores', (q, m) => expect(cpuMillis(q)).toBe(m));

  test.each([
    ['512Mi', 512],
    ['2Gi', 2048],
  ])('memory %s = %d MiB', (q, m) => expect(memoryMebibytes(q)).toBe(m));

  test('image references with registry ports, tags and digests', () => {
    expect(parseImage('localhost:5000/team/app:1.2.3')).toEqual({ repository: 'localhost:5000/team/app', tag: '1.2.3', digest: undefined });
    const digest = `sha256:${'a'.repeat(64)}`;
    expect(parseImage(`r.example.com/app@${digest}`)).toEqual({ repository: 'r.example.com/app', tag: undefined, digest });
    expect(parseImage('localhost:5000/app')).toEqual({ repository: 'localhost:5000/app', tag: undefined, digest: undefined });
  });

  test('an image pinned by digest is accepted', () => {
    const data = withChange((c) => (c.services.ui.image = `public.ecr.aws/aws-containers/retail-store-sample-ui@sha256:${'b'.repeat(64)}`));
    expect(parseConfig(data).services.ui.image).toContain('@sha256:');
  });
});

describe('bad network config is refused with the field and the fix', () => {
  const partner = (mutate: (p: any) => void) => withChange((c) => mutate(c.network.partners[0]));

  test("a partner's service name in another region than its key", () => {
    const problems = problemsOf(partner((p) => (p.serviceNames['us-west-2'] = 'com.amazonaws.vpce.us-east-1.vpce-svc-0a1b2c3d4e5f60002')));
    expect(problems).toEqual([expect.stringMatching(/^network\.partners\.0\.serviceNames\.us-west-2: "com\.amazonaws\.vpce\.us-east-1\.vpce-svc-0a1b2c3d4e5f60002" is in us-east-1, not us-west-2: an interface endpoint reaches services of its own region only$/)]);
  });

  test('a partner with no service name for a region', () => {
    const problems = problemsOf(partner((p) => delete p.serviceNames['us-west-2']));
    expect(problems).toEqual([expect.stringMatching(/^network\.partners\.0\.serviceNames: has no service for us-west-2: add the partner's endpoint service name in us-west-2/)]);
  });

  test('a partner client that is not a shop service', () => {
    const problems = problemsOf(partner((p) => (p.clients = ['billing'])));
    expect(problems).toEqual([expect.stringMatching(/^network\.partners\.0\.clients\.0: "billing" is not one of the shop's services \(.*checkout.*\): name the service that calls the partner$/)]);
  });

  test('a partner port listed twice', () => {
    expect(problemsOf(partner((p) => (p.ports = [443, 443])))).toEqual(['network.partners.0.ports: lists a port twice (443, 443): list each once']);
  });

  test("an on-premises CIDR overlapping a region's VPC", () => {
    const problems = problemsOf(withChange((c) => (c.network.transit.onPremises = { cidrs: ['10.10.0.0/20'], vpn: { customerGatewayIp: '203.0.113.10', bgpAsn: 65000 } })));
    expect(problems).toEqual([expect.stringMatching(/^network\.transit\.onPremises\.cidrs\.0: 10\.10\.0\.0\/20 overlaps us-east-1's VPC 10\.10\.0\.0\/16: .*use a disjoint CIDR$/)]);
  });

  test('on premises without the Transit Gateways', () => {
    const problems = problemsOf(withChange((c) => (c.network.transit = { enabled: false, onPremises: { cidrs: ['192.168.0.0/16'], vpn: { customerGatewayIp: '203.0.113.10', bgpAsn: 65000 } } })));
    expect(problems).toEqual(['network.transit.onPremises: needs the Transit Gateways: set network.transit.enabled to true, or remove onPremises']);
  });

  test('a VPN whose BGP ASN is a Transit Gateway’s own', () => {
    const problems = problemsOf(withChange((c) => (c.network.transit.onPremises = { cidrs: ['192.168.0.0/16'], vpn: { customerGatewayIp: '203.0.113.10', bgpAsn: transitAsn(1) } })));
    expect(problems).toEqual([`network.transit.onPremises.vpn.bgpAsn: ${transitAsn(1)} is a Transit Gateway's own ASN (${transitAsn(0)}, ${transitAsn(1)}): BGP needs the on-premises side to use another`]);
  });

  test('the Transit Gateways’ ASNs avoid the Transit Gateway and Direct Connect gateway default, 64512', () => {
    expect(transitAsn(0)).toBe(TRANSIT_ASN_BASE);
    expect(TRANSIT_ASN_BASE).toBeGreaterThan(64512);
    expect(transitAsn(9)).toBeLessThanOrEqual(65534);
  });

  test('on premises with neither a VPN nor Direct Connect', () => {
    const problems = problemsOf(withChange((c) => (c.network.transit.onPremises = { cidrs: ['192.168.0.0/16'] })));
    expect(problems).toEqual(['network.transit.onPremises: has neither vpn nor directConnectGatewayId: add the link the on-premises network uses, or remove onPremises']);
  });
});
