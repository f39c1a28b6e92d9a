// Exact amounts as BigInt minor units. The sandbox holds the ledger that decides whether a refund
// fits, so it never lets a binary float near a sum.

const DECIMAL = /^(0|[1-9][0-9]*)(?:\.([0-9]+))?$/;

/**
 * Parses a decimal text in major units into minor units for a currency with `digits` decimals.
 * Returns null for anything that is not a plain non-negative decimal, or that has more decimals
 * than the currency allows (trailing zeros beyond them are accepted: "5.10" for 2 digits).
 */
export function parseMajor(text, digits) {
  if (typeof text !== 'string' || text.length > 40) return null;
  const match = DECIMAL.exec(text);
  if (!match) return null;
  const fraction = (match[2] ?? '').replace(/0+$/, '');
  if (fraction.length > digits) return null;
  return BigInt(match[1]) * 10n ** BigInt(digits) + BigInt(fraction.padEnd(digits, '0') || '0');
}

/**
 * A JSON number as the parser produced it, back to its decimal text. JSON.parse keeps the shortest
 * text that round-trips, which is the sender's text for any amount of up to 15 significant digits;
 * exponents and longer values are refused rather than guessed.
 */
export function numberText(value) {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) return null;
  const text = String(value);
  if (!DECIMAL.test(text) || text.replace(/[^0-9]/g, '').replace(/^0+/, '').length > 15) return null;
  return text;
}

/** Minor units back to major-unit text with exactly `digits` decimals: 1050n, 2 -> "10.50". */
export function formatMinor(minor, digits) {
  const text = minor.toString().padStart(digits + 1, '0');
  if (digits === 0) return text;
  return `${text.slice(0, -digits)}.${text.slice(-digits)}`;
}

/**
 * JSON.stringify, except that values wrapped with `jsonNumber("10.50")` are written as that exact
 * number text (JSON.stringify would turn 10.50 into 10.5).
 */
export function stringifyWithNumbers(value) {
  const marker = `@@number-${Math.random().toString(36).slice(2)}@@`;
  const text = JSON.stringify(value, (_key, v) => (v instanceof JsonNumber ? `${marker}${v.text}` : v));
  return text.replace(new RegExp(`"${marker}([0-9.]+)"`, 'g'), '$1');
}

class JsonNumber {
  constructor(text) {
    if (!DECIMAL.test(text)) throw new Error('not a decimal number text');
    this.text = text;
  }
}

export function jsonNumber(text) {
  return new JsonNumber(text);
}
