/** The matrix program from a command line (Node, Bun, Deno): `<runtime> main.mjs <baseUrl> <apiKey>`; prints its findings as one JSON line. */
import { check } from './program.mjs';

const [baseUrl, apiKey] = typeof Deno === 'object' ? Deno.args : process.argv.slice(2);
console.log(JSON.stringify(await check(baseUrl, apiKey)));
