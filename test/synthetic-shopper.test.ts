/**
 * The synthetic shopper's script (cluster/synthetic-shopper/canary.js), run against a local server that
 * answers as ui 1.6.2 does (aws-containers/retail-store-sample-app src/ui: SessionIDWebFilter sets the
 * SESSIONID cookie; POST /cart answers 303; the checkout steps render 200 pages; a failing backend makes
 * ui answer 5xx). Only 127.0.0.1 is contacted.
 */
import * as http from 'http';
import { AddressInfo } from 'net';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { shop, inputValues, originHeaders } = require('../cluster/synthetic-shopper/canary.js') as {
  shop: (o: { baseUrl?: string; placeOrder: boolean; email: string; extraHeaders?: Record<string, string>; fetchImpl?: typeof fetch }) => Promise<string[]>;
  inputValues: (html: string, name: string) => string[];
  originHeaders: (env: Record<string, string | undefined>, load?: (m: string) => unknown) => Promise<Record<string, string>>;
};

const PRODUCT = 'd27cf49f-b689-4a75-a249-d373e0330bb5';

interface FakeUi {
  readonly url: string;
  readonly requests: Array<{ method: string; path: string; cookie?: string; body: string }>;
  /** Paths (method + path) that answer 500, as ui does when their backend fails. */
  readonly broken: Set<string>;
  close(): Promise<void>;
}

async function fakeUi(): Promise<FakeUi> {
  const requests: FakeUi['requests'] = [];
  const broken = new Set<string>();
  const carts = new Map<string, string[]>();
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const path = (req.url ?? '/').split('?')[0];
      requests.push({ method: req.method!, path, cookie: req.headers.cookie, body });
      let session = /SESSIONID=([^;]+)/.exec(req.headers.cookie ?? '')?.[1];
      if (!session) {
        session = `s-${requests.length}`;
        res.setHeader('set-cookie', `SESSIONID=${session}`);
      }
      const send = (status: number, html = '') => {
        res.writeHead(status, { 'content-type': 'text/html' });
        res.end(html);
      };
      if (broken.has(`${req.method} ${path}`)) return send(500, '<h1>error</h1>');
      if (req.headers.accept !== 'text/html' && path === '/') return send(200, 'ascii art'); // AsciiArtWebFilter
      const form = new URLSearchParams(body);
      switch (`${req.method} ${path}`) {
        case 'GET /':
        case 'GET /catalog':
          return send(200, `<a href="/catalog/${PRODUCT}">Product</a>`);
        case `GET /catalog/${PRODUCT}`:
          return send(200, '<h1>Product</h1>');
        case 'POST /cart':
          carts.set(session, [...(carts.get(session) ?? []), form.get('productId')!]);
          res.writeHead(303, { location: '/cart' });
          return res.end();
        case 'GET /cart':
          return send(200, (carts.get(session) ?? []).map((p) => `<li>${p}</li>`).join(''));
        case 'GET /checkout':
          return send(200, '<form>shipping</form>');
        case 'POST /checkout':
          return form.get('email') ? send(200, '<input type="radio" id="delivery-priority-mail" name="token" value="priority-mail" checked>') : send(200, 'invalid');
        case 'POST /checkout/delivery':
          return form.get('token') === 'priority-mail' ? send(200, '<form>payment</form>') : send(400);
        case 'POST /checkout/payment':
          return send(200, '<h1>Order placed</h1>');
        default:
          return send(404);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, requests, broken, close: () => new Promise((r) => server.close(() => r())) };
}

let ui: FakeUi;
beforeEach(async () => {
  ui = await fakeUi();
});
afterEach(() => ui.close());

