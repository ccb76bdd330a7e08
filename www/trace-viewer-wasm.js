// @ts-check
// The two WebAssembly modules, compiled once per page: the page's (the viewer, the element's
// handle and the decoder), which the element waits for before it can draw, and the worker's (the
// importers and the encoder), fetched and compiled meanwhile and shared with every import worker.
// Also freeing replaced traces a slice at a time.
import init, { releaseMemory, setViewMarkup } from './wasm/trace_viewer.js';
import { nextTask } from './trace-viewer-bytes.js';
import { viewMarkup } from './trace-viewer-trust.js';

// The views' static markup reaches innerHTML through the element's Trusted Types policy.
setViewMarkup(viewMarkup);

/** @typedef {string | URL | BufferSource | WebAssembly.Module} WasmSource */

/** @type {WasmSource | null} */
let pageWasmLocation = null;
/** @type {WasmSource | null} */
let workerWasmLocation = null;
/** @type {Promise<unknown> | null} */
let pageReady = null;
/** @type {{ memory?: WebAssembly.Memory } | null} */
let pageExports = null;
/** @type {Promise<WebAssembly.Module> | null} */
let workerModuleReady = null;

/** Milliseconds of work per slice on the page; the browser draws and handles input in between. */
export const SLICE_MS = 30;

/**
 * Points the element at a different `trace_viewer_bg.wasm` (a URL, or the bytes themselves); call
 * before the first element connects.
 * @param {WasmSource} location
 */
export function setWasmUrl(location) {
  pageWasmLocation = location;
}

/**
 * Points the import at a different `trace_viewer_worker_bg.wasm` (a URL, or the bytes
 * themselves); call before the first element connects.
 * @param {WasmSource} location
 */
export function setWorkerWasmUrl(location) {
  workerWasmLocation = location;
}

/**
 * Compiles a module from a URL, bytes or an already compiled module.
 * @param {WasmSource} location
 * @param {string} what which module, for the error message
 * @returns {Promise<WebAssembly.Module>}
 */
async function compileWasm(location, what) {
  if (location instanceof WebAssembly.Module) return location;
  if (location instanceof ArrayBuffer || ArrayBuffer.isView(location)) return WebAssembly.compile(location);
  const response = await fetch(location);
  if (!response.ok) throw new Error(`Could not load trace-viewer's ${what} from ${location}: HTTP ${response.status}`);
  const streaming = typeof WebAssembly.compileStreaming === 'function' && response.headers.get('content-type')?.startsWith('application/wasm');
  return streaming ? WebAssembly.compileStreaming(response) : WebAssembly.compile(await response.arrayBuffer());
}

/**
 * Compiles and instantiates the page's module once per page (later calls share the promise) and
 * starts compiling the worker's alongside. Rejects with a readable error where the browser has
 * no WebAssembly.
 * @returns {Promise<unknown>}
 */
export function loadPageModule() {
  if (!pageReady) {
    if (typeof WebAssembly !== 'object') {
      return Promise.reject(new Error('trace-viewer needs WebAssembly, which this browser does not provide.'));
    }
    // setWasmUrl() wins; then a page-wide `globalThis.TRACE_VIEWER_WASM` set before this module
    // loads (a URL or the bytes); else the file next to this module.
    const location = pageWasmLocation ?? globalThis.TRACE_VIEWER_WASM ?? new URL('./wasm/trace_viewer_bg.wasm', import.meta.url);
    pageReady = compileWasm(location, 'page module')
      .then((module) => init({ module_or_path: module }))
      .then((exports) => {
        pageExports = exports;
        return exports;
      });
    loadWorkerModule().catch(() => {});
  }
  return pageReady;
}

/**
 * The worker's module, compiled once per page.
 * @returns {Promise<WebAssembly.Module>}
 */
export function loadWorkerModule() {
  if (!workerModuleReady) {
    const location = workerWasmLocation ?? globalThis.TRACE_VIEWER_WORKER_WASM
      ?? new URL('./wasm/trace_viewer_worker_bg.wasm', import.meta.url);
    const compiling = compileWasm(location, 'import module');
    // A failed download is not kept: the next load tries again.
    compiling.catch(() => { if (workerModuleReady === compiling) workerModuleReady = null; });
    workerModuleReady = compiling;
  }
  return workerModuleReady;
}

/** Bytes of WebAssembly memory in use by all viewers on the page (0 before the first one loads). */
export function wasmMemoryBytes() {
  return pageExports?.memory?.buffer.byteLength ?? 0;
}

/** Whether a release loop is running (one per page serves every element). */
let releasing = false;

/**
 * Frees the traces no element shows any more, a slice per task, so replacing or removing a large
 * trace never blocks the page. What a view still holds is retried a few times, 100 ms apart.
 */
export async function releaseOldTraces() {
  if (releasing || !pageExports) return;
  releasing = true;
  try {
    for (let waits = 0; waits < 20;) {
      const state = releaseMemory(SLICE_MS);
      if (state === 0) break;
      if (state === 2) waits += 1;
      await (state === 2 ? new Promise((resolve) => setTimeout(resolve, 100)) : nextTask());
    }
  } finally {
    releasing = false;
  }
}
