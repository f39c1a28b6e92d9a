// WisePay Cloud (and N-age): refund, query, and receive the refund's notification.
//
//   WISEPAY_APP_ID=... WISEPAY_MERCHANT_NO=... WISEPAY_PRIVATE_KEY=<base64 PKCS#8> \
//   WISEPAY_GATEWAY_PUBLIC_KEY=<the portal's key> WISEPAY_PAID_ORDER_NO=<a paid order> \
//   WISEPAY_NOTIFY_URL=https://shop.example/wisepay/refund-notify node examples/wisepay-refund.mjs
//
// WISEPAY_BASE_URL (optional) replaces the sg-sandbox host, e.g. http://127.0.0.1:8700/wisepay for
// the local sandbox, with the values it prints; PORT (default 8080) is where notifications arrive.
import http from 'node:http';
import { RefundClient, RefundKitError } from 'refundkit';

const client = new RefundClient({
  gateway: 'wisepay',
  environment: 'sg-sandbox', // 'sg-production', 'n-age', or baseUrl: 'https://…'
  baseUrl: process.env.WISEPAY_BASE_URL, // optional: wins over environment
  appId: process.env.WISEPAY_APP_ID,
  merchantNo: process.env.WISEPAY_MERCHANT_NO,
  privateKey: process.env.WISEPAY_PRIVATE_KEY, // base64 PKCS#8, as uploaded to the portal
  gatewayPublicKey: process.env.WISEPAY_GATEWAY_PUBLIC_KEY,
});

// 1. Refund 1 JPY of a paid order. Keep refundId: a retry must reuse it.
const refundId = `RF_${Date.now()}`;
try {
  const refund = await client.refund({
    refundId,
    originalOrderId: process.env.WISEPAY_PAID_ORDER_NO,
    amount: '1',
    currency: 'JPY',
    reason: '返品のため',
    notifyUrl: process.env.WISEPAY_NOTIFY_URL, // e.g. https://shop.example/wisepay/refund-notify
  });
  console.log('refund', refund.status, refund.gatewayRefundId);
} catch (error) {
  if (error instanceof RefundKitError && error.code === 'GATEWAY_ERROR') {
    console.error('refused by WisePay:', error.gatewayCode, error.gatewayMessage);
  } else {
    throw error; // TRANSPORT, SIGNATURE_INVALID, INPUT_INVALID (error.field), ...
  }
}

// 2. Ask where it stands. The same request, built by hand and sent with your own HTTP client:
const request = client.buildRefundQuery({ refundId });
const reply = await fetch(request.url, request); // { method, headers, body } as built
const [state] = client.parseRefundQueryResponse({
  status: reply.status,
  headers: reply.headers,
  body: new Uint8Array(await reply.arrayBuffer()), // the exact bytes: the signature covers them
});
console.log('query', state.status, state.gatewayStatus, state.amount, state.completedAt);

// 3. Receive the result notification. Pass the raw body bytes; never a re-serialized object.
http
  .createServer(async (req, res) => {
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    try {
      const { refund, ack } = client.verifyNotification({
        headers: req.headers,
        body: new Uint8Array(Buffer.concat(chunks)),
      });
      // Store refund.status for refund.refundId idempotently (the gateway retries), then ack.
      console.log('notified', refund.refundId, refund.status, refund.amount, refund.currency);
      res.writeHead(ack.status, ack.headers).end(ack.body); // 200 text/plain "success"
    } catch (error) {
      console.error('rejected notification:', error.code, error.message);
      res.writeHead(400, { 'content-type': 'text/plain' }).end('invalid'); // not "success": it retries
    }
  })
  .listen(Number(process.env.PORT ?? 8080), function () { console.log(`notifications on http://localhost:${this.address().port}/`); });
