/**
 * Alerting (issue 13, requirements 5 and 6): who is paged, through which topics, by which alarms and
 * events, with which runbook; and how long the platform keeps its logs. The cluster app is synthesized
 * once for the default environment and once for a variant (two e-mail addresses and an SMS number,
 * other retention periods, the Global Accelerator front door), then every template of each is read,
 * nested stacks included.
 */
import * as fs from 'fs';
import * as path from 'path';
import { loadConfig, parseConfig } from '../config/load';
import { PlatformConfig } from '../config/schema';
import { ClusterSynth } from '../cluster/synth';
import { BACKUP_FAILURES, cacheEventsTopicName, DATABASE_FAILOVER_EVENT_IDS, EVENT_RUNBOOKS, ROUTINE_CACHE_EVENTS } from '../cluster/observability/event-alerts';
import { CONTAINER_INSIGHTS_LOG_GROUPS } from '../cluster/observability/log-retention';
import { guardTemplateKind } from '../cluster/guard-acknowledgements';
import { defaultConfigData, ROOT } from './helpers';
import { synthTemplates } from './support/cluster-templates';

type Resources = Record<string, { Type: string; Properties?: any; [k: string]: any }>;
interface Synthesized {
  readonly config: PlatformConfig;
  readonly synth: ClusterSynth;
  /** The resources of every template file of the assembly (nested stacks included), by file name. */
  readonly templates: Record<string, Resources>;
  /** The outputs of every template file, by file name. */
  readonly outputs: Record<string, Record<string, { Value: any }>>;
}

const OPERATIONS = fs.readFileSync(path.join(ROOT, 'docs', 'operations.md'), 'utf8');

/** The anchors GitHub gives a Markdown file's headings: lowercase, punctuation dropped, spaces to '-', repeats numbered. */
export function githubAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
    const heading = !fenced && /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!heading) continue;
    const base = heading[1]
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    anchors.add(n ? `${base}-${n}` : base);
  }
  return anchors;
}
const ANCHORS = githubAnchors(OPERATIONS);

/** A CloudFormation string that may be an Fn::Join of tokens, with the tokens as placeholders. */
const text = (v: unknown): string => (typeof v === 'string' ? v : (v as any)['Fn::Join'][1].map((p: unknown) => (typeof p === 'string' ? p : '<token>')).join(''));

