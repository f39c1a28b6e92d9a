// The refundkit admin console: configure a gateway, refund, query, verify notifications, make keys,
// and see every signed request and raw answer. Runs on the package's web build; keys live only in
// this page's memory.
import { init, RefundClient, gateways, generateKeyPair, keyFingerprint } from '/refundkit/web.mjs';
import { wisepayCanonical } from './canonical.mjs';
import { consoleGateways } from './gateways.mjs';
import { parseHeaderLines } from './headers.mjs';
import { block, details, h, headerTable, replace, statusBadge, timeOfDay } from './view.mjs';

const $ = (id) => document.getElementById(id);
const LOCAL = 'local';
const CUSTOM = 'custom';
/** Environment values of the form `relay:<preset>` (or `relay:` for a base URL) go through the relay. */
const RELAY = 'relay:';
const SANDBOX_NOTIFY_URL = 'https://merchant.example/refunds/notify';
const CSP_NOTE = "The page's Content-Security-Policy must allow it (connect-src), or the browser blocks the request.";

/** gateway id -> what the console shows of it, from the library's gateways(), once loaded. */
let GATEWAYS = {};
let GATEWAY_IDS = [];

const state = {
  /** what /sandbox/info answered, once loaded */
  sandbox: null,
  /** what the server says it serves besides the page (/console/relay.json): the sandbox, and a relay */
  served: { sandbox: true, relay: null },
  /** values typed per gateway, kept while switching between gateways (memory only) */
  remembered: {},
  client: null,
  clientDescription: '',
  clientDirty: true,
  busy: false,
  /** the exchanges of the action under way, filled by the recording fetch */
  exchanges: null,
  history: [],
  /** connect-src violations seen, so a blocked gateway URL is explained rather than just "failed" */
  blockedUrls: [],
};

// The fetch a client sends through: it records exactly what went out and what came back.
const recordingFetch = (gateway) => async (url, init) => {
  const record = {
    gateway,
    request: { url, method: init.method, headers: Object.entries(init.headers ?? {}), body: init.body ?? '' },
    response: null,
  };
  state.exchanges?.push(record);
  const response = await fetch(url, init);
  const bytes = await response.clone().arrayBuffer();
  record.response = {
    status: response.status,
    headers: [...response.headers.entries()],
    body: new TextDecoder().decode(bytes),
  };
  return response;
};

document.addEventListener('securitypolicyviolation', (event) => {
  if (event.effectiveDirective === 'connect-src') state.blockedUrls.push(event.blockedURI);
});

// ---------------------------------------------------------------------------------------------
// Connection: gateway, environment, credentials.

function selectedGateway() {
  return $('gateway').value;
}

function fillGatewaySelect() {
  const select = $('gateway');
  for (const id of GATEWAY_IDS) select.append(h('option', { value: id }, GATEWAYS[id].label));
  select.value = GATEWAY_IDS[0];
}

function fillEnvironmentSelect(gateway) {
  const select = $('environment');
  const options = [];
  if (state.served.sandbox) options.push(h('option', { value: LOCAL }, 'Local sandbox (this server)'));
  const relayed = relayedTo(gateway);
  if (relayed) {
    // Real gateways answer no CORS and only whitelisted servers: the relay served with this page is the way.
    const name = relayed.environment ? `${relayed.environment} ` : '';
    options.push(h('option', { value: RELAY + (relayed.environment ?? '') }, `${name}through the relay (${new URL(relayed.baseUrl).host})`));
  } else if (!state.served.relay) {
    for (const [name, url] of Object.entries(GATEWAYS[gateway].environments)) {
      options.push(h('option', { value: name }, `${name} (${new URL(url).host})`));
    }
  }
  options.push(h('option', { value: CUSTOM }, 'Another base URL'));
  replace(select, options);
  select.value = options[0].value;
}

