/** Every failure of refundkit: a real Error with a stable `code` (and `field`, `gatewayCode`, `gatewayMessage` where they apply). */
export class RefundKitError extends Error {
  constructor(code, message, details) {
    super(message);
    this.name = 'RefundKitError';
    this.code = code;
    if (details) Object.assign(this, details);
  }
}
