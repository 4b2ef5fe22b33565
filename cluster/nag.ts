import { App, Stack, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { IConstruct } from 'constructs';
import { Acknowledgement, ACKNOWLEDGEMENTS } from './nag-acknowledgements';

/** How a stack's acknowledgements are expanded: which kind it is and the values of its placeholders. */
export interface NagScope {
  readonly stack: Stack;
  readonly kind: Acknowledgement['stacks'];
  readonly vars: { readonly region: string; readonly account: string; readonly env: string; readonly cluster?: string };
}

/** A cdk-nag finding: the rule id (with its bracketed detail, if any) on one resource. */
export interface NagFinding {
  readonly id: string;
  readonly path: string;
  readonly severity: string;
}

/** The AwsSolutions findings on `app` that nothing acknowledges. */
export function unacknowledgedFindings(app: App): NagFinding[] {
  return new AwsSolutionsChecks()
    .validateScope(app)
    .violations.flatMap((v) => v.violatingResources.map((r) => ({ id: v.ruleName, path: r.constructPath ?? '?', severity: v.severity ?? 'error' })))
    .sort((a, b) => (a.path + a.id).localeCompare(b.path + b.id));
}

/** A region's name, for `{anyRegion}` in acknowledgements' paths and findings. */
const ANY_REGION = '[a-z]{2}(-gov)?-[a-z]+-\\d';

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The finding ids an acknowledgement accepts in one stack, as exact-match patterns. */
function patterns(ack: Acknowledgement, vars: NagScope['vars']): RegExp[] {
  const expand = (text: string) =>
    escape(text)
      .replace(/\\\{region\\\}/g, escape(vars.region))
      .replace(/\\\{account\\\}/g, escape(vars.account))
      .replace(/\\\{env\\\}/g, escape(vars.env))
      .replace(/\\\{logicalId\\\}/g, '[A-Za-z0-9]+')
      .replace(/\\\{anyRegion\\\}/g, ANY_REGION);
  const ids = ack.findings ? ack.findings.map((f) => `${escape(ack.rule)}\\[${expand(f)}\\]`) : [escape(ack.rule)];
  return ids.map((id) => new RegExp(`^${id}$`));
}

/**
 * Applies cdk-nag's AwsSolutions pack to the app and acknowledges, on each resource, exactly the
 * findings ACKNOWLEDGEMENTS lists for it (as cdk-nag 3 acknowledgements, with their reasons). Returns
 * the acknowledgements that matched nothing, so stale entries can be spotted.
 */
export function applyNag(app: App, scopes: NagScope[]): Acknowledgement[] {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  const byPath = new Map<string, IConstruct>(app.node.findAll().map((c) => [c.node.path, c]));
  const used = new Set<Acknowledgement>();
  for (const finding of unacknowledgedFindings(app)) {
    const scope = scopes.find((s) => finding.path.startsWith(`${s.stack.node.path}/`));
    if (!scope) continue;
    const relative = finding.path.slice(scope.stack.node.path.length + 1);
    const ack = ACKNOWLEDGEMENTS.find(
      (a) =>
        a.stacks === scope.kind &&
        a.paths.some((p) => new RegExp(`^${escape(p.replace('{cluster}', scope.vars.cluster ?? '{cluster}')).replace(/\\\{anyRegion\\\}/g, ANY_REGION)}$`).test(relative)) &&
        patterns(a, scope.vars).some((re) => re.test(finding.id)),
    );
    const resource = byPath.get(finding.path);
    if (!ack || !resource) continue;
    // Metadata rather than Validations.acknowledge(): ids such as IAM4[Policy::arn:...::aws:policy/...]
    // hold several '::', which acknowledge() refuses; cdk-nag reads the metadata key either way.
    resource.node.addMetadata(Validations.ACKNOWLEDGED_RULES_METADATA_KEY, { [finding.id]: ack.reason });
    used.add(ack);
  }
  return ACKNOWLEDGEMENTS.filter((a) => !used.has(a));
}