/** Where the relay served with this page sends this gateway's requests, or null. */
function relayedTo(gateway) {
  return state.served.relay?.gateways?.[gateway] ?? null;
}

function relayBaseUrl(gateway) {
  return `${location.origin}${state.served.relay.basePath}/${gateway}`;
}

/** What this server serves besides the page. A missing or unreadable answer means the sandbox alone. */
async function loadServed() {
  const response = await fetch('/console/relay.json', { headers: { accept: 'application/json' } });
  const served = response.ok ? await response.json().catch(() => null) : null;
  if (typeof served?.sandbox === 'boolean') state.served.sandbox = served.sandbox;
  if (served?.relay && typeof served.relay.basePath === 'string') state.served.relay = served.relay;
}

function localBaseUrl(gateway) {
  return state.sandbox?.credentials?.[gateway]?.baseUrl ?? `${location.origin}/${gateway}`;
}

function showEnvironment() {
  const gateway = selectedGateway();
  const env = $('environment').value;
  const baseUrl = $('base-url');
  const hint = $('environment-hint');
  $('sandbox-actions').hidden = env !== LOCAL;
  if (env === LOCAL) {
    $('base-url-field').hidden = false;
    baseUrl.readOnly = true;
    baseUrl.value = localBaseUrl(gateway);
    hint.textContent = 'The sandbox served with this page: test keys, seeded orders, refunds settle after a few seconds.';
  } else if (env.startsWith(RELAY)) {
    $('base-url-field').hidden = false;
    baseUrl.readOnly = true;
    baseUrl.value = relayBaseUrl(gateway);
    hint.textContent =
      `The relay served with this page carries the signed bytes to ${relayedTo(gateway).baseUrl} unchanged ` +
      'and brings the answer back; keys stay in this page.';
  } else if (env === CUSTOM) {
    $('base-url-field').hidden = false;
    baseUrl.readOnly = false;
    if (baseUrl.value === localBaseUrl(gateway) || baseUrl.value.startsWith(`${location.origin}/`)) baseUrl.value = '';
    hint.textContent = `Any host of this gateway's API. ${CSP_NOTE}`;
  } else {
    $('base-url-field').hidden = true;
    hint.textContent = `${env} is ${GATEWAYS[gateway].environments[env]}. ${CSP_NOTE}`;
  }
}

function buildGatewayFields(gateway) {
  const remembered = state.remembered[gateway] ?? {};
  const nodes = GATEWAYS[gateway].fields.map((field) => {
    const id = `cfg-${field.name}`;
    const label = h('label', { for: id }, field.label, field.optional ? h('span', { class: 'hint' }, ' (optional)') : null);
    let control;
    if (field.choices) {
      control = h('select', { id, name: field.name }, field.choices.map((c) => h('option', { value: c }, c)));
    } else {
      control = h('input', {
        id,
        name: field.name,
        type: field.secret ? 'password' : 'text',
        autocomplete: 'off',
        spellcheck: 'false',
        placeholder: field.placeholder,
      });
    }
    if (remembered[field.name] !== undefined) control.value = remembered[field.name];
    return h('div', { class: 'field' }, label, control);
  });
  replace($('gateway-fields'), h('div', { class: 'grid-fields' }, nodes));
  $('private-key').value = remembered.privateKey ?? '';
  $('gateway-public-key').value = remembered.gatewayPublicKey ?? '';
}

function rememberGatewayFields(gateway) {
  const values = { privateKey: $('private-key').value, gatewayPublicKey: $('gateway-public-key').value };
  for (const field of GATEWAYS[gateway].fields) values[field.name] = $(`cfg-${field.name}`).value;
  state.remembered[gateway] = values;
}

function onGatewayChange(previous) {
  if (previous) rememberGatewayFields(previous);
  const gateway = selectedGateway();
  fillEnvironmentSelect(gateway);
  buildGatewayFields(gateway);
  showEnvironment();
  fillSeededOrders();
  $('query-hint').textContent = GATEWAYS[gateway].queryHint;
  markDirty();
}

