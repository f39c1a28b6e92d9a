// BluePay (PayCools platform): {appId, param, sign} with the signature over the `param` string as
// sent; amounts in minor units (satang); synchronous responses are unsigned.
import { epochNumber, wallClock } from '../clock.mjs';
import { signBase64, verifyBase64 } from '../crypto.mjs';

// BluePay documents no tolerance; five minutes is the sandbox's choice.
const TIMESTAMP_WINDOW_MS = 5 * 60 * 1000;
const BANGKOK_OFFSET_HOURS = 7;
const REFUND_NO = /^[A-Za-z0-9]{1,32}$/;

// BluePay documents no notification retry schedule; the sandbox retries like its sister platforms.
export const RETRY_SCHEDULE_MS = [0, 60e3, 300e3, 900e3, 3600e3, 21600e3];

const SEEDED = [
  { transactionId: 'CU100000000000003001', currency: 'THB', amount: '500.00', note: 'THB order' },
  { transactionId: 'CU100000000000003002', currency: 'THB', amount: '1250.00', note: 'THB order' },
  {
    transactionId: 'CU100000000000003999',
    currency: 'THB',
    amount: '80.00',
    refundsFail: true,
    note: 'every refund of this order ends failed',
  },
];

const ERRORS = {
  general: [21000, 'Server error, Please try again later.'],
  sign: [21001, 'Sign error'],
  param: [21002, 'Param error'],
  appId: [21003, 'AppId error'],
  notFound: [21006, 'Transaction not found'],
  timestamp: [21008, 'Request timestamp error'],
  expired: [21009, 'Request timestamp expired error'],
  exceeds: [21406, 'Refund amount invalid'],
  duplicate: [21407, 'MchRefundOrderId is repeat'],
  pending: [21409, 'A pending refund already exists for the original transaction'],
};

export const bluepay = {
  name: 'bluepay',
  seeded: SEEDED,
  digitsOf: () => 2,
  newRefundId: (now, seq) => `${now}${String(seq).padStart(3, '0')}`,
  identity: { appId: 'bp5a0d1b0x0000000001', currency: 'THB' },
  retryScheduleMs: RETRY_SCHEDULE_MS,
  routes: {
    '/open-api/payment/refund': (ctx, req, body) => handle(ctx, body, refund),
    '/open-api/refund/payments': (ctx, req, body) => handle(ctx, body, query),
  },
  /** The routes that only look refunds up (faults tell them from refunds). */
  queryPaths: ['/open-api/refund/payments'],
  rootPrefixes: ['/open-api'],
  notFound: () => ({ ...failure('param', 'no such endpoint'), status: 404 }),
  notification,
  isAck: (status, text) => {
    if (status !== 200) return false;
    try {
      return JSON.parse(text)?.code === 10000;
    } catch {
      return false;
    }
  },
};

