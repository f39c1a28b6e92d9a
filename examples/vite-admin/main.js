// The admin page's script: a client made from the form, one refund sent, its result shown.
// Vite resolves `refundkit` to the package's browser entry and emits its .wasm with the bundle.
import { init, RefundClient, RefundKitError } from 'refundkit';

await init(); // once, before the first client

const form = document.querySelector('#refund');
const status = document.querySelector('#status');
const details = document.querySelector('#details');
const button = form.querySelector('button');

// Your refund number is the idempotency key: a new one per refund, the same one to retry.
const newRefundId = () => `R-${Date.now()}`;
form.elements.refundId.value = newRefundId();

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const fields = Object.fromEntries(new FormData(form));
  button.disabled = true;
  status.textContent = 'sending…';
  details.textContent = '';
  try {
    // Built from the form as it stands; a bad key or id is refused here, before anything is sent.
    const client = new RefundClient({
      gateway: fields.gateway,
      baseUrl: fields.baseUrl,
      appId: fields.appId,
      merchantNo: fields.merchantNo,
      privateKey: fields.privateKey,
      gatewayPublicKey: fields.gatewayPublicKey,
    });
    const result = await client.refund({
      refundId: fields.refundId,
      originalOrderId: fields.originalOrderId,
      amount: fields.amount, // the decimal string as typed, never a number
      currency: fields.currency,
    });
    status.textContent = result.status; // pending, succeeded, failed, cancelled or unknown
    details.textContent = JSON.stringify(result, (key, value) => (key === 'raw' ? undefined : value), 2);
    form.elements.refundId.value = newRefundId();
  } catch (error) {
    if (!(error instanceof RefundKitError)) throw error;
    status.textContent = error.code;
    details.textContent = [
      error.message,
      error.field && `field: ${error.field}`,
      error.gatewayCode && `gateway: ${error.gatewayCode} ${error.gatewayMessage ?? ''}`,
      // 'unknown': the refund may have arrived. Query it, or send again with the same number.
      error.delivery && `delivery: ${error.delivery}`,
    ].filter(Boolean).join('\n');
  } finally {
    button.disabled = false;
  }
});
