#!/usr/bin/env node
/** Entry of the `flora` binary: wires the process's streams and Ctrl-C into the program. */
import { main } from './program.js';
import pkg from '../../package.json' with { type: 'json' };

// `flora ... | head` closes our stdout early: that is the reader's choice, not a crash.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
}

const interrupt = new AbortController();
let interrupted = 0;
process.on('SIGINT', () => {
  // First Ctrl-C stops waiting cleanly (the run id is printed); a second one quits at once.
  if (++interrupted > 1) process.exit(130);
  interrupt.abort();
});

const code = await main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, interrupt: interrupt.signal }, pkg.version);
process.exitCode = code;
