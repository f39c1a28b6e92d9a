// PayerMax: refund a paid order and query the refund, building, sending and verifying by hand.
//
//   PAYERMAX_APP_ID=... PAYERMAX_MERCHANT_NO=... PAYERMAX_PRIVATE_KEY=<base64 PKCS#8> \
//   PAYERMAX_PUBLIC_KEY=<PayerMax's key> node examples/payermax-refund.mjs <orderId> <amount> <currency>
//
// PAYERMAX_BASE_URL (optional) replaces the sandbox host, e.g. http://127.0.0.1:8700/payermax for
// the local sandbox, with the values it prints.
import { RefundClient, RefundKitError } from 'refundkit'

const client = new RefundClient({
  gateway: 'payermax',
  environment: 'sandbox',
  baseUrl: process.env.PAYERMAX_BASE_URL, // optional: wins over environment
  appId: process.env.PAYERMAX_APP_ID,
  merchantNo: process.env.PAYERMAX_MERCHANT_NO,
  privateKey: process.env.PAYERMAX_PRIVATE_KEY,
  gatewayPublicKey: process.env.PAYERMAX_PUBLIC_KEY,
})

const [orderId, amount, currency] = process.argv.slice(2)
const refundId = `R${orderId}-1`   // store it before sending: it is the key for retries

// Build, send and verify by hand: the body is sent exactly as it was signed.
async function send(request) {
  const res = await fetch(request.url, {
    method: request.method,
    headers: request.headers,
    body: request.body,
  })
  return { status: res.status, headers: res.headers, body: new Uint8Array(await res.arrayBuffer()) }
}

try {
  const request = client.buildRefund({ refundId, originalOrderId: orderId, amount, currency, reason: 'customer request' })
  const refund = client.parseRefundResponse(await send(request))
  console.log('refund', refund.status, refund.gatewayRefundId)

  // Later (or after a timeout): where does it stand?
  const [state] = client.parseRefundQueryResponse(await send(client.buildRefundQuery({ refundId })))
  console.log('query', state.status, state.amount, state.currency, state.completedAt ?? '')

  // The same two calls with fetch included:
  // await client.refund(input)  and  await client.queryRefund({ refundId })
} catch (err) {
  if (!(err instanceof RefundKitError)) throw err
  if (err.code === 'GATEWAY_ERROR') console.error('PayerMax refused:', err.gatewayCode, err.gatewayMessage)
  else console.error(err.code, err.field ?? '', err.message)
  process.exitCode = 1
}
