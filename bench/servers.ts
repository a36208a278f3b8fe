/**
 * Servers for the benchmarks, each in its own process so that on a small machine the client being measured
 * has a core to itself: a keep-alive node:http server answering one fixed, valid run for every request, and
 * the local FLORA simulator.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** A fixed answer valid for every operation: a TechniqueRun that is also a RunStartedResponse. */
export const FIXED_RUN = {
  run_id: 'run_abc123',
  status: 'completed',
  progress: 100,
  created_at: 1767225600,
  started_at: 1767225601,
  completed_at: 1767225646,
  charged_cost: 0.04,
  estimated_seconds: 45,
  type: 'technique',
  outputs: [
    { output_id: 'output_1', type: 'text', url: 'https://media.flora.ai/sim/run_abc123/output_1.txt' },
    { output_id: 'output_2', type: 'imageUrl', url: 'https://media.flora.ai/sim/run_abc123/output_2.png' },
  ],
  poll_url: 'https://app.flora.ai/api/v1/techniques/art-directors-critique/runs/run_abc123',
};

const FIXED_SERVER = `
const http = require('node:http');
const body = process.argv[1];
const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    // Under /chunked/ the same body without a content-length: the read the client must stream and count.
    if (req.url.includes('/chunked/')) {
      res.writeHead(200, { 'content-type': 'application/json', 'x-request-id': 'req_bench' });
      res.write(body);
      return res.end();
    }
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'x-request-id': 'req_bench' });
    res.end(body);
  });
});
server.keepAliveTimeout = 60000;
server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ url: 'http://127.0.0.1:' + server.address().port + '/api/v1' })));
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
`;

export interface ChildServer {
  url: string;
  close(): Promise<void>;
}

/** Waits for the child's first stdout line, JSON with `url`. The child exits when its stdin closes. */
async function started(child: ChildProcess): Promise<ChildServer> {
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n')[0];
      if (out.includes('\n') && line) resolve((JSON.parse(line) as { url: string }).url);
    });
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.stdin!.end();
      }),
  };
}

/** The fixed-answer server. */
export function startFixedServer(): Promise<ChildServer> {
  return started(spawn(process.execPath, ['-e', FIXED_SERVER, JSON.stringify(FIXED_RUN)], { stdio: ['pipe', 'pipe', 'inherit'] }));
}

/** The simulator: no faults, no rate limit, the default key. */
export function startSimulatorProcess(): Promise<ChildServer> {
  const entry = fileURLToPath(new URL('./simulator-server.ts', import.meta.url));
  return started(spawn(process.execPath, ['--import', 'tsx', entry], { stdio: ['pipe', 'pipe', 'inherit'] }));
}
