// A refund notification webhook in Express 4: express.raw() gives the route the raw body, which
// is what the signature covers. It verifies it, stores the refund's status and answers with the
// gateway's ack.
//
//   npm install express@4.21.2
//   npm start                                (the sandbox on http://127.0.0.1:8700)
//   node examples/webhook-express.mjs        (PORT=8080, GATEWAY=payermax, SANDBOX_URL=...)
import express from 'express';
import { RefundClient } from 'refundkit';

const SANDBOX_URL = process.env.SANDBOX_URL ?? 'http://127.0.0.1:8700';
const { credentials } = await (await fetch(`${SANDBOX_URL}/sandbox/info`)).json();
const client = new RefundClient(credentials[process.env.GATEWAY ?? 'payermax']);

const statuses = new Map(); // refundId -> status: your database

async function saveRefundStatus(refund) {
  // Idempotent: the gateway sends a notification again until it gets its ack.
  if (statuses.get(refund.refundId) === refund.status) return;
  statuses.set(refund.refundId, refund.status);
  console.log('stored', refund.refundId, refund.status, refund.amount, refund.currency);
}

const app = express();

// express.raw() for this route, whatever the Content-Type (WisePay may post a form): never
// express.json() or express.urlencoded() in front of it, they re-read the bytes the signature covers.
app.post('/refunds/notify', express.raw({ type: () => true, limit: '1mb' }), async (req, res) => {
  let notification;
  try {
    notification = client.verifyNotification({ headers: req.headers, body: req.body });
  } catch (err) {
    console.error('refused a notification:', err.code ?? err.message);
    res.sendStatus(400); // no ack: the gateway sends it again
    return;
  }
  await saveRefundStatus(notification.refund);
  const { ack } = notification;
  res.writeHead(ack.status, ack.headers).end(ack.body); // exactly these bytes, no charset added
});

const server = app.listen(Number(process.env.PORT ?? 8080), '127.0.0.1', () => {
  console.log(`notifications on http://127.0.0.1:${server.address().port}/refunds/notify`);
});
