/**
 * The regional WAF's half of origin protection behind CloudFront: a request reaches the ALB's rules only
 * with CloudFront's secret header, or as a Route 53 health check of the region's own hostname.
 */
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { ORIGIN_VERIFY_HEADER, ORIGIN_VERIFY_RULE } from '../../config/front-door';

export interface OriginVerifyRuleOptions {
  readonly priority: number;
  /** CloudFormation's reference to the current header value (config/front-door.ts originVerifyValueReference). */
  readonly headerValue: string;
  /**
   * The one request allowed without the header: Route 53's HTTPS health check of the region's own
   * hostname (it cannot send headers). Read-only, and still under every other rule of the web ACL. An
   * HTTPS check on port 443 sends FullyQualifiedDomainName as the Host header (Route 53 API reference,
   * HealthCheckConfig.FullyQualifiedDomainName), which is what the rule matches.
   */
  readonly healthCheck: { readonly hostname: string; readonly path: string };
}

const NONE = [{ priority: 0, type: 'NONE' }];
const exactly = (fieldToMatch: wafv2.CfnWebACL.FieldToMatchProperty, searchString: string): wafv2.CfnWebACL.StatementProperty => ({
  byteMatchStatement: { fieldToMatch, positionalConstraint: 'EXACTLY', searchString, textTransformations: NONE },
});

/**
 * Blocks (403) every request that carries neither the current header value nor is the health check.
 * During a rotation the rotation function (cluster/origin-verify/rotation.js) widens the first branch to
 * the new and the previous value; the next deploy of the stack narrows it back to the current one.
 */
export function originVerifyRule(options: OriginVerifyRuleOptions): wafv2.CfnWebACL.RuleProperty {
  return {
    name: ORIGIN_VERIFY_RULE,
    priority: options.priority,
    action: { block: { customResponse: { responseCode: 403 } } },
    statement: {
      notStatement: {
        statement: {
          orStatement: {
            statements: [
              exactly({ singleHeader: { Name: ORIGIN_VERIFY_HEADER } }, options.headerValue),
              {
                andStatement: {
                  statements: [
                    exactly({ singleHeader: { Name: 'host' } }, options.healthCheck.hostname),
                    exactly({ method: {} }, 'GET'),
                    exactly({ uriPath: {} }, options.healthCheck.path),
                  ],
                },
              },
            ],
          },
        },
      },
    },
    visibilityConfig: { cloudWatchMetricsEnabled: true, metricName: ORIGIN_VERIFY_RULE, sampledRequestsEnabled: true },
  };
}
