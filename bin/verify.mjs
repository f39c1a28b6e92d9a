// `refundkit verify`: checks a notification saved as it arrived (headers and raw body) against a
// client config, the way a webhook would, and says whether to believe it.
import { parseHeaderLines } from '../www/console/headers.mjs';
import { EXIT, UsageError, describeError, readInput } from './args.mjs';

export const verifyCommand = {
  name: 'verify',
  summary: 'check a saved notification against a client config',
  usage: `usage: refundkit verify --config FILE [--headers FILE] [--body FILE] [--now TIME] [--json]

Verifies a refund notification exactly as it arrived and prints what it says, or why it is refused.

  --config FILE    a JSON RefundClient config: gateway, keys and the gateway's settings
                   (the credentials \`refundkit sandbox --json\` prints are such configs)
  --headers FILE   the request headers, one "Name: value" per line, or a JSON object
                   (PayerMax signs in a header; the other gateways sign in the body)
  --body FILE      the raw body, byte for byte; - or no --body reads it from stdin
  --now TIME       the time to check freshness against, epoch milliseconds or ISO 8601
                   (default: now; a saved notification may be too old for a gateway that dates them)
  --json           print the result, or the error, as JSON on stdout

Exit status: 0 verified, 1 refused (the error code is printed), 2 usage.`,
  options: {
    config: { type: 'string' },
    headers: { type: 'string' },
    body: { type: 'string' },
    now: { type: 'string' },
    json: { type: 'boolean' },
  },
  async run({ values }) {
    if (values.config === undefined) throw new UsageError('--config is required: the JSON RefundClient config to verify with');
    if (values.headers === '-' && (values.body ?? '-') === '-') throw new UsageError('stdin can carry the headers or the body, not both');
    const config = parseConfig(await readInput(values.config, 'the config'), values.config);
    const headers = values.headers === undefined ? {} : parseHeaders(await readInput(values.headers, 'the headers'), values.headers);
    const body = new Uint8Array(await readInput(values.body ?? '-', 'the body'));
    const now = values.now === undefined ? undefined : parseTime(values.now);
    const { RefundClient } = await import('../js/node.mjs');
    try {
      const client = new RefundClient(config);
      const notification = client.verifyNotification({ headers, body }, now === undefined ? undefined : { now });
      const shown = { verified: true, event: notification.event, refund: notification.refund, ack: notification.ack };
      console.log(values.json ? JSON.stringify(shown, null, 2) : summary(notification));
      return EXIT.OK;
    } catch (err) {
      if (values.json) {
        console.log(JSON.stringify({ verified: false, code: err?.code, field: err?.field, message: err?.message }, null, 2));
      } else {
        console.error(`refused: ${describeError(err)}`);
      }
      return EXIT.REFUSED;
    }
  },
};

function parseConfig(bytes, path) {
  let config;
  try {
    config = JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    throw new UsageError(`${path} is not JSON: ${err.message}`);
  }
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    throw new UsageError(`${path} must hold one JSON object: a RefundClient config`);
  }
  return config;
}

function parseHeaders(bytes, path) {
  const text = bytes.toString('utf8');
  if (text.trimStart().startsWith('{')) {
    try {
      const object = JSON.parse(text);
      if (Object.values(object).every((v) => typeof v === 'string')) return object;
    } catch {
      // reported below
    }
    throw new UsageError(`${path} looks like JSON but is not an object of string header values`);
  }
  const { headers, problems } = parseHeaderLines(text);
  if (problems.length > 0) throw new UsageError(`${path}: ${problems.join('; ')}`);
  return headers;
}

function parseTime(text) {
  const ms = /^\d+$/.test(text) ? Number(text) : Date.parse(text);
  if (!Number.isSafeInteger(ms)) throw new UsageError(`--now takes epoch milliseconds or an ISO 8601 time, not ${JSON.stringify(text)}`);
  return ms;
}

function summary({ event, refund, ack }) {
  const lines = [
    `verified: ${refund.gateway} notification${event ? ` (${event})` : ''}`,
    `refund ${refund.refundId ?? '(no refund number)'}${refund.gatewayRefundId ? ` / gateway id ${refund.gatewayRefundId}` : ''}: ${refund.status}` +
      (refund.gatewayStatus ? ` (gateway status ${refund.gatewayStatus})` : ''),
  ];
  if (refund.amount !== undefined) lines.push(`amount: ${refund.amount} ${refund.currency ?? ''}`.trimEnd());
  lines.push(`reply once stored: HTTP ${ack.status} ${JSON.stringify(ack.body)}`);
  return lines.join('\n');
}
