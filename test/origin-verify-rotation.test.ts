/**
 * The origin-verify rotation function (cluster/origin-verify/rotation.js), run step by step against
 * in-memory fakes that answer as the services do (SDK v3 shapes): Secrets Manager with version stages
 * (RotateSecret stages the token AWSPENDING before createSecret; a stage moves only with
 * RemoveFromVersionId naming the version holding it; AWSPREVIOUS follows the old AWSCURRENT), WAFv2 per
 * region (ListWebACLs pages on NextMarker; GetWebACL answers SearchString as bytes; UpdateWebACL needs
 * the latest LockToken and the complete specification) and CloudFront (ListDistributions pages;
 * UpdateDistribution needs IfMatch = ETag). No AWS SDK is loaded.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const rotation = require('../cluster/origin-verify/rotation.js') as {
  rotate: (event: RotationEvent, deps: unknown, settings: Settings) => Promise<void>;
  handler: (event: RotationEvent) => Promise<void>;
  settingsFromEnv: (env: Record<string, string | undefined>) => Settings;
  withOriginValues: (rule: any, header: string, values: string[]) => any;
  withOriginHeader: (config: any, header: string, value: string) => any;
  acceptedValues: (rule: any, header: string) => string[];
};

type Step = 'createSecret' | 'setSecret' | 'testSecret' | 'finishSecret';
interface RotationEvent {
  SecretId: string;
  ClientRequestToken: string;
  Step: Step;
}
interface Settings {
  webAcls: Array<{ region: string; name: string }>;
  alias: string;
  header?: string;
}

const HEADER = 'x-origin-verify';
const ALIAS = 'shop.securecart.example.com';
const ARN = 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:securecart-test-origin-verify-AbCdEf';
const INITIAL = 'initialValue0123456789initialValue0123456789abcd';
const REGIONS = ['eu-west-1', 'us-east-1'];
const SETTINGS: Settings = { webAcls: REGIONS.map((region) => ({ region, name: `securecart-test-${region}` })), alias: ALIAS };

/** Everything the fakes were asked to change, in order. */
let writes: string[];

function awsError(name: string, message: string): Error {
  const e = new Error(message);
  e.name = name;
  return e;
}

// --------------------------------------------------------------------------------------------------
// Secrets Manager
// --------------------------------------------------------------------------------------------------

class FakeSecrets {
  readonly versions = new Map<string, { stages: Set<string>; value?: string }>();
  readonly passwordRequests: any[] = [];
  rotationEnabled = true;

  constructor(initial: string) {
    this.versions.set('v-initial', { stages: new Set(['AWSCURRENT']), value: JSON.stringify({ value: initial }) });
  }

  /** What RotateSecret does before it invokes the function: the token's version, staged, without a value. */
  startRotation(token: string): void {
    for (const v of this.versions.values()) v.stages.delete('AWSPENDING');
    this.versions.set(token, { stages: new Set(['AWSPENDING']) });
  }

  stageHolder(stage: string): string | undefined {
    return [...this.versions].find(([, v]) => v.stages.has(stage))?.[0];
  }

  valueOf(stage: string): string {
    return JSON.parse(this.versions.get(this.stageHolder(stage)!)!.value!).value;
  }

  private check(id: string) {
    if (id !== ARN) throw awsError('ResourceNotFoundException', `no secret ${id}`);
  }

