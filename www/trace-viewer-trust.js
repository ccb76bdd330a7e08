// @ts-check
// Trusted Types, for pages that enforce them (`require-trusted-types-for 'script'`): the element's
// one policy, "trace-viewer" (a page that lists allowed names in `trusted-types` adds it). It
// vouches for exactly two things, neither of which ever holds text from a trace:
// - the markup of the views compiled into the page's wasm module: Leptos writes the static parts
//   of a view (such as `<span class="tv-toolbar-gap"></span>`) with innerHTML, and sets every text
//   from a trace as text (the build refuses sources that use an HTML sink: xtask/src/trusted_types.rs);
// - the script URLs of the element's own import worker.
// Where the browser has no Trusted Types, or the page refuses the name, strings pass unchanged
// (and a page that enforces Trusted Types then reports what it blocked).

/** The policy's name, for a page's `trusted-types` directive. */
export const POLICY_NAME = 'trace-viewer';

/**
 * @typedef {{ createHTML(html: string): unknown, createScriptURL(url: string): unknown }} Policy
 */

/** `undefined` until first needed; `null` where there is none. @type {Policy | null | undefined} */
let policy;

/** @returns {Policy | null} */
function trustPolicy() {
  if (policy === undefined) {
    policy = null;
    const factory = /** @type {{ trustedTypes?: { createPolicy(name: string, rules: object): Policy } }} */ (globalThis).trustedTypes;
    if (factory) {
      try {
        policy = factory.createPolicy(POLICY_NAME, {
          createHTML: (/** @type {string} */ html) => html,
          createScriptURL: (/** @type {string} */ url) => url,
        });
      } catch (error) {
        // The page's `trusted-types` directive does not allow the name (or it exists already).
        console.warn(`trace-viewer: no Trusted Types policy "${POLICY_NAME}" (${error}); allow it in the page's trusted-types directive.`);
      }
    }
  }
  return policy;
}

/**
 * A view's compiled markup as innerHTML takes it. Called by the page module's glue only.
 * @param {string} html
 * @returns {string}
 */
export function viewMarkup(html) {
  return /** @type {string} */ (trustPolicy()?.createHTML(html) ?? html);
}

/**
 * The element's own worker script URL as `new Worker` takes it.
 * @param {string | URL} url
 * @returns {string | URL}
 */
export function workerScriptUrl(url) {
  return /** @type {string | URL} */ (trustPolicy()?.createScriptURL(String(url)) ?? url);
}
