// PayerMax: JSON envelope signed as raw bytes in the `sign` header, both ways.
import { compactStamp, parseRfc3339, rfc3339Millis } from '../clock.mjs';
import { signBase64, verifyBase64 } from '../crypto.mjs';
import { jsonNumber, numberText, parseMajor, stringifyWithNumbers } from '../money.mjs';

const REQUEST_TIME_WINDOW_MS = 2 * 60 * 1000;
// PayerMax's own digits: whole units for these currencies, two decimals for the rest it settles here.
const ZERO_DIGIT = new Set(['IDR', 'TWD', 'PKR', 'COP', 'JPY', 'KRW', 'VND']);

// The retry schedule PayerMax documents: 0 s, 30 s, 5 min, 10 min, 1 h, 12 h.
export const RETRY_SCHEDULE_MS = [0, 30e3, 300e3, 600e3, 3600e3, 43200e3];

const SEEDED = [
  { orderId: 'PM-USD-2001', transactionId: 'T2026110100000002001', currency: 'USD', amount: '99.90', note: 'USD order' },
  { orderId: 'PM-IDR-2002', transactionId: 'T2026110100000002002', currency: 'IDR', amount: '150000', note: 'IDR order' },
  {
    orderId: 'PM-USD-FAIL',
    transactionId: 'T2026110100000002999',
    currency: 'USD',
    amount: '20.00',
    refundsFail: true,
    note: 'every refund of this order ends failed',
  },
];

export const payermax = {
  name: 'payermax',
  seeded: SEEDED,
  digitsOf: (currency) => (ZERO_DIGIT.has(currency) ? 0 : 2),
  newRefundId: (now, seq) => `${compactStamp(now)}TI${String(seq).padStart(12, '0')}`,
  identity: { appId: 'a5d0b0x0000000000000000000000001', merchantNo: '020213800000001' },
  retryScheduleMs: RETRY_SCHEDULE_MS,
  routes: {
    '/aggregate-pay/api/gateway/refund': (ctx, req, body) => handle(ctx, req, body, refund),
    '/aggregate-pay/api/gateway/refundQuery': (ctx, req, body) => handle(ctx, req, body, query),
  },
  /** The routes that only look refunds up (faults tell them from refunds). */
  queryPaths: ['/aggregate-pay/api/gateway/refundQuery'],
  rootPrefixes: ['/aggregate-pay'],
  // PayerMax publishes no code for an unknown API; this one is the sandbox's, in its style.
  notFound: (ctx) => ({ ...failure(ctx, 'API_NOT_FOUND', 'no such API'), status: 404 }),
  notification,
  isAck: (status, text) => {
    if (status !== 200) return false;
    try {
      return JSON.parse(text)?.code === 'SUCCESS';
    } catch {
      return false;
    }
  },
};

/** Every reply is signed over its exact bytes with the gateway key, in the `sign` header. */
function signedReply(ctx, envelope) {
  const body = stringifyWithNumbers(envelope);
  return {
    status: 200,
    headers: { 'content-type': 'application/json', sign: signBase64(ctx.keys.gatewayPrivateKey, body) },
    body,
  };
}

function failure(ctx, code, msg) {
  return signedReply(ctx, { code, msg, data: null });
}

function handle(ctx, req, bodyBytes, operation) {
  const signature = req.headers.sign;
  if (typeof signature !== 'string' || !verifyBase64(ctx.keys.merchantPublicKey, bodyBytes, signature)) {
    return failure(ctx, 'SIGN_VERIFY_FAILED', 'Signature verification failed');
  }
  let envelope;
  try {
    envelope = JSON.parse(bodyBytes.toString('utf8'));
  } catch {
    return failure(ctx, 'PARAMS_INVALID', 'request body is not JSON');
  }
  if (envelope === null || typeof envelope !== 'object' || Array.isArray(envelope)) {
    return failure(ctx, 'PARAMS_INVALID', 'request body is not a JSON object');
  }
  const requestTime = parseRfc3339(envelope.requestTime);
  if (requestTime === null) return failure(ctx, 'PARAMS_INVALID', 'requestTime must be RFC 3339');
  if (Math.abs(ctx.now() - requestTime) > REQUEST_TIME_WINDOW_MS) {
    return failure(ctx, 'REQ_TIME_OVER_TIME', 'requestTime is more than 2 minutes from the server time');
  }
  if (envelope.merchantNo !== ctx.identity.merchantNo) return failure(ctx, 'MERCHANT_INVALID', 'merchant is invalid');
  if (envelope.appId !== ctx.identity.appId) {
    return failure(ctx, 'MERCHANT_APP_INVALID', 'Signature key is not configured');
  }
  if (typeof envelope.version !== 'string' || typeof envelope.keyVersion !== 'string') {
    return failure(ctx, 'PARAMS_INVALID', 'version and keyVersion are required strings');
  }
  const data = envelope.data;
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    return failure(ctx, 'PARAMS_INVALID', 'data must be an object');
  }
  return operation(ctx, data);
}

function optionalText(data, name, max) {
  const value = data[name];
  if (value === undefined || value === null) return { value: undefined };
  if (typeof value !== 'string' || value.length > max) return { error: `${name} must be a string of at most ${max}` };
  return { value: value === '' ? undefined : value };
}