  readonly api = {
    describeSecret: async ({ SecretId }: any) => {
      this.check(SecretId);
      const stages: Record<string, string[]> = {};
      for (const [id, v] of this.versions) if (v.stages.size) stages[id] = [...v.stages];
      return { ARN, RotationEnabled: this.rotationEnabled, VersionIdsToStages: stages };
    },
    getSecretValue: async ({ SecretId, VersionId, VersionStage }: any) => {
      this.check(SecretId);
      const id = VersionId ?? this.stageHolder(VersionStage ?? 'AWSCURRENT');
      const version = id === undefined ? undefined : this.versions.get(id);
      if (!version || version.value === undefined || (VersionStage && !version.stages.has(VersionStage))) {
        throw awsError('ResourceNotFoundException', `Secrets Manager can't find the specified secret value for VersionId: ${VersionId}`);
      }
      return { ARN, VersionId: id, SecretString: version.value, VersionStages: [...version.stages] };
    },
    putSecretValue: async ({ SecretId, ClientRequestToken, SecretString, VersionStages }: any) => {
      this.check(SecretId);
      writes.push(`secrets:put ${ClientRequestToken}`);
      const existing = this.versions.get(ClientRequestToken);
      if (existing?.value !== undefined && existing.value !== SecretString) throw awsError('ResourceExistsException', 'version exists with another value');
      for (const stage of VersionStages) for (const v of this.versions.values()) v.stages.delete(stage);
      this.versions.set(ClientRequestToken, { stages: new Set(VersionStages), value: SecretString });
      return { ARN, VersionId: ClientRequestToken };
    },
    getRandomPassword: async (input: any) => {
      this.passwordRequests.push(input);
      const chars = input.ExcludePunctuation ? 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789' : 'abc!"#$%&()*+,-./:;<=>?@[]^_`{|}~';
      let password = '';
      for (let i = 0; i < (input.PasswordLength ?? 32); i++) password += chars[Math.floor(Math.random() * chars.length)];
      return { RandomPassword: password };
    },
    updateSecretVersionStage: async ({ SecretId, VersionStage, MoveToVersionId, RemoveFromVersionId }: any) => {
      this.check(SecretId);
      writes.push(`secrets:stage ${VersionStage} -> ${MoveToVersionId}`);
      const holder = this.stageHolder(VersionStage);
      if (holder && holder !== MoveToVersionId && holder !== RemoveFromVersionId) {
        throw awsError('InvalidParameterException', `the staging label ${VersionStage} is attached to ${holder}, not ${RemoveFromVersionId}`);
      }
      if (holder) this.versions.get(holder)!.stages.delete(VersionStage);
      this.versions.get(MoveToVersionId)!.stages.add(VersionStage);
      if (VersionStage === 'AWSCURRENT' && holder && holder !== MoveToVersionId) {
        for (const v of this.versions.values()) v.stages.delete('AWSPREVIOUS');
        this.versions.get(holder)!.stages.add('AWSPREVIOUS');
      }
      return { ARN };
    },
  };
}

// --------------------------------------------------------------------------------------------------
// WAFv2
// --------------------------------------------------------------------------------------------------

const bytes = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array | string) => (typeof b === 'string' ? b : new TextDecoder().decode(b));

function originMatch(value: string | Uint8Array, name = HEADER) {
  return {
    ByteMatchStatement: {
      FieldToMatch: { SingleHeader: { Name: name } },
      PositionalConstraint: 'EXACTLY',
      SearchString: typeof value === 'string' ? bytes(value) : value,
      TextTransformations: [{ Priority: 0, Type: 'NONE' }],
    },
  };
}

/** The Route 53 health checks' exemption: must come back exactly as it was. */
const HEALTH_CHECK_EXEMPTION = {
  AndStatement: {
    Statements: [
      { ByteMatchStatement: { FieldToMatch: { SingleHeader: { Name: 'user-agent' } }, PositionalConstraint: 'STARTS_WITH', SearchString: bytes('Amazon-Route53-Health-Check-Service'), TextTransformations: [{ Priority: 0, Type: 'NONE' }] } },
      { ByteMatchStatement: { FieldToMatch: { UriPath: {} }, PositionalConstraint: 'EXACTLY', SearchString: bytes('/health'), TextTransformations: [{ Priority: 0, Type: 'NONE' }] } },
    ],
  },
};

function originRule(values: string[]) {
  return {
    Name: 'origin-verify',
    Priority: 0,
    Action: { Block: {} },
    Statement: { NotStatement: { Statement: { OrStatement: { Statements: [...values.map((v) => originMatch(v)), HEALTH_CHECK_EXEMPTION] } } } },
    VisibilityConfig: { CloudWatchMetricsEnabled: true, MetricName: 'origin-verify', SampledRequestsEnabled: true },
  };
}

