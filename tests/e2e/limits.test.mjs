// Limits in words, not crashes: an input larger than a load may bring, or a gzip file that
// expands past it, is refused with its size before it is read (or decompressed) whole (in a corpus,
// a gzip file stops being decompressed there), and the
// next load works. The ceiling is lowered to 1 MB here with setMaxFileBytes, so the inputs stay small.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newPage, useBrowserAndServer } from './helpers.mjs';

const session = useBrowserAndServer();

test('too large inputs and gzip bombs are refused with their size, and the next load works', async () => {
  const page = await newPage(session.browser);
  await page.goto(`${session.server.url}test-pages/two-viewers.html`);
  await page.locator('#left .tv-row').first().waitFor();
  const outcomes = await page.evaluate(async () => {
    const { setMaxFileBytes } = await import('/pkg/trace-viewer.js');
    setMaxFileBytes(1_000_000);
    const right = document.getElementById('right');
    /** The message of the next load-error event, or 'loaded' when the next load succeeds. */
    const nextOutcome = () => new Promise((resolve) => {
      const settle = (event) => {
        right.removeEventListener('load', settle);
        right.removeEventListener('load-error', settle);
        resolve(event.type === 'load' ? 'loaded' : event.detail.message);
      };
      right.addEventListener('load', settle);
      right.addEventListener('load-error', settle);
    });
    /** Loads with `start`; what the rejection and the event said. */
    const refusal = async (start) => {
      const fired = nextOutcome();
      const rejected = await start().then(() => 'loaded', (error) => `${error.name}: ${error.message}`);
      return { rejected, fired: await fired };
    };
    // 8 MB of spaces, gzipped to a few kilobytes: decompression stops at the ceiling.
    const spaces = new Blob([new Uint8Array(8_000_000).fill(0x20)]);
    const gzipped = await new Response(spaces.stream().pipeThrough(new CompressionStream('gzip'))).arrayBuffer();
    const bomb = await refusal(() => right.load(new File([gzipped], 'bomb.json.gz')));
    // A plain file over the ceiling: refused from its size, before it is read.
    const large = await refusal(() => right.load(new File([new Uint8Array(2_000_000).fill(0x20)], 'large.json')));
    // Bytes in memory.
    const bytes = await refusal(() => right.load(new Uint8Array(1_500_000).fill(0x20)));
    // Several files are a corpus, read a slice at a time (no ceiling on them together), but a
    // gzip file in it stops being decompressed at the ceiling.
    const corpusBomb = await refusal(() => right.load([new File([gzipped], 'bomb.jsonl.gz'), new File(['{}\n'], 'other.jsonl')]));
    // A fetched file: refused from its announced size, or as its bytes pass the ceiling.
    setMaxFileBytes(10_000);
    const fetchedOutcome = nextOutcome();
    right.src = '/fixtures/langfuse/langfuse-langgraph-js-20obs.json';
    const fetched = await fetchedOutcome;
    const gzipBytes = gzipped.byteLength;
    setMaxFileBytes();
    const next = await right.load('{"format":"trace-viewer/v1","spans":[{"id":"a","name":"after the refusals","start":0,"duration_ms":1}]}');
    return { bomb, large, bytes, corpusBomb, fetched, gzipBytes, next: next.spanCount };
  });
  assert.ok(outcomes.gzipBytes < 100_000, `the bomb is small: ${outcomes.gzipBytes} bytes`);
  assert.match(outcomes.bomb.rejected, /^TraceLoadError: .*bomb\.json\.gz \(\d+ KB of gzip\): expands to more than 1 MB \(decompressing stopped there\); the viewer opens at most 1 MB at once/);
  assert.equal(outcomes.bomb.fired, outcomes.bomb.rejected.replace('TraceLoadError: ', ''));
  assert.match(outcomes.large.rejected, /large\.json: 2 MB; the viewer opens at most 1 MB/);
  assert.match(outcomes.bytes.rejected, /This input: 1\.5 MB; the viewer opens at most 1 MB/);
  assert.match(outcomes.corpusBomb.rejected, /bomb\.jsonl\.gz: It expands to more than 1 MB; decompressing stopped there/);
  assert.match(outcomes.fetched, /langfuse-langgraph-js-20obs\.json: \d+ KB; the viewer opens at most 10 KB/);
  assert.equal(outcomes.next, 1, 'the next load works');
  await page.locator('#right .tv-row', { hasText: 'after the refusals' }).waitFor();
  assert.deepEqual(page.errors, []);
  await page.close();
});
