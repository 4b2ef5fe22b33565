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

/**
 * The journeys the SLOs cover, by the steps each is made of (docs/operations.md#slo-burn): browsing
 * reads pages, checkout writes the cart and the order. A run that fails while browsing never reaches
 * checkout, and counts as a failed checkout too: a customer could not have checked out either.
 */
const JOURNEYS = {
  browse: ['home', 'catalog', 'product'],
  checkout: ['add to cart', 'cart', 'checkout', 'shipping address', 'delivery', 'payment'],
};

/**
 * The custom metrics every run publishes (CloudWatch PutMetricData), which the SLO alarms and the
 * dashboards read. Two dimensions of bounded cardinality: the shopper (one per region and one on the
 * public name) and the journey.
 */
const METRICS = {
  namespace: 'SecureCart/Shopper',
  /** 1 when the journey succeeded, 0 when it failed; Sum / SampleCount is the availability. */
  journeySuccess: 'JourneySuccess',
  /** Milliseconds of each answered request; PR(:<ms>) is the share of fast requests. */
  requestLatency: 'RequestLatency',
  dimensions: { shopper: 'Shopper', journey: 'Journey' },
};

/** The journey a step belongs to. */
function journeyOf(step) {
  return Object.keys(JOURNEYS).find((journey) => JOURNEYS[journey].includes(step));
}

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
async function shop({ baseUrl, placeOrder, email, extraHeaders = {}, fetchImpl = globalThis.fetch, log = () => {}, observe = () => {} }) {
  if (!baseUrl) throw new Error('SHOP_URL is not set');
  let cookie;
  const steps = [];
  /** An error that names the step it happened in, so the run's metrics can say which journey failed. */
  const failure = (step, message, cause) => Object.assign(new Error(message, cause ? { cause } : undefined), { step });
  const request = async (step, method, path, form, expected) => {
    const headers = { ...extraHeaders, accept: 'text/html', 'user-agent': 'securecart-synthetic-shopper' };
    if (cookie) headers.cookie = cookie;
    let body;
    if (form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(form).toString();
    }
    const started = Date.now();
    let response;
    let text;
    try {
      response = await fetchImpl(`${baseUrl}${path}`, { method, headers, body, redirect: 'manual', signal: AbortSignal.timeout(TIMEOUT_MS) });
      text = await response.text();
    } catch (e) {
      throw failure(step, `${step}: ${method} ${path} got no answer: ${e.message}`, e);
    }
    const elapsed = Date.now() - started;
    // Only answered requests have a latency; one that got no answer is an availability failure.
    observe({ step, journey: journeyOf(step), status: response.status, milliseconds: elapsed });
    const session = /(?:^|[;,]\s*)SESSIONID=([^;,\s]+)/.exec(response.headers.get('set-cookie') || '');
    if (session) cookie = `SESSIONID=${session[1]}`;
    log(`${step}: ${method} ${path} -> ${response.status} in ${elapsed} ms`);
    if (response.status !== expected) throw failure(step, `${step}: ${method} ${path} answered ${response.status}, expected ${expected}`);
    steps.push(step);
    return text;
  };

  await request('home', 'GET', '/', undefined, 200);
  const catalog = await request('catalog', 'GET', '/catalog', undefined, 200);
  const product = (/href="\/catalog\/([0-9a-f-]{36})"/.exec(catalog) || [])[1];
  if (!product) throw failure('catalog', 'catalog: no product on the catalog page');
  await request('product', 'GET', `/catalog/${product}`, undefined, 200);
  await request('add to cart', 'POST', '/cart', { productId: product, quantity: '1' }, 303);
  const cart = await request('cart', 'GET', '/cart', undefined, 200);
  if (!cart.includes(product)) throw failure('cart', `cart: ${product} is not in the cart`);
  await request('checkout', 'GET', '/checkout', undefined, 200);
  const delivery = await request(
    'shipping address',
    'POST',
    '/checkout',
    { firstName: 'Synthetic', lastName: 'Shopper', email, address1: '1 Canary Street', city: 'Anytown', state: 'CA', zipCode: '11111' },
    200,
  );
  const [token] = inputValues(delivery, 'token');
  if (!token) throw failure('shipping address', 'shipping address: the delivery page offers no delivery option');
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

/**
 * The metric data of one run: a JourneySuccess per journey (1 or 0), and the latencies of the answered
 * requests per journey. `failedStep` is the step the run failed in, if it failed.
 */
function runMetrics({ shopper, requests, failedStep }) {
  const journeys = Object.keys(JOURNEYS);
  const failedAt = failedStep === undefined ? journeys.length : Math.max(0, journeys.indexOf(journeyOf(failedStep)));
  const dimensions = (journey) => [
    { Name: METRICS.dimensions.shopper, Value: shopper },
    { Name: METRICS.dimensions.journey, Value: journey },
  ];
  const data = journeys.map((journey, i) => ({ MetricName: METRICS.journeySuccess, Dimensions: dimensions(journey), Value: i < failedAt ? 1 : 0, Unit: 'Count' }));
  for (const journey of journeys) {
    const values = requests.filter((r) => r.journey === journey).map((r) => r.milliseconds);
    if (values.length) data.push({ MetricName: METRICS.requestLatency, Dimensions: dimensions(journey), Values: values, Unit: 'Milliseconds' });
  }
  return data;
}

/** Publishes a run's metrics with the AWS SDK the runtime ships (v3, else v2, as originHeaders does). */
async function publishMetrics(metricData, load = require) {
  const input = { Namespace: METRICS.namespace, MetricData: metricData };
  try {
    const { CloudWatchClient, PutMetricDataCommand } = load('@aws-sdk/client-cloudwatch');
    await new CloudWatchClient({}).send(new PutMetricDataCommand(input));
  } catch (e) {
    if (e.code !== 'MODULE_NOT_FOUND') throw e;
    const AWS = load('aws-sdk');
    await new AWS.CloudWatch().putMetricData(input).promise();
  }
}

/**
 * One run: shop, then publish what it measured, then fail the run if shopping failed. A failure to
 * publish is logged, never turned into a failed run: the region's health is about selling, and the SLO
 * alarms treat a missing datapoint as no news.
 */
async function run(env, { fetchImpl, load = require, log = () => {} } = {}) {
  const requests = [];
  let failure;
  try {
    await shop({
      baseUrl: env.SHOP_URL,
      placeOrder: env.PLACE_ORDER === 'true',
      email: env.SHOPPER_EMAIL,
      extraHeaders: await originHeaders(env, load),
      fetchImpl,
      log,
      observe: (r) => requests.push(r),
    });
  } catch (e) {
    failure = e;
  }
  // A run that failed before its first step (no URL, no origin secret) is a failed browse.
  const failedStep = failure ? failure.step || 'home' : undefined;
  try {
    await publishMetrics(runMetrics({ shopper: env.SHOPPER_NAME, requests, failedStep }), load);
  } catch (e) {
    log(`metrics: not published: ${e.message}`);
  }
  if (failure) throw failure;
}

exports.JOURNEYS = JOURNEYS;
exports.METRICS = METRICS;
exports.shop = shop;
exports.inputValues = inputValues;
exports.originHeaders = originHeaders;
exports.runMetrics = runMetrics;
exports.publishMetrics = publishMetrics;
exports.run = run;

/** The canary's entry point: the region's URL and options come from its environment. */
exports.handler = async () => run(process.env, { log: (line) => console.log(line) });
