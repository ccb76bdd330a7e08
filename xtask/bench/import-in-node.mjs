// The worker's import alone, in Node, for comparing two builds and for profiles (the browser's
// figures on this machine swing more than most changes; `cargo xtask bench-formats` gives those).
// Build the worker's wasm with names and bind it into a folder, then run this on trace files:
//
//   cargo build --release --target wasm32-unknown-unknown -p trace-viewer-worker --lib
//   wasm-bindgen --target web --keep-debug --out-dir /tmp/worker-a \
//     target/wasm32-unknown-unknown/release/trace_viewer_worker.wasm
//   node xtask/bench/import-in-node.mjs /tmp/worker-a [--runs N] FILE...
//   node --cpu-prof xtask/bench/import-in-node.mjs /tmp/worker-a FILE   # a profile
//
// Per file: the best of N imports as the worker runs them (`ImportInput.import`, the model kept
// as a worker of one load keeps it), beside JSON.parse of the same text. Run two builds in turns,
// several times, and compare like with like.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [folder, ...rest] = process.argv.slice(2);
if (!folder) throw new Error('usage: node xtask/bench/import-in-node.mjs WASM_FOLDER [--runs N] FILE...');
const runsAt = rest.indexOf('--runs');
const runs = runsAt >= 0 ? Number(rest[runsAt + 1]) : 4;
const files = rest.filter((_, at) => runsAt < 0 || (at !== runsAt && at !== runsAt + 1));
const bindings = await import(pathToFileURL(join(resolve(folder), 'trace_viewer_worker.js')).href);
bindings.initSync({ module: readFileSync(join(resolve(folder), 'trace_viewer_worker_bg.wasm')) });

for (const path of files) {
  const bytes = readFileSync(path);
  const imports = [];
  const parses = [];
  for (let run = 0; run < runs; run += 1) {
    const text = new TextDecoder().decode(bytes);
    let started = performance.now();
    JSON.parse(text);
    parses.push(performance.now() - started);
    const input = new bindings.ImportInput();
    input.append(input.addFile('trace.json', bytes.length), new Uint8Array(bytes));
    started = performance.now();
    input.import(null, () => {});
    imports.push(performance.now() - started);
  }
  const best = (values) => Math.min(...values);
  console.log(`${path}: import ${best(imports).toFixed(0)} ms, JSON.parse ${best(parses).toFixed(0)} ms (best of ${runs}), ratio ${(best(imports) / best(parses)).toFixed(2)}`);
}
