// BIEASES, both sides with fresh keys: refundkit builds a refund and node:crypto, acting as
// BIEASES, decrypts it and checks its signature; then "BIEASES" sends a notification and
// refundkit verifies it. No network and no account needed.
//
//   node examples/bieases-roundtrip.mjs
import { RefundClient } from 'refundkit'
import crypto from 'node:crypto'

const der = (key, type) => key.export({ type, format: 'der' }).toString('base64')
const merchant = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 })
const gateway = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 })
const aesKey = '0123456789abcdef0123456789abcdef' // 32 UTF-8 bytes: AES-256
const aesIv = 'abcdef9876543210'

const client = new RefundClient({
  gateway: 'bieases',
  environment: 'sandbox',
  merchantId: 'B131567545069',
  privateKey: der(merchant.privateKey, 'pkcs8'),
  gatewayPublicKey: der(gateway.publicKey, 'spki'),
  aesKey,
  aesIv,
})

// 1. Build a refund, then check it the way BIEASES would.
const request = client.buildRefund({
  refundId: 'R-1001',
  originalTransactionId: '01J143NWJFNGBV2YB9ZRB9T7PS',
  amount: '10.50',
  currency: 'USD',
  reason: 'damaged in transit',
  notifyUrl: 'https://shop.example/bieases/notify',
})
const envelope = JSON.parse(request.body)
const decipher = crypto.createDecipheriv('aes-256-cbc', Buffer.from(aesKey), Buffer.from(aesIv))
const plaintext = Buffer.concat([decipher.update(envelope.body, 'base64'), decipher.final()]).toString()
const signed = crypto.verify('sha256', Buffer.from(envelope.body), merchant.publicKey,
  Buffer.from(envelope.sign, 'base64'))
console.log(request.url)
console.log(plaintext, 'signature ok:', signed)
// Send it for real with: await fetch(request.url, { method: request.method, headers: request.headers, body: request.body })

// 2. A notification "from BIEASES", encrypted and signed with node:crypto.
const cipher = crypto.createCipheriv('aes-256-cbc', Buffer.from(aesKey), Buffer.from(aesIv))
const body = Buffer.concat([cipher.update(JSON.stringify({
  event: 'payment.refund.success', refundId: '2013112111001004500000675973',
  paymentId: '01J143NWJFNGBV2YB9ZRB9T7PS', referRefundNo: 'R-1001',
  refundAmount: '10.50', currency: 'USD', status: 'SUCCESS', refundTime: Date.now(), msg: '',
})), cipher.final()]).toString('base64')
const notificationBody = JSON.stringify({
  merchantId: 'B131567545069', method: 'bieases.trade.callback', format: 'json', charset: 'utf-8',
  encryptType: 'AES', signType: 'RSA', timestamp: Date.now(), body,
  sign: crypto.sign('sha256', Buffer.from(body), gateway.privateKey).toString('base64'),
})
const notification = client.verifyNotification({
  headers: { 'content-type': 'application/json' },
  body: notificationBody,
})
console.log(notification.event, notification.refund.status, notification.refund.amount)
console.log('reply:', notification.ack.status, notification.ack.body)
