// PayerMax through the built package: node:crypto cross-checks of what is built and of what is
// verified, and every accepted shape of headers and body. The published vector and the amount
// rules are held to PayerMax's documents in tests/payermax.rs.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createServer } from 'node:http'
import { RefundClient, RefundKitError } from 'refundkit'
import { bareKey, keys, rsaSign, rsaVerify, throwsWith, vectors } from './helpers.mjs'

const vector = vectors.payermax
const merchantPem = keys.merchantPrivate
const merchantPublicPem = keys.merchantPublic
const gatewayPem = keys.gatewayPrivate
const gatewayPublicPem = keys.gatewayPublic

const VECTOR_NOW = vector.nowMs // 2024-01-17T07:01:23.737Z
const APP_ID = vector.appId
const MERCHANT_NO = vector.merchantNo
const ACK = '{"code":"SUCCESS","msg":"Success"}'

function makeClient(overrides = {}) {
  return new RefundClient({
    gateway: 'payermax',
    environment: 'sandbox',
    appId: APP_ID,
    merchantNo: MERCHANT_NO,
    privateKey: bareKey('merchant_test_key.pem'),
    gatewayPublicKey: bareKey('gateway_test_key.pub.pem'),
    ...overrides,
  })
}

const signWith = (pem, body) => rsaSign(pem, body)
const gatewaySign = (body) => signWith(gatewayPem, body)
const verifiesWith = (publicPem, body, signature) => rsaVerify(publicPem, body, signature)

const refundInput = (fields = {}) => ({
  refundId: 'R1642411016202',
  originalOrderId: 'P1642410680681',
  amount: '4.99',
  currency: 'USD',
  ...fields,
})

const headerOf = (request, name) => {
  const found = Object.entries(request.headers).find(([k]) => k.toLowerCase() === name)
  return found?.[1]
}

test('a built refund verifies with node:crypto over exactly the body sent', () => {
  const client = makeClient({ environment: 'production' })
  const request = client.buildRefund(
    refundInput({ reason: 'damaged, 返品', notifyUrl: 'https://shop.example/hooks/payermax' }),
    { now: VECTOR_NOW },
  )
  assert.equal(request.url, 'https://pay-gate.payermax.com/aggregate-pay/api/gateway/refund')
  assert.equal(
    request.body,
    '{"version":"1.5","keyVersion":"1","requestTime":"2024-01-17T07:01:23.737+00:00",' +
      `"appId":"${APP_ID}","merchantNo":"${MERCHANT_NO}",` +
      '"data":{"outRefundNo":"R1642411016202","refundAmount":4.99,"refundCurrency":"USD",' +
      '"outTradeNo":"P1642410680681","comments":"damaged, 返品",' +
      '"refundNotifyUrl":"https://shop.example/hooks/payermax"}}',
  )
  const signature = headerOf(request, 'sign')
  assert.ok(verifiesWith(merchantPublicPem, request.body, signature))
  assert.ok(verifiesWith(merchantPublicPem, Buffer.from(request.body, 'utf8'), signature))
  assert.ok(!verifiesWith(merchantPublicPem, request.body.replace('4.99', '4.98'), signature))
  assert.ok(!verifiesWith(gatewayPublicPem, request.body, signature))
})

test('requestTime follows opts.now in UTC with milliseconds', () => {
  const request = makeClient().buildRefund(refundInput(), { now: Date.UTC(2024, 1, 29, 23, 59, 59, 7) })
  assert.match(request.body, /"requestTime":"2024-02-29T23:59:59\.007\+00:00"/)
})

