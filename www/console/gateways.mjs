// What the console knows about each gateway: its config fields beyond the two keys, its named
// environments (as the package documents them) and how a refund it made is looked up again.

/** Named environments, with the host each one stands for (shown to the operator, not used to connect). */
export const GATEWAYS = {
  wisepay: {
    label: 'WisePay Cloud / N-age',
    environments: {
      'sg-sandbox': 'https://wiseasy-open.sg.wisepaycloud.com',
      'sg-production': 'https://wiseasy-open.sg.paycloud.world',
      'n-age': 'https://open.n-age.co.jp',
    },
    fields: [
      { name: 'appId', label: 'App id' },
      { name: 'merchantNo', label: 'Merchant number' },
    ],
    queryHint: 'WisePay looks refunds up by refund number or gateway refund id.',
    // WisePay finds a refund by the merchant's refund number.
    lookup: (entry) => ({ refundId: entry.refundId }),
  },
  payermax: {
    label: 'PayerMax',
    environments: {
      sandbox: 'https://pay-gate-uat.payermax.com',
      production: 'https://pay-gate.payermax.com',
    },
    fields: [
      { name: 'appId', label: 'App id' },
      { name: 'merchantNo', label: 'Merchant number' },
    ],
    queryHint: 'PayerMax takes exactly one of refund number or gateway refund id.',
    lookup: (entry) => ({ refundId: entry.refundId }),
  },
  bluepay: {
    label: 'BluePay',
    environments: {},
    fields: [
      { name: 'appId', label: 'App id' },
      { name: 'currency', label: 'Account currency', optional: true, placeholder: 'THB' },
      { name: 'timestampUnit', label: 'Timestamp unit', choices: ['seconds', 'milliseconds'] },
    ],
    queryHint: 'BluePay looks refunds up by gateway refund id or original transaction id only.',
    // BluePay cannot look up the merchant's refund number: ask by its own ids.
    lookup: (entry) =>
      entry.gatewayRefundId
        ? { gatewayRefundId: entry.gatewayRefundId }
        : { originalTransactionId: entry.originalTransactionId },
  },
  bieases: {
    label: 'BIEASES',
    environments: {
      sandbox: 'https://app-sandbox.bieases.com',
      production: 'https://app.bieases.com',
    },
    fields: [
      { name: 'merchantId', label: 'Merchant id' },
      { name: 'aesKey', label: 'AES key', secret: true },
      { name: 'aesIv', label: 'AES IV', secret: true },
      { name: 'keyEncoding', label: 'AES key encoding', choices: ['utf8', 'base64', 'hex'] },
      { name: 'signTarget', label: 'Signature covers', choices: ['ciphertext', 'plaintext'] },
      { name: 'hash', label: 'Signature digest', choices: ['sha256', 'sha1'] },
    ],
    queryHint: 'BIEASES looks refunds up by its own refund id (gateway refund id) only.',
    lookup: (entry) => ({ gatewayRefundId: entry.gatewayRefundId }),
  },
};

export const GATEWAY_IDS = Object.keys(GATEWAYS);
