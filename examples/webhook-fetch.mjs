// A refund notification webhook as a fetch handler, `(Request) => Promise<Response>`: the shape
// Deno.serve, Bun.serve, Cloudflare Workers and other fetch-based servers call. It reads the raw
// body, verifies it, stores the refund's status and answers with the gateway's ack.
//
//   const handle = refundWebhook(new RefundClient(config), saveRefundStatus);
//   Deno.serve(handle);                        // Deno
//   export default { fetch: handle };          // Bun, Cloudflare Workers
//
// tests/js/examples.test.mjs serves it from node:http against the sandbox.

const MAX_BODY_BYTES = 1024 * 1024;

/**
 * @param {import('refundkit').RefundClient} client the gateway's client
 * @param {(refund: import('refundkit').RefundResult) => Promise<void>} saveRefundStatus stores a
 *   verified refund update; called again for a notification sent twice, so make it idempotent
 * @returns {(request: Request) => Promise<Response>}
 */
export function refundWebhook(client, saveRefundStatus) {
  return async function handle(request) {
    if (request.method !== 'POST') return new Response(null, { status: 405 });
    if (Number(request.headers.get('content-length') ?? 0) > MAX_BODY_BYTES) {
      return new Response(null, { status: 413 });
    }
    let notification;
    try {
      // The raw bytes, never request.json(): the signature covers exactly what arrived.
      const body = new Uint8Array(await request.arrayBuffer());
      notification = client.verifyNotification({ headers: request.headers, body });
    } catch {
      // Unverified: no ack, so the gateway sends it again. Answer every refusal alike.
      return new Response(null, { status: 400 });
    }
    await saveRefundStatus(notification.refund);
    const { ack } = notification;
    return new Response(ack.body, { status: ack.status, headers: ack.headers });
  };
}
