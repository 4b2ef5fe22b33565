/**
 * How the AWS Load Balancer Controller turns the rendered Ingresses of one IngressGroup into HTTPS
 * listener rules, and how the ALB then picks the rule for a request: enough to say which requests
 * reach a backend. aws-load-balancer-controller v3.4.0 pkg/ingress/model_build_listener_rules.go:
 * Ingresses in group.order; in each rule, paths sorted Exact first, then Prefix longest first, then the
 * rest (sortIngressPaths); path patterns per pathType (buildPathPatterns: Exact -> the path,
 * Prefix "/" -> "/*", Prefix "/p" -> "/p" and "/p/*"); priorities in that order. A request no rule
 * matches gets the listener's default action, a fixed 404 (model_build_listener.go build404Action).
 * ALB path patterns: case-sensitive, '*' any characters (including '/'), '?' one, matched on the raw path.
 */
import { K8sObject } from '../helpers';

export interface AlbRule {
  readonly host: string;
  readonly patterns: string[];
  /** Backend service name, or the use-annotation action name. */
  readonly target: string;
}

const GROUP_ORDER = 'alb.ingress.kubernetes.io/group.order';

function patternsFor(path: string, pathType: string): string[] {
  if (pathType === 'Exact') return [path];
  if (pathType === 'Prefix') return path === '/' ? ['/*'] : [path.replace(/\/$/, ''), `${path.replace(/\/$/, '')}/*`];
  return [path];
}

/** The listener rules of an IngressGroup, in priority order. */
export function albRules(ingresses: K8sObject[]): AlbRule[] {
  const ordered = [...ingresses].sort((a, b) => Number(a.metadata.annotations?.[GROUP_ORDER] ?? 0) - Number(b.metadata.annotations?.[GROUP_ORDER] ?? 0));
  return ordered.flatMap((ing) =>
    (ing.spec.rules as any[]).flatMap((rule) => {
      const paths = rule.http.paths as Array<{ path: string; pathType: string; backend: any }>;
      const exact = paths.filter((p) => p.pathType === 'Exact');
      const prefix = paths.filter((p) => p.pathType === 'Prefix').sort((a, b) => b.path.length - a.path.length);
      const rest = paths.filter((p) => p.pathType !== 'Exact' && p.pathType !== 'Prefix');
      return [...exact, ...prefix, ...rest].map((p) => ({ host: rule.host, patterns: patternsFor(p.path, p.pathType), target: p.backend.service.name }));
    }),
  );
}

const glob = (pattern: string) => new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);

/** Where the ALB sends a request for `host` and raw `path` (no query string): a rule's target, or the default 404. */
export function albRoute(rules: AlbRule[], host: string, path: string): string {
  const rule = rules.find((r) => r.host === host && r.patterns.some((p) => glob(p).test(path)));
  return rule ? rule.target : 'default-404';
}
