// The one scenario every runtime and bundler cell of scripts/runtimes.mjs runs, with the package as
// the platform loads it (`rk`) and the data the suite signed with the test gateway key (`data`): a
// client is made; buildRefund and buildRefundAsync give the same request, whose signature the
// platform's own WebCrypto verifies; a gateway-signed notification is verified and a tampered copy is
// refused; refund() goes through an injected fetch. It imports nothing, so every platform can load it.
// It returns what the suite checks once more with node:crypto.

const fail = (message) => {
  throw new Error(message);
};

async function verifyWithPlatform(spkiBase64, body, signatureBase64) {
  const subtle = globalThis.crypto?.subtle;
  if (subtle === undefined) return 'no crypto.subtle here';
  const der = Uint8Array.from(atob(spkiBase64), (c) => c.charCodeAt(0));
  const signature = Uint8Array.from(atob(signatureBase64), (c) => c.charCodeAt(0));
  const algorithm = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
  const key = await subtle.importKey('spki', der, algorithm, false, ['verify']);
  if (!(await subtle.verify(algorithm, key, signature, new TextEncoder().encode(body)))) {
    fail('WebCrypto refused the signature buildRefund made');
  }
  return 'WebCrypto';
}

export async function scenario(rk, data) {
  await rk.init(undefined, { syncSigning: true });
  const client = new rk.RefundClient(data.config);
  const built = client.buildRefund(data.input, { now: data.now });
  const builtAsync = await client.buildRefundAsync(data.input, { now: data.now });
  if (JSON.stringify(built) !== JSON.stringify(builtAsync)) fail('buildRefund and buildRefundAsync gave different requests');
  const verifiedBy = await verifyWithPlatform(data.merchantPublicSpki, built.body, built.headers.sign);

  const notification = client.verifyNotification(data.notification, { now: data.notificationNow });
  if (!notification.refund.verified || notification.refund.status !== data.expected.notificationStatus) {
    fail(`the notification read as ${JSON.stringify(notification.refund)}`);
  }
  let refused;
  try {
    client.verifyNotification(data.tampered, { now: data.notificationNow });
  } catch (error) {
    refused = error;
  }
  if (!(refused instanceof rk.RefundKitError) || refused.code !== 'SIGNATURE_INVALID') {
    fail(`a tampered notification was not refused with SIGNATURE_INVALID: ${refused ?? 'accepted'}`);
  }

  const sent = [];
  const fetch = async (url, init) => {
    sent.push({ url, body: init.body, sign: init.headers.sign });
    return new Response(data.answer.body, { status: data.answer.status, headers: data.answer.headers });
  };
  const result = await new rk.RefundClient({ ...data.config, fetch }).refund(data.input, { now: data.now });
  if (result.status !== data.expected.refundStatus || !result.verified) fail(`refund() gave ${JSON.stringify(result)}`);
  if (sent.length !== 1 || sent[0].body !== built.body || sent[0].sign !== built.headers.sign || sent[0].url !== built.url) {
    fail('refund() did not send the request buildRefund made');
  }
  return { ok: true, verifiedBy, body: built.body, signature: built.headers.sign };
}

/** Runs the scenario in a page and leaves its outcome where the suite reads it, `__result`. */
export function reportToPage(rk, data) {
  scenario(rk, data).then(
    (result) => {
      globalThis.__result = result;
    },
    (error) => {
      globalThis.__result = { ok: false, error: String(error?.stack ?? error) };
    },
  );
}
