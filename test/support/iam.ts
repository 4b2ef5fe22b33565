/**
 * A small IAM policy evaluator for synthesized templates: explicit Deny wins, then any Allow, else
 * implicit deny (the IAM policy evaluation logic for one identity policy, without conditions, which
 * are reported instead). Resources in the template may be CloudFormation intrinsics: Fn::Join parts
 * that are not strings become '*'-free placeholders named after the referenced resource.
 */

export type Decision = 'Allow' | 'ExplicitDeny' | 'ImplicitDeny';

interface Statement {
  readonly Effect: 'Allow' | 'Deny';
  readonly Action: string | string[];
  readonly Resource: unknown;
  readonly Condition?: Record<string, unknown>;
}

/** A CloudFormation value as text: strings as they are, references as `{ref:<logical id>}`. */
export function cfnText(value: unknown): string {
  if (typeof value === 'string') return value;
  const v = value as Record<string, any>;
  if (v?.['Fn::Join']) return (v['Fn::Join'][1] as unknown[]).map(cfnText).join(v['Fn::Join'][0]);
  if (v?.Ref) return v.Ref === 'AWS::Partition' ? 'aws' : `{ref:${v.Ref}}`;
  if (v?.['Fn::GetAtt']) return `{ref:${v['Fn::GetAtt'][0]}.${v['Fn::GetAtt'][1]}}`;
  return JSON.stringify(value);
}

/** IAM's wildcard match (* and ?), case-insensitive for actions. */
function matches(pattern: string, value: string, caseInsensitive = false): boolean {
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, caseInsensitive ? 'i' : '');
  return re.test(value);
}

/** The statements of every AWS::IAM::Policy whose logical id starts with `prefix`. */
export function policyStatements(resources: Record<string, any>, prefix: string): Statement[] {
  return Object.entries(resources)
    .filter(([id, r]) => r.Type === 'AWS::IAM::Policy' && id.startsWith(prefix))
    .flatMap(([, r]) => r.Properties.PolicyDocument.Statement as Statement[]);
}

/** How the statements decide `action` on `resource`, and the conditions of the allowing statements. */
export function evaluate(statements: Statement[], action: string, resource: string): { decision: Decision; conditions: Array<Record<string, unknown>> } {
  const applies = (s: Statement) =>
    ([] as string[]).concat(s.Action).some((a) => matches(a, action, true)) && ([] as unknown[]).concat(s.Resource).some((r) => matches(cfnText(r), resource));
  if (statements.some((s) => s.Effect === 'Deny' && applies(s))) return { decision: 'ExplicitDeny', conditions: [] };
  const allowing = statements.filter((s) => s.Effect === 'Allow' && applies(s));
  return { decision: allowing.length ? 'Allow' : 'ImplicitDeny', conditions: allowing.map((s) => s.Condition ?? {}) };
}

/** Every action an Allow statement names (wildcards as written). */
export function allowedActions(statements: Statement[]): string[] {
  return [...new Set(statements.filter((s) => s.Effect === 'Allow').flatMap((s) => ([] as string[]).concat(s.Action)))].sort();
}