const OTHER_RULES = [
  {
    Name: 'only-shop-paths',
    Priority: 1,
    Action: { Block: { CustomResponse: { ResponseCode: 404 } } },
    Statement: { NotStatement: { Statement: { RegexMatchStatement: { FieldToMatch: { UriPath: {} }, RegexString: '^/(catalog|cart)', TextTransformations: [{ Priority: 0, Type: 'NONE' }] } } } },
    VisibilityConfig: { CloudWatchMetricsEnabled: true, MetricName: 'only-shop-paths', SampledRequestsEnabled: true },
  },
  {
    Name: 'AWSManagedRulesCommonRuleSet',
    Priority: 10,
    OverrideAction: { None: {} },
    Statement: { ManagedRuleGroupStatement: { VendorName: 'AWS', Name: 'AWSManagedRulesCommonRuleSet' } },
    VisibilityConfig: { CloudWatchMetricsEnabled: true, MetricName: 'AWSManagedRulesCommonRuleSet', SampledRequestsEnabled: true },
  },
];

/** What UpdateWebACL takes; anything else (ARN, Capacity, LabelNamespace...) is output only. */
const UPDATE_FIELDS = new Set([
  'Name', 'Scope', 'Id', 'LockToken', 'DefaultAction', 'Description', 'Rules', 'VisibilityConfig', 'DataProtectionConfig',
  'CustomResponseBodies', 'CaptchaConfig', 'ChallengeConfig', 'TokenDomains', 'AssociationConfig', 'OnSourceDDoSProtectionConfig',
]);

/** SearchString comes back from GetWebACL as bytes, whatever was sent. */
function asStored(value: any): any {
  if (value instanceof Uint8Array) return new Uint8Array(value);
  if (Array.isArray(value)) return value.map(asStored);
  if (value && typeof value === 'object') {
    const out: any = {};
    for (const [k, v] of Object.entries(value)) out[k] = k === 'SearchString' && typeof v === 'string' ? bytes(v) : asStored(v);
    return out;
  }
  return value;
}

class FakeWaf {
  readonly acls = new Map<string, { Id: string; LockToken: string; WebACL: any }>();
  readonly updates: any[] = [];
  private tokens = 0;

  constructor(readonly region: string) {}

  add(name: string, rules: any[]): void {
    const id = `id-${name}`;
    this.acls.set(name, {
      Id: id,
      LockToken: `lock-${++this.tokens}`,
      WebACL: {
        Name: name,
        Id: id,
        ARN: `arn:aws:wafv2:${this.region}:111111111111:regional/webacl/${name}/${id}`,
        Capacity: 900,
        LabelNamespace: `awswaf:111111111111:webacl:${name}:`,
        ManagedByFirewallManager: false,
        DefaultAction: { Allow: {} },
        Description: 'the shop',
        Rules: rules,
        VisibilityConfig: { CloudWatchMetricsEnabled: true, MetricName: name, SampledRequestsEnabled: true },
        CustomResponseBodies: { refused: { ContentType: 'TEXT_PLAIN', Content: 'refused' } },
        TokenDomains: ['securecart.example.com'],
        AssociationConfig: { RequestBody: { APPLICATION_LOAD_BALANCER: { DefaultSizeInspectionLimit: 'KB_16' } } },
      },
    });
  }

  rule(name: string, ruleName = 'origin-verify'): any {
    return this.acls.get(name)!.WebACL.Rules.find((r: any) => r.Name === ruleName);
  }

  readonly api = {
    listWebACLs: async ({ Scope, NextMarker }: any) => {
      expect(Scope).toBe('REGIONAL');
      const all = [...this.acls.values()];
      const at = NextMarker ? Number(NextMarker) : 0;
      return {
        WebACLs: [all[at]].filter(Boolean).map((a) => ({ Name: a.WebACL.Name, Id: a.Id, ARN: a.WebACL.ARN, LockToken: a.LockToken })),
        ...(at + 1 < all.length ? { NextMarker: String(at + 1) } : {}),
      };
    },
    getWebACL: async ({ Name, Scope, Id }: any) => {
      const acl = this.acls.get(Name);
      if (!acl || acl.Id !== Id || Scope !== 'REGIONAL') throw awsError('WAFNonexistentItemException', `no web acl ${Name}/${Id}`);
      return { WebACL: asStored(acl.WebACL), LockToken: acl.LockToken };
    },
    updateWebACL: async (input: any) => {
      writes.push(`waf:${this.region} update ${input.Name}`);
      this.updates.push(input);
      const acl = this.acls.get(input.Name);
      if (!acl || acl.Id !== input.Id || input.Scope !== 'REGIONAL') throw awsError('WAFNonexistentItemException', `no web acl ${input.Name}`);
      if (input.LockToken !== acl.LockToken) throw awsError('WAFOptimisticLockException', `stale lock token ${input.LockToken}`);
      for (const key of Object.keys(input)) if (!UPDATE_FIELDS.has(key)) throw awsError('ValidationException', `UpdateWebACL takes no ${key}`);
      if (!input.DefaultAction || !input.VisibilityConfig) throw awsError('WAFInvalidParameterException', 'DefaultAction and VisibilityConfig are required');
      const { ARN, Capacity, LabelNamespace, ManagedByFirewallManager } = acl.WebACL;
      const settings = Object.fromEntries(Object.entries(input).filter(([k]) => !['Scope', 'LockToken'].includes(k)));
      // A full replacement: what is not given is gone.
      acl.WebACL = { ARN, Capacity, LabelNamespace, ManagedByFirewallManager, ...asStored(settings) };
      acl.LockToken = `lock-${++this.tokens}`;
      return { NextLockToken: acl.LockToken };
    },
  };
}