test('shops like a customer: browses, adds to the cart and checks out, keeping the session cookie', async () => {
  const steps = await shop({ baseUrl: ui.url, placeOrder: true, email: 'synthetic-shopper@securecart.example.com' });
  expect(steps).toEqual(['home', 'catalog', 'product', 'add to cart', 'cart', 'checkout', 'shipping address', 'delivery', 'payment']);
  expect(ui.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
    'GET /',
    'GET /catalog',
    `GET /catalog/${PRODUCT}`,
    'POST /cart',
    'GET /cart',
    'GET /checkout',
    'POST /checkout',
    'POST /checkout/delivery',
    'POST /checkout/payment',
  ]);
  // The first response set the session; every later request carries it.
  expect(ui.requests[0].cookie).toBeUndefined();
  expect(new Set(ui.requests.slice(1).map((r) => r.cookie))).toEqual(new Set(['SESSIONID=s-1']));
  expect(new URLSearchParams(ui.requests[6].body).get('email')).toBe('synthetic-shopper@securecart.example.com');
});

test('without placeOrders it stops at the payment step', async () => {
  const steps = await shop({ baseUrl: ui.url, placeOrder: false, email: 'x@example.com' });
  expect(steps[steps.length - 1]).toBe('delivery');
  expect(ui.requests.some((r) => r.path === '/checkout/payment')).toBe(false);
});

test.each([
  ['GET /catalog', /^catalog: GET \/catalog answered 500, expected 200$/],
  ['POST /cart', /^add to cart: POST \/cart answered 500, expected 303$/],
  ['GET /checkout', /^checkout: GET \/checkout answered 500, expected 200$/],
  ['POST /checkout/delivery', /^delivery: POST \/checkout\/delivery answered 500, expected 200$/],
  ['POST /checkout/payment', /^payment: POST \/checkout\/payment answered 500, expected 200$/],
])('a run fails, naming the step, when %s fails', async (broken, message) => {
  ui.broken.add(broken);
  await expect(shop({ baseUrl: ui.url, placeOrder: true, email: 'x@example.com' })).rejects.toThrow(message);
});

test('a run fails when the region is unreachable', async () => {
  await ui.close();
  await expect(shop({ baseUrl: ui.url, placeOrder: true, email: 'x@example.com' })).rejects.toThrow();
  ui = await fakeUi();
});

test('reads form values whatever the attribute order', () => {
  expect(inputValues('<input value="a" name="token"><input name="token" type="radio" value="b"><input name="other" value="c">', 'token')).toEqual(['a', 'b']);
});

describe('behind CloudFront, the origin-verify header the region’s WAF requires', () => {
  const env = { ORIGIN_VERIFY_SECRET: 'securecart-edge/prod/origin-verify', ORIGIN_VERIFY_KEY: 'value', ORIGIN_VERIFY_HEADER: 'x-origin-verify' };
  const notFound = (m: string) => Object.assign(new Error(`Cannot find module '${m}'`), { code: 'MODULE_NOT_FOUND' });

  test('is read from the secret on every run with the AWS SDK v3, by name', async () => {
    const asked: unknown[] = [];
    const v3 = {
      SecretsManagerClient: class {
        async send(command: { input: unknown }) {
          asked.push(command.input);
          return { SecretString: JSON.stringify({ value: 'abc123' }) };
        }
      },
      GetSecretValueCommand: class {
        constructor(readonly input: unknown) {}
      },
    };
    const load = (m: string) => (m === '@aws-sdk/client-secrets-manager' ? v3 : (() => { throw notFound(m); })());
    expect(await originHeaders(env, load)).toEqual({ 'x-origin-verify': 'abc123' });
    expect(asked).toEqual([{ SecretId: 'securecart-edge/prod/origin-verify' }]);
  });

  test('falls back to the SDK v2 the Synthetics runtimes bundle when v3 is absent', async () => {
    const v2 = { SecretsManager: class { getSecretValue(p: { SecretId: string }) { return { promise: async () => ({ SecretString: JSON.stringify({ value: `v2:${p.SecretId}` }) }) }; } } };
    const load = (m: string) => (m === 'aws-sdk' ? v2 : (() => { throw notFound(m); })());
    expect(await originHeaders(env, load)).toEqual({ 'x-origin-verify': 'v2:securecart-edge/prod/origin-verify' });
  });

  test('fails the run, naming the secret, when the key is missing; no secret configured: no header', async () => {
    const v3 = { SecretsManagerClient: class { async send() { return { SecretString: '{}' }; } }, GetSecretValueCommand: class {} };
    await expect(originHeaders(env, () => v3)).rejects.toThrow('origin header: secret securecart-edge/prod/origin-verify has no "value"');
    expect(await originHeaders({}, () => { throw new Error('must not load an SDK'); })).toEqual({});
  });

  test('is sent on every request of the run', async () => {
    const seen: Array<string | undefined> = [];
    const fetchImpl = (async (url: string, init: RequestInit) => {
      seen.push((init.headers as Record<string, string>)['x-origin-verify']);
      return fetch(url, init);
    }) as typeof fetch;
    await shop({ baseUrl: ui.url, placeOrder: true, email: 'x@example.com', extraHeaders: { 'x-origin-verify': 'abc123' }, fetchImpl });
    expect(seen).toHaveLength(9);
    expect(new Set(seen)).toEqual(new Set(['abc123']));
  });
});

