/**
 * The paths the internet may reach: the shop's own pages and assets of the ui at the pinned version,
 * and nothing else. The ALB forwards only these (charts/constructs/failover-ingress.ts) and the WAF
 * enforces the same list (cluster/waf-rules.ts), so a debug handler the image ships cannot be reached
 * even when one layer is misconfigured.
 *
 * Read in aws-containers/retail-store-sample-app v1.6.2 src/ui (Spring WebFlux, Boot 3.5.5):
 * - HomeController: GET / and /home; CatalogController (/catalog): GET "", /{id}, /search;
 *   CartController (/cart): GET and POST "", POST /remove; CheckoutController (/checkout): GET and POST "",
 *   POST /delivery, POST /payment.
 * - Static files: src/main/resources/static, all under /assets/ (css, js, img, product images).
 * Left out on purpose, all served without authentication: /utility/* (panic calls System.exit,
 * store writes to /tmp, stress burns CPU, health/down fails the health endpoint), /proxy/* (passes GETs
 * to the backends: /proxy/orders lists every order), /actuator/* (metrics, prometheus), /topology,
 * /info (pod and cloud metadata) and /chat (off unless RETAIL_UI_CHAT_ENABLED).
 */

/** How a path matches, with the Kubernetes Ingress pathType it renders as. */
export type ShopPathMatch =
  /** This path only (Ingress pathType Exact). */
  | 'exact'
  /** This path and everything below it (Ingress pathType Prefix: the ALB gets /p and /p/*). */
  | 'prefix';

export interface ShopPath {
  readonly path: string;
  readonly match: ShopPathMatch;
  /** The ui handler or files it reaches. */
  readonly serves: string;
}

export const SHOP_PATHS: readonly ShopPath[] = [
  { path: '/', match: 'exact', serves: 'HomeController GET /' },
  { path: '/home', match: 'exact', serves: 'HomeController GET /home' },
  { path: '/catalog', match: 'prefix', serves: 'CatalogController GET /catalog, /catalog/{id}, /catalog/search' },
  { path: '/cart', match: 'exact', serves: 'CartController GET and POST /cart' },
  { path: '/cart/remove', match: 'exact', serves: 'CartController POST /cart/remove' },
  { path: '/checkout', match: 'exact', serves: 'CheckoutController GET and POST /checkout' },
  { path: '/checkout/delivery', match: 'exact', serves: 'CheckoutController POST /checkout/delivery' },
  { path: '/checkout/payment', match: 'exact', serves: 'CheckoutController POST /checkout/payment' },
  { path: '/assets', match: 'prefix', serves: 'static files: css, js, images, product images' },
];

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/**
 * One regular expression that matches exactly the shop's paths, raw (no decoding), as the ALB rules do:
 * `exact` is the path alone, `prefix` the path and anything under it.
 */
export function shopPathPattern(paths: readonly ShopPath[] = SHOP_PATHS): string {
  const alternatives = paths.map((p) => (p.match === 'exact' ? escapeRegex(p.path) : `${escapeRegex(p.path)}(\\/.*)?`));
  return `^(${alternatives.join('|')})$`;
}

/** Whether `path` (raw, without the query string) is one of the shop's. */
export function isShopPath(path: string, paths: readonly ShopPath[] = SHOP_PATHS): boolean {
  return new RegExp(shopPathPattern(paths)).test(path);
}