// --------------------------------------------------------------------------------------------------
// CloudFront
// --------------------------------------------------------------------------------------------------

function distributionConfig(aliases: string[], sent: string | undefined) {
  const headers = (extra: Array<{ HeaderName: string; HeaderValue: string }>) => ({ Quantity: extra.length, Items: extra });
  return {
    CallerReference: `ref-${aliases[0]}`,
    Aliases: { Quantity: aliases.length, Items: aliases },
    Comment: 'the shop',
    Enabled: true,
    Origins: {
      Quantity: 3,
      Items: [
        {
          Id: 'eu-west-1',
          DomainName: 'eu-west-1.origin.securecart.example.com',
          CustomHeaders: headers([{ HeaderName: 'x-shop', HeaderValue: 'securecart' }, ...(sent ? [{ HeaderName: HEADER, HeaderValue: sent }] : [])]),
          CustomOriginConfig: { HTTPPort: 80, HTTPSPort: 443, OriginProtocolPolicy: 'https-only' },
        },
        {
          Id: 'us-east-1',
          DomainName: 'us-east-1.origin.securecart.example.com',
          CustomHeaders: headers([]),
          CustomOriginConfig: { HTTPPort: 80, HTTPSPort: 443, OriginProtocolPolicy: 'https-only' },
        },
        {
          Id: 'assets',
          DomainName: 'assets.s3.eu-west-1.amazonaws.com',
          CustomHeaders: headers([]),
          S3OriginConfig: { OriginAccessIdentity: '' },
        },
      ],
    },
    DefaultCacheBehavior: { TargetOriginId: 'eu-west-1', ViewerProtocolPolicy: 'redirect-to-https' },
  };
}

class FakeCloudFront {
  readonly distributions = new Map<string, { ETag: string; config: any }>();
  readonly updates: any[] = [];
  private etags = 0;

  add(id: string, aliases: string[], sent?: string): void {
    this.distributions.set(id, { ETag: `etag-${++this.etags}`, config: distributionConfig(aliases, sent) });
  }

  config(id: string): any {
    return this.distributions.get(id)!.config;
  }

  readonly api = {
    listDistributions: async ({ Marker }: any) => {
      const all = [...this.distributions];
      const at = Marker ? Number(Marker) : 0;
      const items = all.slice(at, at + 1).map(([Id, d]) => ({ Id, ARN: `arn:aws:cloudfront::111111111111:distribution/${Id}`, Aliases: d.config.Aliases }));
      const truncated = at + 1 < all.length;
      return { DistributionList: { Quantity: items.length, Items: items, IsTruncated: truncated, ...(truncated ? { NextMarker: String(at + 1) } : {}) } };
    },
    getDistributionConfig: async ({ Id }: any) => {
      const d = this.distributions.get(Id);
      if (!d) throw awsError('NoSuchDistribution', `no distribution ${Id}`);
      return { DistributionConfig: structuredClone(d.config), ETag: d.ETag };
    },
    updateDistribution: async ({ Id, IfMatch, DistributionConfig }: any) => {
      writes.push(`cloudfront update ${Id}`);
      this.updates.push({ Id, IfMatch, DistributionConfig });
      const d = this.distributions.get(Id);
      if (!d) throw awsError('NoSuchDistribution', `no distribution ${Id}`);
      if (IfMatch !== d.ETag) throw awsError('PreconditionFailed', `IfMatch ${IfMatch} is not the current ETag`);
      for (const o of DistributionConfig.Origins.Items) {
        if (o.CustomHeaders.Quantity !== o.CustomHeaders.Items.length) throw awsError('InvalidArgument', `origin ${o.Id}: Quantity does not match`);
      }
      d.config = structuredClone(DistributionConfig);
      d.ETag = `etag-${++this.etags}`;
      return { ETag: d.ETag };
    },
  };
}

