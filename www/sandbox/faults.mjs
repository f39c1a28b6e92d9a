// Faults the sandbox injects on request, so that clients can be tested against what real networks
// and gateways do: answers lost after the refund was committed, proxies' error pages, answers that
// come too late or cut short, failures before anything was committed, and notifications that come
// twice, late, before the answer, or to a webhook whose first replies are lost.

/** Every fault kind, what it does, and what it strikes: a refund the gateway accepts (`refund`), a
 * refund query (`query`), or the notification of an accepted refund (`notification`). */
export const FAULT_KINDS = {
  drop: { strikes: ['refund', 'query'], does: 'commits the refund, then closes the connection without an answer' },
  'bad-gateway': { strikes: ['refund', 'query'], does: "commits the refund, then answers a proxy's 502 HTML page" },
  slow: { strikes: ['refund', 'query'], does: 'commits the refund, then answers after delayMs (default 2000)' },
  truncate: { strikes: ['refund', 'query'], does: 'commits the refund, then cuts the answer off halfway' },
  'error-500': { strikes: ['refund', 'query'], does: 'answers HTTP 500 and commits nothing' },
  'notify-twice': { strikes: ['notification'], does: 'delivers the notification once more after it was acknowledged' },
  'notify-late': { strikes: ['notification'], does: 'delivers the notification delayMs (default 1000) later than due' },
  'notify-early': {
    strikes: ['notification'],
    does: 'settles the refund at once and holds the pending answer until the notification was delivered',
  },
  'webhook-fails': {
    strikes: ['notification'],
    does: "counts the first `times` deliveries as failed whatever the webhook answered (it saw them): the gateway retries",
  },
};

const BAD_GATEWAY_PAGE =
  '<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>\n';

/** A fault that stops the gateway before it commits: the route answers it, nothing is recorded. */
export class FaultAbort extends Error {
  constructor(fault) {
    super(`fault ${fault.kind}`);
    this.fault = fault;
  }
}

/**
 * The faults waiting to strike, and a count of those that did. A fault is
 * `{ kind, gateway?, refundId?, on?, times?, delayMs? }`: it strikes the requests of `gateway`
 * (any, when left out) about `refundId` (any) of the kind `on` (`refund` by default for the answer
 * faults); `times` (default 1) strikes before it is used up, except for `webhook-fails`, where it
 * is the number of failed deliveries of one notification.
 */
export class Faults {
  constructor(list = []) {
    this.waiting = [];
    this.injected = {};
    this.add(list);
  }

  /** Checks and queues faults; throws a TypeError naming what is wrong. */
  add(list) {
    if (!Array.isArray(list)) throw new TypeError('faults must be an array');
    const checked = list.map(checkFault);
    this.waiting.push(...checked);
    return checked.length;
  }

  clear() {
    this.waiting = [];
  }

  /** The first waiting fault that strikes this request, used up by one strike. */
  take({ gateway, refundId, on }) {
    const index = this.waiting.findIndex(
      (f) =>
        f.on === on &&
        (f.gateway === undefined || f.gateway === gateway) &&
        (f.refundId === undefined || f.refundId === refundId),
    );
    if (index === -1) return null;
    const fault = this.waiting[index];
    if (fault.kind === 'webhook-fails' || --fault.left === 0) this.waiting.splice(index, 1);
    this.injected[fault.kind] = (this.injected[fault.kind] ?? 0) + 1;
    return fault;
  }

  snapshot() {
    return { waiting: this.waiting.map(({ left, ...f }) => ({ ...f, left })), injected: { ...this.injected } };
  }
}

function checkFault(fault) {
  if (fault === null || typeof fault !== 'object') throw new TypeError('a fault must be an object { kind, ... }');
  const kind = FAULT_KINDS[fault.kind];
  if (!kind) throw new TypeError(`unknown fault kind ${String(fault.kind).slice(0, 40)}; known: ${Object.keys(FAULT_KINDS).join(', ')}`);
  for (const key of Object.keys(fault)) {
    if (!['kind', 'gateway', 'refundId', 'on', 'times', 'delayMs'].includes(key)) {
      throw new TypeError(`a fault takes kind, gateway, refundId, on, times and delayMs, not ${key.slice(0, 40)}`);
    }
  }
  const on = fault.on ?? kind.strikes[0];
  if (!kind.strikes.includes(on)) throw new TypeError(`${fault.kind} strikes ${kind.strikes.join(' or ')}, not ${on}`);
  for (const key of ['gateway', 'refundId']) {
    if (fault[key] !== undefined && typeof fault[key] !== 'string') throw new TypeError(`${key} must be a string`);
  }
  for (const key of ['times', 'delayMs']) {
    const value = fault[key];
    if (value !== undefined && !(Number.isSafeInteger(value) && value >= (key === 'times' ? 1 : 0) && value <= 600_000)) {
      throw new TypeError(`${key} must be a whole number`);
    }
  }
  const times = fault.times ?? 1;
  return { ...fault, on, times, left: times };
}

/** Writes a gateway's answer as `fault` (an answer fault, or none) has it. */
export async function writeAnswer(res, answer, headers, fault, wait) {
  switch (fault?.kind) {
    case 'drop':
      res.socket?.destroy();
      return;
    case 'bad-gateway':
      res.writeHead(502, { ...headers, 'content-type': 'text/html' }).end(BAD_GATEWAY_PAGE);
      return;
    case 'truncate': {
      const bytes = Buffer.from(answer.body);
      res.writeHead(answer.status, { ...headers, ...answer.headers, 'content-length': bytes.length });
      // The length promises the whole body; the connection closes after half of it.
      res.write(bytes.subarray(0, Math.floor(bytes.length / 2)), () => res.socket?.destroy());
      return;
    }
    case 'slow':
      await wait(fault.delayMs ?? 2000);
      if (res.socket?.destroyed ?? true) return;
      break;
    default:
      break;
  }
  res.writeHead(answer.status, { ...headers, ...answer.headers }).end(answer.body);
}

/** The reply of `error-500`: what a gateway's front end sends when its back end failed. */
export function serverError(res, headers) {
  res.writeHead(500, { ...headers, 'content-type': 'text/plain' }).end('internal server error');
}
