// A Cloudflare Worker that receives a gateway's refund notifications. It verifies each one over the
// raw body bytes and answers with the reply the gateway expects (its ack), or with a plain 400 when
// the notification does not verify, so that the gateway sends it again. Its settings come from the
// Worker's environment: wrangler.toml's [vars], and the two keys as secrets.
//
//   npm install refundkit
//   npx wrangler dev       (locally: the keys in .dev.vars)
//   npx wrangler deploy    (then give the gateway https://<your worker>/ as the notify URL)
//
// scripts/runtimes.mjs runs it under `wrangler dev` and posts it a signed and a tampered notification.
import { RefundClient, RefundKitError } from 'refundkit'; // the `workerd` entry: ready at import

let client; // one per isolate, so the keys are imported once rather than on every request

function refundClient(env) {
  client ??= new RefundClient({
    gateway: env.GATEWAY, // 'payermax' or 'wisepay': both take an appId and a merchantNo
    environment: env.GATEWAY_ENVIRONMENT,
    appId: env.APP_ID,
    merchantNo: env.MERCHANT_NO,
    privateKey: env.MERCHANT_PRIVATE_KEY, // secrets: PEM, or one line of base64
    gatewayPublicKey: env.GATEWAY_PUBLIC_KEY,
  });
  return client;
}

export default {
  async fetch(request, env) {
    if (request.method !== 'POST') return new Response(null, { status: 405 });
    // A config that does not load throws here, outside the try below: the Worker answers 500 and
    // the gateway keeps retrying until it is fixed.
    const refunds = refundClient(env);
    let notification;
    try {
      // The raw bytes, never request.json(): the signature covers exactly what arrived.
      const body = await request.arrayBuffer();
      notification = refunds.verifyNotification({ headers: request.headers, body });
    } catch (error) {
      if (!(error instanceof RefundKitError)) throw error;
      // Not verified: no ack, so the gateway tries again. Every refusal gets the same answer.
      console.log('refused a notification:', error.code);
      return new Response(null, { status: 400 });
    }
    const { refund, ack } = notification;
    // Store the refund's new status here, before answering (D1, KV, a queue). The gateway may
    // send a notification twice, so make the update idempotent.
    console.log('refund', refund.refundId, refund.status, refund.amount, refund.currency);
    return new Response(ack.body, { status: ack.status, headers: ack.headers });
  },
};
