/**
 * Upload: the process's peak memory growth and the throughput of one `assets.upload()` of a large file
 * (default 512 MiB) to the local simulator, ours against FLORA's SDK's `assets.upload()` measured in the
 * same run. Each upload runs in a fresh process (so one's memory is not the other's baseline); the
 * simulator and its storage host run in another (so their memory is not counted). Growth is the process's
 * peak resident set (`maxRSS`) less its resident set just before the upload.
 *
 *   npm run bench:upload                # 512 MiB, 2 rounds each
 *   npm run bench:upload -- --size 1024 --rounds 1
 */
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, ftruncateSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMain, machine, median, table } from './stats.js';

const HERE = fileURLToPath(import.meta.url);
const arg = (name: string, fallback: number) => {
  const at = process.argv.indexOf(name);
  return at >= 0 ? Number(process.argv[at + 1]) : fallback;
};

/** One upload in this process: prints `{ ms, growthBytes }`. */
async function client(who: 'ours' | 'sdk', url: string, file: string): Promise<void> {
  const apiKey = 'flora_sim_test_key';
  const upload =
    who === 'ours'
      ? await (async () => {
          const { Flora } = await import('./client.js');
          const flora = new Flora({ apiKey, baseUrl: url, logLevel: 'off' });
          return () => flora.assets.upload(file, { workspace_id: 'ws_abc123' });
        })()
      : await (async () => {
          const { default: FloraSdk } = await import('@flora-ai/flora');
          const sdk = new FloraSdk({ apiKey, baseURL: url, logLevel: 'off', timeout: 600_000 });
          return () => sdk.assets.upload(file, { workspace_id: 'ws_abc123', pollIntervalMs: 50 });
        })();
  const before = process.memoryUsage().rss;
  const t0 = performance.now();
  const asset = await upload();
  const ms = performance.now() - t0;
  if (asset.status !== 'ready') throw new Error(`${who}: the asset is ${asset.status}`);
  const peak = process.resourceUsage().maxRSS * 1024;
  console.log(JSON.stringify({ ms, growthBytes: peak - before }));
}

/** The simulator in this process: prints its URL, exits when stdin closes. */
async function server(): Promise<void> {
  const { startSimulator } = await import('../src/testing/index.js');
  const sim = await startSimulator({ seed: 1, timeScale: 60 });
  console.log(JSON.stringify({ url: sim.url }));
  process.stdin.on('end', () => void sim.close().then(() => process.exit(0)));
  process.stdin.resume();
}

const node = (args: string[]) => [process.execPath, '--import', 'tsx', HERE, ...args] as const;

export async function measureUpload(sizeMiB = 512, rounds = 2): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'flora-bench-upload-'));
  const file = join(dir, 'big.mp4');
  // Real bytes (not a sparse hole): a repeating 1 MiB block, written once.
  const fd = openSync(file, 'w');
  const block = Buffer.alloc(2 ** 20);
  for (let i = 0; i < block.length; i++) block[i] = (i * 131) & 0xff;
  for (let i = 0; i < sizeMiB; i++) writeSync(fd, block);
  ftruncateSync(fd, sizeMiB * 2 ** 20);
  closeSync(fd);
  const [cmd, ...args] = node(['--server']);
  const sim = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'inherit'] });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      sim.stdout!.once('data', (d) => resolve((JSON.parse(String(d)) as { url: string }).url));
      sim.once('exit', (code) => reject(new Error(`the simulator exited (${code})`)));
    });
    const results: Record<'ours' | 'sdk', { ms: number; growthBytes: number }[]> = { ours: [], sdk: [] };
    for (let r = 0; r < rounds; r++) {
      for (const who of r % 2 ? (['sdk', 'ours'] as const) : (['ours', 'sdk'] as const)) {
        const [c, ...a] = node(['--client', who, url, file]);
        const run = spawnSync(c, a, { encoding: 'utf8', maxBuffer: 1 << 20 });
        if (run.status !== 0) throw new Error(`${who} failed: ${run.stderr.slice(-2000)}`);
        results[who].push(JSON.parse(run.stdout.trim().split('\n').at(-1)!));
      }
    }
    const mb = sizeMiB * 2 ** 20;
    const row = (who: 'ours' | 'sdk', name: string) => {
      const ms = median(results[who].map((x) => x.ms));
      const growth = median(results[who].map((x) => x.growthBytes));
      return { name, ms, growth, mbps: mb / 2 ** 20 / (ms / 1000) };
    };
    const ours = row('ours', 'flora-runs-client `assets.upload()`');
    const sdk = row('sdk', "FLORA's SDK 0.11.0 `assets.upload()`");
    const mib = (b: number) => `${(b / 2 ** 20).toFixed(0)} MiB`;
    return [
      `### Upload: one ${sizeMiB} MiB file (a signed upload to the simulator's storage host), median of ${rounds} per client, each in a fresh process`,
      '',
      machine(),
      '',
      table(
        ['client', 'peak memory growth', 'time', 'MB/s', 'memory vs SDK'],
        [ours, sdk].map((x) => [x.name, mib(x.growth), `${(x.ms / 1000).toFixed(1)} s`, x.mbps.toFixed(0), `${(x.growth / sdk.growth).toFixed(3)}x`]),
      ),
      '',
      `Ours grows by ${mib(ours.growth)} for a ${sizeMiB} MiB file (the target: under 64 MiB at any size); the SDK reads the whole file into memory first. Throughput ratio (ours / SDK): ${(ours.mbps / sdk.mbps).toFixed(2)}x.`,
    ].join('\n');
  } finally {
    sim.stdin!.end();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (isMain(import.meta.url)) {
  if (process.argv.includes('--server')) await server();
  else if (process.argv.includes('--client')) {
    const at = process.argv.indexOf('--client');
    await client(process.argv[at + 1] as 'ours' | 'sdk', process.argv[at + 2]!, process.argv[at + 3]!);
  } else console.log(await measureUpload(arg('--size', 512), arg('--rounds', 2)));
}
