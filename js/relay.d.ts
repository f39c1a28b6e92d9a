// Types of refundkit/relay: the byte-exact gateway relay for browser admin tools.

/** The gateways a relay can carry requests to. */
export type RelayGatewayId = 'wisepay' | 'payermax' | 'bluepay' | 'bieases';

/** The two operations a relay forwards: the gateway's refund and refund query. */
export type RelayOperation = 'refund' | 'refundQuery';

/** One line for the audit trail: every request that named a gateway operation, forwarded or not. */
export interface RelayAuditEvent {
  gateway: RelayGatewayId;
  /** Undefined only where one path serves every call (WisePay's /api/entry) and the body was not read. */
  operation: RelayOperation | undefined;
  /** The merchant's refund number where the request carries it readable (not BIEASES: it is encrypted there). */
  refundId: string | undefined;
  /** The page's origin, when a browser sent the request. */
  origin: string | undefined;
  /** What the relay answered: the gateway's own status, 502 when it was not reached, or the refusal's status. */
  status: number;
  /** `answered`: the gateway answered; `unreachable`/`timeout`: it did not (502); `refused`: the relay said no. */
  outcome: 'answered' | 'unreachable' | 'timeout' | 'refused';
  /** Milliseconds the gateway took, or null when nothing was forwarded. */
  latencyMs: number | null;
}

export interface RelayOptions {
  /**
   * Which gateways the relay may reach and where: an environment name of that gateway (as in
   * `RefundClient`'s `environment`) or its base URL (https; plain http only to 127.0.0.1/localhost).
   * The target host comes from here only, never from the request.
   * @example { payermax: 'production', wisepay: 'n-age', bluepay: 'https://merchant-host.example' }
   */
  gateways: Partial<Record<RelayGatewayId, string>>;
  /** Browser origins whose pages may call the relay (CORS). A request from any other origin gets 403. Default none. */
  origins?: string[];
  /** The path the relay is mounted under, as it appears in the request URL, e.g. '/relay'. Default ''. */
  basePath?: string;
  /**
   * The back office's own check (session cookie, token). `true` lets the request through; a Response
   * is sent as the answer; anything else is 401. It must not read the request body.
   */
  authorize?: (
    request: Request,
    /** `operation` is undefined where the body names it (WisePay's /api/entry): it is checked after. */
    target: { gateway: RelayGatewayId; operation: RelayOperation | undefined },
  ) => boolean | Response | Promise<boolean | Response>;
  /** Called once for each request that named a gateway operation; a failure is logged, never answered. */
  audit?: (event: RelayAuditEvent) => void | Promise<void>;
  /** Largest request body accepted, in bytes; a larger one gets 413. Default 65536. */
  maxBodyBytes?: number;
  /** How long to wait for the gateway, in milliseconds, before answering 502. Default 30000. */
  timeoutMs?: number;
  /** Extra request headers pages may send for `authorize` (e.g. 'authorization'); never forwarded. */
  allowHeaders?: string[];
  /** Let pages send cookies (`Access-Control-Allow-Credentials`). Default false. */
  credentials?: boolean;
  /** The fetch used to reach the gateway (an egress proxy, tests). Default the global fetch. */
  fetch?: (url: string, init: RequestInit) => Promise<Response>;
}

/** The relay as a fetch-API handler (Node 20+, Deno, Bun, workers, Hono, Next.js route handlers). */
export function createRelay(options: RelayOptions): (request: Request) => Promise<Response>;

/** The relay as a node:http or Express handler. Mount it before any body parser. */
export function createNodeRelay(options: RelayOptions): (req: NodeRequestLike, res: NodeResponseLike) => Promise<void>;

/** The parts of node:http's IncomingMessage the relay uses (typed here so workers need no @types/node). */
export interface NodeRequestLike {
  method?: string;
  url?: string;
  headers: Record<string, string | string[] | undefined>;
  on(event: string, listener: (...args: any[]) => void): unknown;
}

/** The parts of node:http's ServerResponse the relay uses. */
export interface NodeResponseLike {
  writeHead(status: number, headers: Record<string, string>): unknown;
  end(body?: Uint8Array): unknown;
}

/** What the relay knows of each gateway: its environments, and each path it forwards with the
 * operation it serves ('chosen by the body' where the body's `method` names it). */
export function relayGateways(): Record<
  RelayGatewayId,
  { name: string; presets: Record<string, string>; paths: Record<string, RelayOperation | 'chosen by the body'> }
>;

/** The request body limit when `maxBodyBytes` is not given. */
export const DEFAULT_MAX_BODY_BYTES: number;
/** The gateway timeout when `timeoutMs` is not given. */
export const DEFAULT_TIMEOUT_MS: number;
