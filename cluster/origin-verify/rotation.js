/**
 * Rotates the origin-verify secret: the value CloudFront sends to the regional ALBs in the
 * x-origin-verify header, and the only value each region's WAF lets through (rule `origin-verify`).
 * A value that never changes is a value that leaks for good; rotating it means changing three places
 * in the right order, so no request is refused on the way:
 *
 *   createSecret  a new random value, staged AWSPENDING (Secrets Manager replicates it);
 *   setSecret     every regional web ACL accepts pending AND current, then CloudFront sends pending;
 *   testSecret    every web ACL accepts both (CloudFront's deployment is not waited for);
 *   finishSecret  AWSCURRENT moves to the pending version. The WAF keeps accepting the previous
 *                 value: edges may send it for minutes, until the distribution is deployed everywhere.
 *
 * The contract is Secrets Manager's rotation function one (event {SecretId, ClientRequestToken, Step},
 * the version check and the four idempotent steps of AWS's templates: "Lambda rotation functions",
 * https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotate-secrets_lambda-functions.html, and
 * aws-samples/aws-secrets-manager-rotation-lambdas SecretsManagerRotationTemplate). Plain CommonJS:
 * the AWS SDK v3 clients come with the Lambda Node.js 22 runtime and are required only by `handler`,
 * so the tests run `rotate` against in-memory fakes of the three services.
 */
'use strict';

const PENDING = 'AWSPENDING';
const CURRENT = 'AWSCURRENT';
const RULE_NAME = 'origin-verify';
const DEFAULT_HEADER = 'x-origin-verify';
const PASSWORD_LENGTH = 48;

/**
 * What UpdateWebACL takes besides Name, Scope, Id and LockToken. The call replaces every mutable
 * setting with the ones given ("Provide the complete web ACL specification to this call",
 * https://docs.aws.amazon.com/waf/latest/APIReference/API_UpdateWebACL.html), so each one GetWebACL
 * returns is passed back; the read-only ones (ARN, Capacity, LabelNamespace, Firewall Manager's) are not.
 */
const WEB_ACL_SETTINGS = [
  'DefaultAction',
  'Description',
  'Rules',
  'VisibilityConfig',
  'DataProtectionConfig',
  'CustomResponseBodies',
  'CaptchaConfig',
  'ChallengeConfig',
  'TokenDomains',
  'AssociationConfig',
  'OnSourceDDoSProtectionConfig',
];

// ---------------------------------------------------------------------------------------------------
// Pure helpers
// ---------------------------------------------------------------------------------------------------

/** A ByteMatchStatement's SearchString as text: a Uint8Array in SDK v3 GetWebACL output, or a string. */
function searchText(searchString) {
  if (typeof searchString === 'string') return searchString;
  if (searchString instanceof Uint8Array) return Buffer.from(searchString).toString('utf8');
  throw new Error(`search string is neither text nor bytes: ${JSON.stringify(searchString)}`);
}

/** Whether `statement` compares the header `header` (names are case-insensitive in WAF and HTTP). */
function isHeaderMatch(statement, header) {
  const name = statement && statement.ByteMatchStatement && statement.ByteMatchStatement.FieldToMatch?.SingleHeader?.Name;
  return typeof name === 'string' && name.toLowerCase() === header.toLowerCase();
}

/** The statement that accepts `value` in `header`, as CloudFormation writes it. */
function headerMatch(header, value) {
  return {
    ByteMatchStatement: {
      FieldToMatch: { SingleHeader: { Name: header } },
      PositionalConstraint: 'EXACTLY',
      // Bytes, as the SDK's model types SearchString (it base64-encodes them on the wire).
      SearchString: Buffer.from(value, 'utf8'),
      TextTransformations: [{ Priority: 0, Type: 'NONE' }],
    },
  };
}

/** The OrStatement's statements of the origin-verify rule: NOT (header matches OR exemptions). */
function orStatements(rule) {
  const statements = rule && rule.Statement?.NotStatement?.Statement?.OrStatement?.Statements;
  if (!Array.isArray(statements)) throw new Error(`rule ${rule && rule.Name} is not NotStatement(OrStatement(...))`);
  return statements;
}

/** The values of `header` the rule accepts: its EXACTLY, untransformed byte matches of that header. */
function acceptedValues(rule, header) {
  return orStatements(rule)
    .filter((s) => isHeaderMatch(s, header))
    .map((s) => s.ByteMatchStatement)
    .filter((m) => m.PositionalConstraint === 'EXACTLY' && (m.TextTransformations || []).every((t) => t.Type === 'NONE'))
    .map((m) => searchText(m.SearchString));
}

