/** The simulator for `npm run bench` (see servers.ts): prints its URL as JSON, exits when stdin closes. */
import { startSimulator } from '../src/testing/index.js';

const sim = await startSimulator({ seed: 1, timeScale: 1 });
console.log(JSON.stringify({ url: sim.url }));
process.stdin.on('end', () => void sim.close().then(() => process.exit(0)));
process.stdin.resume();
