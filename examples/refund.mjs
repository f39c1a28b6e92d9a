// Refunds a paid order at the local sandbox's PayerMax, then asks PayerMax where the refund stands.
// Against a real gateway only the config changes: see docs/gateways/.
//
//   npm start                     (in one terminal: the sandbox on http://127.0.0.1:8700)
//   node examples/refund.mjs      (in another; SANDBOX_URL=... for another address)
import { RefundClient, RefundKitError } from 'refundkit';

const SANDBOX_URL = process.env.SANDBOX_URL ?? 'http://127.0.0.1:8700';

// The sandbox publishes one complete client config per gateway (gateway, baseUrl, keys, ids).
const { credentials } = await (await fetch(`${SANDBOX_URL}/sandbox/info`)).json();
const client = new RefundClient(credentials.payermax);

try {
  const result = await client.refund({
    refundId: `R-${Date.now()}`,     // your refund number: store it first, reuse it when retrying
    originalOrderId: 'PM-USD-2001',  // a paid order the sandbox starts with
    amount: '9.90',                  // a decimal string, never a number
    currency: 'USD',
  });
  console.log('refund', result.refundId, result.status); // "pending" | "succeeded" | "failed" | "cancelled" | "unknown"

  const [state] = await client.queryRefund({ refundId: result.refundId });
  console.log('query', state.refundId, state.status, state.amount, state.currency);
} catch (err) {
  if (!(err instanceof RefundKitError)) throw err;
  // GATEWAY_ERROR: refused, nothing refunded (gatewayCode says why). delivery 'unknown': it may
  // have arrived, so look it up before sending it again (or pass { retry: true } to refund()).
  console.error(err.code, err.gatewayCode ?? err.field ?? '', err.message, 'delivery:', err.delivery);
  process.exitCode = 1;
}