/**
 * A copy of the origin-verify rule accepting exactly `values` (deduplicated, in order) in `header`.
 * The new matches take the place of the first old one; every other statement (the Route 53 health
 * check exemption) is kept as it is, in its place.
 */
function withOriginValues(rule, header, values) {
  const distinct = [...new Set(values)];
  if (distinct.length === 0 || distinct.some((v) => typeof v !== 'string' || v === '')) {
    throw new Error(`origin values must be non-empty strings, got ${distinct.length} value(s)`);
  }
  const copy = structuredClone(rule);
  const statements = orStatements(copy);
  const first = statements.findIndex((s) => isHeaderMatch(s, header));
  const kept = statements.filter((s) => !isHeaderMatch(s, header));
  const at = first === -1 ? 0 : statements.slice(0, first).filter((s) => !isHeaderMatch(s, header)).length;
  kept.splice(at, 0, ...distinct.map((v) => headerMatch(header, v)));
  copy.Statement.NotStatement.Statement.OrStatement.Statements = kept;
  return copy;
}

/**
 * A copy of a CloudFront DistributionConfig in which every custom origin (CustomOriginConfig: the
 * ALBs) sends `header: value`, added when absent; S3 and VPC origins are left alone. Quantity is kept
 * equal to the items' count, as the API requires.
 */
function withOriginHeader(distributionConfig, header, value) {
  const copy = structuredClone(distributionConfig);
  for (const origin of copy.Origins?.Items || []) {
    if (!origin.CustomOriginConfig) continue;
    const others = (origin.CustomHeaders?.Items || []).filter((h) => h.HeaderName.toLowerCase() !== header.toLowerCase());
    const items = [...others, { HeaderName: header, HeaderValue: value }];
    origin.CustomHeaders = { Quantity: items.length, Items: items };
  }
  return copy;
}

/** The ids of the origins that would send `header` (custom origins). */
function customOriginIds(distributionConfig) {
  return (distributionConfig.Origins?.Items || []).filter((o) => o.CustomOriginConfig).map((o) => o.Id);
}

/** The value of the SecretString JSON {"value": "..."} of a GetSecretValue answer. */
function secretValue(answer, what) {
  let value;
  try {
    value = JSON.parse(answer.SecretString).value;
  } catch {
    throw new Error(`the ${what} version ${answer.VersionId} is not JSON {"value": ...}`);
  }
  if (typeof value !== 'string' || value === '') throw new Error(`the ${what} version ${answer.VersionId} has no "value"`);
  return value;
}

/** The rotation's settings from the function's environment. */
function settingsFromEnv(env) {
  let webAcls;
  try {
    webAcls = JSON.parse(env.WEB_ACLS || '');
  } catch {
    throw new Error(`WEB_ACLS is not JSON: ${JSON.stringify(env.WEB_ACLS)}`);
  }
  if (!Array.isArray(webAcls) || webAcls.length === 0 || webAcls.some((a) => !a || typeof a.region !== 'string' || typeof a.name !== 'string')) {
    throw new Error(`WEB_ACLS is not a non-empty array of {region, name}: ${env.WEB_ACLS}`);
  }
  if (!env.ALIAS) throw new Error('ALIAS is not set');
  return { webAcls: webAcls.map(({ region, name }) => ({ region, name })), alias: env.ALIAS, header: env.HEADER_NAME || DEFAULT_HEADER };
}

// ---------------------------------------------------------------------------------------------------
// The rotation
// ---------------------------------------------------------------------------------------------------

async function currentValue(deps, arn) {
  return secretValue(await deps.secrets.getSecretValue({ SecretId: arn, VersionStage: CURRENT }), 'AWSCURRENT');
}

async function pendingValue(deps, arn, token) {
  return secretValue(await deps.secrets.getSecretValue({ SecretId: arn, VersionId: token, VersionStage: PENDING }), 'AWSPENDING');
}

/** The web ACL named `name` in `region` (ListWebACLs pages on NextMarker), with its rule and lock token. */
async function readWebAcl(deps, { region, name }, header) {
  const waf = deps.waf(region);
  let summary;
  let marker;
  do {
    const page = await waf.listWebACLs({ Scope: 'REGIONAL', Limit: 100, ...(marker ? { NextMarker: marker } : {}) });
    summary = (page.WebACLs || []).find((w) => w.Name === name);
    marker = page.NextMarker;
  } while (!summary && marker);
  if (!summary) throw new Error(`no web acl ${name} in ${region}`);
  const answer = await waf.getWebACL({ Name: name, Scope: 'REGIONAL', Id: summary.Id });
  const webAcl = answer.WebACL;
  const rule = (webAcl.Rules || []).find((r) => r.Name === RULE_NAME);
  if (!rule) throw new Error(`web acl ${name} in ${region} has no rule ${RULE_NAME}`);
  let accepted;
  try {
    accepted = acceptedValues(rule, header);
  } catch (e) {
    throw new Error(`web acl ${name} in ${region}: ${e.message}`);
  }
  return { waf, id: summary.Id, webAcl, rule, accepted, lockToken: answer.LockToken };
}

