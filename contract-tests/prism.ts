/**
 * Starts the project's own Prism (`node_modules/.bin/prism mock spec/openapi.yaml`) on a free loopback
 * port and stops it again, process group and all. Used by the contract project's global setup; usable
 * on its own (`startPrism()`) from a script.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const PRISM_BIN = fileURLToPath(new URL('../node_modules/.bin/prism', import.meta.url));
export const SPEC_FILE = fileURLToPath(new URL('../spec/openapi.yaml', import.meta.url));

export interface PrismOptions {
  /** The OpenAPI document to mock. Default spec/openapi.yaml. */
  specFile?: string;
  /** How long to wait for Prism to answer, in ms. Default 30 000. */
  startTimeoutMs?: number;
  /** Seed for `--seed`; requests also send their own `Prefer: seed=...`. */
  seed?: string;
  /** Prism's `--verboseLevel`. Default `warn`: request violations are still logged, per-request chatter is not. */
  verboseLevel?: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';
}

export interface PrismServer {
  url: string;
  pid: number;
  /** The last lines Prism wrote (stdout and stderr), for error messages. */
  tail(): string;
  close(): Promise<void>;
}

/** A free TCP port on 127.0.0.1: listen on port 0, read the port, close. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('could not find a free port'))));
    });
  });
}

/** Keeps the last `max` characters written to a stream. */
function tailBuffer(max = 8_000) {
  let text = '';
  return {
    push(chunk: Buffer | string) {
      text = (text + chunk.toString()).slice(-max);
    },
    get: () => text,
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Sends SIGTERM to the process group, then SIGKILL if it is still there after `graceMs`. */
async function killGroup(child: ChildProcess, graceMs = 3_000): Promise<void> {
  const pid = child.pid;
  if (pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const signal = (sig: NodeJS.Signals) => {
    try {
      process.kill(-pid, sig); // the whole group: prism forks workers with -m
    } catch {
      try {
        child.kill(sig);
      } catch {
        // already gone
      }
    }
  };
  signal('SIGTERM');
  const timedOut = await Promise.race([exited.then(() => false), sleep(graceMs).then(() => true)]);
  if (timedOut) {
    signal('SIGKILL');
    await Promise.race([exited, sleep(1_000)]);
  }
}

/**
 * Starts Prism and resolves once it answers HTTP. Throws, with Prism's output tail, if it exits or does
 * not answer within the deadline.
 */
export async function startPrism(options: PrismOptions = {}): Promise<PrismServer> {
  if (!existsSync(PRISM_BIN)) {
    throw new Error(`Prism is not installed at ${PRISM_BIN}: run \`npm ci\` (it is a devDependency, @stoplight/prism-cli).`);
  }
  const port = await freePort();
  const host = '127.0.0.1';
  const url = `http://${host}:${port}`;
  const args = ['mock', options.specFile ?? SPEC_FILE, '--host', host, '--port', String(port), '--verboseLevel', options.verboseLevel ?? 'warn'];
  if (options.seed) args.push('--seed', options.seed);
  const output = tailBuffer();
  const child = spawn(PRISM_BIN, args, {
    cwd: ROOT,
    detached: true, // its own process group, so teardown can kill it and anything it forked
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
  });
  child.stdout!.on('data', output.push);
  child.stderr!.on('data', output.push);
  let exit: string | undefined;
  child.once('exit', (code, signal) => {
    exit = signal ? `signal ${signal}` : `code ${code}`;
  });
  let spawnError: Error | undefined;
  child.once('error', (err) => {
    spawnError = err;
  });

  const server: PrismServer = {
    url,
    pid: child.pid ?? -1,
    tail: () => output.get().trim().split('\n').slice(-40).join('\n'),
    close: () => killGroup(child),
  };

  const timeoutMs = options.startTimeoutMs ?? 30_000;
  const deadline = Date.now() + timeoutMs;
  let lastError = '';
  while (Date.now() < deadline) {
    if (spawnError || exit) break;
    try {
      // Any HTTP answer means it is listening (an unknown path answers 404).
      const res = await fetch(`${url}/__contract_ready`, { signal: AbortSignal.timeout(1_000) });
      await res.arrayBuffer();
      return server;
    } catch (err) {
      lastError = err instanceof Error ? `${err.message}${(err.cause as Error | undefined)?.message ? ` (${(err.cause as Error).message})` : ''}` : String(err);
    }
    await sleep(150);
  }
  const why = spawnError
    ? `could not be spawned: ${spawnError.message}`
    : exit
      ? `exited (${exit})`
      : `did not answer within ${timeoutMs} ms (last: ${lastError || 'no attempt'})`;
  await server.close();
  throw new Error(`Prism (${PRISM_BIN} ${args.join(' ')}) ${why}. Its output:\n${server.tail() || '(no output)'}`);
}
