// Time texts in the forms the gateways write them.

function pad(n, width = 2) {
  return String(n).padStart(width, '0');
}

/** "YYYY-MM-DD HH:mm:ss" in UTC plus `offsetHours` (WisePay writes UTC, BluePay Bangkok time). */
export function wallClock(ms, offsetHours = 0) {
  const d = new Date(ms + offsetHours * 3_600_000);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(
    d.getUTCMinutes(),
  )}:${pad(d.getUTCSeconds())}`;
}

/** RFC 3339 with milliseconds and an explicit +00:00 offset, as PayerMax writes it. */
export function rfc3339Millis(ms) {
  return new Date(ms).toISOString().replace('Z', '+00:00');
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

/** Epoch ms of an RFC 3339 timestamp, or null when it is not one. */
export function parseRfc3339(text) {
  if (typeof text !== 'string' || !RFC3339.test(text)) return null;
  const ms = Date.parse(text);
  return Number.isFinite(ms) ? ms : null;
}

/** Digits-only epoch text or a safe integer, as a number; null otherwise. */
export function epochNumber(value) {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? value : null;
  if (typeof value === 'string' && /^[0-9]{1,16}$/.test(value)) return Number(value);
  return null;
}

/** `yyyyMMddHHmmss` in UTC, the prefix of PayerMax serial numbers. */
export function compactStamp(ms) {
  return wallClock(ms).replace(/[- :]/g, '');
}
