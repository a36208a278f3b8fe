/**
 * `npm run bench`: the performance tables: per-call overhead against raw fetch, bare
 * openapi-fetch and the official client; throughput at 1, 8 and 64 in flight; heap growth over 100,000
 * calls (needs `--expose-gc`; fails the run if the heap grows by 5 MB or more). The polling figures
 * (`bench/polling.bench.ts`) follow from the same npm script. Every figure is relative to a baseline
 * measured in the same run; the machine and its load are printed with them.
 */
import { measureMemory } from './memory.js';
import { measureOverhead } from './overhead.js';
import { measureThroughput } from './throughput.js';
import { machine } from './stats.js';

const started = performance.now();
console.log(`## Performance\n\nMachine: ${machine()}\n`);
console.log(`${(await measureOverhead()).markdown}\n`);
console.log(`${(await measureThroughput()).markdown}\n`);
const memory = await measureMemory();
console.log(`${memory.markdown}\n`);
console.log(`Machine afterwards: ${machine()}; ${((performance.now() - started) / 1000).toFixed(0)} s in all.`);
if (!memory.ok) process.exitCode = 1;