// The metrics each run publishes, which the SLO burn-rate alarms read (cluster/observability/slo-alarms.ts).
describe('journey metrics', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { run, runMetrics, METRICS, JOURNEYS } = require('../cluster/synthetic-shopper/canary.js') as {
    run: (env: Record<string, string | undefined>, o: { fetchImpl?: typeof fetch; load?: (m: string) => unknown; log?: (l: string) => void }) => Promise<void>;
    runMetrics: (o: { shopper: string; requests: Array<{ journey: string; milliseconds: number }>; failedStep?: string }) => Array<{ MetricName: string; Dimensions: Array<{ Name: string; Value: string }>; Value?: number; Values?: number[]; Unit: string }>;
    METRICS: { namespace: string; journeySuccess: string; requestLatency: string };
    JOURNEYS: Record<string, string[]>;
  };
  const success = (data: ReturnType<typeof runMetrics>) =>
    Object.fromEntries(data.filter((d) => d.MetricName === METRICS.journeySuccess).map((d) => [d.Dimensions.find((x) => x.Name === 'Journey')!.Value, d.Value]));
  /** Captures what a run publishes through a stand-in for the AWS SDK v3 CloudWatch client. */
  const recorder = (fail = false) => {
    const published: Array<{ Namespace: string; MetricData: ReturnType<typeof runMetrics> }> = [];
    const sdk = {
      CloudWatchClient: class {
        async send(command: { input: (typeof published)[number] }) {
          if (fail) throw new Error('AccessDenied');
          published.push(command.input);
        }
      },
      PutMetricDataCommand: class {
        constructor(readonly input: unknown) {}
      },
    };
    return { published, load: (m: string) => (m === '@aws-sdk/client-cloudwatch' ? sdk : (() => { throw new Error(`unexpected module ${m}`); })()) };
  };
  const env = () => ({ SHOP_URL: ui.url, PLACE_ORDER: 'true', SHOPPER_EMAIL: 'x@example.com', SHOPPER_NAME: 'securecart-prod-shopper' });

  test('every step belongs to exactly one journey, in the order a customer takes them', () => {
    expect([...JOURNEYS.browse, ...JOURNEYS.checkout]).toEqual(['home', 'catalog', 'product', 'add to cart', 'cart', 'checkout', 'shipping address', 'delivery', 'payment']);
  });

  test('a working shop: both journeys succeed, every request has a latency in its journey', async () => {
    const { published, load } = recorder();
    await run(env(), { load });
    expect(published).toHaveLength(1);
    expect(published[0].Namespace).toBe('SecureCart/Shopper');
    const data = published[0].MetricData;
    expect(success(data)).toEqual({ browse: 1, checkout: 1 });
    const latency = data.filter((d) => d.MetricName === METRICS.requestLatency);
    expect(latency.map((d) => [d.Dimensions.map((x) => `${x.Name}=${x.Value}`).join(','), d.Values!.length, d.Unit])).toEqual([
      ['Shopper=securecart-prod-shopper,Journey=browse', 3, 'Milliseconds'],
      ['Shopper=securecart-prod-shopper,Journey=checkout', 6, 'Milliseconds'],
    ]);
  });

  test.each([
    ['GET /catalog', { browse: 0, checkout: 0 }],
    ['POST /cart', { browse: 1, checkout: 0 }],
    ['POST /checkout/payment', { browse: 1, checkout: 0 }],
  ])('when %s fails the run fails and publishes %j', async (broken, expected) => {
    ui.broken.add(broken);
    const { published, load } = recorder();
    await expect(run(env(), { load })).rejects.toThrow('answered 500');
    expect(success(published[0].MetricData)).toEqual(expected);
  });

  test('an unreachable region fails both journeys and publishes no latency', async () => {
    await ui.close();
    const { published, load } = recorder();
    await expect(run(env(), { load })).rejects.toThrow('home: GET / got no answer');
    expect(published[0].MetricData.map((d) => [d.MetricName, d.Value])).toEqual([
      ['JourneySuccess', 0],
      ['JourneySuccess', 0],
    ]);
    ui = await fakeUi();
  });

  test('a failure to publish is logged and does not fail a run that sold', async () => {
    const lines: string[] = [];
    await expect(run(env(), { load: recorder(true).load, log: (l) => lines.push(l) })).resolves.toBeUndefined();
    expect(lines).toContain('metrics: not published: AccessDenied');
  });

  test('the run publishes only bounded dimensions: the shopper and the journey', () => {
    const data = runMetrics({ shopper: 's', requests: [{ journey: 'browse', milliseconds: 12 }], failedStep: 'delivery' });
    expect(new Set(data.flatMap((d) => d.Dimensions.map((x) => x.Name)))).toEqual(new Set(['Shopper', 'Journey']));
    expect(success(data)).toEqual({ browse: 1, checkout: 0 });
  });
});