// --------------------------------------------------------------------------------------------------

let secrets: FakeSecrets;
let wafs: Map<string, FakeWaf>;
let cloudfront: FakeCloudFront;

function deps() {
  return {
    secrets: secrets.api,
    waf: (region: string) => {
      const waf = wafs.get(region);
      if (!waf) throw new Error(`no waf in ${region}`);
      return waf.api;
    },
    cloudfront: cloudfront.api,
  };
}

const step = (Step: Step, token = 'token-1') => rotation.rotate({ SecretId: ARN, ClientRequestToken: token, Step }, deps(), SETTINGS);

/** Header values a web ACL's origin-verify rule accepts, in order. */
const accepted = (region: string) => rotation.acceptedValues(wafs.get(region)!.rule(`securecart-test-${region}`), HEADER);
/** The x-origin-verify values an origin sends. */
const sent = (config: any, origin: string) =>
  config.Origins.Items.find((o: any) => o.Id === origin).CustomHeaders.Items.filter((h: any) => h.HeaderName === HEADER).map((h: any) => h.HeaderValue);

beforeEach(() => {
  writes = [];
  secrets = new FakeSecrets(INITIAL);
  wafs = new Map(REGIONS.map((r) => [r, new FakeWaf(r)]));
  for (const [region, waf] of wafs) {
    waf.add(`securecart-other-${region}`, [originRule(['something-else'])]); // listed first: found through NextMarker
    waf.add(`securecart-test-${region}`, [originRule([INITIAL]), ...OTHER_RULES]);
  }
  cloudfront = new FakeCloudFront();
  cloudfront.add('EOTHER', ['other.example.com'], 'other-value');
  cloudfront.add('ESHOP', [ALIAS, 'www.securecart.example.com'], INITIAL);
  secrets.startRotation('token-1');
});

describe('createSecret', () => {
  test('puts one new AWSPENDING version under the token: 48 alphanumeric characters', async () => {
    await step('createSecret');
    expect(secrets.passwordRequests).toEqual([{ PasswordLength: 48, ExcludePunctuation: true }]);
    expect(secrets.versions.size).toBe(2);
    expect(secrets.stageHolder('AWSPENDING')).toBe('token-1');
    expect(secrets.stageHolder('AWSCURRENT')).toBe('v-initial');
    const pending = secrets.valueOf('AWSPENDING');
    expect(pending).toMatch(/^[A-Za-z0-9]{48}$/);
    expect(JSON.parse(secrets.versions.get('token-1')!.value!)).toEqual({ value: pending });
  });

  test('is idempotent: a second run keeps the value it put', async () => {
    await step('createSecret');
    const pending = secrets.valueOf('AWSPENDING');
    await step('createSecret');
    expect(secrets.passwordRequests).toHaveLength(1);
    expect(writes.filter((w) => w.startsWith('secrets:put'))).toHaveLength(1);
    expect(secrets.valueOf('AWSPENDING')).toBe(pending);
  });
});

