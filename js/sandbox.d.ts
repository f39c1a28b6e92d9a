// Types of refundkit/sandbox: local stand-ins for the four gateways, for integration tests (Node only).

/** The gateways the sandbox plays, in the library's order. */
export const GATEWAYS: ('wisepay' | 'payermax' | 'bluepay' | 'bieases')[];
/** How long a refund stays pending when `refundDelayMs` is not given (milliseconds). */
export const DEFAULT_REFUND_DELAY_MS: number;
/** The factor each gateway's real notification retry intervals are divided by, by default. */
export const DEFAULT_NOTIFY_TIME_SCALE: number;

export interface SandboxOptions {
  /** The port on 127.0.0.1; 0 (the default) picks a free one, read it back from `port`. */
  port?: number;
  /** How long a refund stays pending before it settles, in milliseconds. Default 2000. */
  refundDelayMs?: number;
  /** One list of delays (ms before each attempt) for every gateway's notifications; by default each
   * gateway's own schedule divided by `notifyTimeScale`. */
  notifyRetryScheduleMs?: number[];
  /** Divides the gateways' real retry intervals: 30 s become 30 ms at the default 1000. */
  notifyTimeScale?: number;
  /** Where the generated test keys are kept (created at first start). Give a temporary folder in
   * tests to get fresh keys; by default a folder inside the package, reused between runs. */
  keysDir?: string;
  /** CORS headers for pages on other loopback origins (default true). `false` answers like a real
   * gateway: no CORS, so a browser reaches it only through a relay. */
  cors?: boolean;
  /** Faults to inject from the start (more can be added with `sandbox.faults.add`). */
  faults?: SandboxFault[];
  /** Further paid orders per gateway, beside the seeded ones (a fault suite needs hundreds). */
  orders?: Record<string, { orderId?: string; transactionId: string; currency: string; amount: string; refundsFail?: boolean; note?: string }[]>;
  /** Serves requests the sandbox does not answer itself, given node:http's request and response
   * (typed loosely so that no @types/node is needed); resolves true when it answered. */
  fallback?: (req: any, res: any) => boolean | Promise<boolean>;
  /** Receives one line per event (refund settled, notification delivered or retried). */
  log?: (line: string) => void;
}

/** A RefundClient config for one sandbox gateway: spread it into `new RefundClient(...)`. */
export interface SandboxCredentials {
  gateway: string;
  baseUrl: string;
  privateKey: string;
  gatewayPublicKey: string;
  [setting: string]: string;
}

/** A paid order the sandbox starts with, ready to be refunded. */
export interface SandboxOrder {
  originalOrderId?: string;
  originalTransactionId: string;
  currency: string;
  amount: string;
  /** What can still be refunded, as a decimal string. */
  refundable: string;
  /** Refunds of this order end `failed`, to exercise that path. */
  refundsFail: boolean;
  note: string;
}

/** A refund the sandbox has accepted, and the notifications it sent about it. */
export interface SandboxRefund {
  refundId: string;
  gatewayRefundId: string;
  originalTransactionId: string;
  amount: string;
  currency: string;
  status: 'pending' | 'succeeded' | 'failed';
  createdAt: string;
  completedAt: string | null;
  notifyUrl: string | null;
  deliveries: { at: string; [detail: string]: unknown }[];
}

/**
 * A fault the sandbox injects into the next matching exchanges: answer faults (`drop`: commit the
 * refund, then drop the connection; `bad-gateway`: commit, then answer a 502 HTML page; `slow`:
 * commit, then answer after `delayMs`; `truncate`: cut the body; `error-500`: answer 500 without committing) and
 * notification faults (`notify-twice`, `notify-late`, `notify-early`: before the pending answer;
 * `webhook-fails`: count the first `times` deliveries as failed).
 */
export interface SandboxFault {
  kind: 'drop' | 'bad-gateway' | 'slow' | 'truncate' | 'error-500' | 'notify-twice' | 'notify-late' | 'notify-early' | 'webhook-fails';
  gateway?: 'wisepay' | 'payermax' | 'bluepay' | 'bieases';
  refundId?: string;
  on?: 'refund' | 'query' | 'notification';
  times?: number;
  delayMs?: number;
}

export interface Sandbox {
  /** `http://127.0.0.1:<port>` */
  url: string;
  port: number;
  /** Per gateway, a complete client config pointing at this sandbox. */
  credentials: Record<string, SandboxCredentials>;
  /** Per gateway, the seeded paid orders as they were at start. */
  orders: Record<string, SandboxOrder[]>;
  /** Per gateway, the refunds accepted so far. */
  refunds(): Record<string, SandboxRefund[]>;
  /** The faults waiting to be injected, and how many of each kind were. */
  faults: {
    add(list: SandboxFault[]): number;
    clear(): void;
    snapshot(): { waiting: SandboxFault[]; injected: Record<string, number> };
  };
  /** Stops the server, pending settlements and notification retries. */
  close(): Promise<void>;
}

/** Starts the sandbox gateways on 127.0.0.1. */
export function startSandbox(options?: SandboxOptions): Promise<Sandbox>;
