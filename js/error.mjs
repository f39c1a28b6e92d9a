// The one definition of RefundKitError. The web entry imports this file; scripts/build.mjs writes
// the CommonJS copy the Node entries load (at the end of pkg/node/refundkit.js) from it, so the class
// is written once.

/**
 * Every failure of refundkit: a real Error with a stable `code`, and the facts that apply as fields:
 * `field`, `gatewayCode`, `gatewayMessage`, `status` (the HTTP status of the answer), `delivery`
 * (`'not-sent' | 'refused' | 'unknown'`: whether the request may have reached the gateway) and the
 * standard `cause` (what failed underneath, such as the value `fetch` threw).
 */
export class RefundKitError extends Error {
  constructor(code, message, details) {
    const { cause, ...facts } = details ?? {};
    super(message, details && 'cause' in details ? { cause } : undefined);
    this.name = 'RefundKitError';
    this.code = code;
    Object.assign(this, facts);
  }
}
