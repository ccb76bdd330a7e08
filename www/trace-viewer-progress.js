// @ts-check
// The progress bar over a viewer while a file downloads, is imported and is prepared for the
// view. It lives outside the Leptos view (in the shadow root, beside it), so it shows even before
// the first trace.

/**
 * @typedef {{ phase: 'downloading', received: number, total: number }
 *   | { phase: 'importing', size: number, spansRead?: number }
 *   | { phase: 'preparing', share: number }} Progress
 */

const megabytes = (/** @type {number} */ bytes) => `${(bytes / 1e6).toFixed(1)} MB`;

/**
 * What the bar says for a step of a load.
 * @param {Progress} progress
 */
export function progressLabel(progress) {
  switch (progress.phase) {
    case 'importing':
      if (progress.spansRead === undefined) return `Reading ${megabytes(progress.size)}…`;
      if (progress.spansRead < 0) return 'Building the tree…';
      return `Reading ${megabytes(progress.size)}… ${progress.spansRead.toLocaleString('en-US')} spans`;
    case 'preparing':
      return `Preparing the view… ${Math.floor(progress.share * 100)}%`;
    default:
      return progress.total
        ? `Downloading ${megabytes(progress.received)} of ${megabytes(progress.total)}`
        : `Downloading ${megabytes(progress.received)}`;
  }
}

/**
 * Shows `progress` in `root`'s bar (made on first use), or removes the bar for `null`.
 * @param {ShadowRoot} root
 * @param {Progress | null} progress
 */
export function showProgress(root, progress) {
  let bar = root.querySelector('.tv-progress');
  if (!progress) {
    bar?.remove();
    return;
  }
  if (!bar) {
    bar = document.createElement('div');
    bar.className = 'tv-progress';
    bar.setAttribute('role', 'progressbar');
    bar.setAttribute('part', 'progress');
    bar.append(document.createElement('span'), document.createElement('progress'));
    root.append(bar);
  }
  const label = /** @type {HTMLSpanElement} */ (bar.children[0]);
  const track = /** @type {HTMLProgressElement} */ (bar.children[1]);
  label.textContent = progressLabel(progress);
  if (progress.phase === 'importing') {
    track.removeAttribute('value');
  } else if (progress.phase === 'preparing') {
    track.max = 1;
    track.value = progress.share;
  } else if (progress.total) {
    track.max = progress.total;
    track.value = progress.received;
  }
  bar.setAttribute('aria-valuetext', label.textContent);
}
