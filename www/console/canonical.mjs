// The WisePay canonical string, computed here from the request body that was sent, so the operator
// sees exactly what the signature covers: every top-level field except `sign`, empty values dropped,
// sorted by key in byte order, written key=value and joined with &.

const encoder = new TextEncoder();

function compareBytes(a, b) {
  const x = encoder.encode(a);
  const y = encoder.encode(b);
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i += 1) {
    if (x[i] !== y[i]) return x[i] - y[i];
  }
  return x.length - y.length;
}

/** The canonical string of a JSON object body, or null when the body is not a JSON object. */
export function wisepayCanonical(bodyText) {
  let fields;
  try {
    fields = JSON.parse(bodyText);
  } catch {
    return null;
  }
  if (fields === null || typeof fields !== 'object' || Array.isArray(fields)) return null;
  return Object.keys(fields)
    .filter((key) => key !== 'sign' && fields[key] !== '' && fields[key] !== null)
    .sort(compareBytes)
    .map((key) => `${key}=${typeof fields[key] === 'string' ? fields[key] : JSON.stringify(fields[key])}`)
    .join('&');
}
