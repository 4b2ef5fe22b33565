/**
 * The WAF's part of the shop's positive path model: the same list the ALB forwards
 * (config/shop-paths.ts), so neither layer alone decides what of the ui the internet reaches.
 */
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { SHOP_PATHS, ShopPath, shopPathPattern } from '../config/shop-paths';

/** The answer to a refused path: the ALB's own 404, so both layers look alike from outside. */
const NOT_FOUND: wafv2.CfnWebACL.RuleActionProperty = { block: { customResponse: { responseCode: 404 } } };

/**
 * A dot pair, literal or percent-encoded: the raw path is what the ALB matches, and ui's server decodes
 * each segment before matching (Spring Framework 6.2 PathContainer), so `..`, `%2e%2e` and `.%2e` are
 * all refused before an allowed prefix such as /assets could carry them anywhere.
 */
export const DOT_SEGMENT_PATTERN = '(\\.|%2[eE]){2}';

function visibility(name: string): wafv2.CfnWebACL.VisibilityConfigProperty {
  return { cloudWatchMetricsEnabled: true, metricName: name, sampledRequestsEnabled: true };
}

/**
 * Rules evaluated before everything else: refuse any path that is not the shop's (raw, case-sensitive,
 * as the ALB rules match), and any dot segment.
 */
export function shopPathRules(firstPriority: number, paths: readonly ShopPath[] = SHOP_PATHS): wafv2.CfnWebACL.RuleProperty[] {
  return [
    {
      name: 'only-shop-paths',
      priority: firstPriority,
      action: NOT_FOUND,
      statement: {
        notStatement: {
          statement: { regexMatchStatement: { fieldToMatch: { uriPath: {} }, regexString: shopPathPattern(paths), textTransformations: [{ priority: 0, type: 'NONE' }] } },
        },
      },
      visibilityConfig: visibility('only-shop-paths'),
    },
    {
      name: 'no-dot-segments',
      priority: firstPriority + 1,
      action: NOT_FOUND,
      statement: { regexMatchStatement: { fieldToMatch: { uriPath: {} }, regexString: DOT_SEGMENT_PATTERN, textTransformations: [{ priority: 0, type: 'NONE' }] } },
      visibilityConfig: visibility('no-dot-segments'),
    },
  ];
}

/** The AWS managed rule groups both the regional and the edge web ACLs run, in order. */
export const AWS_MANAGED_RULE_GROUPS = ['AWSManagedRulesCommonRuleSet', 'AWSManagedRulesSQLiRuleSet', 'AWSManagedRulesKnownBadInputsRuleSet'] as const;

/** The managed rule groups, after the path rules: priorities 10, 20, 30. */
export function managedRuleGroupRules(): wafv2.CfnWebACL.RuleProperty[] {
  return AWS_MANAGED_RULE_GROUPS.map((name, i) => ({
    name,
    priority: 10 * (i + 1),
    overrideAction: { none: {} },
    statement: { managedRuleGroupStatement: { vendorName: 'AWS', name } },
    visibilityConfig: visibility(name),
  }));
}

/** Blocks a client IP past `limit` requests in 5 minutes, after the managed groups. */
export function rateLimitPerIpRule(limit: number): wafv2.CfnWebACL.RuleProperty {
  return {
    name: 'rate-limit-per-ip',
    priority: 10 * (AWS_MANAGED_RULE_GROUPS.length + 1),
    action: { block: {} },
    statement: { rateBasedStatement: { limit, aggregateKeyType: 'IP' } },
    visibilityConfig: visibility('rate-limit-per-ip'),
  };
}