describe('setSecret', () => {
  let pending: string;
  beforeEach(async () => {
    await step('createSecret');
    pending = secrets.valueOf('AWSPENDING');
    writes = [];
  });

  test('every region accepts exactly pending and current, keeping the exemption and every other rule', async () => {
    const before = new Map(REGIONS.map((r) => [r, structuredClone(wafs.get(r)!.acls.get(`securecart-test-${r}`)!)]));
    await step('setSecret');
    for (const region of REGIONS) {
      const waf = wafs.get(region)!;
      const name = `securecart-test-${region}`;
      expect(waf.updates).toHaveLength(1);
      expect(waf.updates[0].LockToken).toBe(before.get(region)!.LockToken);
      const acl = waf.acls.get(name)!.WebACL;
      const statements = waf.rule(name).Statement.NotStatement.Statement.OrStatement.Statements;
      expect(statements).toHaveLength(3);
      expect(statements.slice(0, 2).map((s: any) => text(s.ByteMatchStatement.SearchString))).toEqual([pending, INITIAL]);
      for (const s of statements.slice(0, 2)) {
        expect(s.ByteMatchStatement).toMatchObject({ FieldToMatch: { SingleHeader: { Name: HEADER } }, PositionalConstraint: 'EXACTLY', TextTransformations: [{ Priority: 0, Type: 'NONE' }] });
      }
      expect(statements[2]).toEqual(HEALTH_CHECK_EXEMPTION);
      const old = before.get(region)!.WebACL;
      const { Statement: _s, ...ruleRest } = waf.rule(name);
      const { Statement: _o, ...oldRuleRest } = old.Rules[0];
      expect(ruleRest).toEqual(oldRuleRest);
      expect(acl.Rules.slice(1)).toEqual(OTHER_RULES);
      for (const key of ['DefaultAction', 'Description', 'VisibilityConfig', 'CustomResponseBodies', 'TokenDomains', 'AssociationConfig']) {
        expect(acl[key]).toEqual(old[key]);
      }
      // The other web ACL of the region is not touched.
      expect(rotation.acceptedValues(waf.rule(`securecart-other-${region}`), HEADER)).toEqual(['something-else']);
    }
  });

  test('CloudFront sends pending from every custom origin of the shop distribution only, after the WAFs', async () => {
    const etag = cloudfront.distributions.get('ESHOP')!.ETag;
    const other = structuredClone(cloudfront.config('EOTHER'));
    const shopBefore = structuredClone(cloudfront.config('ESHOP'));
    await step('setSecret');
    expect(cloudfront.updates.map((u) => [u.Id, u.IfMatch])).toEqual([['ESHOP', etag]]);
    const config = cloudfront.config('ESHOP');
    expect(sent(config, 'eu-west-1')).toEqual([pending]);
    expect(sent(config, 'us-east-1')).toEqual([pending]);
    expect(config.Origins.Items[0].CustomHeaders.Items).toContainEqual({ HeaderName: 'x-shop', HeaderValue: 'securecart' });
    expect(config.Origins.Items[2]).toEqual(shopBefore.Origins.Items[2]); // the S3 origin
    const { Origins: _a, ...rest } = config;
    const { Origins: _b, ...restBefore } = shopBefore;
    expect(rest).toEqual(restBefore);
    expect(cloudfront.config('EOTHER')).toEqual(other);
    expect(writes).toEqual(['waf:eu-west-1 update securecart-test-eu-west-1', 'waf:us-east-1 update securecart-test-us-east-1', 'cloudfront update ESHOP']);
  });

  test('is idempotent: a second run changes nothing', async () => {
    await step('setSecret');
    writes = [];
    await step('setSecret');
    expect(writes).toEqual([]);
    for (const region of REGIONS) expect(accepted(region)).toEqual([pending, INITIAL]);
  });

  test('fails, naming the web ACL, when its origin-verify rule is missing, before CloudFront is touched', async () => {
    const acl = wafs.get('us-east-1')!.acls.get('securecart-test-us-east-1')!;
    acl.WebACL.Rules = acl.WebACL.Rules.filter((r: any) => r.Name !== 'origin-verify');
    await expect(step('setSecret')).rejects.toThrow(/^web acl securecart-test-us-east-1 in us-east-1 has no rule origin-verify$/);
    expect(cloudfront.updates).toEqual([]);
  });

  test('fails, naming it, when a web ACL does not exist', async () => {
    wafs.get('us-east-1')!.acls.delete('securecart-test-us-east-1');
    await expect(step('setSecret')).rejects.toThrow(/^no web acl securecart-test-us-east-1 in us-east-1$/);
    expect(cloudfront.updates).toEqual([]);
  });

  test('fails, naming the alias, when no distribution has it', async () => {
    cloudfront.distributions.delete('ESHOP');
    await expect(step('setSecret')).rejects.toThrow(/^no cloudfront distribution has the alias shop\.securecart\.example\.com$/);
    expect(cloudfront.updates).toEqual([]);
  });

  test('a stale lock token is not retried blindly: the update fails', async () => {
    const waf = wafs.get('eu-west-1')!;
    const realGet = waf.api.getWebACL;
    (waf.api as any).getWebACL = async (input: any) => {
      const answer = await realGet(input);
      waf.acls.get('securecart-test-eu-west-1')!.LockToken = 'changed-meanwhile';
      return answer;
    };
    await expect(step('setSecret')).rejects.toThrow(/stale lock token/);
  });
});

