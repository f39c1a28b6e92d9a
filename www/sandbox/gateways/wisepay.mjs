// WisePay Cloud (Wiseasy) / N-age: flat requests signed over a sorted key=value string, sent as
// JSON (the vendor's C#/PHP demos, its 2024 SDK releases, this library by default) or form-encoded
// (the current Java SDK: research/wisepay.md §3.5), to /api/entry (the SDK: `method` chooses) or to
// the per-operation paths the documents print. Responses {code, msg, psn, data, sign} are JSON
// whatever the request's encoding, signed the same way by the gateway.
import { wallClock } from '../clock.mjs';
import { signBase64, verifyBase64 } from '../crypto.mjs';
import { parseMajor } from '../money.mjs';

const TIMESTAMP_WINDOW_MS = 15 * 60 * 1000;
const MAX_PARTIAL_REFUNDS = 10;
const ZERO_DIGIT = new Set(['JPY', 'KRW', 'VND', 'CLP', 'ISK', 'UGX', 'XAF', 'XOF']);

// WisePay publishes few error codes. E04111 and SYS011 are seen from the real gateway; the others
// are the sandbox's own non-zero codes, in the same style, for failures whose real code is unknown.
const ERRORS = {
  missing: ['SYS011', 'Required parameter is missing'],
  badParam: ['SYS012', 'Parameter is invalid'],
  appId: ['SYS001', 'app_id is invalid'],
  sign: ['SYS002', 'Signature verification failed'],
  timestamp: ['SYS003', 'Request timestamp expired'],
  method: ['SYS004', 'method is not supported'],
  path: ['SYS005', 'API path does not exist'],
  merchant: ['E04101', 'Merchant is invalid'],
  orderNotFound: ['E04111', 'Merchant order number is invalid'],
  currency: ['E04114', 'Currency does not match the original order'],
  duplicate: ['E04131', 'Refund order number already exists'],
  exceeds: ['E04132', 'Refund amount exceeds the refundable amount'],
  limit: ['E04133', 'Refund count limit reached'],
};

// The retry schedule of the real gateway: up to 15 tries over about 12 hours (the documents give
// the count and the span, not the intervals; these intervals are the sandbox's assumption).
export const RETRY_SCHEDULE_MS = [
  0, 15e3, 15e3, 30e3, 180e3, 600e3, 1200e3, 1800e3, 1800e3, 1800e3, 3600e3, 3600e3, 7200e3, 10800e3, 10800e3,
];

const SEEDED = [
  { orderId: 'WP-JPY-1001', transactionId: '2026110100000001001', currency: 'JPY', amount: '5000', note: 'JPY order' },
  { orderId: 'WP-USD-1002', transactionId: '2026110100000001002', currency: 'USD', amount: '120.50', note: 'USD order' },
  {
    orderId: 'WP-USD-FAIL',
    transactionId: '2026110100000001999',
    currency: 'USD',
    amount: '30.00',
    refundsFail: true,
    note: 'every refund of this order ends failed',
  },
];

export const wisepay = {
  name: 'wisepay',
  seeded: SEEDED,
  digitsOf: (currency) => (ZERO_DIGIT.has(currency) ? 0 : 2),
  newRefundId: (now, seq) => `${now}${String(seq).padStart(6, '0')}`,
  identity: { appId: 'wz5a0d1b0x00000001', merchantNo: '302100000001' },
  retryScheduleMs: RETRY_SCHEDULE_MS,
  routes: {
    '/api/entry/refund': (ctx, req, body) => handle(ctx, req, body, 'order.refund.submit'),
    '/api/entry/refundquery': (ctx, req, body) => handle(ctx, req, body, 'order.refund.query'),
    // The vendor SDK posts everything to /api/entry and lets `method` choose.
    '/api/entry': (ctx, req, body) => handle(ctx, req, body, null),
  },
  /** The routes that only look refunds up (faults tell them from refunds). */
  queryPaths: ['/api/entry/refundquery'],
  rootPrefixes: ['/api/entry'],
  notFound: (ctx, path) => ({ ...failure(ctx, 'path', printable(path)), status: 404 }),
  notification,
  isAck: (status, text) => status === 200 && text.trim() === 'success',
};

/** The canonical string: every field but `sign`, empty values dropped, sorted by key, k=v&k=v. */
export function canonicalString(fields) {
  return Object.keys(fields)
    .filter((k) => k !== 'sign' && fieldText(fields[k]) !== '')
    .sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)))
    .map((k) => `${k}=${fieldText(fields[k])}`)
    .join('&');
}