/** Makes the web ACL accept exactly `values`; no update when it already does. Returns whether it changed. */
async function setWebAcl(deps, acl, header, values) {
  const { waf, id, webAcl, rule, accepted, lockToken } = await readWebAcl(deps, acl, header);
  const wanted = [...new Set(values)];
  if (accepted.length === wanted.length && accepted.every((v, i) => v === wanted[i])) return false;
  const input = { Name: webAcl.Name, Scope: 'REGIONAL', Id: id, LockToken: lockToken };
  for (const key of WEB_ACL_SETTINGS) if (webAcl[key] !== undefined) input[key] = webAcl[key];
  input.Rules = webAcl.Rules.map((r) => (r === rule ? withOriginValues(rule, header, wanted) : r));
  await waf.updateWebACL(input);
  return true;
}

/** The distribution whose aliases include `alias` (ListDistributions pages on NextMarker). */
async function findDistribution(deps, alias) {
  let marker;
  do {
    const { DistributionList: list } = await deps.cloudfront.listDistributions(marker ? { Marker: marker } : {});
    const found = (list?.Items || []).find((d) => (d.Aliases?.Items || []).some((a) => a.toLowerCase() === alias.toLowerCase()));
    if (found) return found;
    marker = list?.IsTruncated ? list.NextMarker : undefined;
  } while (marker);
  throw new Error(`no cloudfront distribution has the alias ${alias}`);
}

/** Makes every custom origin of the shop's distribution send `value`; no update when all do. */
async function setDistribution(deps, alias, header, value) {
  const { Id: id } = await findDistribution(deps, alias);
  const { DistributionConfig: config, ETag: etag } = await deps.cloudfront.getDistributionConfig({ Id: id });
  if (customOriginIds(config).length === 0) throw new Error(`cloudfront distribution ${id} (${alias}) has no custom origin`);
  const updated = withOriginHeader(config, header, value);
  if (JSON.stringify(updated) === JSON.stringify(config)) return false;
  // UpdateDistribution replaces the whole configuration and needs the ETag of the one read
  // (https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_UpdateDistribution.html).
  await deps.cloudfront.updateDistribution({ Id: id, IfMatch: etag, DistributionConfig: updated });
  return true;
}

async function createSecret(deps, arn, token, log) {
  await deps.secrets.getSecretValue({ SecretId: arn, VersionStage: CURRENT }); // the secret has a value to rotate from
  try {
    await deps.secrets.getSecretValue({ SecretId: arn, VersionId: token, VersionStage: PENDING });
    log(`createSecret: version ${token} already has a value`);
    return;
  } catch (e) {
    if (e.name !== 'ResourceNotFoundException') throw e;
  }
  const { RandomPassword: value } = await deps.secrets.getRandomPassword({ PasswordLength: PASSWORD_LENGTH, ExcludePunctuation: true });
  await deps.secrets.putSecretValue({ SecretId: arn, ClientRequestToken: token, SecretString: JSON.stringify({ value }), VersionStages: [PENDING] });
  log(`createSecret: put a new value as version ${token}`);
}

async function setSecret(deps, arn, token, settings, log) {
  const pending = await pendingValue(deps, arn, token);
  const current = await currentValue(deps, arn);
  // Every region accepts the new value before CloudFront sends it.
  for (const acl of settings.webAcls) {
    const changed = await setWebAcl(deps, acl, settings.header, [pending, current]);
    log(`setSecret: web acl ${acl.name} in ${acl.region} ${changed ? 'updated' : 'already accepts pending and current'}`);
  }
  const changed = await setDistribution(deps, settings.alias, settings.header, pending);
  log(`setSecret: distribution for ${settings.alias} ${changed ? 'updated' : 'already sends pending'}`);
}

async function testSecret(deps, arn, token, settings, log) {
  const pending = await pendingValue(deps, arn, token);
  const current = await currentValue(deps, arn);
  for (const acl of settings.webAcls) {
    const { accepted } = await readWebAcl(deps, acl, settings.header);
    if (!accepted.includes(pending)) throw new Error(`web acl ${acl.name} in ${acl.region} does not accept the pending value (version ${token})`);
    if (!accepted.includes(current)) throw new Error(`web acl ${acl.name} in ${acl.region} does not accept the current value`);
    log(`testSecret: web acl ${acl.name} in ${acl.region} accepts pending and current`);
  }
}