describe('the shopper exercises the real ui 1.6.2 (aws-containers/retail-store-sample-app v1.6.2 src/ui)', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { isShopPath } = require('../config/shop-paths') as { isShopPath: (p: string) => boolean };

  test('every path it requests is one the ALB forwards and the WAF admits (config/shop-paths.ts)', async () => {
    await shop({ baseUrl: ui.url, placeOrder: true, email: 'x@example.com' });
    for (const r of ui.requests) expect([r.path, isShopPath(r.path)]).toEqual([r.path, true]);
  });

  test('its forms pass ui’s own validation, field by field', async () => {
    await shop({ baseUrl: ui.url, placeOrder: true, email: 'synthetic-shopper@securecart.example.com' });
    const form = (path: string) => Object.fromEntries(new URLSearchParams(ui.requests.find((r) => r.method === 'POST' && r.path === path)!.body));
    // web/payload/CartChangeRequest.java: productId, quantity (int).
    expect(Object.keys(form('/cart')).sort()).toEqual(['productId', 'quantity']);
    expect(form('/cart').quantity).toMatch(/^\d+$/);
    // web/payload/ShippingAddressRequest.java: @Email email, zipCode ^[0-9]{5}$, state ^[A-Z]{2}$.
    const address = form('/checkout');
    expect(Object.keys(address).sort()).toEqual(['address1', 'city', 'email', 'firstName', 'lastName', 'state', 'zipCode']);
    expect(address.zipCode).toMatch(/^[0-9]{5}$/);
    expect(address.state).toMatch(/^[A-Z]{2}$/);
    expect(address.email).toMatch(/^[^@\s]+@[^@\s]+$/);
    // web/payload/CheckoutDeliveryMethodRequest.java: token ^[A-Za-z0-9\-]+$ (from the delivery page's radio).
    expect(form('/checkout/delivery').token).toMatch(/^[A-Za-z0-9-]+$/);
    // web/payload/PaymentDetailsRequest.java: cardNumber ^[0-9]{16}$, expiryDate ^[0-9]{2}/[0-9]{2}$, cvc ^[0-9]{3}$.
    const payment = form('/checkout/payment');
    expect(Object.keys(payment).sort()).toEqual(['cardHolder', 'cardNumber', 'cvc', 'expiryDate']);
    expect(payment.cardNumber).toMatch(/^[0-9]{16}$/);
    expect(payment.expiryDate).toMatch(/^[0-9]{2}\/[0-9]{2}$/);
    expect(payment.cvc).toMatch(/^[0-9]{3}$/);
  });
});