describe('testSecret', () => {
  beforeEach(async () => {
    await step('createSecret');
    await step('setSecret');
  });

  test('passes when every region accepts pending and current', async () => {
    await expect(step('testSecret')).resolves.toBeUndefined();
  });

  test('fails, naming the region, when a web ACL does not accept the pending value', async () => {
    const waf = wafs.get('us-east-1')!;
    waf.rule('securecart-test-us-east-1').Statement = originRule([INITIAL]).Statement;
    await expect(step('testSecret')).rejects.toThrow(/^web acl securecart-test-us-east-1 in us-east-1 does not accept the pending value \(version token-1\)$/);
  });

  test('fails when a web ACL no longer accepts the current value', async () => {
    const waf = wafs.get('eu-west-1')!;
    waf.rule('securecart-test-eu-west-1').Statement = originRule([secrets.valueOf('AWSPENDING'), 'x']).Statement;
    await expect(step('testSecret')).rejects.toThrow(/^web acl securecart-test-eu-west-1 in eu-west-1 does not accept the current value$/);
  });
});

describe('finishSecret', () => {
  test('moves AWSCURRENT to the token and leaves the WAF accepting previous and current', async () => {
    for (const s of ['createSecret', 'setSecret', 'testSecret'] as Step[]) await step(s);
    const pending = secrets.valueOf('AWSPENDING');
    writes = [];
    await step('finishSecret');
    expect(writes).toEqual(['secrets:stage AWSCURRENT -> token-1']);
    expect(secrets.stageHolder('AWSCURRENT')).toBe('token-1');
    expect(secrets.stageHolder('AWSPREVIOUS')).toBe('v-initial');
    expect(secrets.valueOf('AWSCURRENT')).toBe(pending);
    for (const region of REGIONS) expect(accepted(region)).toEqual([pending, INITIAL]);
    // Once current, every step of that token is a no-op.
    writes = [];
    await step('finishSecret');
    await step('setSecret');
    expect(writes).toEqual([]);
  });

  test('a second rotation drops the value two rotations old', async () => {
    for (const s of ['createSecret', 'setSecret', 'testSecret', 'finishSecret'] as Step[]) await step(s);
    const first = secrets.valueOf('AWSCURRENT');
    secrets.startRotation('token-2');
    for (const s of ['createSecret', 'setSecret', 'testSecret', 'finishSecret'] as Step[]) await step(s, 'token-2');
    const second = secrets.valueOf('AWSCURRENT');
    expect(second).not.toBe(first);
    for (const region of REGIONS) expect(accepted(region)).toEqual([second, first]);
    expect(sent(cloudfront.config('ESHOP'), 'eu-west-1')).toEqual([second]);
    expect(secrets.stageHolder('AWSPREVIOUS')).toBe('token-1');
  });
});

describe('the version check', () => {
  test.each(['createSecret', 'setSecret', 'testSecret', 'finishSecret'] as Step[])('%s refuses a token that is neither AWSPENDING nor AWSCURRENT', async (s) => {
    secrets.versions.set('token-old', { stages: new Set(['AWSPREVIOUS']), value: JSON.stringify({ value: 'old' }) });
    await expect(step(s, 'token-old')).rejects.toThrow(/^secret version token-old is not AWSPENDING for rotation of secret arn:aws:secretsmanager:/);
    expect(writes).toEqual([]);
  });

  test('refuses a token with no version', async () => {
    await expect(step('createSecret', 'token-unknown')).rejects.toThrow(/^secret version token-unknown has no stage for rotation of secret /);
  });

  test('refuses a secret whose rotation is not enabled', async () => {
    secrets.rotationEnabled = false;
    await expect(step('createSecret')).rejects.toThrow(/is not enabled for rotation$/);
  });

  test('refuses an unknown step', async () => {
    await expect(rotation.rotate({ SecretId: ARN, ClientRequestToken: 'token-1', Step: 'rollback' as Step }, deps(), SETTINGS)).rejects.toThrow(/^unknown rotation step "rollback"$/);
  });
});

