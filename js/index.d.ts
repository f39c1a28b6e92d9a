// Type declarations of the refundkit package (every entry shares them).
//
// No `/// <reference lib="dom" />`: that would give every Node project that imports refundkit the
// DOM's globals. The few web types the API names are taken from the project's own globals where it
// has them (lib "dom" or "webworker", @types/node, Deno's and Cloudflare's types), so a real `Headers`,
// `Response` or `CryptoKey` fits exactly; a project with none of them gets the small local shapes below.

/** The global class `Name` of the project's own type definitions, else `Local`. */
type PlatformClass<Name extends string, Local> = typeof globalThis extends { [K in Name]: { prototype: infer T } } ? T : Local;

type Headers = PlatformClass<'Headers', { get(name: string): string | null; forEach(callback: (value: string, name: string) => void): void }>;
type AbortSignal = PlatformClass<'AbortSignal', { readonly aborted: boolean; readonly reason: unknown }>;
type CryptoKey = PlatformClass<'CryptoKey', { readonly type: string; readonly extractable: boolean; readonly algorithm: object; readonly usages: readonly string[] }>;
type Response = PlatformClass<'Response', { readonly ok: boolean; readonly status: number; arrayBuffer(): Promise<ArrayBuffer> }>;
type URL = PlatformClass<'URL', { readonly href: string }>;
type WasmModule = typeof globalThis extends { WebAssembly: { Module: { prototype: infer M } } } ? M : object;

/** The gateways refundkit speaks to. */
export type GatewayId = 'wisepay' | 'payermax' | 'bluepay' | 'bieases';

/** A `fetch`-compatible function: the global one, or a replacement (proxies, tests). */
export type FetchLike = (url: string, init: {
  method: string;
  headers: Record<string, string>;
  body: string;
  signal: AbortSignal;
}) => Promise<{
  status: number;
  headers: Headers;
  arrayBuffer(): Promise<ArrayBuffer>;
}>;

/** Settings every gateway takes. */
interface BaseConfig {
  /** The merchant's RSA private key: PEM or bare base64 DER, PKCS#8 or PKCS#1 (at least 2048 bits).
   * In browsers also an existing non-extractable `CryptoKey` (RSASSA-PKCS1-v1_5), used by the async calls. */
  privateKey: string | CryptoKey;
  /** Replaces the global `fetch` for `refund()` and `queryRefund()`. */
  fetch?: FetchLike;
  /** How long `refund()` and `queryRefund()` wait for an answer, in milliseconds (default 30000). */
  timeoutMs?: number;
  /** Safe retries for every `refund()` and `queryRefund()` of this client, unless a call's own
   * `retry` says otherwise. Off by default. */
  retry?: RetryOptions | boolean;
  /** The longest body, in bytes, that is parsed: responses, notifications and what `fetch` returns.
   * Longer ones are refused with BODY_TOO_LARGE before parsing. 1024 to 67108864; default 1048576 (1 MiB). */
  maxBodyBytes?: number;
}

/** Either a named environment or an explicit base URL (which wins when both are given). */
type Endpoint<Env extends string> =
  | { environment: Env; baseUrl?: string }
  | { environment?: Env; baseUrl: string };

/** WisePay Cloud (Wiseasy) and its Japanese reseller N-age. */
export type WisePayConfig = BaseConfig & Endpoint<'sg-sandbox' | 'sg-production' | 'n-age'> & {
  gateway: 'wisepay';
  /** The gateway's RSA public key (SPKI or PKCS#1, PEM or base64). */
  gatewayPublicKey: string;
  appId: string;
  merchantNo: string;
};

/** PayerMax. */
export type PayerMaxConfig = BaseConfig & Endpoint<'sandbox' | 'production'> & {
  gateway: 'payermax';
  gatewayPublicKey: string;
  appId: string;
  merchantNo: string;
};

/** BluePay (Thailand): the base URL is issued to each merchant. */
export type BluePayConfig = BaseConfig & {
  gateway: 'bluepay';
  baseUrl: string;
  gatewayPublicKey: string;
  appId: string;
  /** The currency of the merchant's BluePay account (default "THB"). */
  currency?: string;
  /** Unit of the `timestamp` field (default "seconds"). */
  timestampUnit?: 'seconds' | 'milliseconds';
};