function markDirty() {
  state.clientDirty = true;
  $('connection-state').textContent = state.client ? 'Changed: the next action uses the new settings.' : '';
}

/** The config for new RefundClient, from the form as it stands. Empty fields are left out. */
function readConfig() {
  const gateway = selectedGateway();
  const config = { gateway, fetch: recordingFetch(gateway) };
  const put = (key, value) => {
    if (value.trim() !== '') config[key] = value.trim();
  };
  put('privateKey', $('private-key').value);
  put('gatewayPublicKey', $('gateway-public-key').value);
  for (const field of GATEWAYS[gateway].fields) put(field.name, $(`cfg-${field.name}`).value);
  const env = $('environment').value;
  if (env === LOCAL || env === CUSTOM || env.startsWith(RELAY)) put('baseUrl', $('base-url').value);
  else config.environment = env;
  return config;
}

function describeConfig(config) {
  const relayed = $('environment').value.startsWith(RELAY) ? relayedTo(config.gateway) : null;
  if (relayed) return `${GATEWAYS[config.gateway].label} at ${relayed.baseUrl} through the relay`;
  const where = config.baseUrl ?? `${config.environment} (${GATEWAYS[config.gateway].environments[config.environment]})`;
  return `${GATEWAYS[config.gateway].label} at ${where}`;
}

/** The client for the current form, made anew when the form changed. Throws RefundKitError. */
function currentClient() {
  if (state.client && !state.clientDirty) return state.client;
  const config = readConfig();
  let client;
  try {
    client = new RefundClient(config);
  } catch (err) {
    $('connection-state').textContent = `Not usable: ${err?.code ?? 'error'}${err?.field ? ` on ${err.field}` : ''}.`;
    throw err;
  }
  // Older clients stay alive: the history still refreshes refunds through the client that made them.
  state.client = client;
  state.clientDescription = describeConfig(config);
  state.clientDirty = false;
  $('connection-state').textContent = `Ready: ${state.clientDescription}.`;
  return client;
}

async function loadSandboxCredentials() {
  const gateway = selectedGateway();
  const response = await fetch('/sandbox/info', { headers: { accept: 'application/json' } });
  if (!response.ok) throw new Error(`the sandbox answered ${response.status} to /sandbox/info`);
  const info = await response.json();
  if (!info?.credentials) throw new Error('/sandbox/info has no credentials: is this the refundkit sandbox?');
  state.sandbox = info;
  rememberGatewayFields(gateway);
  for (const id of GATEWAY_IDS) {
    const creds = info.credentials[id];
    if (!creds) continue;
    const values = { ...(state.remembered[id] ?? {}) };
    for (const [key, value] of Object.entries(creds)) {
      if (key !== 'gateway' && key !== 'baseUrl') values[key] = String(value);
    }
    state.remembered[id] = values;
  }
  buildGatewayFields(gateway);
  showEnvironment();
  fillSeededOrders();
  if ($('notify-url').value === '') $('notify-url').value = SANDBOX_NOTIFY_URL;
  markDirty();
  currentClient();
  return gateway;
}

// ---------------------------------------------------------------------------------------------
// The refund form.

function newRefundId() {
  const random = crypto.getRandomValues(new Uint16Array(1))[0] % 1000;
  return `R${Date.now()}${String(random).padStart(3, '0')}`;
}

function fillSeededOrders() {
  const orders = state.sandbox?.orders?.[selectedGateway()] ?? [];
  const select = $('seeded-order');
  $('seeded-field').hidden = orders.length === 0;
  replace(
    select,
    h('option', { value: '' }, 'Choose an order to fill the form…'),
    orders.map((order, index) =>
      h(
        'option',
        { value: String(index) },
        `${order.originalOrderId ?? order.originalTransactionId}: ${order.amount} ${order.currency}` +
          (order.refundsFail ? ' (refunds fail)' : ''),
      ),
    ),
  );
}