function fieldText(value) {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

function signedReply(ctx, fields) {
  const body = { ...fields, sign: signBase64(ctx.keys.gatewayPrivateKey, canonicalString(fields)) };
  return { status: 200, headers: { 'content-type': 'application/json; charset=UTF-8' }, body: JSON.stringify(body) };
}

function psn(ctx) {
  return `SBX${ctx.now()}${Math.floor(Math.random() * 1e6).toString().padStart(6, '0')}`;
}

function failure(ctx, key, detail) {
  const [code, msg] = ERRORS[key];
  return signedReply(ctx, { code, msg: detail ? `[${code}]${msg}: ${detail}` : `[${code}]${msg}`, psn: psn(ctx) });
}

function success(ctx, data) {
  return signedReply(ctx, { code: '0', msg: 'success', psn: psn(ctx), data: JSON.stringify(data) });
}

/** A short printable excerpt of received text, for messages. */
function printable(text) {
  return text.replace(/[^\x20-\x7e]/g, '?').slice(0, 64);
}

/** The request's fields, or the reason they cannot be read. The encoding is the one the
 * Content-Type names; without one, a body that opens with `{` is JSON and any other is a form. */
function requestFields(req, bodyBytes) {
  const type = String(req.headers['content-type'] ?? '').toLowerCase();
  const text = bodyBytes.toString('utf8');
  const isForm = type.includes('application/x-www-form-urlencoded') || (!type.includes('json') && !/^\s*\{/.test(text));
  if (isForm) return formFields(bodyBytes);
  let fields;
  try {
    fields = JSON.parse(text);
  } catch {
    return { error: 'the body is not JSON' };
  }
  if (fields === null || typeof fields !== 'object' || Array.isArray(fields)) {
    return { error: 'the body is not a JSON object' };
  }
  return { fields };
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * application/x-www-form-urlencoded, read strictly: `+` is a space, `%XX` a byte, the decoded
 * bytes must be UTF-8, every pair has a name, and no name comes twice (a signature could not say
 * which of two it covered). The canonical string is then built over the decoded values, which are
 * the strings the SDK signed before it encoded them (research/wisepay.md §3.5).
 */
function formFields(bodyBytes) {
  const text = bodyBytes.toString('latin1');
  if (/[^\x21-\x7e]/.test(text)) return { error: 'the form body holds bytes that are not percent-encoded' };
  // No prototype: a field named __proto__ stays a field.
  const fields = Object.create(null);
  for (const pair of text.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const name = decodeFormPart(eq === -1 ? pair : pair.slice(0, eq));
    const value = decodeFormPart(eq === -1 ? '' : pair.slice(eq + 1));
    if (name === null || value === null) return { error: 'the form body has a malformed percent-encoding' };
    if (name === '') return { error: 'the form body has a field without a name' };
    if (Object.hasOwn(fields, name)) return { error: `the form body carries ${printable(name)} twice` };
    fields[name] = value;
  }
  if (Object.keys(fields).length === 0) return { error: 'the form body is empty' };
  return { fields };
}

function decodeFormPart(part) {
  const bytes = [];
  for (let i = 0; i < part.length; i += 1) {
    const c = part[i];
    if (c === '+') bytes.push(0x20);
    else if (c === '%') {
      const hex = part.slice(i + 1, i + 3);
      if (!/^[0-9A-Fa-f]{2}$/.test(hex)) return null;
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else bytes.push(c.charCodeAt(0));
  }
  try {
    return UTF8.decode(Uint8Array.from(bytes));
  } catch {
    return null;
  }
}

function handle(ctx, req, bodyBytes, expectedMethod) {
  const { fields, error } = requestFields(req, bodyBytes);
  if (error) return failure(ctx, 'badParam', error);
  for (const name of ['app_id', 'method', 'timestamp', 'sign', 'sign_type']) {
    if (fieldText(fields[name]) === '') return failure(ctx, 'missing', name);
  }
  if (fields.app_id !== ctx.identity.appId) return failure(ctx, 'appId');
  if (fields.sign_type !== 'RSA2') return failure(ctx, 'badParam', 'sign_type');
  if (!verifyBase64(ctx.keys.merchantPublicKey, canonicalString(fields), fields.sign)) return failure(ctx, 'sign');
  const timestamp = /^[0-9]{13}$/.test(fieldText(fields.timestamp)) ? Number(fieldText(fields.timestamp)) : NaN;
  if (!(Math.abs(ctx.now() - timestamp) <= TIMESTAMP_WINDOW_MS)) return failure(ctx, 'timestamp');
  const method = fieldText(fields.method);
  if (expectedMethod !== null && method !== expectedMethod) return failure(ctx, 'method', method);
  if (fieldText(fields.merchant_no) === '') return failure(ctx, 'missing', 'merchant_no');
  if (fields.merchant_no !== ctx.identity.merchantNo) return failure(ctx, 'merchant');
  if (method === 'order.refund.submit') return refund(ctx, fields);
  if (method === 'order.refund.query') return query(ctx, fields);
  return failure(ctx, 'method', method);
}

function refund(ctx, fields) {
  const refundNo = fieldText(fields.merchant_order_no);
  if (refundNo === '') return failure(ctx, 'missing', 'merchant_order_no');
  if (refundNo.length > 32) return failure(ctx, 'badParam', 'merchant_order_no is longer than 32');
  const origOrder = fieldText(fields.orig_merchant_order_no);
  const origTrans = fieldText(fields.orig_trans_no);
  if (origOrder === '' && origTrans === '') return failure(ctx, 'missing', 'orig_merchant_order_no or orig_trans_no');
  const order = ctx.ledger.findOrder({
    orderId: origOrder === '' ? undefined : origOrder,
    transactionId: origTrans === '' ? undefined : origTrans,
  });
  if (!order) return failure(ctx, 'orderNotFound');
  const currency = fieldText(fields.price_currency);
  if (currency === '') return failure(ctx, 'missing', 'price_currency');
  if (currency !== order.currency) return failure(ctx, 'currency');
  const amountText = fieldText(fields.order_amount);
  if (amountText === '') return failure(ctx, 'missing', 'order_amount');
  const amountMinor = parseMajor(amountText, order.digits);
  if (amountMinor === null) return failure(ctx, 'badParam', 'order_amount');
  const broken = ctx.ledger.ruleBroken(order, refundNo, amountMinor, { maxRefunds: MAX_PARTIAL_REFUNDS });
  if (broken) return failure(ctx, broken);
  const entry = ctx.accept(order, {
    refundId: refundNo,
    amountMinor,
    notifyUrl: fieldText(fields.notify_url),
    reason: fieldText(fields.description) || null,
    details: { amountText },
  });
  return success(ctx, refundData(ctx, entry));
}

function query(ctx, fields) {
  const refundNo = fieldText(fields.merchant_order_no);
  const transNo = fieldText(fields.trans_no);
  if (refundNo === '' && transNo === '') return failure(ctx, 'missing', 'merchant_order_no or trans_no');
  const entry = ctx.ledger.findRefund({
    refundId: refundNo === '' ? undefined : refundNo,
    gatewayRefundId: transNo === '' ? undefined : transNo,
  });
  if (!entry) return failure(ctx, 'orderNotFound');
  return success(ctx, refundData(ctx, entry));
}

const TRANS_STATUS = { pending: '0', succeeded: '2', failed: '1' };

function refundData(ctx, entry) {
  const data = {
    merchant_no: ctx.identity.merchantNo,
    trans_no: entry.gatewayRefundId,
    orig_trans_no: entry.order.transactionId,
    merchant_order_no: entry.refundId,
    orig_merchant_order_no: entry.order.orderId,
    trans_type: 'REFUND',
    trans_status: TRANS_STATUS[entry.status],
    price_currency: entry.order.currency,
    order_amount: ctx.major(entry),
    trans_amount: ctx.major(entry),
  };
  if (entry.completedAt !== null) data.trans_end_time = wallClock(entry.completedAt);
  if (entry.status === 'failed') {
    data.trans_error_code = 'E05001';
    data.trans_error_msg = 'Refund rejected by the payment channel (sandbox test order)';
  }
  return data;
}

/** The notification: a flat all-string JSON object, signed over the canonical string. */
function notification(ctx, entry) {
  const fields = { app_id: ctx.identity.appId, ...refundData(ctx, entry), sign_type: 'RSA2' };
  const body = JSON.stringify({ ...fields, sign: signBase64(ctx.keys.gatewayPrivateKey, canonicalString(fields)) });
  return { headers: { 'content-type': 'application/json; charset=UTF-8' }, body };
}
