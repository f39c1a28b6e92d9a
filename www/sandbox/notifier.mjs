// Delivers a gateway's signed notification to the merchant's notify URL, again and again along the
// gateway's retry schedule, until the merchant answers with the acknowledgement that gateway expects.
import { request } from 'node:http';

const ATTEMPT_TIMEOUT_MS = 5000;
const MAX_ACK_BYTES = 16 * 1024;

/** Only loopback receivers: the sandbox never sends anything off this machine. */
export function loopbackUrl(text) {
  let url;
  try {
    url = new URL(text);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:') return null;
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) return null;
  return url;
}

export class Notifier {
  constructor(timers, log) {
    this.timers = timers;
    this.log = log;
    this.inFlight = new Set();
    this.closed = false;
  }

  /**
   * @param refund the ledger entry; every attempt is appended to refund.deliveries
   * @param message { headers, body } exactly as the gateway would send it
   * @param isAck (status, bodyText) => boolean
   * @param scheduleMs delays before each attempt, measured from the previous one
   * @param fault a notification fault (faults.mjs) or null
   * @returns a promise that settles once the first attempt is over
   */
  deliver(refund, message, isAck, scheduleMs, fault = null) {
    const url = loopbackUrl(refund.notifyUrl);
    if (!url) {
      refund.deliveries.push({ attempt: 0, at: Date.now(), outcome: 'skipped: not an http://127.0.0.1 URL' });
      return Promise.resolve();
    }
    let firstOver;
    const first = new Promise((resolve) => {
      firstOver = resolve;
    });
    const failsLeft = fault?.kind === 'webhook-fails' ? fault.times : 0;
    const attempt = (index) => {
      if (this.closed || index >= scheduleMs.length) {
        firstOver();
        return;
      }
      const late = index === 0 && fault?.kind === 'notify-late' ? fault.delayMs ?? 1000 : 0;
      this.timers.after(scheduleMs[index] + late, async () => {
        const reply = await this.post(url, message);
        const seenAsFailed = index < failsLeft;
        const acked = !seenAsFailed && reply.status !== undefined && isAck(reply.status, reply.body);
        refund.deliveries.push({
          attempt: index + 1,
          at: Date.now(),
          outcome: acked
            ? 'acknowledged'
            : seenAsFailed
              ? 'failed by fault webhook-fails (the webhook saw it)'
              : reply.error ?? `not acknowledged (HTTP ${reply.status})`,
        });
        firstOver();
        if (acked) {
          if (fault?.kind === 'notify-twice') this.again(refund, url, message);
          return;
        }
        if (index + 1 < scheduleMs.length) attempt(index + 1);
        else this.log(`notification for ${refund.refundId} not acknowledged after ${index + 1} attempts`);
      });
    };
    attempt(0);
    return first;
  }

  /** The same notification once more, as gateways do when their record of an ack is lost. */
  async again(refund, url, message) {
    const reply = await this.post(url, message);
    refund.deliveries.push({
      attempt: refund.deliveries.length + 1,
      at: Date.now(),
      outcome: `delivered again by fault notify-twice (${reply.error ?? `HTTP ${reply.status}`})`,
    });
  }

  post(url, { headers, body }) {
    return new Promise((resolve) => {
      if (this.closed) {
        resolve({ error: 'sandbox closed' });
        return;
      }
      const bytes = Buffer.from(body, 'utf8');
      const req = request(
        url,
        { method: 'POST', headers: { ...headers, 'content-length': bytes.length }, timeout: ATTEMPT_TIMEOUT_MS },
        (res) => {
          const chunks = [];
          let size = 0;
          res.on('data', (chunk) => {
            size += chunk.length;
            if (size <= MAX_ACK_BYTES) chunks.push(chunk);
          });
          res.on('end', () => {
            this.inFlight.delete(req);
            resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString('utf8') });
          });
          res.on('error', (err) => {
            this.inFlight.delete(req);
            resolve({ error: `failed: ${err.message}` });
          });
        },
      );
      this.inFlight.add(req);
      req.on('timeout', () => req.destroy(new Error('no answer in time')));
      req.on('error', (err) => {
        this.inFlight.delete(req);
        resolve({ error: `failed: ${err.message}` });
      });
      req.end(bytes);
    });
  }

  close() {
    this.closed = true;
    for (const req of this.inFlight) req.destroy();
    this.inFlight.clear();
  }
}

/** setTimeout with bookkeeping, so close() can cancel every pending timer and tests exit. */
export class Timers {
  constructor() {
    this.pending = new Set();
  }

  after(ms, fn) {
    const handle = setTimeout(() => {
      this.pending.delete(handle);
      fn();
    }, Math.max(0, ms));
    this.pending.add(handle);
    return handle;
  }

  clearAll() {
    for (const handle of this.pending) clearTimeout(handle);
    this.pending.clear();
  }
}
