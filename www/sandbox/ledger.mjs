// The sandbox's memory of one gateway: its seeded paid orders and every refund made against them.
// The gateway modules decide the wire format and the error codes; the ledger decides the money.

export class Ledger {
  /**
   * @param {object[]} orders seeded paid orders: { orderId?, transactionId, currency, digits,
   *   amount (major-unit text), amountMinor (BigInt), refundsFail (bool), note }
   * @param {(now: number, seq: number) => string} newRefundId the gateway's refund id format
   */
  constructor(orders, newRefundId) {
    this.orders = orders;
    this.refunds = [];
    this.newRefundId = newRefundId;
  }

  findOrder({ orderId, transactionId }) {
    return (
      this.orders.find(
        (o) =>
          (orderId === undefined || o.orderId === orderId) &&
          (transactionId === undefined || o.transactionId === transactionId) &&
          (orderId !== undefined || transactionId !== undefined),
      ) ?? null
    );
  }

  findRefund({ refundId, gatewayRefundId }) {
    return (
      this.refunds.find(
        (r) =>
          (refundId === undefined || r.refundId === refundId) &&
          (gatewayRefundId === undefined || r.gatewayRefundId === gatewayRefundId) &&
          (refundId !== undefined || gatewayRefundId !== undefined),
      ) ?? null
    );
  }

  refundsOf(order) {
    return this.refunds.filter((r) => r.order === order);
  }

  /** What may still be refunded: the paid amount less every refund that has not failed. */
  refundableMinor(order) {
    return this.refundsOf(order)
      .filter((r) => r.status !== 'failed')
      .reduce((left, r) => left - r.amountMinor, order.amountMinor);
  }

  /**
   * Which rule a new refund would break, or null if it may proceed:
   * 'duplicate' (refund number used before), 'pending' (when `onePending`, another refund of the
   * order is still in progress), 'exceeds' (more than is left to refund), 'limit' (too many refunds).
   */
  ruleBroken(order, refundId, amountMinor, { onePending = false, maxRefunds = Infinity } = {}) {
    if (this.findRefund({ refundId })) return 'duplicate';
    const mine = this.refundsOf(order);
    if (onePending && mine.some((r) => r.status === 'pending')) return 'pending';
    if (mine.length >= maxRefunds) return 'limit';
    if (amountMinor <= 0n || amountMinor > this.refundableMinor(order)) return 'exceeds';
    return null;
  }

  /** Records an accepted refund, pending. `details` keeps the gateway's own request fields. */
  add(order, { refundId, amountMinor, notifyUrl, reason, now, details = {} }) {
    const refund = {
      order,
      refundId,
      gatewayRefundId: this.newRefundId(now, this.refunds.length + 1),
      amountMinor,
      notifyUrl: notifyUrl || null,
      reason: reason ?? null,
      status: 'pending',
      createdAt: now,
      completedAt: null,
      details,
      deliveries: [],
    };
    this.refunds.push(refund);
    return refund;
  }
}

/** Builds the seeded order list of one gateway, with minor units worked out once. */
export function seedOrders(list, digitsOf, parseMajor) {
  return list.map((o) => {
    const digits = digitsOf(o.currency);
    const amountMinor = parseMajor(o.amount, digits);
    if (amountMinor === null) throw new Error(`bad seeded amount ${o.amount} ${o.currency}`);
    return { refundsFail: false, ...o, digits, amountMinor };
  });
}