function useSeededOrder() {
  const order = state.sandbox?.orders?.[selectedGateway()]?.[Number($('seeded-order').value)];
  if (!order || $('seeded-order').value === '') return;
  $('original-order-id').value = order.originalOrderId ?? '';
  $('original-transaction-id').value = order.originalTransactionId ?? '';
  $('currency').value = order.currency;
  if ($('amount').value === '') $('amount').value = order.refundable ?? order.amount;
}

function readRefundInput() {
  const input = {};
  const fields = [
    ['refundId', 'refund-id'],
    ['originalOrderId', 'original-order-id'],
    ['originalTransactionId', 'original-transaction-id'],
    ['amount', 'amount'],
    ['currency', 'currency'],
    ['reason', 'reason'],
    ['notifyUrl', 'notify-url'],
  ];
  for (const [key, id] of fields) {
    const value = $(id).value.trim();
    if (value !== '' || key === 'refundId' || key === 'amount' || key === 'currency') input[key] = value;
  }
  if (input.currency) input.currency = input.currency.toUpperCase();
  return input;
}

// ---------------------------------------------------------------------------------------------
// Running actions and showing what happened.

/** Runs one action at a time, records its HTTP exchanges, and shows its outcome or its error. */
async function run(title, action) {
  if (state.busy) return;
  state.busy = true;
  document.body.classList.add('busy');
  $('output').setAttribute('aria-busy', 'true');
  setSummary(`${title}…`);
  state.exchanges = [];
  const blockedBefore = state.blockedUrls.length;
  let outcome = null;
  let error = null;
  try {
    outcome = await action();
  } catch (err) {
    error = err;
    // The browser reports a CSP block as an event queued after the failed fetch: let it arrive,
    // so the error can name the blocked origin.
    if (error?.code === 'TRANSPORT') await new Promise((resolve) => setTimeout(resolve, 100));
  } finally {
    const exchanges = state.exchanges;
    state.exchanges = null;
    state.busy = false;
    document.body.classList.remove('busy');
    $('output').removeAttribute('aria-busy');
    render(title, outcome, error, exchanges, state.blockedUrls.slice(blockedBefore));
  }
}

function setSummary(text) {
  $('output-summary').textContent = text;
}

function render(title, outcome, error, exchanges, blocked) {
  setSummary(error ? `${title}: failed with ${error.code ?? error.name}.` : `${title}: ${outcome?.summary ?? 'done'}.`);
  replace($('output-error'), error ? errorView(error, blocked) : null);
  replace($('output-result'), outcome?.view ?? null);
  replace($('output-exchange'), exchanges.map(exchangeView));
  $('output').scrollTop = 0;
}

function errorView(error, blocked) {
  const isRefundKit = typeof error?.code === 'string';
  const pairs = [
    ['Code', h('code', { class: 'error-code' }, isRefundKit ? error.code : error?.name ?? 'Error')],
    ['Field', isRefundKit ? h('code', { class: 'error-field' }, error.field ?? '(none)') : null],
    ['Message', h('span', { class: 'error-message' }, error?.message ?? String(error))],
    ['Gateway code', error?.gatewayCode],
    ['Gateway message', error?.gatewayMessage],
  ];
  const hints = [];
  if (blocked.length > 0) {
    const origins = [...new Set(blocked.map((u) => safeOrigin(u)))].join(', ');
    const text =
      `The browser blocked the connection to ${origins}: this page's Content-Security-Policy ` +
      '(connect-src) does not allow it. Serve the console with that origin allowed.';
    hints.push(h('p', { class: 'hint' }, text));
  }
  return h('div', { class: 'error', role: 'alert' }, h('h3', {}, 'Error'), details(pairs), hints);
}

function safeOrigin(url) {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}

