// BIEASES: an envelope whose `body` is AES-CBC ciphertext (base64), signed over that ciphertext
// text with RSA (the default crypto profile). Query replies are plain and unsigned.
import { epochNumber } from '../clock.mjs';
import { aesDecrypt, aesEncrypt, signBase64, verifyBase64 } from '../crypto.mjs';
import { numberText, parseMajor, stringifyWithNumbers } from '../money.mjs';

const TIMESTAMP_WINDOW_MS = 5 * 60 * 1000;
const ZERO_DIGIT = new Set(['JPY', 'KRW', 'VND']);

// BIEASES documents no retry schedule; the sandbox's choice.
export const RETRY_SCHEDULE_MS = [0, 60e3, 300e3, 900e3, 3600e3, 21600e3];

const SEEDED = [
  { transactionId: '01JSBX0USD00000000000004001', currency: 'USD', amount: '25.37', note: 'USD order' },
  { transactionId: '01JSBX0USD00000000000004002', currency: 'USD', amount: '300.00', note: 'USD order' },
  {
    transactionId: '01JSBX0USD00000000000004999',
    currency: 'USD',
    amount: '15.00',
    refundsFail: true,
    note: 'every refund of this order ends failed',
  },
];

const ERRORS = {
  param: [40000, 'Params error'],
  sign: [44001, 'The signature verification failed'],
  decrypt: [44003, 'Body decrypt failed'],
  merchant: [44005, 'Merchant not found'],
  notFound: [44006, 'Order not found'],
  currency: [44007, 'Currency does not support'],
  exceeds: [44008, 'Invalid amount value'],
  duplicate: [44009, 'Duplicated orders'],
  // BIEASES asks for no concurrent partial refunds and publishes no code for breaking that rule.
  pending: [40000, 'Params error: a refund of this payment is still processing'],
};

export const bieases = {
  name: 'bieases',
  seeded: SEEDED,
  digitsOf: (currency) => (ZERO_DIGIT.has(currency) ? 0 : 2),
  newRefundId: (now, seq) => `${now}${String(seq).padStart(15, '0')}`,
  identity: { merchantId: 'B100000000001' },
  retryScheduleMs: RETRY_SCHEDULE_MS,
  routes: {
    '/cgi/payment/api/v1/payment-order/refund': (ctx, req, body) => handle(ctx, body, 'bieases.trade.refund', refund),
    '/cgi/payment/api/v1/payment-order/refund/query': (ctx, req, body) =>
      handle(ctx, body, 'bieases.trade.query', query),
  },
  /** The routes that only look refunds up (faults tell them from refunds). */
  queryPaths: ['/cgi/payment/api/v1/payment-order/refund/query'],
  rootPrefixes: ['/cgi/payment'],
  notFound: () => ({ ...failure('param', 'no such endpoint'), status: 404 }),
  notification,
  isAck: (status, text) => {
    if (status !== 200) return false;
    try {
      return JSON.parse(text)?.code === 20000;
    } catch {
      return false;
    }
  },
};

function reply(body) {
  return { status: 200, headers: { 'content-type': 'application/json' }, body: stringifyWithNumbers(body) };
}

function failure(key, detail) {
  const [code, msg] = ERRORS[key];
  return reply({ code, msg: detail ? `${msg}: ${detail}` : msg, data: null });
}

