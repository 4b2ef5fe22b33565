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