function resultView(result, heading = 'Result') {
  return h(
    'div',
    { class: 'result' },
    h(
      'h3',
      { class: 'result-heading' },
      heading,
      ' ',
      statusBadge(result.status),
      ' ',
      result.verified
        ? h('span', { class: 'verified' }, 'signature verified')
        : h('span', { class: 'unverified' }, 'not signed by the gateway'),
    ),
    details([
      ['Status', result.status],
      ['Gateway status', result.gatewayStatus === '' ? '(none)' : result.gatewayStatus],
      ['Refund number', result.refundId],
      ['Gateway refund id', result.gatewayRefundId],
      ['Original order id', result.originalOrderId],
      ['Original transaction id', result.originalTransactionId],
      ['Amount', result.amount === undefined ? undefined : `${result.amount} ${result.currency ?? ''}`.trim()],
      ['Created', result.createdAt],
      ['Completed', result.completedAt],
      ['Failure reason', result.failureReason],
    ]),
    h(
      'details',
      {},
      h('summary', {}, 'Gateway data as parsed'),
      h('pre', { tabindex: '0' }, JSON.stringify(result.raw, null, 2)),
    ),
  );
}

function exchangeView(exchange) {
  const { gateway, request, response } = exchange;
  const parts = [
    h('h3', {}, 'Signed request'),
    details([
      ['Method', request.method],
      ['URL', h('code', { class: 'request-url' }, request.url)],
    ]),
    headerTable('Request headers', request.headers),
    block('Request body (exactly as signed and sent)', request.body, { class: 'request-body' }),
  ];
  if (gateway === 'wisepay') {
    const canonical = wisepayCanonical(request.body);
    if (canonical !== null) {
      parts.push(
        block('Canonical string that was signed (every field but sign, empty ones dropped, sorted by key)', canonical, {
          class: 'canonical',
        }),
      );
    }
  }
  parts.push(h('h3', {}, 'Raw response'));
  if (response) {
    parts.push(
      details([['HTTP status', String(response.status)]]),
      headerTable('Response headers', response.headers),
      block('Response body (as received)', response.body, { class: 'response-body' }),
    );
  } else {
    parts.push(h('p', { class: 'hint' }, 'No response: the request did not complete.'));
  }
  return h('section', { class: 'exchange', 'aria-label': 'HTTP exchange' }, parts);
}

// ---------------------------------------------------------------------------------------------
// Actions.

async function refund() {
  const client = currentClient();
  const input = readRefundInput();
  const result = await client.refund(input);
  addToHistory(client, input, result);
  $('refund-id').value = newRefundId();
  return { summary: `${result.refundId ?? input.refundId}, status ${result.status}`, view: resultView(result) };
}

async function query() {
  const client = currentClient();
  const lookup = {};
  for (const [key, id] of [
    ['refundId', 'query-refund-id'],
    ['gatewayRefundId', 'query-gateway-refund-id'],
    ['originalTransactionId', 'query-transaction-id'],
  ]) {
    const value = $(id).value.trim();
    if (value !== '') lookup[key] = value;
  }
  const results = await client.queryRefund(lookup);
  for (const result of results) updateHistoryFrom(client.gateway, result);
  return {
    summary:
      results.length === 1
        ? `${results[0].refundId ?? results[0].gatewayRefundId}, status ${results[0].status}`
        : `${results.length} refunds found`,
    view:
      results.length === 0
        ? h('p', {}, 'The gateway knows no refund for this query.')
        : results.map((r) => resultView(r)),
  };
}

