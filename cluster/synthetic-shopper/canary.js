/**
 * The synthetic shopper: what a customer does, once a minute, against one region's own hostname
 * (CloudWatch Synthetics, Node.js runtime). A run fails, and so counts against the region's health,
 * when any step does not answer as the ui does when the shop works.
 *
 * Requests and forms are ui 1.6.2's (aws-containers/retail-store-sample-app src/ui): the session is the
 * SESSIONID cookie ui sets on the first response; product links are /catalog/<uuid>; POST /cart answers
 * 303 to /cart; the checkout steps render 200 pages (CheckoutController); the delivery form's radio is
 * named "token". Plain CommonJS with no dependency: the canary runs it as it is, and the tests run it
 * against a local server.
 */
'use strict';

const TIMEOUT_MS = 10000;

/** Values of the inputs named `name` in an HTML page, in order. */
function inputValues(html, name) {
  const values = [];
  for (const tag of html.match(/<input\b[^>]*>/gi) || []) {
    if (!new RegExp(`\\bname="${name}"`).test(tag)) continue;
    const value = /\bvalue="([^"]*)"/.exec(tag);
    if (value) values.push(value[1]);
  }
  return values;
}

/**
 * Browses, adds a product to the cart and goes through checkout; places the order when `placeOrder`.
 * Throws, naming the step, on the first unexpected answer. Returns the steps taken.
 */
async function shop({ baseUrl, placeOrder, email, extraHeaders = {}, fetchImpl = globalThis.fetch, log = () => {} }) {
  if (!baseUrl) throw new Error('SHOP_URL is not set');
  let cookie;
  const steps = [];
  const request = async (step, method, path, form, expected) => {
    const headers = { ...extraHeaders, accept: 'text/html', 'user-agent': 'securecart-synthetic-shopper' };
    if (cookie) headers.cookie = cookie;
    let body;
    if (form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(form).toString();
    }
    const started = Date.now();
    const response = await fetchImpl(`${baseUrl}${path}`, { method, headers, body, redirect: 'manual', signal: AbortSignal.timeout(TIMEOUT_MS) });
    const session = /(?:^|[;,]\s*)SESSIONID=([^;,\s]+)/.exec(response.headers.get('set-cookie') || '');
    if (session) cookie = `SESSIONID=${session[1]}`;
    const text = await response.text();
    log(`${step}: ${method} ${path} -> ${response.status} in ${Date.now() - started} ms`);
    if (response.status !== expected) throw new Error(`${step}: ${method} ${path} answered ${response.status}, expected ${expected}`);
    steps.push(step);
    return text;
  };

  await request('home', 'GET', '/', undefined, 200);
  const catalog = await request('catalog', 'GET', '/catalog', undefined, 200);
  const product = (/href="\/catalog\/([0-9a-f-]{36})"/.exec(catalog) || [])[1];
  if (!product) throw new Error('catalog: no product on the catalog page');
  await request('product', 'GET', `/catalog/${product}`, undefined, 200);
  await request('add to cart', 'POST', '/cart', { productId: product, quantity: '1' }, 303);
  const cart = await request('cart', 'GET', '/cart', undefined, 200);
  if (!cart.includes(product)) throw new Error(`cart: ${product} is not in the cart`);
  await request('checkout', 'GET', '/checkout', undefined, 200);
  const delivery = await request(
    'shipping address',
    'POST',
    '/checkout',
    { firstName: 'Synthetic', lastName: 'Shopper', email, address1: '1 Canary Street', city: 'Anytown', state: 'CA', zipCode: '11111' },
    200,
  );
  const [token] = inputValues(delivery, 'token');
  if (!token) throw new Error('shipping address: the delivery page offers no delivery option');
  await request('delivery', 'POST', '/checkout/delivery', { token }, 200);
  if (placeOrder) {
    await request('payment', 'POST', '/checkout/payment', { cardHolder: 'Synthetic Shopper', cardNumber: '1234567890123456', expiryDate: '01/35', cvc: '123' }, 200);
  }
  return steps;
}

/**
 * Behind CloudFront the region's WAF admits a request only with CloudFront's secret origin header: the
 * shopper reads its current value (the secret's replica in its own region) on every run, so a rotation
 * never locks it out. The AWS SDK for JavaScript v3 ships with the Node.js Lambda runtimes the canary
 * runs on; the Synthetics runtimes also bundle v2, used when v3 is absent.
 */
async function originHeaders(env, load = require) {
  if (!env.ORIGIN_VERIFY_SECRET) return {};
  const secretId = env.ORIGIN_VERIFY_SECRET;
  let secretString;
  try {
    const { SecretsManagerClient, GetSecretValueCommand } = load('@aws-sdk/client-secrets-manager');
    secretString = (await new SecretsManagerClient({}).send(new GetSecretValueCommand({ SecretId: secretId }))).SecretString;
  } catch (e) {
    if (e.code !== 'MODULE_NOT_FOUND') throw e;
    const AWS = load('aws-sdk');
    secretString = (await new AWS.SecretsManager().getSecretValue({ SecretId: secretId }).promise()).SecretString;
  }
  const value = JSON.parse(secretString || '{}')[env.ORIGIN_VERIFY_KEY];
  if (!value) throw new Error(`origin header: secret ${secretId} has no "${env.ORIGIN_VERIFY_KEY}"`);
  return { [env.ORIGIN_VERIFY_HEADER]: value };
}

exports.shop = shop;
exports.inputValues = inputValues;
exports.originHeaders = originHeaders;

/** The canary's entry point: the region's URL and options come from its environment. */
exports.handler = async () =>
  shop({
    baseUrl: process.env.SHOP_URL,
    placeOrder: process.env.PLACE_ORDER === 'true',
    email: process.env.SHOPPER_EMAIL,
    extraHeaders: await originHeaders(process.env),
    log: (line) => console.log(line),
  });
