// A refund notification webhook on node:http: it reads the raw body, verifies it, stores the
// refund's status and answers with the exact reply the gateway expects.
//
//   npm start                                (the sandbox on http://127.0.0.1:8700)
//   node examples/webhook-node.mjs           (PORT=8080, GATEWAY=payermax, SANDBOX_URL=...)
//
// Give a refund `notifyUrl: 'http://127.0.0.1:8080/refunds/notify'` and the sandbox posts its
// signed notification here once the refund settles.
import { createServer } from 'node:http';
import { RefundClient } from 'refundkit';

const SANDBOX_URL = process.env.SANDBOX_URL ?? 'http://127.0.0.1:8700';
const { credentials } = await (await fetch(`${SANDBOX_URL}/sandbox/info`)).json();
const client = new RefundClient(credentials[process.env.GATEWAY ?? 'payermax']);

const statuses = new Map(); // refundId -> status: your database

async function saveRefundStatus(refund) {
  // Check refund.amount and refund.currency against your records. Store idempotently: the gateway
  // sends a notification again until it gets its ack, and may send it twice anyway.
  if (statuses.get(refund.refundId) === refund.status) return;
  statuses.set(refund.refundId, refund.status);
  console.log('stored', refund.refundId, refund.status, refund.amount, refund.currency);
}

async function readRawBody(req, limit = 1024 * 1024) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > limit) throw new Error('body too large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

const server = createServer(async (req, res) => {
  if (req.method !== 'POST' || req.url !== '/refunds/notify') {
    res.writeHead(404).end();
    return;
  }
  try {
    // The raw bytes, untouched: no JSON body parser in front of this route.
    const body = await readRawBody(req);
    const { refund, ack } = client.verifyNotification({ headers: req.headers, body });
    await saveRefundStatus(refund);
    res.writeHead(ack.status, ack.headers).end(ack.body);
  } catch (err) {
    // Unverified or unreadable: no ack, so the gateway sends it again and nothing unverified is
    // stored. Answer every refusal alike; do not echo the error code to the sender.
    console.error('refused a notification:', err.code ?? err.message);
    res.writeHead(400).end();
  }
});

server.listen(Number(process.env.PORT ?? 8080), '127.0.0.1', () => {
  console.log(`notifications on http://127.0.0.1:${server.address().port}/refunds/notify`);
});
