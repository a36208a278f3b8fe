/**
 * A throwaway Redis for tests and benchmarks: Debian's `redis-server` on a free loopback port, with no
 * persistence (`--save '' --appendonly no`) unless asked for AOF in a directory, stopped by `stop()` (and
 * killed with this process). The fault suite also signals it (`kill`) and starts it again on the same port
 * and directory (`startRedis({ port, dir, appendonly })`). `tsx scripts/redis.ts` starts one in the
 * foreground and prints its URL.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

export interface RedisServer {
  url: string;
  port: number;
  pid: number;
  /** Resolves once the process has exited. */
  exited: Promise<void>;
  /** Sends a signal (SIGKILL, SIGSTOP, SIGCONT, ...). */
  kill(signal: NodeJS.Signals): void;
  stop(): Promise<void>;
}

export interface RedisOptions {
  /** A port to listen on (a restart on the one it had); default a free one. */
  port?: number;
  /** `appendonly yes` with `appendfsync always` in `dir`: what it wrote survives a SIGKILL. */
  appendonly?: boolean;
  /** Its working directory (where the AOF lives). */
  dir?: string;
}

/** A port the kernel says is free on 127.0.0.1 now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** Whether `redis-server` is on the PATH (.ci/run installs Debian's package when it is not). */
export const hasRedis = (): boolean => spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;

/** Starts redis-server on a free loopback port and resolves once it accepts connections. */
export async function startRedis(options: RedisOptions = {}): Promise<RedisServer> {
  for (let tries = 0; ; tries++) {
    const port = options.port ?? (await freePort());
    const persistence = options.appendonly ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no'];
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', ...persistence, '--protected-mode', 'yes', ...(options.dir ? ['--dir', options.dir] : [])];
    const child: ChildProcess = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const ready = await new Promise<boolean>((resolve) => {
      let out = '';
      child.stdout!.on('data', (d: Buffer) => {
        out += d;
        if (out.includes('Ready to accept connections')) resolve(true);
      });
      child.once('exit', () => resolve(false));
      child.once('error', () => resolve(false));
    });
    if (ready) {
      child.stdout!.resume();
      child.stderr!.resume();
      const exited = new Promise<void>((r) => (child.exitCode !== null ? r() : child.once('exit', () => r())));
      return {
        url: `redis://127.0.0.1:${port}`,
        port,
        pid: child.pid!,
        exited,
        kill: (signal) => void child.kill(signal),
        async stop() {
          if (child.exitCode === null) child.kill('SIGCONT');
          if (child.exitCode === null) child.kill('SIGTERM');
          const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
          await exited;
          clearTimeout(timer);
        },
      };
    }
    // Another process took the port between the check and the start: try another.
    if (tries >= 5 || options.port !== undefined) throw new Error('redis-server did not start (is Debian\'s redis-server installed?)');
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const redis = await startRedis();
  console.log(`Redis on ${redis.url} (Ctrl-C stops it)`);
  process.on('SIGINT', () => void redis.stop().then(() => process.exit(0)));
}
