/**
 * The WAF statements the shop's own rules use, evaluated on a request's URI path: regex matches with
 * the NONE transformation and NOT (AWS WAF: rules in priority order, the first terminating action wins;
 * managed rule groups are not modelled and count as allowing).
 */
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';

function matches(statement: wafv2.CfnWebACL.StatementProperty, uriPath: string): boolean {
  const s = statement as any;
  if (s.notStatement) return !matches(s.notStatement.statement, uriPath);
  if (s.regexMatchStatement) {
    const r = s.regexMatchStatement;
    if (!r.fieldToMatch.uriPath || r.textTransformations.some((t: any) => t.type !== 'NONE')) throw new Error('only raw URI path regexes are modelled');
    return new RegExp(r.regexString).test(uriPath);
  }
  throw new Error(`statement not modelled: ${Object.keys(s).join(', ')}`);
}

/** The first rule that blocks `uriPath`, or undefined when the rules let it through. */
export function wafBlockingRule(rules: wafv2.CfnWebACL.RuleProperty[], uriPath: string): string | undefined {
  const ordered = [...rules].sort((a, b) => a.priority - b.priority);
  for (const rule of ordered) {
    if (!matches(rule.statement as wafv2.CfnWebACL.StatementProperty, uriPath)) continue;
    if ((rule.action as any)?.block) return rule.name;
    if ((rule.action as any)?.allow) return undefined;
  }
  return undefined;
}