/** BIEASES: AES-encrypted bodies with RSA signatures. */
export type BieasesConfig = BaseConfig & Endpoint<'sandbox' | 'production'> & {
  gateway: 'bieases';
  gatewayPublicKey: string;
  merchantId: string;
  /** The AES key issued by BIEASES (16, 24 or 32 bytes once decoded with `keyEncoding`). */
  aesKey: string;
  /** The AES IV issued by BIEASES (16 bytes once decoded). */
  aesIv: string;
  /** What the RSA signature covers (default "ciphertext"). */
  signTarget?: 'ciphertext' | 'plaintext';
  /** The digest under the signature (default "sha256"). */
  hash?: 'sha256' | 'sha1';
  /** How `aesKey` and `aesIv` are written (default "utf8"). */
  keyEncoding?: 'utf8' | 'base64' | 'hex';
};

/** A client configuration: one type per gateway, told apart by `gateway`. */
export type RefundClientConfig = WisePayConfig | PayerMaxConfig | BluePayConfig | BieasesConfig;

/** A refund to make. */
export interface RefundInput {
  /** The merchant's refund number: the idempotency key. Reuse it when retrying. */
  refundId: string;
  /** The merchant's number of the paid order. */
  originalOrderId?: string;
  /** The gateway's id of the paid order. */
  originalTransactionId?: string;
  /** Decimal string in major units, e.g. "10.50". Numbers are refused: they cannot hold every amount exactly. */
  amount: string;
  /** ISO 4217 code, e.g. "USD". */
  currency: string;
  reason?: string;
  /** Where the gateway posts the refund's outcome. */
  notifyUrl?: string;
  /** Further gateway fields, passed through. */
  extra?: Record<string, unknown>;
}

/** Which refund to look up. */
export type RefundQuery =
  | { refundId: string; gatewayRefundId?: string; originalTransactionId?: string }
  | { refundId?: string; gatewayRefundId: string; originalTransactionId?: string }
  | { refundId?: string; gatewayRefundId?: string; originalTransactionId: string };

/** Options of the build, parse and verify calls. */
export interface CallOptions {
  /** The clock, in epoch milliseconds, for timestamps and freshness checks (default `Date.now()`). */
  now?: number;
}

/**
 * How `refund()` retries an unknown outcome (`delivery: 'unknown'`): it looks the refund up at the
 * gateway (by `refundId` at WisePay and PayerMax, by `originalTransactionId` and a `refundId` match
 * at BluePay), returns what the gateway holds, and sends the refund again, with the same
 * `refundId`, only when the gateway answers that it holds none. BIEASES cannot look a refund up by
 * `refundId`: there it never resends and rejects saying the outcome is unknown. A refusal and a
 * failure before sending are never retried. `queryRefund()` is simply sent again after an unknown
 * outcome. `true` takes the defaults.
 */
export interface RetryOptions {
  /** The most times the refund (or query) is sent, the first included, and the most lookups of
   * each reconciliation: 1 to 10, default 3. With 1 an unknown outcome is still looked up, never resent. */
  attempts?: number;
  /** The first wait before a lookup or a resend, doubled after each failure (at most 60000 ms):
   * 0 to 60000, default 500. */
  backoffMs?: number;
}

/** Options of `refund()` and `queryRefund()`. */
export interface SendOptions extends CallOptions {
  /** Overrides `config.retry` for this call; `false` turns retries off. */
  retry?: RetryOptions | boolean;
}

/** How a `refund()` with a `retry` option learned its result's status. */
export interface RetryReport {
  /** Refund requests sent, the first included; all carried the same `refundId`. */
  attempts: number;
  /** Refund queries sent to learn what became of it. */
  lookups: number;
  /** True when the status came from a lookup rather than from the refund's own answer. */
  reconciled: boolean;
}

/** A request ready for `fetch(url, { method, headers, body })`; `body` is exactly what was signed. */
export interface SignedRequest {
  url: string;
  method: 'POST';
  headers: Record<string, string>;
  body: string;
}

/** Something that lists headers: a `Headers`, or a plain object (Node's `req.headers`). */
export type HeadersLike = Headers | Record<string, string | string[] | undefined>;