async function verifyNotification() {
  const client = currentClient();
  const { headers, problems } = parseHeaderLines($('notification-headers').value);
  if (problems.length > 0) throw Object.assign(new Error(`Headers: ${problems.join('; ')}`), { name: 'Pasted headers' });
  const notification = client.verifyNotification({ headers, body: $('notification-body').value });
  updateHistoryFrom(client.gateway, notification.refund);
  const { ack, refund: refunded } = notification;
  return {
    summary: `authentic; ${refunded.refundId ?? refunded.gatewayRefundId}, status ${refunded.status}`,
    view: [
      resultView(notification.refund, 'Verified notification'),
      details([['Event', notification.event]]),
      h('h3', {}, 'Reply the gateway expects, once the refund is stored'),
      details([['HTTP status', String(ack.status)]]),
      headerTable('Reply headers', Object.entries(ack.headers ?? {})),
      block('Reply body', ack.body, { class: 'ack' }),
    ],
  };
}

async function generateKeys() {
  const bits = Number($('key-bits').value);
  const pair = await generateKeyPair(bits);
  const fingerprint = keyFingerprint(pair.publicKey);
  $('generated-public').value = pair.publicKeyPem;
  $('generated-private').value = pair.privateKeyPem;
  $('generated-fingerprint').textContent = fingerprint;
  $('generated').hidden = false;
  return { summary: `a ${bits}-bit key pair, fingerprint ${fingerprint}`, view: null };
}

async function fingerprint() {
  $('fingerprint-output').textContent = '';
  const value = keyFingerprint($('fingerprint-input').value.trim());
  $('fingerprint-output').textContent = value;
  return { summary: value, view: null };
}

// ---------------------------------------------------------------------------------------------
// History of the refunds made from this page.

function addToHistory(client, input, result) {
  state.history.unshift({
    client,
    gateway: client.gateway,
    refundId: result.refundId ?? input.refundId,
    gatewayRefundId: result.gatewayRefundId,
    originalTransactionId: result.originalTransactionId ?? input.originalTransactionId,
    amount: result.amount ?? input.amount,
    currency: result.currency ?? input.currency,
    status: result.status,
    checkedAt: new Date(),
  });
  renderHistory();
}

function matches(entry, gateway, result) {
  if (entry.gateway !== gateway) return false;
  if (result.refundId && result.refundId === entry.refundId) return true;
  return Boolean(result.gatewayRefundId) && result.gatewayRefundId === entry.gatewayRefundId;
}

function updateHistoryFrom(gateway, result) {
  let changed = false;
  for (const entry of state.history) {
    if (!matches(entry, gateway, result)) continue;
    entry.status = result.status;
    entry.gatewayRefundId ??= result.gatewayRefundId;
    entry.checkedAt = new Date();
    changed = true;
  }
  if (changed) renderHistory();
}

async function refreshEntry(entry) {
  const lookup = GATEWAYS[entry.gateway].lookup(entry);
  const results = await entry.client.queryRefund(lookup);
  const mine = results.filter((r) => matches(entry, entry.gateway, r));
  if (mine.length === 0) {
    throw Object.assign(new Error(`the gateway's answer does not list refund ${entry.refundId}`), { name: 'Not found' });
  }
  updateHistoryFrom(entry.gateway, mine[0]);
  return mine[0];
}

async function refreshAll() {
  const shown = [];
  for (const entry of state.history) shown.push(await refreshEntry(entry));
  return {
    summary: `${shown.length} refund${shown.length === 1 ? '' : 's'} refreshed`,
    view: shown.map((r) => resultView(r, `Refund ${r.refundId ?? r.gatewayRefundId}`)),
  };
}

function renderHistory() {
  $('history').hidden = state.history.length === 0;
  $('history-empty').hidden = state.history.length > 0;
  $('refresh-all').disabled = state.history.length === 0;
  replace(
    $('history-body'),
    state.history.map((entry) =>
      h(
        'tr',
        { 'data-refund-id': entry.refundId },
        h('td', {}, entry.gateway),
        h('td', {}, h('code', {}, entry.refundId)),
        h('td', { class: 'gateway-refund-id' }, entry.gatewayRefundId ? h('code', {}, entry.gatewayRefundId) : '–'),
        h('td', { class: 'amount' }, `${entry.amount} ${entry.currency}`),
        h('td', {}, statusBadge(entry.status)),
        h('td', {}, timeOfDay(entry.checkedAt)),
        h(
          'td',
          {},
          h(
            'button',
            {
              type: 'button',
              class: 'small',
              'aria-label': `Refresh refund ${entry.refundId}`,
              onclick: () =>
                run('Refresh', async () => {
                  const result = await refreshEntry(entry);
                  return { summary: `${entry.refundId}, status ${result.status}`, view: resultView(result) };
                }),
            },
            'Refresh',
          ),
        ),
      ),
    ),
  );
}

