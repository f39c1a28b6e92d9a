// What the console shows of each gateway comes from the library's own description of it
// (`gateways()`): its name, named environments, settings, and the ids a refund query can use.
// Nothing here is copied from the gateway modules.

/** How each query id is named on the page. */
const QUERY_ID_NAMES = {
  refundId: 'refund number',
  gatewayRefundId: 'gateway refund id',
  originalTransactionId: 'original transaction id',
};

/** The console's view of one gateway description. */
function consoleGateway(info) {
  const names = info.queryBy.map((id) => QUERY_ID_NAMES[id] ?? id);
  return {
    label: info.name,
    environments: Object.fromEntries(info.presets.map((p) => [p.name, p.baseUrl])),
    fields: info.settings.map((s) => ({
      name: s.name,
      label: s.label,
      optional: !s.required,
      secret: s.secret,
      choices: s.choices.length > 0 ? s.choices : undefined,
      placeholder: s.choices.length === 0 ? (s.default ?? undefined) : undefined,
    })),
    queryHint: `${info.name} looks refunds up by ${names.join(' or ')}.`,
    // A refund made here is looked up again by the first id this gateway takes that the entry has.
    lookup: (entry) => {
      const id = info.queryBy.find((key) => entry[key]);
      return id ? { [id]: entry[id] } : {};
    },
  };
}

/** gateway id -> what the console shows, from `gateways()`, in the library's order. */
export function consoleGateways(infos) {
  return Object.fromEntries(infos.map((info) => [info.id, consoleGateway(info)]));
}