function reply(body) {
  return { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

function failure(key, detail) {
  const [code, message] = ERRORS[key];
  return reply({ code, message: detail ? `${message}: ${detail}` : message });
}

function handle(ctx, bodyBytes, operation) {
  let envelope;
  try {
    envelope = JSON.parse(bodyBytes.toString('utf8'));
  } catch {
    return failure('param', 'the body is not JSON');
  }
  if (envelope === null || typeof envelope !== 'object') return failure('param', 'the body is not a JSON object');
  if (envelope.appId !== ctx.identity.appId) return failure('appId');
  if (typeof envelope.param !== 'string' || typeof envelope.sign !== 'string') {
    return failure('param', 'param and sign must be strings');
  }
  if (!verifyBase64(ctx.keys.merchantPublicKey, envelope.param, envelope.sign)) return failure('sign');
  let param;
  try {
    param = JSON.parse(envelope.param);
  } catch {
    return failure('param', 'param is not JSON');
  }
  if (param === null || typeof param !== 'object' || Array.isArray(param)) return failure('param', 'param');
  const stamp = epochNumber(param.timestamp);
  if (stamp === null) return failure('timestamp');
  // The documents show both epoch seconds and milliseconds; anything past 1e12 is milliseconds.
  const stampMs = stamp >= 1e12 ? stamp : stamp * 1000;
  if (Math.abs(ctx.now() - stampMs) > TIMESTAMP_WINDOW_MS) return failure('expired');
  return operation(ctx, param);
}

function refund(ctx, param) {
  const refundNo = param.mchRefundOrderId;
  if (typeof refundNo !== 'string' || !REFUND_NO.test(refundNo)) {
    return failure('param', 'mchRefundOrderId must be 1-32 letters and digits');
  }
  if (typeof param.originalTransactionId !== 'string') return failure('param', 'originalTransactionId');
  if (typeof param.refundCallbackUrl !== 'string' || param.refundCallbackUrl.length > 256 || !param.refundCallbackUrl) {
    return failure('param', 'refundCallbackUrl');
  }
  if (param.refundReason !== undefined && (typeof param.refundReason !== 'string' || param.refundReason.length > 200)) {
    return failure('param', 'refundReason');
  }
  const order = ctx.ledger.findOrder({ transactionId: param.originalTransactionId });
  if (!order) return failure('notFound');
  if (!Number.isSafeInteger(param.refundAmount) || param.refundAmount <= 0) return failure('exceeds');
  const amountMinor = BigInt(param.refundAmount);
  const broken = ctx.ledger.ruleBroken(order, refundNo, amountMinor, { onePending: true });
  if (broken) return failure(broken);
  const entry = ctx.accept(order, {
    refundId: refundNo,
    amountMinor,
    notifyUrl: param.refundCallbackUrl,
    reason: param.refundReason ?? null,
  });
  return reply({
    code: 10000,
    message: 'Success',
    data: {
      mchRefundOrderId: entry.refundId,
      refundTransactionId: entry.gatewayRefundId,
      refundCreateTime: wallClock(entry.createdAt, BANGKOK_OFFSET_HOURS),
      refundAmount: Number(entry.amountMinor),
      refundStatus: 'PENDING',
    },
  });
}

const STATUS = { pending: 'PENDING', succeeded: 'COMPLETE', failed: 'FAILED' };

function refundData(entry) {
  const data = {
    mchRefundOrderId: entry.refundId,
    originalTransactionId: entry.order.transactionId,
    refundTransactionId: entry.gatewayRefundId,
    refundAmount: Number(entry.amountMinor),
    feeRefunded: 0,
    refundStatus: STATUS[entry.status],
    refundCreateTime: wallClock(entry.createdAt, BANGKOK_OFFSET_HOURS),
    refundReturnTime: entry.completedAt === null ? '' : wallClock(entry.completedAt, BANGKOK_OFFSET_HOURS),
  };
  if (entry.status === 'failed') {
    data.failedCode = -10009;
    data.failedMessage = 'Channel Refund Failed';
  }
  return data;
}

function query(ctx, param) {
  const byTransaction = typeof param.originalTransactionId === 'string' && param.originalTransactionId !== '';
  const byRefund = typeof param.refundTransactionId === 'string' && param.refundTransactionId !== '';
  if (byTransaction === byRefund) return failure('param', 'send one of originalTransactionId and refundTransactionId');
  if (byTransaction) {
    const order = ctx.ledger.findOrder({ transactionId: param.originalTransactionId });
    if (!order) return failure('notFound');
    return reply({ code: 10000, message: 'Success', data: ctx.ledger.refundsOf(order).map(refundData) });
  }
  const entry = ctx.ledger.findRefund({ gatewayRefundId: param.refundTransactionId });
  if (!entry) return failure('notFound');
  return reply({ code: 10000, message: 'Success', data: [refundData(entry)] });
}

const EVENT = { succeeded: 'payment.refund.success', failed: 'payment.refund.failed' };

/** {param, sign}: the gateway signs the param string it sends. */
function notification(ctx, entry) {
  const data = refundData(entry);
  const param = JSON.stringify({ eventName: EVENT[entry.status], ...data, refundReason: entry.reason ?? '' });
  return {
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ param, sign: signBase64(ctx.keys.gatewayPrivateKey, param) }),
  };
}
