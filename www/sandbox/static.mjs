// Serves the admin console (the static files in www/, never www/sandbox itself), the package's
// builds under /pkg/ and its browser entry under /refundkit/ (js/web.mjs imports
// ../pkg/web/refundkit.js, which resolves to /pkg/web/ from there), with a Content-Security-Policy
// that allows no inline script.
import { readFile, stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.ts': 'text/plain; charset=utf-8',
};

const PLACEHOLDER = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>refundkit sandbox</title></head>
<body><h1>refundkit sandbox</h1>
<p>The sandbox gateways are running. The admin console is not in www/ yet.</p>
<p>Client configs and seeded orders: <a href="/sandbox/info">/sandbox/info</a>.</p>
</body></html>
`;

/** The policy for every page: scripts and styles from this origin only, wasm allowed, no inline code. */
export function contentSecurityPolicy(connectOrigins) {
  return [
    "default-src 'self'",
    "script-src 'self' 'wasm-unsafe-eval'",
    `connect-src ${["'self'", ...connectOrigins].join(' ')}`,
    "style-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/**
 * @param {object} options
 * @param {string} options.root the www/ folder
 * @param {string} options.pkgDir the package builds, served under /pkg/
 * @param {string} [options.entryDir] the package's JavaScript entries (js/), served under /refundkit/
 * @param {() => string[]} options.connectOrigins origins the pages may fetch (the sandbox)
 * @returns {(req, res) => Promise<boolean>} true when it answered
 */
export function createStaticHandler({ root, pkgDir, entryDir, connectOrigins }) {
  const mounts = { pkg: resolve(pkgDir), ...(entryDir ? { refundkit: resolve(entryDir) } : {}) };
  const rootDir = resolve(root);
  return async function serveStatic(req, res) {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    const path = safePath(req.url);
    if (path === null) return false;
    // The sandbox's own sources and generated keys are never served.
    if (path[0] === 'sandbox') return false;
    const mounted = Object.hasOwn(mounts, path[0] ?? '');
    const base = mounted ? mounts[path[0]] : rootDir;
    let file = join(base, ...(mounted ? path.slice(1) : path));
    if (file !== base && !file.startsWith(base + sep)) return false;
    let info = await stat(file).catch(() => null);
    if (info?.isDirectory()) {
      file = join(file, 'index.html');
      info = await stat(file).catch(() => null);
    }
    const headers = {
      'content-security-policy': contentSecurityPolicy(connectOrigins()),
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cache-control': 'no-cache',
    };
    if (!info?.isFile()) {
      if (path.length > 0) return false;
      res.writeHead(200, { ...headers, 'content-type': TYPES['.html'] });
      res.end(req.method === 'HEAD' ? undefined : PLACEHOLDER);
      return true;
    }
    const body = await readFile(file);
    res.writeHead(200, {
      ...headers,
      'content-type': TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
      'content-length': body.length,
    });
    res.end(req.method === 'HEAD' ? undefined : body);
    return true;
  };
}

/** The URL path as clean segments, or null for anything that tries to leave the folder or is hidden. */
function safePath(rawUrl) {
  let pathname;
  try {
    pathname = decodeURIComponent(new URL(rawUrl, 'http://127.0.0.1').pathname);
  } catch {
    return null;
  }
  if (pathname.includes('\0') || pathname.includes('\\')) return null;
  const segments = pathname.split('/').filter((s) => s !== '');
  if (segments.some((s) => s === '..' || s.startsWith('.'))) return null;
  return segments;
}