test('input and config mistakes name the field', () => {
  const client = makeClient()
  throwsWith(assert, RefundKitError, () => client.buildRefund(refundInput({ originalOrderId: undefined })), 'INPUT_INVALID', {
    field: 'originalOrderId',
  })
  throwsWith(assert, RefundKitError, () => client.buildRefund(refundInput({ refundId: 'R'.repeat(65) })), 'INPUT_INVALID', {
    field: 'refundId',
  })
  throwsWith(assert, RefundKitError, () => client.buildRefund(refundInput({ reason: 'x'.repeat(513) })), 'INPUT_INVALID', {
    field: 'reason',
  })
  throwsWith(assert, RefundKitError, () => client.buildRefundQuery({ originalTransactionId: 'T1' }), 'INPUT_INVALID', {
    field: 'originalTransactionId',
  })
  // An amount is a decimal string: a JavaScript number is refused, never coerced.
  throwsWith(assert, RefundKitError, () => client.buildRefund(refundInput({ amount: 4.99 })), 'AMOUNT_INVALID', { field: 'amount' })
  throwsWith(assert, RefundKitError, () => makeClient({ environment: 'uat' }), 'CONFIG_INVALID', { field: 'environment' })
  throwsWith(assert, RefundKitError, () => makeClient({ merchantNo: undefined }), 'CONFIG_INVALID', { field: 'merchantNo' })
})

/** The documents' refund response example. */
const REFUND_RESPONSE = vector.refundResponse

test('responses verify with headers as Headers or a plain object in any case, body as string or bytes', () => {
  const client = makeClient()
  const sign = gatewaySign(REFUND_RESPONSE)
  const bytes = new TextEncoder().encode(REFUND_RESPONSE)
  const headerShapes = [
    new Headers({ sign, 'content-type': 'application/json' }),
    new Headers({ SIGN: sign }),
    { sign },
    { Sign: sign },
    { SIGN: sign, 'Content-Type': 'application/json' },
  ]
  const bodyShapes = [REFUND_RESPONSE, bytes, Buffer.from(REFUND_RESPONSE)]
  for (const headers of headerShapes) {
    for (const body of bodyShapes) {
      const result = client.parseRefundResponse({ status: 200, headers, body })
      assert.equal(result.gateway, 'payermax')
      assert.equal(result.status, 'pending')
      assert.equal(result.gatewayStatus, 'REFUND_PENDING')
      assert.equal(result.verified, true)
      assert.equal(result.refundId, 'R1642411016202')
      assert.equal(result.gatewayRefundId, '20220117091657TI790000055087')
      assert.equal(result.originalTransactionId, '20220117091121TI366100056090')
    }
  }
})

test('tampered, unsigned and wrongly signed responses are refused', () => {
  const client = makeClient()
  const sign = gatewaySign(REFUND_RESPONSE)
  const tampered = REFUND_RESPONSE.replace('REFUND_PENDING', 'REFUND_SUCCESS')
  throwsWith(assert, RefundKitError, () => client.parseRefundResponse({ status: 200, headers: { sign }, body: tampered }), 'SIGNATURE_INVALID')
  throwsWith(assert, RefundKitError, () => client.parseRefundResponse({ status: 200, headers: {}, body: REFUND_RESPONSE }), 'SIGNATURE_MISSING')
  throwsWith(assert, RefundKitError, 
    () => client.parseRefundResponse({ status: 200, headers: new Headers(), body: REFUND_RESPONSE }),
    'SIGNATURE_MISSING',
  )
  const wrongKey = signWith(merchantPem, REFUND_RESPONSE)
  throwsWith(assert, RefundKitError, 
    () => client.parseRefundResponse({ status: 200, headers: { sign: wrongKey }, body: REFUND_RESPONSE }),
    'SIGNATURE_INVALID',
  )
  const bytes = new TextEncoder().encode(REFUND_RESPONSE)
  bytes[REFUND_RESPONSE.indexOf('091657')] ^= 1 // one digit of refundTradeNo: still valid JSON
  throwsWith(assert, RefundKitError, () => client.parseRefundResponse({ status: 200, headers: { sign }, body: bytes }), 'SIGNATURE_INVALID')
})

test('error codes are GATEWAY_ERROR with the gateway code and message, signed or not', () => {
  const client = makeClient()
  for (const code of ['ORDER_NOT_EXIST', 'REQ_TIME_OVER_TIME', 'SIGN_VERIFY_FAILED', 'REFUND_INSUFFICIENT_BALANCE']) {
    const body = JSON.stringify({ code, msg: 'no such thing' })
    for (const headers of [{}, { sign: gatewaySign(body) }]) {
      throwsWith(assert, RefundKitError, () => client.parseRefundResponse({ status: 200, headers, body }), 'GATEWAY_ERROR', {
        gatewayCode: code,
        gatewayMessage: 'no such thing',
      })
      throwsWith(assert, RefundKitError, () => client.parseRefundQueryResponse({ status: 200, headers, body }), 'GATEWAY_ERROR', {
        gatewayCode: code,
      })
    }
  }
})

