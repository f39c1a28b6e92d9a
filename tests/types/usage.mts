// Type-level tests of the public API: every call typed, and misuse refused. `tsc -p tests/types`
// fails if a line marked @ts-expect-error stops being an error, so these prove the types stay strict.
import {
  RefundClient,
  RefundKitError,
  generateKeyPair,
  keyFingerprint,
  type RefundClientConfig,
  type RefundInput,
  type RefundResult,
  type RefundStatus,
  type SignedRequest,
  type RefundNotification,
  type RefundKitErrorCode,
  type Delivery,
} from 'refundkit';
import * as web from 'refundkit/web';
import * as inline from 'refundkit/inline';

declare const key: string;

const wisepay: RefundClientConfig = { gateway: 'wisepay', environment: 'n-age', appId: 'a', merchantNo: 'm', privateKey: key, gatewayPublicKey: key };
const payermax: RefundClientConfig = { gateway: 'payermax', baseUrl: 'http://127.0.0.1:8700/payermax', appId: 'a', merchantNo: 'm', privateKey: key, gatewayPublicKey: key, timeoutMs: 5000, fetch: globalThis.fetch };
const bluepay: RefundClientConfig = { gateway: 'bluepay', baseUrl: 'https://api.example', appId: 'a', privateKey: key, gatewayPublicKey: key, currency: 'THB', timestampUnit: 'seconds' };
const bieases: RefundClientConfig = { gateway: 'bieases', environment: 'sandbox', merchantId: 'm', aesKey: 'k', aesIv: 'i', privateKey: key, gatewayPublicKey: key, signTarget: 'plaintext', hash: 'sha1', keyEncoding: 'hex' };

async function everyCall(): Promise<void> {
  const client = new RefundClient(wisepay);
  const input: RefundInput = { refundId: 'R1', originalOrderId: 'O1', amount: '10.50', currency: 'USD', reason: 'damaged', notifyUrl: 'https://shop.example/hook', extra: { a: 1 } };
  const signed: SignedRequest = client.buildRefund(input, { now: Date.now() });
  const method: 'POST' = signed.method;
  const headers: Record<string, string> = signed.headers;
  const query: SignedRequest = client.buildRefundQuery({ refundId: 'R1' });
  const asyncSigned: SignedRequest = await client.buildRefundAsync(input);
  const asyncQuery: SignedRequest = await client.buildRefundQueryAsync({ gatewayRefundId: 'G1' });
  const result: RefundResult = client.parseRefundResponse({ status: 200, headers: new Headers(), body: new Uint8Array() });
  const status: RefundStatus = result.status;
  const results: RefundResult[] = client.parseRefundQueryResponse({ headers: { sign: 'x' }, body: '{}' });
  const notification: RefundNotification = client.verifyNotification({ headers: { 'content-type': ['a', 'b'] }, body: '{}' }, { now: 1 });
  const ackBody: string = notification.ack.body;
  const refunded: RefundResult = await client.refund(input);
  const retried = await client.refund(input, { retry: { attempts: 3, backoffMs: 200 } });
  const reconciled: boolean | undefined = retried.reconciled;
  const queried: RefundResult[] = await client.queryRefund({ originalTransactionId: 'T1' });
  const pair = await generateKeyPair(4096);
  const fingerprint: string = keyFingerprint(pair.publicKeyPem);
  await web.init();
  new web.RefundClient(payermax).free();
  void [method, headers, query, asyncSigned, asyncQuery, status, results, ackBody, refunded, queried, fingerprint, bluepay, bieases];
}

function handle(error: unknown): RefundKitErrorCode | undefined {
  if (error instanceof RefundKitError) {
    const gatewayCode: string | undefined = error.gatewayCode;
    const httpStatus: number | undefined = error.status;
    const delivery: Delivery | undefined = error.delivery;
    const cause: unknown = error.cause;
    void [gatewayCode, httpStatus, delivery, cause];
    return error.code;
  }
  return undefined;
}

// Misuse that must not type-check.
// @ts-expect-error appId belongs to wisepay, payermax and bluepay, not to bieases
const wrongField: RefundClientConfig = { gateway: 'bieases', environment: 'sandbox', merchantId: 'm', aesKey: 'k', aesIv: 'i', privateKey: key, gatewayPublicKey: key, appId: 'x' };
// @ts-expect-error bluepay has no environment presets: baseUrl is required
const noBaseUrl: RefundClientConfig = { gateway: 'bluepay', appId: 'a', privateKey: key, gatewayPublicKey: key };
// @ts-expect-error an unknown gateway
const unknownGateway: RefundClientConfig = { gateway: 'paypal', privateKey: key, gatewayPublicKey: key };
// @ts-expect-error an unknown environment name
const unknownEnvironment: RefundClientConfig = { gateway: 'payermax', environment: 'prod', appId: 'a', merchantNo: 'm', privateKey: key, gatewayPublicKey: key };
// @ts-expect-error amounts are decimal strings, never numbers
const numberAmount: RefundInput = { refundId: 'R1', amount: 10.5, currency: 'USD' };
// @ts-expect-error refundId is required
const missingRefundId: RefundInput = { amount: '1.00', currency: 'USD' };
// @ts-expect-error a query needs one of its ids
const emptyQuery: Parameters<RefundClient['buildRefundQuery']>[0] = {};
// @ts-expect-error the status is a closed set of words
const badStatus: RefundStatus = 'done';
// @ts-expect-error error codes are a closed set
const badCode: RefundKitErrorCode = 'E_SIGNATURE';
// @ts-expect-error generateKeyPair takes 2048, 3072 or 4096
const badBits = generateKeyPair(1024);
// @ts-expect-error bits is a number, never a numeric string
const stringBits = generateKeyPair('2048');
// @ts-expect-error delivery is a closed set of words
const badDelivery: Delivery = 'sent';
const retryable = (e: RefundKitError): boolean => e.delivery === 'not-sent' || e.delivery === 'refused';

await inline.init(undefined, { syncSigning: true });
const inlineClient: web.RefundClient = new inline.RefundClient(wisepay);

void [inlineClient, everyCall, handle, wrongField, noBaseUrl, unknownGateway, unknownEnvironment, numberAmount, missingRefundId, emptyQuery, badStatus, badCode, badBits, stringBits, badDelivery, retryable];