describe('helpers', () => {
  test('withOriginValues reads string or byte search strings, matches the header name in any case, dedupes', () => {
    const rule = originRule([]);
    rule.Statement.NotStatement.Statement.OrStatement.Statements = [
      HEALTH_CHECK_EXEMPTION as any,
      { ByteMatchStatement: { ...originMatch('a', 'X-Origin-Verify').ByteMatchStatement, SearchString: 'a' as any } },
      originMatch('b'),
    ];
    expect(rotation.acceptedValues(rule, HEADER)).toEqual(['a', 'b']);
    const updated = rotation.withOriginValues(rule, HEADER, ['c', 'c']);
    const statements = updated.Statement.NotStatement.Statement.OrStatement.Statements;
    expect(statements[0]).toEqual(HEALTH_CHECK_EXEMPTION);
    expect(statements).toHaveLength(2);
    expect(rotation.acceptedValues(updated, HEADER)).toEqual(['c']);
    // The input is not modified.
    expect(rotation.acceptedValues(rule, HEADER)).toEqual(['a', 'b']);
  });

  test('withOriginValues refuses a rule of another shape, naming it', () => {
    expect(() => rotation.withOriginValues({ Name: 'origin-verify', Statement: { ByteMatchStatement: {} } }, HEADER, ['a'])).toThrow(
      /^rule origin-verify is not NotStatement\(OrStatement\(\.\.\.\)\)$/,
    );
  });

  test('withOriginHeader replaces the header whatever its case, once, on custom origins only', () => {
    const config = distributionConfig([ALIAS], 'old');
    config.Origins.Items[0].CustomHeaders.Items[1].HeaderName = 'X-Origin-Verify';
    const updated = rotation.withOriginHeader(config, HEADER, 'new');
    expect(updated.Origins.Items[0].CustomHeaders).toEqual({
      Quantity: 2,
      Items: [
        { HeaderName: 'x-shop', HeaderValue: 'securecart' },
        { HeaderName: HEADER, HeaderValue: 'new' },
      ],
    });
    expect(updated.Origins.Items[2].CustomHeaders).toEqual({ Quantity: 0, Items: [] });
    expect(config.Origins.Items[0].CustomHeaders.Items[1].HeaderValue).toBe('old');
  });

  test('settingsFromEnv reads WEB_ACLS, ALIAS and HEADER_NAME, naming a bad value', () => {
    expect(rotation.settingsFromEnv({ WEB_ACLS: '[{"region":"eu-west-1","name":"a"}]', ALIAS })).toEqual({
      webAcls: [{ region: 'eu-west-1', name: 'a' }],
      alias: ALIAS,
      header: HEADER,
    });
    expect(rotation.settingsFromEnv({ WEB_ACLS: '[{"region":"eu-west-1","name":"a"}]', ALIAS, HEADER_NAME: 'x-other' }).header).toBe('x-other');
    expect(() => rotation.settingsFromEnv({ WEB_ACLS: 'eu-west-1', ALIAS })).toThrow(/^WEB_ACLS is not JSON: "eu-west-1"$/);
    expect(() => rotation.settingsFromEnv({ WEB_ACLS: '[{"region":"eu-west-1"}]', ALIAS })).toThrow(/^WEB_ACLS is not a non-empty array of \{region, name\}: \[\{"region":"eu-west-1"\}\]$/);
    expect(() => rotation.settingsFromEnv({ WEB_ACLS: '[{"region":"eu-west-1","name":"a"}]' })).toThrow(/^ALIAS is not set$/);
  });

  test('the handler reads its settings before it loads any SDK client', async () => {
    const saved = { ...process.env };
    delete process.env.WEB_ACLS;
    try {
      await expect(rotation.handler({ SecretId: ARN, ClientRequestToken: 'token-1', Step: 'createSecret' })).rejects.toThrow(/^WEB_ACLS is not JSON/);
    } finally {
      process.env = saved;
    }
  });
});
