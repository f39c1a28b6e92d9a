// Refunds a seeded order at each sandbox gateway with the package, receives the signed
// notification on a local webhook, and queries the refund until it has settled.
//
//   npm start                              (in one terminal: the sandbox on http://127.0.0.1:8700)
//   node examples/sandbox-refund.mjs       (in another; SANDBOX_URL=... for another address)
import { createServer } from 'node:http';
import { RefundClient, RefundKitError } from 'refundkit';

const SANDBOX_URL = process.env.SANDBOX_URL ?? 'http://127.0.0.1:8700';
const WAIT_MS = 20_000;

// The sandbox publishes the client configs it printed at start-up, and its seeded orders.
const info = await fetch(`${SANDBOX_URL}/sandbox/info`)
  .then((r) => r.json())
  .catch(() => {
    console.error(`No sandbox at ${SANDBOX_URL}: start it with npm start.`);
    process.exit(1);
  });

// One webhook for every gateway: the path says which client verifies the notification.
const clients = {};
const waiting = new Map(); // refundId -> resolve
const webhook = createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const client = clients[req.url.split('/')[2]];
    try {
      // Verify the exact bytes that arrived, then answer with the ack this gateway expects.
      const note = client.verifyNotification({ headers: req.headers, body: new Uint8Array(Buffer.concat(chunks)) });
      res.writeHead(note.ack.status, note.ack.headers).end(note.ack.body);
      waiting.get(note.refund.refundId)?.(note);
    } catch (err) {
      console.error(`  rejected a notification: ${err.code ?? ''} ${err.message}`);
      res.writeHead(400).end();
    }
  });
});
await new Promise((resolve) => webhook.listen(0, '127.0.0.1', resolve));
const hookUrl = (gateway) => `http://127.0.0.1:${webhook.address().port}/hook/${gateway}`;

function notificationFor(refundId) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no notification in time')), WAIT_MS);
    waiting.set(refundId, (note) => {
      clearTimeout(timer);
      resolve(note);
    });
  });
}

for (const [gateway, config] of Object.entries(info.credentials)) {
  console.log(`\n${gateway}`);
  let client;
  try {
    client = new RefundClient(config);
  } catch (err) {
    console.log(`  skipped: ${err.message}`);
    continue;
  }
  clients[gateway] = client;
  const order = info.orders[gateway].find((o) => !o.refundsFail && o.refundable !== '0' && !/^0\.0+$/.test(o.refundable));
  if (!order) {
    console.log('  every seeded order is already fully refunded: restart the sandbox');
    continue;
  }
  const refundId = `EX${Date.now()}`;
  const input = {
    refundId,
    ...(order.originalOrderId ? { originalOrderId: order.originalOrderId } : {}),
    originalTransactionId: order.originalTransactionId,
    amount: order.currency === 'JPY' || order.currency === 'IDR' ? '100' : '1.00',
    currency: order.currency,
    reason: 'example refund',
    notifyUrl: hookUrl(gateway),
  };
  try {
    const notified = notificationFor(refundId);
    const result = await client.refund(input);
    console.log(`  refund ${result.refundId}: ${result.status} (${result.gatewayStatus}), gateway id ${result.gatewayRefundId}`);
    const note = await notified;
    console.log(`  notification: ${note.refund.status}, verified ${note.refund.verified}, acked with ${JSON.stringify(note.ack.body)}`);
    // BluePay and BIEASES look refunds up by their own refund id; the others by the merchant's.
    const byGatewayId = gateway === 'bluepay' || gateway === 'bieases';
    const [found] = await client.queryRefund(byGatewayId ? { gatewayRefundId: result.gatewayRefundId } : { refundId });
    console.log(`  query: ${found.status} (${found.gatewayStatus}) ${found.amount ?? ''} ${found.currency ?? ''}`);
  } catch (err) {
    if (err instanceof RefundKitError) {
      console.log(`  ${err.code}${err.gatewayCode ? ` ${err.gatewayCode}` : ''}: ${err.message}`);
    } else {
      console.log(`  ${err.message}`);
    }
  }
}
webhook.close();
