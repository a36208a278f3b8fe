/**
 * The README's Batches section, run as written: its shell blocks (the simulator, a 1,000-item batch with
 * `flora batch run --download`, `status` and `report`, a batch of items naming photos in shots/ with their
 * outputs downloaded, then Redis, `enqueue`, a `worker`, `collect`) in one bash script, with
 * `flora` the bundled CLI, free ports for 4010 and 6379, and a wait for each background server's port; its
 * TypeScript block run against the same simulator. Only in `npm run test:batch` (BATCH_SCALE=full).
 */
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect, it } from 'vitest';
import { freePort, hasRedis } from '../scripts/redis.js';
import { bundleCli, png, readResults, workDir } from './harness.js';

const repo = resolve(import.meta.dirname, '..');
const readme = readFileSync(join(repo, 'README.md'), 'utf8');
const section = readme.slice(readme.indexOf('## Batches'), readme.indexOf('\n## ', readme.indexOf('## Batches') + 3));
const blocks = (lang: string) => [...section.matchAll(new RegExp('```' + lang + '\\n([^]*?)```', 'g'))].map((m) => m[1]!);
const N = 1000;

// 1,000 items twice plus the simulator's start through npm take minutes: `npm run test:batch` runs it, and
// `npm test` leaves this file out (vitest.config.ts) rather than reporting it skipped.
const noRedis = hasRedis() ? '' : ' (skipped: redis-server is not installed; .ci/run installs it)';
it.skipIf(!hasRedis())(`the README's batch commands run a ${N}-item batch to completion, on one machine and through Redis${noRedis}`, async () => {
  const [sh, ts] = [blocks('sh'), blocks('ts')];
  expect(sh).toHaveLength(3);
  expect(ts).toHaveLength(1);
  const [bundle, simPort, redisPort] = await Promise.all([bundleCli(), freePort(), freePort()]);
  const dir = workDir();
  // The photos the files-in block names: three distinct ones, and one of them again under another name.
  mkdirSync(join(dir, 'shots'));
  const photos = [png(64, 48), png(80, 60), png(1200, 1200)];
  photos.forEach((p, i) => writeFileSync(join(dir, 'shots', `photo ${i}.png`), p));
  writeFileSync(join(dir, 'shots', 'copy.png'), photos[0]!);
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  writeFileSync(join(bin, 'flora'), `#!/bin/sh\nexec "${process.execPath}" "${bundle}" "$@"\n`);
  chmodSync(join(bin, 'flora'), 0o755);
  const lines = sh
    .join('\n')
    .replaceAll('4010', String(simPort))
    .replaceAll('6379', String(redisPort))
    .replaceAll('i < 1000', `i < ${N}`)
    .split('\n')
    .flatMap((line) => {
      if (!line.trim().endsWith('&')) return [line];
      const port = line.includes('simulator') ? simPort : line.includes('redis-server') ? redisPort : undefined;
      return port ? [line, `until (echo > /dev/tcp/127.0.0.1/${port}) 2>/dev/null; do sleep 0.1; done`] : [line];
    });
  const script = ['set -euo pipefail', `npm() { (cd ${JSON.stringify(repo)} && command npm "$@"); }`, ...lines].join('\n');
  const child = spawn('bash', ['-c', script], { cwd: dir, detached: true, env: { ...process.env, PATH: `${bin}:${process.env.PATH}` }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
  try {
    expect(code, out).toBe(0);
    expect(out).toMatch(new RegExp(`batch b\\w+: ${N} items, ${N} completed, 0 failed`));
    expect(out).toContain(`"completed":${N}`);
    const results = readResults(join(dir, 'results.jsonl'));
    expect(results).toHaveLength(N);
    expect(results.every((r) => r.status === 'completed' && r.run_id)).toBe(true);
    expect(out).toMatch(new RegExp(`batch shots: ${N} items, ${N} completed, 0 failed`));
    // Files out: every item's outputs downloaded by the one-machine batch, and its report, a tile an item.
    expect(readdirSync(join(dir, 'out')).filter((f) => f.endsWith('.output_2.png'))).toHaveLength(N);
    expect(readFileSync(join(dir, 'out', 'report.html'), 'utf8').match(/<article /g)).toHaveLength(N);
    // Files in: every photo's item ran (the copy too), and its outputs are on disk.
    const shots = readResults(join(dir, 'photo-results.jsonl'));
    expect(shots.map((r) => r.status)).toEqual(['completed', 'completed', 'completed', 'completed']);
    expect(out).toMatch(/batch b\w+: 4 items, 4 completed, 0 failed/);
    expect(readdirSync(join(dir, 'photos-out')).filter((f) => f.endsWith('.output_2.png'))).toHaveLength(4);
    expect(readFileSync(join(dir, 'photos-out', 'report.html'), 'utf8').match(/<article /g)).toHaveLength(4);

    // The TypeScript block, with its imports pointed at this repository's sources, against the same simulator.
    const code2 = ts[0]!.replace("from 'flora-runs-client'", `from '${repo}/src/index.ts'`).replace("from 'flora-runs-client/batch'", `from '${repo}/src/batch/index.ts'`);
    // In a folder of its own: its shots.journal is another batch than the shell block's (and would be refused as such).
    const tsDir = join(dir, 'ts');
    mkdirSync(tsDir);
    writeFileSync(join(tsDir, 'example.mts'), code2);
    const tsx = pathToFileURL(join(repo, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
    const run = spawn(process.execPath, ['--import', tsx, join(tsDir, 'example.mts')], {
      cwd: tsDir,
      env: { ...process.env, FLORA_BASE_URL: `http://127.0.0.1:${simPort}/api/v1`, FLORA_API_KEY: 'flora_sim_test_key' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let tsOut = '';
    run.stdout.on('data', (d) => (tsOut += d));
    run.stderr.on('data', (d) => (tsOut += d));
    expect(await new Promise((r) => run.once('exit', r)), tsOut).toBe(0);
    expect(tsOut).toMatch(/^1 0\.04 run_\w+$/m);
  } finally {
    // The simulator, Redis and the worker were started in the background of the script's process group.
    try {
      process.kill(-child.pid!, 'SIGTERM');
    } catch {
      // already gone
    }
  }
}, 300_000);
