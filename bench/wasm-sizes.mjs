// Where the bytes of a .wasm go: section sizes, and the largest functions and crates by code size,
// read from the name section. Run it on a module that still has its names, for example
//   wasm-bindgen --target nodejs --out-dir /tmp/named target/wasm32-unknown-unknown/release/refundkit.wasm
//   node bench/wasm-sizes.mjs /tmp/named/refundkit_bg.wasm [top]
import { readFileSync } from 'node:fs';

const SECTION_NAMES = ['custom', 'type', 'import', 'function', 'table', 'memory', 'global', 'export',
  'start', 'element', 'code', 'data', 'datacount', 'tag'];

function reader(bytes, pos = 0) {
  return {
    get pos() { return pos; },
    set pos(p) { pos = p; },
    u8: () => bytes[pos++],
    uleb() {
      let result = 0, shift = 0, byte;
      do { byte = bytes[pos++]; result += (byte & 0x7f) * 2 ** shift; shift += 7; } while (byte & 0x80);
      return result;
    },
    name() { const n = this.uleb(); const s = Buffer.from(bytes.subarray(pos, pos + n)).toString('utf8'); pos += n; return s; },
  };
}

export function analyse(bytes) {
  const r = reader(bytes, 8);
  const sections = [];
  let importedFunctions = 0;
  const bodies = [];
  const names = new Map();
  while (r.pos < bytes.length) {
    const id = r.u8();
    const size = r.uleb();
    const start = r.pos;
    let label = SECTION_NAMES[id] ?? `id ${id}`;
    if (id === 0) {
      label = `custom "${r.name()}"`;
      if (label === 'custom "name"') readNames(r, start + size, names);
    } else if (id === 2) {
      const count = r.uleb();
      for (let i = 0; i < count; i++) {
        r.name(); r.name();
        const kind = r.u8();
        if (kind === 0) { r.uleb(); importedFunctions++; }
        else if (kind === 1) { r.u8(); limits(r); }
        else if (kind === 2) limits(r);
        else if (kind === 3) { r.u8(); r.u8(); }
        else if (kind === 4) { r.u8(); r.uleb(); }
      }
    } else if (id === 10) {
      const count = r.uleb();
      for (let i = 0; i < count; i++) {
        const len = r.uleb();
        bodies.push({ index: importedFunctions + i, size: len + 1 });
        r.pos += len;
      }
    }
    sections.push({ label, size });
    r.pos = start + size;
  }
  for (const b of bodies) b.name = names.get(b.index) ?? `func[${b.index}]`;
  return { sections, bodies };
}

function limits(r) {
  const flags = r.u8();
  r.uleb();
  if (flags & 1) r.uleb();
}

function readNames(r, end, names) {
  while (r.pos < end) {
    const kind = r.u8();
    const size = r.uleb();
    const next = r.pos + size;
    if (kind === 1) {
      const count = r.uleb();
      for (let i = 0; i < count; i++) {
        const index = r.uleb();
        names.set(index, r.name());
      }
    }
    r.pos = next;
  }
}

/** The crate a (mangled or demangled) Rust symbol belongs to, as well as can be guessed. */
function crateOf(name) {
  const legacy = name.match(/^_ZN(?:\d+)(\w+?)(?=\d|\.\.|$)/);
  let text = name;
  if (legacy) {
    const first = name.slice(3).match(/^(\d+)/);
    if (first) text = name.slice(3 + first[1].length, 3 + first[1].length + Number(first[1]));
  }
  text = text.replace(/^[<&]+/, '').replace(/^_</, '');
  const m = text.match(/^([A-Za-z_][A-Za-z0-9_]*)/);
  return m ? m[1] : '?';
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const file = process.argv[2];
  const top = Number(process.argv[3] ?? 30);
  const { sections, bodies } = analyse(readFileSync(file));
  const total = sections.reduce((s, x) => s + x.size, 0);
  console.log(`${file}: ${total} bytes in sections`);
  for (const s of sections.sort((a, b) => b.size - a.size)) console.log(`  ${String(s.size).padStart(8)}  ${s.label}`);
  const byCrate = new Map();
  for (const b of bodies) byCrate.set(crateOf(b.name), (byCrate.get(crateOf(b.name)) ?? 0) + b.size);
  console.log('\ncode bytes by crate (from symbol names):');
  for (const [c, n] of [...byCrate].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`  ${String(n).padStart(8)}  ${c}`);
  console.log(`\nlargest ${top} functions:`);
  for (const b of bodies.sort((a, b) => b.size - a.size).slice(0, top)) console.log(`  ${String(b.size).padStart(8)}  ${b.name.slice(0, 150)}`);
}