async function finishSecret(deps, arn, token, versions, log) {
  const current = Object.keys(versions).find((id) => versions[id].includes(CURRENT));
  await deps.secrets.updateSecretVersionStage({ SecretId: arn, VersionStage: CURRENT, MoveToVersionId: token, RemoveFromVersionId: current });
  log(`finishSecret: moved AWSCURRENT from ${current} to ${token}`);
}

/**
 * One step of a rotation. `deps`: { secrets: {describeSecret, getSecretValue, putSecretValue,
 * getRandomPassword, updateSecretVersionStage}, waf(region): {listWebACLs, getWebACL, updateWebACL},
 * cloudfront: {listDistributions, getDistributionConfig, updateDistribution}, log? }, each an async
 * function taking and answering the SDK v3 command's input and output. `settings`: { webAcls:
 * [{region, name}], alias, header }.
 */
async function rotate(event, deps, settings) {
  const { SecretId: arn, ClientRequestToken: token, Step: step } = event || {};
  const log = deps.log || (() => {});
  const header = (settings && settings.header) || DEFAULT_HEADER;
  const metadata = await deps.secrets.describeSecret({ SecretId: arn });
  if (!metadata.RotationEnabled) throw new Error(`secret ${arn} is not enabled for rotation`);
  const versions = metadata.VersionIdsToStages || {};
  if (!versions[token]) throw new Error(`secret version ${token} has no stage for rotation of secret ${arn}`);
  if (versions[token].includes(CURRENT)) {
    log(`${step}: version ${token} is already AWSCURRENT`);
    return;
  }
  if (!versions[token].includes(PENDING)) throw new Error(`secret version ${token} is not AWSPENDING for rotation of secret ${arn}`);
  switch (step) {
    case 'createSecret':
      return createSecret(deps, arn, token, log);
    case 'setSecret':
      return setSecret(deps, arn, token, { ...settings, header }, log);
    case 'testSecret':
      return testSecret(deps, arn, token, { ...settings, header }, log);
    case 'finishSecret':
      return finishSecret(deps, arn, token, versions, log);
    default:
      throw new Error(`unknown rotation step ${JSON.stringify(step)}`);
  }
}

/** The three services through the SDK v3 clients of the Lambda runtime, each client made once. */
function sdkDeps() {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const sm = require('@aws-sdk/client-secrets-manager');
  const wafv2 = require('@aws-sdk/client-wafv2');
  const cf = require('@aws-sdk/client-cloudfront');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const secrets = new sm.SecretsManagerClient({});
  const cloudfront = new cf.CloudFrontClient({ region: 'us-east-1' }); // CloudFront's API is global, in us-east-1
  const wafs = new Map();
  const call = (client, Command) => (input) => client.send(new Command(input));
  return {
    secrets: {
      describeSecret: call(secrets, sm.DescribeSecretCommand),
      getSecretValue: call(secrets, sm.GetSecretValueCommand),
      putSecretValue: call(secrets, sm.PutSecretValueCommand),
      getRandomPassword: call(secrets, sm.GetRandomPasswordCommand),
      updateSecretVersionStage: call(secrets, sm.UpdateSecretVersionStageCommand),
    },
    waf: (region) => {
      if (!wafs.has(region)) {
        const client = new wafv2.WAFV2Client({ region });
        wafs.set(region, {
          listWebACLs: call(client, wafv2.ListWebACLsCommand),
          getWebACL: call(client, wafv2.GetWebACLCommand),
          updateWebACL: call(client, wafv2.UpdateWebACLCommand),
        });
      }
      return wafs.get(region);
    },
    cloudfront: {
      listDistributions: call(cloudfront, cf.ListDistributionsCommand),
      getDistributionConfig: call(cloudfront, cf.GetDistributionConfigCommand),
      updateDistribution: call(cloudfront, cf.UpdateDistributionCommand),
    },
    log: (line) => console.log(line),
  };
}

let deps;

/** The rotation function's entry point; settings come from WEB_ACLS, ALIAS and HEADER_NAME. */
async function handler(event) {
  const settings = settingsFromEnv(process.env);
  deps = deps || sdkDeps();
  return rotate(event, deps, settings);
}

module.exports = {
  handler,
  rotate,
  settingsFromEnv,
  withOriginValues,
  withOriginHeader,
  acceptedValues,
  headerMatch,
};
