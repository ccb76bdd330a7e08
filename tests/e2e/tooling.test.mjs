// The project's own commands as a contributor uses them: `cargo xtask serve` (what `cargo xtask
// demo` runs after building) stops its server when it is stopped, even by a signal that reaches
// only it (a process manager, an IDE's stop button), not the terminal's whole process group.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { repository, waitUntil } from './helpers.mjs';

test('stopping cargo xtask serve stops the server it started', async () => {
  const child = spawn('cargo', ['xtask', 'serve', '--port', '0'], { cwd: repository, stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  child.stdout.on('data', (chunk) => { output += chunk; });
  try {
    await waitUntil(() => /http:\/\/\S+/.test(output), 'the server prints its address');
    const url = output.match(/http:\/\/\S+/)[0];
    assert.equal((await fetch(url)).status, 200);
    child.kill('SIGTERM');
    await waitUntil(() => fetch(url).then(() => false, () => true), 'the server stops answering');
  } finally {
    child.kill('SIGKILL');
  }
});
