// Hostile bodies at the size limit: what an unauthenticated sender can make each receive path cost
// before the signature check refuses the message. Each shape is built to the byte at the limit, so
// the figures are the worst a webhook endpoint pays per request with the default `maxBodyBytes`.

/** Pads `head + repeated unit + tail` to exactly `size` bytes (spaces before the tail make up the rest). */
function fill(size, head, unit, tail) {
  const count = Math.floor((size - head.length - tail.length) / unit.length);
  const body = head + unit.repeat(count);
  return body + ' '.repeat(size - body.length - tail.length) + tail;
}

/** Many short members: the shape that made field scanning quadratic. */
const manyJsonMembers = (size) => {
  const members = [];
  let length = 2;
  for (let i = 0; length < size - 16; i++) {
    const member = `"f${i.toString(36)}":""`;
    members.push(member);
    length += member.length + 1;
  }
  const body = `{${members.join(',')}}`;
  return body.slice(0, -1) + ' '.repeat(size - body.length) + '}';
};

/** Many short form fields, for gateways that take form-encoded notifications. */
const manyFormFields = (size) => {
  const fields = [];
  let length = 0;
  for (let i = 0; length < size - 16; i++) {
    const field = `f${i.toString(36)}=`;
    fields.push(field);
    length += field.length + 1;
  }
  const body = fields.join('&');
  return body + '&'.repeat(size - body.length);
};

/** One long string of escapes, which a JSON reader must decode one by one. */
const escapedString = (size) => fill(size, '{"sign":"x","body":"', '\\u00e9', '"}');

/** Deep nesting: the JSON reader's depth limit must stop it early. */
const deepNesting = (size) => fill(size, '{"data":', '[', '}');

export const SHAPES = {
  'many JSON members': { body: manyJsonMembers, contentType: 'application/json' },
  'many form fields': { body: manyFormFields, contentType: 'application/x-www-form-urlencoded' },
  'one string of escapes': { body: escapedString, contentType: 'application/json' },
  'deep nesting': { body: deepNesting, contentType: 'application/json' },
};

/**
 * For each client, times every shape through verifyNotification and parseRefundResponse (each call
 * is expected to throw: none of these bodies is signed) and keeps the worst. `time(fn)` returns ms.
 */
export function hostileRows(clients, size, time) {
  const bodies = Object.entries(SHAPES).map(([name, shape]) => {
    const body = Buffer.from(shape.body(size));
    if (body.length !== size) throw new Error(`${name}: ${body.length} bytes, not ${size}`);
    return { name, request: { status: 200, headers: { 'content-type': shape.contentType }, body } };
  });
  const rows = [];
  for (const { id, client } of clients) {
    for (const [operation, call] of [
      ['verifyNotification', (r) => client.verifyNotification(r, { now: 0 })],
      ['parseRefundResponse', (r) => client.parseRefundResponse(r)],
    ]) {
      let worst = { ms: -1 };
      for (const { name, request } of bodies) {
        const ms = time(() => {
          try {
            call(request);
          } catch (error) {
            if (error.name !== 'RefundKitError') throw error;
            return;
          }
          throw new Error(`${id} ${operation} accepted an unsigned hostile body (${name})`);
        });
        if (ms > worst.ms) worst = { shape: name, ms };
      }
      rows.push({ gateway: id, operation, bytes: size, worstShape: worst.shape, ms: worst.ms });
    }
  }
  return rows;
}