/** What came back (or arrived): the raw body, never parsed JSON. */
export interface RawResponse {
  status?: number;
  headers?: HeadersLike;
  body: string | Uint8Array | ArrayBuffer;
}

export type RefundStatus = 'pending' | 'succeeded' | 'failed' | 'cancelled' | 'unknown';

/** JSON data as the gateway sent it. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** A refund as the gateway reported it. A failed refund is a result, not an error. */
export interface RefundResult {
  gateway: GatewayId;
  status: RefundStatus;
  /** The gateway's own status word. */
  gatewayStatus: string;
  refundId?: string;
  gatewayRefundId?: string;
  originalOrderId?: string;
  originalTransactionId?: string;
  /** Decimal string in major units with the gateway's digits for the currency. */
  amount?: string;
  currency?: string;
  createdAt?: string;
  completedAt?: string;
  failureReason?: string;
  /** Whether a gateway signature was checked (false only where the gateway does not sign). */
  verified: boolean;
  /** The gateway's data as parsed. */
  raw: JsonValue;
}

/** The exact reply the gateway expects once its notification is handled. */
export interface Ack {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface RefundNotification {
  gateway: GatewayId;
  event?: string;
  refund: RefundResult;
  ack: Ack;
}

export type RefundKitErrorCode =
  | 'CONFIG_INVALID'
  | 'KEY_INVALID'
  | 'INPUT_INVALID'
  | 'AMOUNT_INVALID'
  | 'SIGNATURE_MISSING'
  | 'SIGNATURE_INVALID'
  | 'RESPONSE_MALFORMED'
  | 'TIMESTAMP_OUT_OF_WINDOW'
  | 'DECRYPT_FAILED'
  | 'GATEWAY_ERROR'
  | 'TRANSPORT'
  | 'MERCHANT_MISMATCH'
  | 'BODY_TOO_LARGE';

/** Whether a request may have reached the gateway: set on every failure of `refund()` and
 * `queryRefund()`, absent on the other calls.
 * - `'not-sent'`: nothing left this process (config, input or signing refused before `fetch`).
 * - `'refused'`: the gateway answered that it did nothing (`GATEWAY_ERROR`).
 * - `'unknown'`: it may have acted: `fetch` failed or timed out, or the answer was an HTTP error page
 *   or could not be read or verified. Query the refund before sending it again. */
export type Delivery = 'not-sent' | 'refused' | 'unknown';

/** The facts a RefundKitError carries besides its code and message. */
export interface RefundKitErrorDetails {
  field?: string;
  gatewayCode?: string;
  gatewayMessage?: string;
  status?: number;
  delivery?: Delivery;
  cause?: unknown;
}

/** Every failure of refundkit. */
export class RefundKitError extends Error {
  constructor(code: RefundKitErrorCode, message: string, details?: RefundKitErrorDetails);
  readonly name: 'RefundKitError';
  readonly code: RefundKitErrorCode;
  /** The one input or config field at fault, where there is one. */
  readonly field?: string;
  /** With GATEWAY_ERROR: the gateway's own code and message. */
  readonly gatewayCode?: string;
  readonly gatewayMessage?: string;
  /** The HTTP status of the answer that failed, where an answer arrived (`refund()`, `queryRefund()`). */
  readonly status?: number;
  /** Whether the request may have reached the gateway (`refund()`, `queryRefund()`). */
  readonly delivery?: Delivery;
  /** What failed underneath: the value `fetch` or the `Response` threw, or the parse failure behind
   * an HTTP error page. */
  readonly cause?: unknown;
  /** On a failure of `refund()` with a `retry` option: what was sent before it. */
  readonly attempts?: number;
  readonly lookups?: number;
  readonly reconciled?: boolean;
}

export class RefundClient {
  /** Checks the whole config and both keys; throws RefundKitError. */
  constructor(config: RefundClientConfig);
  readonly gateway: GatewayId;
  buildRefund(input: RefundInput, opts?: CallOptions): SignedRequest;
  buildRefundQuery(query: RefundQuery, opts?: CallOptions): SignedRequest;
  /** The same bytes and signature as buildRefund, signed through WebCrypto where present. */
  buildRefundAsync(input: RefundInput, opts?: CallOptions): Promise<SignedRequest>;
  buildRefundQueryAsync(query: RefundQuery, opts?: CallOptions): Promise<SignedRequest>;
  parseRefundResponse(response: RawResponse): RefundResult;
  parseRefundQueryResponse(response: RawResponse): RefundResult[];
  /** Verifies before it parses; throws unless the notification is authentic (and fresh, where the gateway dates it). */
  verifyNotification(request: RawResponse, opts?: CallOptions): RefundNotification;
  /** Builds, signs, sends through fetch and parses. Rejects with a RefundKitError whose `delivery`
   * tells whether the request may have reached the gateway. Without a `retry` option (here or in
   * the config) it sends once; with one, the result also says how its status was learned. */
  refund(input: RefundInput, opts: SendOptions & { retry: RetryOptions | true }): Promise<RefundResult & RetryReport>;
  refund(input: RefundInput, opts?: SendOptions): Promise<RefundResult & Partial<RetryReport>>;
  queryRefund(query: RefundQuery, opts?: SendOptions): Promise<RefundResult[]>;
  /** Releases the wasm memory of this client now rather than at garbage collection. */
  free(): void;
}

export interface GeneratedKeyPair {
  /** Base64 PKCS#8 DER. */
  privateKey: string;
  /** Base64 SPKI DER: the half to upload to the gateway. */
  publicKey: string;
  privateKeyPem: string;
  publicKeyPem: string;
}

/** Generates an RSA key pair (2048 by default; 3072 and 4096 too). Any other value, a numeric
 * string included, is INPUT_INVALID with `field` "bits". */
export function generateKeyPair(bits?: 2048 | 3072 | 4096): Promise<GeneratedKeyPair>;

/** Lowercase hex SHA-256 of the public key's SPKI DER. */
export function keyFingerprint(publicKey: string): string;

/** The stable error codes. */
export function errorCodes(): RefundKitErrorCode[];

/** What a gateway is and takes, as the library describes it. */
export interface GatewayInfo {
  id: GatewayId;
  /** The gateway's name as people write it. */
  name: string;
  /** Named environments and their base URLs; empty where the gateway issues each merchant its own host (`baseUrl` is then required). */
  presets: { name: string; baseUrl: string }[];
  /** The settings this gateway takes besides `gateway`, `environment`, `baseUrl`, the keys and the host settings. */
  settings: {
    name: string;
    label: string;
    required: boolean;
    /** A value to keep out of sight and logs. */
    secret: boolean;
    /** The accepted words, where the setting is a choice; the first is the default. */
    choices: string[];
    default: string | null;
  }[];
  /** Every path, below the base URL, a request of this gateway is sent to. */
  paths: string[];
  /** The ids a refund query can find a refund by, in the order the gateway prefers them. */
  queryBy: ('refundId' | 'gatewayRefundId' | 'originalTransactionId')[];
  /** The gateway's codes for "no such refund" in answer to a refund query. */
  noSuchRefundCodes: string[];
  /** The gateway's codes for a refund refused because its number was used before. */
  refundNumberUsedCodes: string[];
  /** How far a notification's own time may be from the receiver's clock, where the gateway dates them. */
  notificationWindowMs: number | null;
  /** What the gateway signs, in a sentence. */
  signatures: string;
}

/** Every gateway in this build, described. */
export function gateways(): GatewayInfo[];

/** Loads the WebAssembly module. Needed once in browsers (web entry); a no-op in Node. */
export function init(moduleOrPath?: WasmSource, options?: InitOptions): Promise<void>;

/** Where a .wasm comes from: a URL, a fetch Response, the bytes, or a compiled module. */
export type WasmSource = string | URL | Response | ArrayBuffer | ArrayBufferView | WasmModule;

/** Options of the browser entry's init (ignored in Node, which signs with node:crypto). */
export interface InitOptions {
  /** Also load the RSA fallback module, so that the synchronous builds (buildRefund,
   * buildRefundQuery) sign in the browser. Loaded anyway where the page has no crypto.subtle;
   * never where node:crypto signs (a browser entry run by Node 20.16+ or 22.3+, Deno or Bun). */
  syncSigning?: boolean;
  /** Where the fallback module's .wasm is (default: next to its glue, pkg/fallback/). */
  fallbackModuleOrPath?: WasmSource;
}