/** The documents' refund notification example. */
const NOTIFICATION = JSON.parse(vector.notification)

test('pretty and compact notifications verify with their own signatures only', () => {
  const client = makeClient()
  const compact = JSON.stringify(NOTIFICATION)
  const pretty = JSON.stringify(NOTIFICATION, null, 2)
  assert.notEqual(compact, pretty)
  const compactSign = gatewaySign(compact)
  const prettySign = gatewaySign(pretty)
  for (const [body, sign] of [
    [compact, compactSign],
    [pretty, prettySign],
    [new TextEncoder().encode(pretty), prettySign],
  ]) {
    const n = client.verifyNotification({ headers: new Headers({ sign }), body }, { now: VECTOR_NOW })
    assert.equal(n.gateway, 'payermax')
    assert.equal(n.event, 'REFUND')
    assert.equal(n.refund.status, 'succeeded')
    assert.equal(n.refund.amount, '10000')
    assert.equal(n.refund.refundId, 'R1642411016202')
    assert.equal(n.refund.verified, true)
    assert.equal(n.ack.status, 200)
    assert.equal(n.ack.body, ACK)
    assert.deepEqual(JSON.parse(n.ack.body), { code: 'SUCCESS', msg: 'Success' })
  }
  throwsWith(assert, RefundKitError, () => client.verifyNotification({ headers: { sign: prettySign }, body: compact }), 'SIGNATURE_INVALID')
  throwsWith(assert, RefundKitError, () => client.verifyNotification({ headers: { sign: compactSign }, body: pretty }), 'SIGNATURE_INVALID')
  throwsWith(assert, RefundKitError, () => client.verifyNotification({ headers: {}, body: compact }), 'SIGNATURE_MISSING')
  const tampered = compact.replace('10000', '90000')
  throwsWith(assert, RefundKitError, () => client.verifyNotification({ headers: { sign: compactSign }, body: tampered }), 'SIGNATURE_INVALID')
})

test('a signed notification or response for another merchant or app is MERCHANT_MISMATCH', () => {
  const client = makeClient()
  for (const [changes, field] of [
    [{ merchantNo: '02021382719994' }, 'merchantNo'],
    [{ appId: 'b0dddd1f622243cb9aa1b676e808b5f8' }, 'appId'],
  ]) {
    const body = JSON.stringify({ ...NOTIFICATION, ...changes })
    throwsWith(assert, RefundKitError, 
      () => client.verifyNotification({ headers: { sign: gatewaySign(body) }, body }, { now: VECTOR_NOW }),
      'MERCHANT_MISMATCH',
      { field },
    )
  }
  const response = JSON.stringify({ code: 'APPLY_SUCCESS', msg: '', merchantNo: '02021382719994', data: NOTIFICATION.data })
  throwsWith(assert, RefundKitError, 
    () => client.parseRefundQueryResponse({ status: 200, headers: { sign: gatewaySign(response) }, body: response }),
    'MERCHANT_MISMATCH',
    { field: 'merchantNo' },
  )
})

test('the documented webhook handler acks a verified notification and refuses a forged one', async () => {
  const client = makeClient()
  const seen = []
  // The handler from the README's PayerMax section, with its storage step recording what it saw.
  async function readRawBody(req, limit = 64 * 1024) {
    const chunks = []
    let size = 0
    for await (const chunk of req) {
      size += chunk.length
      if (size > limit) throw new Error('body too large')
      chunks.push(chunk)
    }
    return new Uint8Array(Buffer.concat(chunks))
  }
  const server = createServer(async (req, res) => {
    if (req.method !== 'POST' || req.url !== '/payermax/refunds') {
      res.writeHead(404).end()
      return
    }
    try {
      const body = await readRawBody(req)
      const notification = client.verifyNotification({ headers: req.headers, body })
      seen.push(notification.refund)
      res.writeHead(notification.ack.status, notification.ack.headers).end(notification.ack.body)
    } catch (err) {
      res.writeHead(400).end(err instanceof RefundKitError ? err.code : 'error')
    }
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  try {
    const url = `http://127.0.0.1:${server.address().port}/payermax/refunds`
    const body = JSON.stringify(NOTIFICATION, null, 1)
    const good = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', sign: gatewaySign(body) },
      body,
    })
    assert.equal(good.status, 200)
    assert.equal(await good.text(), ACK)
    assert.match(good.headers.get('content-type'), /^application\/json/)
    assert.equal(seen.length, 1)
    assert.equal(seen[0].status, 'succeeded')
    const forged = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', sign: signWith(merchantPem, body) },
      body,
    })
    assert.equal(forged.status, 400)
    assert.equal(await forged.text(), 'SIGNATURE_INVALID')
    assert.equal(seen.length, 1)
  } finally {
    await new Promise((resolve) => server.close(resolve))
  }
})