function refund(ctx, data) {
  const checks = {
    outRefundNo: optionalText(data, 'outRefundNo', 64),
    outTradeNo: optionalText(data, 'outTradeNo', 64),
    tradeToken: optionalText(data, 'tradeToken', 64),
    comments: optionalText(data, 'comments', 512),
    refundNotifyUrl: optionalText(data, 'refundNotifyUrl', 256),
    refundCurrency: optionalText(data, 'refundCurrency', 3),
  };
  for (const c of Object.values(checks)) if (c.error) return failure(ctx, 'PARAMS_INVALID', c.error);
  const v = Object.fromEntries(Object.entries(checks).map(([k, c]) => [k, c.value]));
  if (!v.outRefundNo) return failure(ctx, 'PARAMS_INVALID', 'outRefundNo is required');
  if (!v.refundCurrency) return failure(ctx, 'PARAMS_INVALID', 'refundCurrency is required');
  if (!v.outTradeNo && !v.tradeToken) return failure(ctx, 'PARAMS_INVALID', 'outTradeNo or tradeToken is required');
  const amountText = numberText(data.refundAmount);
  if (amountText === null) return failure(ctx, 'PARAMS_INVALID', 'refundAmount must be a number');
  const order = ctx.ledger.findOrder({ orderId: v.outTradeNo, transactionId: v.tradeToken });
  if (!order) return failure(ctx, 'ORDER_NOT_EXIST', 'order does not exist');
  if (v.refundCurrency !== order.currency) return failure(ctx, 'CURRENCY_INVALID', 'currency differs from the order');
  const amountMinor = parseMajor(amountText, order.digits);
  if (amountMinor === null) return failure(ctx, 'AMOUNT_INVALID', 'refundAmount has too many decimals');
  const broken = ctx.ledger.ruleBroken(order, v.outRefundNo, amountMinor, { onePending: true });
  if (broken === 'duplicate') return failure(ctx, 'REFUND_NO_INVALID', 'outRefundNo has been used');
  // PayerMax allows one refund in progress per order; its code for this case is not published,
  // so the sandbox answers with the generic REFUND_FAILED and says why.
  if (broken === 'pending') return failure(ctx, 'REFUND_FAILED', 'another refund of this order is in progress');
  if (broken === 'exceeds') return failure(ctx, 'AMOUNT_INVALID', 'refund amount exceeds the refundable amount');
  const entry = ctx.accept(order, {
    refundId: v.outRefundNo,
    amountMinor,
    notifyUrl: v.refundNotifyUrl,
    reason: v.comments ?? null,
  });
  return signedReply(ctx, {
    code: 'APPLY_SUCCESS',
    msg: '',
    data: {
      outRefundNo: entry.refundId,
      tradeOrderNo: order.transactionId,
      refundTradeNo: entry.gatewayRefundId,
      status: 'REFUND_PENDING',
    },
  });
}

const STATUS = { pending: 'REFUND_PENDING', succeeded: 'REFUND_SUCCESS', failed: 'REFUND_FAILED' };

function refundData(ctx, entry) {
  const data = {
    outRefundNo: entry.refundId,
    refundTradeNo: entry.gatewayRefundId,
    outTradeNo: entry.order.orderId,
    refundAmount: jsonNumber(ctx.major(entry)),
    refundCurrency: entry.order.currency,
    status: STATUS[entry.status],
  };
  if (entry.status === 'failed') data.resultMsg = 'Refund rejected by the channel (sandbox test order)';
  if (entry.completedAt !== null) data.refundFinishTime = rfc3339Millis(entry.completedAt);
  return data;
}

function query(ctx, data) {
  const outRefundNo = optionalText(data, 'outRefundNo', 64);
  const refundTradeNo = optionalText(data, 'refundTradeNo', 64);
  if (outRefundNo.error || refundTradeNo.error) return failure(ctx, 'PARAMS_INVALID', outRefundNo.error ?? refundTradeNo.error);
  if (!outRefundNo.value && !refundTradeNo.value) {
    return failure(ctx, 'PARAMS_INVALID', 'outRefundNo or refundTradeNo is required');
  }
  const entry = ctx.ledger.findRefund({ refundId: outRefundNo.value, gatewayRefundId: refundTradeNo.value });
  if (!entry) return failure(ctx, 'ORDER_NOT_EXIST', 'refund does not exist');
  return signedReply(ctx, { code: 'APPLY_SUCCESS', msg: '', data: refundData(ctx, entry) });
}

function notification(ctx, entry) {
  const body = stringifyWithNumbers({
    code: 'APPLY_SUCCESS',
    msg: 'Success.',
    keyVersion: '1',
    appId: ctx.identity.appId,
    merchantNo: ctx.identity.merchantNo,
    notifyTime: rfc3339Millis(ctx.now()),
    notifyType: 'REFUND',
    data: refundData(ctx, entry),
  });
  return {
    headers: { 'content-type': 'application/json', sign: signBase64(ctx.keys.gatewayPrivateKey, body) },
    body,
  };
}
