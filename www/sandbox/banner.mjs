// What `npm start` and the sandbox CLI print: where it runs, the client configs, the test orders.

export function printBanner(sandbox, { consoleUrl } = {}) {
  const out = [];
  out.push('');
  out.push(`refundkit sandbox gateways on ${sandbox.url}`);
  if (consoleUrl) out.push(`admin console:   ${consoleUrl}`);
  out.push(`live state:      ${sandbox.url}/sandbox/info`);
  out.push('');
  out.push('Client configs (test keys generated for this machine; paste into new RefundClient(...)):');
  for (const [name, config] of Object.entries(sandbox.credentials)) {
    out.push('');
    out.push(`${name}:`);
    out.push(JSON.stringify(config, null, 2));
    out.push(`${name} paid orders to refund:`);
    for (const o of sandbox.orders[name]) {
      const ids = [o.originalOrderId && `originalOrderId ${o.originalOrderId}`, `originalTransactionId ${o.originalTransactionId}`]
        .filter(Boolean)
        .join(', ');
      out.push(`  ${o.amount} ${o.currency}  ${ids}${o.refundsFail ? '  (refunds end failed)' : ''}`);
    }
  }
  out.push('');
  out.push('Press Ctrl-C to stop.');
  console.log(out.join('\n'));
}