function handle(ctx, bodyBytes, method, operation) {
  let envelope;
  try {
    envelope = JSON.parse(bodyBytes.toString('utf8'));
  } catch {
    return failure('param', 'the body is not JSON');
  }
  if (envelope === null || typeof envelope !== 'object' || Array.isArray(envelope)) return failure('param', 'envelope');
  if (envelope.merchantId !== ctx.identity.merchantId) return failure('merchant');
  if (envelope.method !== method) return failure('param', `method must be ${method}`);
  if (envelope.encryptType !== 'AES' || envelope.signType !== 'RSA') return failure('param', 'encryptType/signType');
  if (typeof envelope.body !== 'string' || typeof envelope.sign !== 'string') return failure('param', 'body and sign');
  if (!verifyBase64(ctx.keys.merchantPublicKey, envelope.body, envelope.sign)) return failure('sign');
  const stamp = epochNumber(envelope.timestamp);
  if (stamp === null) return failure('param', 'timestamp');
  if (Math.abs(ctx.now() - stamp) > TIMESTAMP_WINDOW_MS) return failure('param', 'timestamp is out of range');
  const plain = aesDecrypt(envelope.body, ctx.keys.aesKey, ctx.keys.aesIv);
  if (plain === null) return failure('decrypt');
  let body;
  try {
    body = JSON.parse(plain);
  } catch {
    return failure('decrypt', 'the decrypted body is not JSON');
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return failure('param', 'body');
  return operation(ctx, body);
}

function refund(ctx, body) {
  const { paymentId, referRefundNo, currency } = body;
  if (typeof paymentId !== 'string' || !paymentId || paymentId.length > 32) return failure('param', 'paymentId');
  if (typeof referRefundNo !== 'string' || !referRefundNo || referRefundNo.length > 64) {
    return failure('param', 'referRefundNo');
  }
  if (typeof currency !== 'string') return failure('param', 'currency');
  if (!Array.isArray(body.refundInfos) || body.refundInfos.length === 0) return failure('param', 'refundInfos');
  const amountText = numberText(body.refundAmount);
  if (amountText === null) return failure('param', 'refundAmount must be a number');
  if (body.callbackUrl !== undefined && typeof body.callbackUrl !== 'string') return failure('param', 'callbackUrl');
  const order = ctx.ledger.findOrder({ transactionId: paymentId });
  if (!order) return failure('notFound');
  if (currency !== order.currency) return failure('currency');
  const amountMinor = parseMajor(amountText, order.digits);
  if (amountMinor === null) return failure('exceeds', 'too many decimals');
  const broken = ctx.ledger.ruleBroken(order, referRefundNo, amountMinor, { onePending: true });
  if (broken) return failure(broken);
  const entry = ctx.accept(order, {
    refundId: referRefundNo,
    amountMinor,
    notifyUrl: body.callbackUrl,
    reason: typeof body.reason === 'string' ? body.reason : null,
  });
  return reply({ code: 20000, msg: '', data: refundData(ctx, entry) });
}

const STATUS = { pending: 'PROCESSING', succeeded: 'SUCCESS', failed: 'FAILED' };

function refundData(ctx, entry) {
  return {
    merchantId: ctx.identity.merchantId,
    refundId: entry.gatewayRefundId,
    paymentId: entry.order.transactionId,
    referRefundNo: entry.refundId,
    refundAmount: ctx.major(entry),
    currency: entry.order.currency,
    refundTime: entry.createdAt,
    completeTime: entry.completedAt,
    status: STATUS[entry.status],
    msg: entry.status === 'failed' ? 'refund rejected by the channel (sandbox test order)' : '',
  };
}

function query(ctx, body) {
  if (typeof body.refundId !== 'string' || !body.refundId) return failure('param', 'refundId');
  const entry = ctx.ledger.findRefund({ gatewayRefundId: body.refundId });
  if (!entry) return failure('notFound');
  return reply({ code: 20000, msg: '', data: refundData(ctx, entry) });
}

const EVENT = { succeeded: 'payment.refund.success', failed: 'payment.refund.failed' };

/** The request envelope shape, signed and encrypted with the same profile, method bieases.trade.callback. */
function notification(ctx, entry) {
  const data = refundData(ctx, entry);
  const plain = JSON.stringify({ event: EVENT[entry.status], ...data });
  const cipher = aesEncrypt(plain, ctx.keys.aesKey, ctx.keys.aesIv);
  const envelope = {
    merchantId: ctx.identity.merchantId,
    method: 'bieases.trade.callback',
    format: 'json',
    charset: 'utf-8',
    encryptType: 'AES',
    signType: 'RSA',
    sign: signBase64(ctx.keys.gatewayPrivateKey, cipher),
    timestamp: ctx.now(),
    body: cipher,
  };
  return { headers: { 'content-type': 'application/json' }, body: JSON.stringify(envelope) };
}
