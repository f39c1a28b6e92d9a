// Small DOM builders. Everything shown comes from gateways, pasted text or the operator, so text is
// always set as text (never parsed as HTML).

/** h('div', { class: 'x' }, 'text', child) */
export function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'class') node.className = value;
    else if (name === 'text') node.textContent = value;
    else if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

export function replace(container, ...children) {
  container.replaceChildren(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
}

const STATUSES = new Set(['pending', 'succeeded', 'failed', 'cancelled', 'unknown']);

/** The refund status as a coloured, labelled badge (the word is always written out, never colour alone). */
export function statusBadge(status) {
  const known = STATUSES.has(status) ? status : 'unknown';
  return h('span', { class: `badge badge-${known}`, 'data-status': status }, status ?? 'unknown');
}

/** A definition list of the given [label, value] pairs, skipping empty values. */
export function details(pairs) {
  const list = h('dl', { class: 'details' });
  for (const [label, value] of pairs) {
    if (value === undefined || value === null || value === '') continue;
    list.append(h('dt', {}, label), h('dd', {}, value instanceof Node ? value : String(value)));
  }
  return list;
}

/** A preformatted block with a heading, for bodies and strings that must be seen byte for byte. */
export function block(title, text, attrs = {}) {
  return h(
    'div',
    { class: 'block' },
    h('h4', {}, title),
    h('pre', { ...attrs, tabindex: '0' }, text === '' ? '(empty)' : text),
  );
}

/** Headers as a two-column table. */
export function headerTable(caption, entries) {
  if (entries.length === 0) return h('p', { class: 'hint' }, `${caption}: none`);
  return h(
    'table',
    { class: 'headers' },
    h('caption', {}, caption),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Name'), h('th', { scope: 'col' }, 'Value'))),
    h(
      'tbody',
      {},
      entries.map(([name, value]) => h('tr', {}, h('th', { scope: 'row' }, name), h('td', {}, h('code', {}, value)))),
    ),
  );
}

export function timeOfDay(date) {
  return date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });
}