test('refund() and queryRefund() round-trip through a local PayerMax that checks the sent bytes', async () => {
  const received = []
  const server = createServer(async (req, res) => {
    const chunks = []
    for await (const chunk of req) chunks.push(chunk)
    const raw = Buffer.concat(chunks)
    const signatureOk = verifiesWith(merchantPublicPem, raw, req.headers.sign ?? '')
    received.push({ path: req.url, raw: raw.toString('utf8'), signatureOk, type: req.headers['content-type'] })
    const request = JSON.parse(raw)
    let answer
    if (!signatureOk) answer = { code: 'SIGN_VERIFY_FAILED', msg: 'sign verify failed' }
    else if (req.url.endsWith('/refundQuery'))
      answer = {
        code: 'APPLY_SUCCESS',
        msg: 'Success.',
        data: {
          outRefundNo: request.data.outRefundNo,
          refundTradeNo: 'G42',
          refundAmount: '10000',
          refundCurrency: 'IDR',
          outTradeNo: 'P1',
          status: 'REFUND_SUCCESS',
          refundFinishTime: '2024-01-17T07:05:00.000Z',
        },
      }
    else
      answer = {
        code: 'APPLY_SUCCESS',
        msg: '',
        data: { outRefundNo: request.data.outRefundNo, tradeOrderNo: 'T1', refundTradeNo: 'G42', status: 'REFUND_PENDING' },
      }
    const body = JSON.stringify(answer, null, 1)
    res.writeHead(200, { 'content-type': 'application/json', sign: gatewaySign(body) }).end(body)
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  try {
    const client = makeClient({ environment: undefined, baseUrl: `http://127.0.0.1:${server.address().port}` })
    const input = refundInput({ refundId: 'R-900', amount: '10000', currency: 'IDR' })
    const refund = await client.refund(input)
    assert.equal(refund.status, 'pending')
    assert.equal(refund.gatewayRefundId, 'G42')
    const [state] = await client.queryRefund({ refundId: 'R-900' })
    assert.equal(state.status, 'succeeded')
    assert.equal(state.amount, '10000')
    assert.equal(state.completedAt, '2024-01-17T07:05:00.000Z')

    // The documented manual path: build, fetch, then parse with the response's Headers and raw bytes.
    const request = client.buildRefundQuery({ gatewayRefundId: 'G42' })
    const res = await fetch(request.url, { method: request.method, headers: request.headers, body: request.body })
    const [again] = client.parseRefundQueryResponse({
      status: res.status,
      headers: res.headers,
      body: new Uint8Array(await res.arrayBuffer()),
    })
    assert.equal(again.status, 'succeeded')

    assert.deepEqual(
      received.map((r) => [r.path, r.signatureOk, r.type]),
      [
        ['/aggregate-pay/api/gateway/refund', true, 'application/json'],
        ['/aggregate-pay/api/gateway/refundQuery', true, 'application/json'],
        ['/aggregate-pay/api/gateway/refundQuery', true, 'application/json'],
      ],
    )
    assert.match(received[0].raw, /"data":\{"outRefundNo":"R-900","refundAmount":10000,"refundCurrency":"IDR",/)
    assert.match(received[2].raw, /"data":\{"refundTradeNo":"G42"\}\}$/)
  } finally {
    await new Promise((resolve) => server.close(resolve))
  }
})
