// BluePay (Thailand): receive refund notifications, refund a payment, and list its refunds.
//
//   BLUEPAY_BASE_URL=https://... BLUEPAY_APP_ID=... BLUEPAY_PRIVATE_KEY=<base64 PKCS#8> \
//   BLUEPAY_PUBLIC_KEY=<BluePay's base64 public key> PUBLIC_URL=https://shop.example \
//   node examples/bluepay-refund.mjs CU518563189147832780 100.00
//
// The local sandbox: BLUEPAY_BASE_URL=http://127.0.0.1:8700/bluepay with the values it prints,
// PUBLIC_URL=http://127.0.0.1:8080 and a seeded payment such as CU100000000000003001.
import http from 'node:http';
import { RefundClient, RefundKitError } from 'refundkit';

const client = new RefundClient({
  gateway: 'bluepay',
  baseUrl: process.env.BLUEPAY_BASE_URL,
  appId: process.env.BLUEPAY_APP_ID,
  privateKey: process.env.BLUEPAY_PRIVATE_KEY,
  gatewayPublicKey: process.env.BLUEPAY_PUBLIC_KEY,
  currency: 'THB',
});

// 1. Receive BluePay's refund notifications.
const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    try {
      // The raw bytes, not parsed JSON: the signature covers exactly what arrived.
      const note = client.verifyNotification({ headers: req.headers, body: Buffer.concat(chunks) });
      console.log('notification', note.event, note.refund.refundId, note.refund.status);
      // ...record the outcome, idempotently...
      res.writeHead(note.ack.status, note.ack.headers).end(note.ack.body);
    } catch (err) {
      console.error('refused notification:', err.code, err.message);
      res.writeHead(400).end();
    }
  });
});
server.listen(Number(process.env.PORT ?? 8080));

// 2. Refund. The refund number is the idempotency key: keep it and reuse it on retries.
const [originalTransactionId, amount = '100.00'] = process.argv.slice(2);
const refundId = `R${Date.now()}`;
try {
  const result = await client.refund({
    refundId,
    originalTransactionId,
    amount,
    currency: 'THB',
    reason: 'customer request',
    notifyUrl: `${process.env.PUBLIC_URL}/bluepay/refund-notify`,
  });
  console.log('refund', result.status, result.gatewayRefundId, result.amount, result.currency);

  // 3. Ask BluePay where the refund stands (by its refund id, or list all refunds of the payment).
  const results = await client.queryRefund({ gatewayRefundId: result.gatewayRefundId });
  for (const r of results) console.log('query', r.refundId, r.status, r.failureReason ?? '');
} catch (err) {
  if (!(err instanceof RefundKitError)) throw err;
  // GATEWAY_ERROR carries BluePay's own code, e.g. 21409: a refund of this payment is still pending.
  console.error(err.code, err.field ?? err.gatewayCode ?? '', err.message);
  server.close();
}