// ---------------------------------------------------------------------------------------------
// Tabs (WAI-ARIA tabs pattern: arrow keys move between tabs, Tab goes into the panel).

function setUpTabs() {
  const tabs = [...document.querySelectorAll('[role="tab"]')];
  const select = (tab) => {
    for (const other of tabs) {
      const selected = other === tab;
      other.setAttribute('aria-selected', String(selected));
      other.tabIndex = selected ? 0 : -1;
      $(other.getAttribute('aria-controls')).hidden = !selected;
    }
  };
  tabs.forEach((tab, index) => {
    tab.addEventListener('click', () => select(tab));
    tab.addEventListener('keydown', (event) => {
      const moves = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: tabs.length - 1 };
      if (!(event.key in moves)) return;
      event.preventDefault();
      const next = tabs[(moves[event.key] + tabs.length) % tabs.length];
      select(next);
      next.focus();
    });
  });
}

// ---------------------------------------------------------------------------------------------

function onSubmit(formId, title, action) {
  $(formId).addEventListener('submit', (event) => {
    event.preventDefault();
    run(typeof title === 'function' ? title() : title, action);
  });
}

async function main() {
  try {
    await init();
  } catch (err) {
    $('load-state').textContent = `The refundkit WebAssembly module did not load: ${err?.message ?? err}`;
    $('load-state').classList.add('failed');
    return;
  }
  // The build lists the gateways it has; a gateway left out of a build is simply not offered.
  GATEWAYS = consoleGateways(gateways());
  GATEWAY_IDS = Object.keys(GATEWAYS);
  await loadServed();
  fillGatewaySelect();
  let previous = selectedGateway();
  onGatewayChange(null);
  $('gateway').addEventListener('change', () => {
    onGatewayChange(previous);
    previous = selectedGateway();
  });
  $('environment').addEventListener('change', () => {
    showEnvironment();
    markDirty();
  });
  $('connection-form').addEventListener('input', markDirty);
  $('connection-form').addEventListener('change', markDirty);
  $('load-sandbox').addEventListener('click', () =>
    run('Loading the sandbox credentials', async () => {
      const gateway = await loadSandboxCredentials();
      return { summary: `credentials of all sandbox gateways loaded; using ${GATEWAYS[gateway].label}`, view: null };
    }),
  );
  onSubmit('connection-form', 'Checking the credentials', async () => {
    currentClient();
    return { summary: `${state.clientDescription} is ready`, view: null };
  });
  $('refund-id').value = newRefundId();
  $('new-refund-id').addEventListener('click', () => {
    $('refund-id').value = newRefundId();
  });
  $('seeded-order').addEventListener('change', useSeededOrder);
  onSubmit('refund-form', 'Refund', refund);
  onSubmit('query-form', 'Query', query);
  onSubmit('notification-form', 'Notification check', verifyNotification);
  onSubmit('keygen-form', 'Key generation', generateKeys);
  onSubmit('fingerprint-form', 'Public key fingerprint', fingerprint);
  $('use-generated').addEventListener('click', () => {
    $('private-key').value = $('generated-private').value;
    markDirty();
    $('private-key').focus();
  });
  $('refresh-all').addEventListener('click', () => run('Refresh all', refreshAll));
  setUpTabs();
  $('load-state').textContent = 'Ready.';
  document.body.dataset.ready = 'true';
}

main();