/** Runbook links in a text: the anchors of `Runbook: docs/operations.md#<anchor>`. */
const runbooks = (s: string) => [...s.matchAll(/Runbook: docs\/operations\.md#([a-z0-9_-]+)/g)].map((m) => m[1]);

const byType = (r: Resources, type: string) => Object.entries(r).filter(([, res]) => res.Type === type);

async function synthesize(config: PlatformConfig): Promise<Synthesized> {
  const { synth } = await synthTemplates(config);
  const dir = synth.assembly.directory;
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.template.json'));
  const read = (f: string) => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'));
  return {
    config,
    synth,
    templates: Object.fromEntries(files.map((f) => [f, (read(f).Resources ?? {}) as Resources])),
    outputs: Object.fromEntries(files.map((f) => [f, read(f).Outputs ?? {}])),
  };
}

/** Two e-mail addresses and a number; other retention periods; the accelerator front door (its own stack). */
function variantConfig(): PlatformConfig {
  const data = defaultConfigData();
  data.observability = { ...data.observability, alerts: { emails: ['oncall@securecart.example.com', 'dba@securecart.example.com'], smsNumbers: ['+15555550100'] }, containerLogRetentionDays: 14, functionLogRetentionDays: 7 };
  data.cluster = { ...data.cluster, flowLogRetentionDays: 731 };
  data.edge = { ...data.edge, frontDoor: 'globalAccelerator' };
  return parseConfig(data, 'alerting-variant');
}

let variants: Record<'default' | 'variant', Synthesized>;
beforeAll(async () => {
  variants = { default: await synthesize(loadConfig()), variant: await synthesize(variantConfig()) };
}, 180_000);

const regionalFile = (v: Synthesized, region: string) => `securecart-${v.config.name}-${region}.template.json`;
const healthFile = (v: Synthesized) => `securecart-${v.config.name}-health.template.json`;
const VARIANTS = ['default', 'variant'] as const;

describe('the runbook anchors', () => {
  test('follow GitHub: lowercase, punctuation dropped, spaces to dashes', () => {
    const anchors = githubAnchors('# A zone degrades\n## Edge and DNS: which region serves, and failing over by hand\n```sh\n# not a heading\n```\n## 5xx responses\n## 5xx responses\n');
    expect([...anchors]).toEqual(['a-zone-degrades', 'edge-and-dns-which-region-serves-and-failing-over-by-hand', '5xx-responses', '5xx-responses-1']);
  });
});

describe.each(VARIANTS)('alarms (%s)', (name) => {
  const v = () => variants[name];
  const alarmsOf = (type: string) => Object.entries(v().templates).flatMap(([file, r]) => byType(r, type).map(([id, res]) => ({ file, id, props: res.Properties })));

  test('every alarm and composite alarm names a runbook section that exists in docs/operations.md', () => {
    const alarms = [...alarmsOf('AWS::CloudWatch::Alarm'), ...alarmsOf('AWS::CloudWatch::CompositeAlarm')];
    expect(alarms.length).toBeGreaterThan(10);
    const broken = alarms
      .map((a) => ({ alarm: `${a.file} ${a.id}`, links: runbooks(text(a.props.AlarmDescription ?? '')) }))
      .filter((a) => a.links.length !== 1 || !ANCHORS.has(a.links[0]));
    expect(broken).toEqual([]);
  });

  test('every alarm notifies an SNS topic of its stack, or is a window of a composite alarm that does', () => {
    const failures: string[] = [];
    for (const [file, r] of Object.entries(v().templates)) {
      const topics = new Set(byType(r, 'AWS::SNS::Topic').map(([id]) => id));
      const toTopics = (actions: any[] | undefined) => (actions ?? []).length > 0 && actions!.every((a) => topics.has(a?.Ref));
      const composites = byType(r, 'AWS::CloudWatch::CompositeAlarm');
      const windows = new Set(composites.flatMap(([, c]) => [...JSON.stringify(c.Properties.AlarmRule).matchAll(/"Fn::GetAtt":\["(\w+)","Arn"\]/g)].map((m) => m[1])));
      for (const [id, c] of composites) if (!toTopics(c.Properties.AlarmActions)) failures.push(`${file} ${id}`);
      for (const [id, a] of byType(r, 'AWS::CloudWatch::Alarm')) if (!toTopics(a.Properties.AlarmActions) && !windows.has(id)) failures.push(`${file} ${id}`);
    }
    expect(failures).toEqual([]);
  });

  test('the topics alarms page through admit this account’s alarms of their region (a topic policy replaces the default one)', () => {
    const { config } = v();
    const files = [...config.regions.map((r) => regionalFile(v(), r.name)), healthFile(v())];
    for (const file of files) {
      const r = v().templates[file];
      const region = file === healthFile(v()) ? 'us-east-1' : file.slice(`securecart-${config.name}-`.length, -'.template.json'.length);
      const [topicId] = byType(r, 'AWS::SNS::Topic').find(([id]) => /^(AlarmsTopic|AlarmTopic)[0-9A-F]{8}$/.test(id))!;
      const statements = byType(r, 'AWS::SNS::TopicPolicy')
        .filter(([, p]) => p.Properties.Topics.some((t: any) => t.Ref === topicId))
        .flatMap(([, p]) => p.Properties.PolicyDocument.Statement);
      expect(statements).toContainEqual(
        expect.objectContaining({
          Effect: 'Allow',
          Principal: { Service: 'cloudwatch.amazonaws.com' },
          Action: 'sns:Publish',
          Condition: { StringEquals: { 'aws:SourceAccount': config.accountId }, ArnLike: { 'aws:SourceArn': `arn:aws:cloudwatch:${region}:${config.accountId}:alarm:*` } },
        }),
      );
    }
  });

  test('no alarm metric has a high-cardinality dimension, and all are standard resolution', () => {
    // Each dimension the alarms use, and why its values are few.
    const allowed: Record<string, string> = {
      ClusterName: 'one EKS cluster per region (Container Insights)',
      DBClusterIdentifier: 'two Aurora clusters per region',
      HealthCheckId: 'one calculated health check per region',
      CanaryName: 'three synthetic shoppers',
      Shopper: 'three synthetic shoppers (their own metrics)',
      Journey: 'two journeys, browse and checkout',
    };
    const dimensions = new Set<string>();
    const periods = new Set<number>();
    const walk = (o: unknown): void => {
      if (Array.isArray(o)) return o.forEach(walk);
      if (!o || typeof o !== 'object') return;
      const rec = o as Record<string, unknown>;
      if (Array.isArray(rec.Dimensions)) for (const d of rec.Dimensions as Array<{ Name: string }>) dimensions.add(d.Name);
      if (typeof rec.Period === 'number') periods.add(rec.Period);
      Object.values(rec).forEach(walk);
    };
    alarmsOf('AWS::CloudWatch::Alarm').forEach((a) => walk(a.props));
    expect([...dimensions].filter((d) => !(d in allowed))).toEqual([]);
    expect([...periods].filter((p) => p < 60 || p % 60 !== 0)).toEqual([]);
  });
});

describe.each(VARIANTS)('on-call subscriptions (%s)', (name) => {
  const v = () => variants[name];
  const subscriptionsOf = (r: Resources, topicId: string) =>
    byType(r, 'AWS::SNS::Subscription')
      .map(([, s]) => s.Properties)
      .filter((s) => s.TopicArn?.Ref === topicId);
  const topicIn = (r: Resources, pattern: RegExp) => {
    const found = byType(r, 'AWS::SNS::Topic').filter(([id]) => pattern.test(id));
    expect(found).toHaveLength(1);
    return found[0][0];
  };
  const expected = () =>
    [...v().config.observability.alerts.emails.map((e) => ['email', e]), ...v().config.observability.alerts.smsNumbers.map((n) => ['sms', n])].sort();

  test('each alarm topic (every region’s and the health stack’s) has one subscription per configured address and number', () => {
    const { config, templates } = v();
    if (name === 'variant') expect(expected()).toHaveLength(3);
    for (const region of config.regions) {
      const r = templates[regionalFile(v(), region.name)];
      const subs = subscriptionsOf(r, topicIn(r, /^AlarmsTopic[0-9A-F]{8}$/));
      expect(subs.map((s) => [s.Protocol, s.Endpoint]).sort()).toEqual(expected());
      expect(subs.every((s) => s.FilterPolicy === undefined)).toBe(true);
    }
    const health = templates[healthFile(v())];
    expect(
      subscriptionsOf(health, topicIn(health, /^AlarmTopic[0-9A-F]{8}$/))
        .map((s) => [s.Protocol, s.Endpoint])
        .sort(),
    ).toEqual(expected());
  });

  test('each region’s Redis events topic too, without the routine notifications', () => {
    for (const region of v().config.regions) {
      const r = v().templates[regionalFile(v(), region.name)];
      const subs = subscriptionsOf(r, topicIn(r, /^AlarmsEventsCacheEventsTopic[0-9A-F]{8}$/));
      expect(subs.map((s) => [s.Protocol, s.Endpoint]).sort()).toEqual(expected());
      for (const s of subs) {
        expect(s.FilterPolicyScope).toBe('MessageBody');
        expect(s.FilterPolicy).toEqual(Object.fromEntries(ROUTINE_CACHE_EVENTS.map((e) => [e, [{ exists: false }]])));
      }
      // SNS allows at most 5 keys in a filter policy; failovers and snapshot failures must pass.
      expect(ROUTINE_CACHE_EVENTS.length).toBeLessThanOrEqual(5);
      expect(ROUTINE_CACHE_EVENTS).not.toEqual(expect.arrayContaining(['ElastiCache:FailoverComplete']));
      expect(ROUTINE_CACHE_EVENTS).not.toEqual(expect.arrayContaining(['ElastiCache:SnapshotFailed']));
    }
  });
});

// ---------------------------------------------------------------------------------------------------
// EventBridge rules
// ---------------------------------------------------------------------------------------------------

/** EventBridge's matching, for the pattern features the rules use (exact values, prefix); anything else fails the test. */
function matches(pattern: Record<string, any>, event: any): boolean {
  return Object.entries(pattern).every(([key, p]) => {
    const value = event?.[key];
    if (!Array.isArray(p)) return typeof p === 'object' && matches(p, value);
    const values = Array.isArray(value) ? value : [value];
    return values.some((x) =>
      p.some((m: any) => {
        if (typeof m === 'string') return x === m;
        if (m && typeof m === 'object' && Object.keys(m).join() === 'prefix') return typeof x === 'string' && x.startsWith(m.prefix);
        throw new Error(`matcher not modelled: ${JSON.stringify(m)}`);
      }),
    );
  });
}

/** EventBridge's input transformer: each <name> of the template replaced by its path's value in the event. */
function transform(t: { InputPathsMap: Record<string, string>; InputTemplate: string }, event: any): string {
  return t.InputTemplate.replace(/<([A-Za-z0-9]+)>/g, (_, k: string) => {
    const p = t.InputPathsMap[k];
    if (!p) throw new Error(`<${k}> is not in InputPathsMap`);
    const v = p
      .slice(2)
      .split('.')
      .reduce((o: any, key) => o?.[key], event);
    return v === undefined ? '' : String(v);
  });
}

describe.each(VARIANTS)('data-tier events to the regional topic (%s)', (name) => {
  const v = () => variants[name];

  describe.each(['us-east-1', 'us-west-2'])('in %s', (region) => {
    const r = () => v().templates[regionalFile(v(), region)];
    const account = () => v().config.accountId;
    const env = () => v().config.name;
    const rules = (): Record<string, any> => Object.fromEntries(byType(r(), 'AWS::Events::Rule').filter(([id]) => /^AlarmsEvents/.test(id)).map(([, rule]) => [rule.Properties.Name, rule.Properties]));
    const rule = (n: string) => rules()[`securecart-${env()}-${n}`];
    const topicId = () => byType(r(), 'AWS::SNS::Topic').find(([id]) => /^AlarmsTopic[0-9A-F]{8}$/.test(id))![0];

    test('one rule per event family, each to the encrypted alarm topic with a readable message and its runbook', () => {
      expect(Object.keys(rules()).sort()).toEqual(['backup-job-failed', 'copy-job-failed', 'database-failover', 'restore-job-failed'].map((n) => `securecart-${env()}-${n}`));
      for (const [ruleName, props] of Object.entries(rules())) {
        expect(props.State).toBe('ENABLED');
        expect(props.Targets).toHaveLength(1);
        const [target] = props.Targets;
        expect(target.Arn).toEqual({ Ref: topicId() });
        // Resource-based policies authorize SNS targets: a role would break delivery to an encrypted topic.
        expect(target.RoleArn).toBeUndefined();
        const template: string = target.InputTransformer.InputTemplate;
        expect(template.startsWith(`SecureCart ${env()} <region>: `)).toBe(true);
        const links = runbooks(template);
        expect({ ruleName, links }).toEqual({ ruleName, links: [expect.any(String)] });
        expect(ANCHORS.has(links[0])).toBe(true);
      }
      expect(r()[topicId()].Properties.KmsMasterKeyId).toBeDefined();
    });

    test('database failovers: the Aurora User Guide’s failover and global failover event ids, of this environment’s clusters', () => {
      // Amazon Aurora User Guide, "Amazon RDS event categories and event messages for Aurora", DB cluster
      // events: category "failover" (0069-0073) and "global failover" (switchover 0181/0185/0186/0187,
      // failover 0238/0239).
      const ids = ['RDS-EVENT-0069', 'RDS-EVENT-0070', 'RDS-EVENT-0071', 'RDS-EVENT-0072', 'RDS-EVENT-0073', 'RDS-EVENT-0181', 'RDS-EVENT-0185', 'RDS-EVENT-0186', 'RDS-EVENT-0187', 'RDS-EVENT-0238', 'RDS-EVENT-0239'];
      expect(Object.keys(DATABASE_FAILOVER_EVENT_IDS)).toEqual(ids);
      expect(rule('database-failover').EventPattern).toEqual({
        source: ['aws.rds'],
        'detail-type': ['RDS DB Cluster Event'],
        detail: { EventID: ids, SourceArn: [{ prefix: `arn:aws:rds:${region}:${account()}:cluster:securecart-${env()}-` }] },
      });
    });

    test('database failovers: the documented event shape matches, and reads as a sentence with its runbook', () => {
      const cluster = `securecart-${env()}-orders-${region}`;
      // The Aurora User Guide's example of a DB cluster event ("Overview of events for Aurora"), as a
      // completed failover of this environment's orders cluster. Its SourceIdentifier carries "rds:".
      const event = (arnName: string, eventId = 'RDS-EVENT-0071') => ({
        version: '0',
        id: '844e2571-85d4-695f-b930-0153b71dcb42',
        'detail-type': 'RDS DB Cluster Event',
        source: 'aws.rds',
        account: account(),
        time: '2026-03-06T12:26:13Z',
        region,
        resources: [`arn:aws:rds:${region}:${account()}:cluster:${arnName}`],
        detail: {
          EventCategories: ['failover'],
          SourceType: 'CLUSTER',
          SourceArn: `arn:aws:rds:${region}:${account()}:cluster:${arnName}`,
          Date: '2026-03-06T12:26:13.882Z',
          Message: `Completed failover to DB instance: ${arnName}-2`,
          SourceIdentifier: `rds:${arnName}`,
          EventID: eventId,
        },
      });
      const { EventPattern: pattern, Targets: [target] } = rule('database-failover');
      expect(matches(pattern, event(cluster))).toBe(true);
      expect(matches(pattern, event(cluster, 'RDS-EVENT-0238'))).toBe(true);
      expect(matches(pattern, event(cluster, 'RDS-EVENT-0173'))).toBe(false); // patched: not a page
      expect(matches(pattern, event(`securecart-other-orders-${region}`))).toBe(false); // another environment's
      expect(transform(target.InputTransformer, event(cluster))).toBe(
        `SecureCart ${env()} ${region}: Completed failover to DB instance: ${cluster}-2 (RDS-EVENT-0071, Aurora cluster rds:${cluster}, at 2026-03-06T12:26:13Z). Runbook: ${EVENT_RUNBOOKS.databaseFailover}`,
      );
    });

    test('AWS Backup: failed, aborted and expired backup jobs, failed copy and restore jobs, of this environment’s data', () => {
      // AWS Backup Developer Guide, "Monitoring AWS Backup events using Amazon EventBridge".
      // The media bucket's ARN has neither region nor account; its name has both (config/front-door.ts).
      const data = [{ prefix: `arn:aws:rds:${region}:${account()}:cluster:securecart-${env()}-` }, { prefix: `arn:aws:dynamodb:${region}:${account()}:table/securecart-${env()}-` }, { prefix: `arn:aws:s3:::sc-${env()}-media-${account()}-${region}` }];
      expect(rule('backup-job-failed').EventPattern).toEqual({ source: ['aws.backup'], 'detail-type': ['Backup Job State Change'], detail: { state: ['FAILED', 'ABORTED', 'EXPIRED'], resourceArn: data } });
      expect(rule('copy-job-failed').EventPattern).toEqual({ source: ['aws.backup'], 'detail-type': ['Copy Job State Change'], detail: { state: ['FAILED'], resourceArn: data } });
      // Restore jobs report "status", not "state" (the same guide).
      expect(rule('restore-job-failed').EventPattern).toEqual({ source: ['aws.backup'], 'detail-type': ['Restore Job State Change'], detail: { status: ['FAILED'], resourceType: ['Aurora', 'DynamoDB'] } });
      expect(Object.values(BACKUP_FAILURES).map((f) => f.detailType)).toEqual(['Backup Job State Change', 'Copy Job State Change', 'Restore Job State Change']);
    });

    test('AWS Backup: the documented events match (state FAILED) or do not (RUNNING), and read with their reason', () => {
      const table = `arn:aws:dynamodb:${region}:${account()}:table/securecart-${env()}-carts`;
      // The guide's "Backup Job events, State: FAILED" example, on this environment's carts table.
      const backupJob = (state: string, resourceArn = table) => ({
        version: '0',
        'detail-type': 'Backup Job State Change',
        source: 'aws.backup',
        account: account(),
        time: '2026-03-06T20:15:26Z',
        region,
        resources: [],
        detail: { backupJobId: '34176239-e96d-4e1d-9fad-529dbb3c3556', resourceArn, resourceType: 'DynamoDB', state, statusMessage: 'Backup job failed because backup vault does not exist.', percentDone: 0 },
      });
      const { EventPattern: pattern, Targets: [target] } = rule('backup-job-failed');
      expect(matches(pattern, backupJob('FAILED'))).toBe(true);
      expect(matches(pattern, backupJob('EXPIRED'))).toBe(true);
      expect(matches(pattern, backupJob('RUNNING'))).toBe(false);
      expect(matches(pattern, backupJob('FAILED', `arn:aws:dynamodb:${region}:${account()}:table/somebody-elses`))).toBe(false);
      expect(transform(target.InputTransformer, backupJob('FAILED'))).toBe(
        `SecureCart ${env()} ${region}: AWS Backup backup job 34176239-e96d-4e1d-9fad-529dbb3c3556 of ${table} is FAILED: Backup job failed because backup vault does not exist. (at 2026-03-06T20:15:26Z). Runbook: ${EVENT_RUNBOOKS.backup}`,
      );
      // The guide's "Restore Job events, State: FAILED" example (no resource ARN), for Aurora.
      const restore = { source: 'aws.backup', 'detail-type': 'Restore Job State Change', detail: { restoreJobId: '1B234A56', resourceType: 'Aurora', status: 'FAILED', statusMessage: 'Access denied' } };
      expect(matches(rule('restore-job-failed').EventPattern, restore)).toBe(true);
      expect(matches(rule('restore-job-failed').EventPattern, { ...restore, detail: { ...restore.detail, resourceType: 'EC2' } })).toBe(false);
    });

    test('only these rules may publish to the topic; its key lets EventBridge encrypt, without source conditions KMS does not support for it', () => {
      const ruleIds = byType(r(), 'AWS::Events::Rule')
        .filter(([id]) => /^AlarmsEvents/.test(id))
        .map(([id]) => id)
        .sort();
      const topicPolicy = byType(r(), 'AWS::SNS::TopicPolicy').find(([, p]) => p.Properties.Topics.some((t: any) => t.Ref === topicId()))![1];
      const events = topicPolicy.Properties.PolicyDocument.Statement.filter((s: any) => s.Principal?.Service === 'events.amazonaws.com');
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ Effect: 'Allow', Action: 'sns:Publish', Resource: { Ref: topicId() } });
      expect(Object.keys(events[0].Condition)).toEqual(['ArnEquals']);
      expect(events[0].Condition.ArnEquals['aws:SourceArn'].map((a: any) => a['Fn::GetAtt'][0]).sort()).toEqual(ruleIds);

      const keyId = r()[topicId()].Properties.KmsMasterKeyId['Fn::GetAtt'][0];
      const keyStatements = r()[keyId].Properties.KeyPolicy.Statement;
      const eventsKey = keyStatements.filter((s: any) => s.Principal?.Service === 'events.amazonaws.com');
      // SNS Developer Guide, "Enable compatibility between event sources from AWS services and encrypted
      // topics": aws:SourceAccount / aws:SourceArn in a key policy are not supported for EventBridge to
      // an encrypted topic; the topic policy above is the gate.
      expect(eventsKey).toEqual([{ Sid: 'EventBridgeRulesPublish', Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Action: ['kms:Decrypt', 'kms:GenerateDataKey*'], Resource: '*' }]);
      expect(keyStatements.filter((s: any) => s.Principal?.Service === 'cloudwatch.amazonaws.com')).toEqual([
        expect.objectContaining({ Action: ['kms:Decrypt', 'kms:GenerateDataKey*'], Condition: { StringEquals: { 'aws:SourceAccount': account() } } }),
      ]);
    });

    test('Redis: ElastiCache’s own topic, unencrypted (ElastiCache cannot publish to an encrypted one), published to under aws:SourceOwner', () => {
      const [topicId2, topic] = byType(r(), 'AWS::SNS::Topic').find(([id]) => /^AlarmsEventsCacheEventsTopic/.test(id))!;
      expect(topic.Properties.TopicName).toBe(cacheEventsTopicName(env()));
      expect(topic.Properties.KmsMasterKeyId).toBeUndefined();
      const statements = byType(r(), 'AWS::SNS::TopicPolicy').find(([, p]) => p.Properties.Topics.some((t: any) => t.Ref === topicId2))![1].Properties.PolicyDocument.Statement;
      expect(statements).toEqual([
        expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        { Sid: 'ElastiCacheNotifications', Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sns:Publish', Resource: { Ref: topicId2 }, Condition: { StringEquals: { 'aws:SourceOwner': account() } } },
      ]);
    });
  });

  test('no topic policy anywhere lets EventBridge publish without naming its rules', () => {
    const loose = Object.entries(v().templates).flatMap(([file, r]) =>
      byType(r, 'AWS::SNS::TopicPolicy')
        .flatMap(([, p]) => p.Properties.PolicyDocument.Statement)
        .filter((s: any) => s.Effect === 'Allow' && JSON.stringify(s.Principal).includes('events.amazonaws.com') && !s.Condition?.ArnEquals?.['aws:SourceArn'])
        .map(() => file),
    );
    expect(loose).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------------
// Log retention
// ---------------------------------------------------------------------------------------------------

describe.each(VARIANTS)('log retention (%s)', (name) => {
  const v = () => variants[name];
  const retentions = (r: Resources) => byType(r, 'Custom::LogRetention').map(([, res]) => res.Properties);
  const named = (r: Resources, group: string) => retentions(r).filter((p) => p.LogGroupName === group);

  test('per region: Container Insights’ log groups for observability.containerLogRetentionDays, the control plane’s for the audit trail’s period', () => {
    const { config } = v();
    for (const region of config.regions) {
      const r = v().templates[regionalFile(v(), region.name)];
      const cluster = `securecart-${config.name}-${region.name}`;
      for (const group of CONTAINER_INSIGHTS_LOG_GROUPS) {
        expect(named(r, `/aws/containerinsights/${cluster}/${group}`).map((p) => p.RetentionInDays)).toEqual([config.observability.containerLogRetentionDays]);
      }
      expect(named(r, `/aws/eks/${cluster}/cluster`).map((p) => p.RetentionInDays)).toEqual([config.cluster.flowLogRetentionDays]);
    }
    if (name === 'variant') expect([config.observability.containerLogRetentionDays, config.cluster.flowLogRetentionDays]).toEqual([14, 731]);
  });

  test('every Lambda function, nested stacks included, logs to a group of its own with a retention, or has its default group kept for functionLogRetentionDays', () => {
    const { config, templates, outputs } = v();
    // A nested stack's function is named in its parent through the nested stack's output of its Ref
    // (output keys are unique in the assembly: CDK derives them from the function's path).
    const allRetentions = Object.values(templates).flatMap(retentions);
    const missing: string[] = [];
    for (const [file, r] of Object.entries(templates)) {
      // Not yet: the front door's stacks (cluster/front-door/, another change's) do not construct
      // PlatformLogRetention; docs/operations.md#log-retention says so.
      if (guardTemplateKind(file) === 'front-door') continue;
      const nested = file.includes('.nested.');
      for (const [id, fn] of byType(r, 'AWS::Lambda::Function')) {
        if (/^LogRetentionaae0aa3c5b4d4f87b02d85b201efdd8a/.test(id)) continue; // keeps its own one day (aws-cdk-lib's handler)
        const own = fn.Properties.LoggingConfig?.LogGroup?.Ref;
        if (own) {
          expect(r[own].Properties.RetentionInDays).toBeGreaterThan(0);
          continue;
        }
        const names = (ref: any) => (nested ? ref?.['Fn::GetAtt'] && Object.entries(outputs[file]).some(([key, o]) => o.Value?.Ref === id && ref['Fn::GetAtt'][1] === `Outputs.${key}`) : ref?.Ref === id);
        const kept = (nested ? allRetentions : retentions(r)).filter((p) => p.LogGroupName['Fn::Join']?.[1][0] === '/aws/lambda/' && names(p.LogGroupName['Fn::Join'][1][1]));
        if (kept.length !== 1 || kept[0].RetentionInDays !== config.observability.functionLogRetentionDays) missing.push(`${file} ${id}`);
      }
    }
    expect(missing).toEqual([]);
  });

  test('each synthetic shopper’s function logs are kept for functionLogRetentionDays, its name read from GetCanary at deploy time', () => {
    const { config, templates } = v();
    const files = [...config.regions.map((r) => regionalFile(v(), r.name)), healthFile(v())];
    for (const file of files) {
      const r = templates[file];
      const canaries = byType(r, 'AWS::Synthetics::Canary');
      expect(canaries).toHaveLength(1);
      const [canaryId] = canaries[0];
      const [lookupId, lookup] = byType(r, 'Custom::AWS').find(([, c]) => JSON.stringify(c.Properties.Create).includes('getCanary'))!;
      expect(JSON.parse(lookup.Properties.Create)).toMatchObject({ service: 'Synthetics', action: 'getCanary', parameters: { Name: canaries[0][1].Properties.Name }, outputPaths: ['Canary.EngineArn'] });
      expect(lookup.DependsOn).toContain(canaryId);
      const kept = retentions(r).filter((p) => JSON.stringify(p.LogGroupName).includes(`"${lookupId}","Canary.EngineArn"`));
      expect(kept.map((p) => p.RetentionInDays)).toEqual([config.observability.functionLogRetentionDays]);
      // arn:aws:lambda:<region>:<account>:function:<name>[:<version>]: the name is the 7th field.
      expect(kept[0].LogGroupName['Fn::Join'][1][1]['Fn::Select'][0]).toBe(6);
      // The lookup may read that canary only.
      const policy = byType(r, 'AWS::IAM::Policy')
        .flatMap(([, p]) => p.Properties.PolicyDocument.Statement)
        .filter((s: any) => s.Action === 'synthetics:GetCanary');
      expect(policy).toHaveLength(1);
      expect(JSON.stringify(policy[0].Resource)).toContain(`:canary:${canaries[0][1].Properties.Name}"`);
    }
  });

  test('no log group the stacks declare is kept forever', () => {
    const forever = Object.entries(v().templates).flatMap(([file, r]) =>
      byType(r, 'AWS::Logs::LogGroup')
        .filter(([, g]) => !(g.Properties?.RetentionInDays > 0))
        .map(([id]) => `${file} ${id}`),
    );
    expect(forever).toEqual([]);
  });
});

describe('the runbook', () => {
  test('has a section for every alarm family and event the alerts name', () => {
    for (const link of Object.values(EVENT_RUNBOOKS)) expect(ANCHORS.has(link.split('#')[1])).toBe(true);
    for (const section of ['5xx-responses', 'database-failover-events', 'redis-events', 'backup-failures', 'log-retention']) expect(ANCHORS.has(section)).toBe(true);
  });

  test('names every event id the database rule forwards', () => {
    const section = OPERATIONS.split('## Database failover events')[1].split('\n## ')[0];
    for (const id of Object.keys(DATABASE_FAILOVER_EVENT_IDS)) expect(section).toContain(id.replace('RDS-EVENT-', ''));
  });
});
