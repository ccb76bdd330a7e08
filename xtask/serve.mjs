// A tiny static file server for the demo, the tests and the benchmarks: `/pkg/...` comes from
// the built npm package, everything else from www/. Loopback only. Extra response headers (a
// Content-Security-Policy, say) can be given per test.
import { createServer } from 'node:http';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const repository = resolve(fileURLToPath(new URL('..', import.meta.url)));

const CONTENT_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.ts': 'text/plain; charset=utf-8',
  '.md': 'text/plain; charset=utf-8',
};

/** Maps a URL path to a file under one of `roots` ({prefix: directory}), or null if outside them. */
function resolvePath(roots, urlPath) {
  const path = decodeURIComponent(urlPath.split('?')[0]);
  const prefix = Object.keys(roots)
    .sort((a, b) => b.length - a.length)
    .find((candidate) => path === candidate.slice(0, -1) || path.startsWith(candidate));
  if (prefix === undefined) return null;
  const root = roots[prefix];
  const relative = normalize(path.slice(prefix.length)).replace(/^([/\\])+/, '');
  const file = join(root, relative || 'index.html');
  return file === root || file.startsWith(root + sep) ? file : null;
}

/**
 * Starts the server. `roots` maps URL prefixes to directories (default: `/pkg/` → pkg, `/` → www).
 * Resolves with `{ url, close }` once listening.
 */
export function startServer({ port = 0, roots, headers = {} } = {}) {
  const mounts = roots ?? { '/pkg/': join(repository, 'pkg'), '/': join(repository, 'www') };
  const server = createServer(async (request, response) => {
    let file = resolvePath(mounts, request.url ?? '/');
    try {
      if (file && (await stat(file)).isDirectory()) file = join(file, 'index.html');
      if (!file) throw new Error('outside the served folders');
      const { size } = await stat(file);
      const head = {
        'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
        'content-length': size,
        'cache-control': 'no-store',
        ...headers,
      };
      // Streamed: a generated corpus of several gigabytes is more than one buffer may hold.
      const stream = createReadStream(file);
      await new Promise((opened, failed) => stream.once('open', opened).once('error', failed));
      response.writeHead(200, head);
      stream.pipe(response);
    } catch {
      response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      response.end('not found');
    }
  });
  return new Promise((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const { port: actualPort } = server.address();
      resolvePromise({
        url: `http://127.0.0.1:${actualPort}/`,
        close: () => new Promise((done) => server.close(done)),
      });
    });
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const portArgument = process.argv.indexOf('--port');
  const port = portArgument > 0 ? Number(process.argv[portArgument + 1]) : 8080;
  const query = process.argv.includes('--src') ? `?src=${encodeURIComponent(process.argv[process.argv.indexOf('--src') + 1])}` : '';
  startServer({ port })
    .catch(() => startServer({ port: 0 }))
    .then(({ url }) => {
      console.log(`trace-viewer is serving www/ and pkg/ at ${url}${query}`);
      console.log('Press Ctrl+C to stop.');
    });
  // Stopped with `cargo xtask demo` (its process ended by a signal that reached only it, not the
  // whole terminal's group): the server is orphaned, its parent changes, and it stops too.
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) process.exit(0);
  }, 500);
}
