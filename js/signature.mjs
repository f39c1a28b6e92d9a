// How every entry finishes an async build: the module writes the request while the platform signs
// and hands it over with the place the signature goes; the signature is put in here, where it
// arrives. After the wait, finishing in JavaScript is cheaper than calling back into the module.
// One definition for all entries: the browser entries import this file, and scripts/build.mjs
// writes it into the Node glue for the Node entry, which cannot import an ES module on every Node.
// It imports nothing, so it loads everywhere.

/**
 * `request` with `base64`, a signature in standard base64, in the header named `header`, or else
 * in `body` at the UTF-16 offset `at`, percent-encoded where the body is a form (`+` `/` `=` as
 * `%2B` `%2F` `%3D`, as encodeURIComponent writes them).
 */
export function writeSignature(request, base64, header, body, at, form) {
  if (header !== undefined) request.headers[header] = base64;
  else request.body = body.slice(0, at) + (form ? encodeURIComponent(base64) : base64) + body.slice(at);
  return request;
}

/**
 * node:crypto's sign in its callback form, which runs in the thread pool: the event loop goes on
 * while OpenSSL signs. `sign` carries the signature back; `signInto` writes it into the request the
 * module wrote meanwhile (see writeSignature). Where node:crypto fails or answers with anything but
 * `length` bytes, the promise rejects with `refusal()`. `Buffer` is node:buffer's.
 */
export function threadPoolSigner(nodeCrypto, Buffer, refusal) {
  return {
    sign: (algorithm, data, key) =>
      new Promise((resolve, reject) => {
        nodeCrypto.sign(algorithm, data, key, (error, signature) => (error ? reject(error) : resolve(signature)));
      }),
    signInto: (algorithm, data, key, length, request, header, body, at, form) =>
      new Promise((resolve, reject) => {
        let answered = false;
        nodeCrypto.sign(algorithm, data, key, (error, signature) => {
          // Once only: a request handed back is never written again.
          if (answered) return;
          answered = true;
          // A copy by the array's own length: a `length` getter of a subclass is not asked.
          const bytes = !error && signature instanceof Uint8Array ? new Uint8Array(signature) : null;
          if (bytes === null || bytes.length !== length) return reject(refusal());
          resolve(writeSignature(request, Buffer.from(bytes.buffer, 0, length).toString('base64'), header, body, at, form));
        });
      }),
  };
}
