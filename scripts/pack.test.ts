/**
 * `npm pack` from a fresh checkout, where no `dist/` has been built yet: the `prepack` script must build it,
 * or the tarball holds no code at all (npm packs what `files` matches and says nothing about what is missing).
 *
 * The checkout is a scratch copy of the working tree's files (`git ls-files`: tracked and new, not ignored,
 * so no `dist/`), with the repository's `node_modules` linked in; it builds into its own `dist/`, so the
 * repository's `dist/` (which other tests build and read concurrently) is never touched.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const repo = resolve(import.meta.dirname, '..');
const quietNpm = { ...process.env, npm_config_update_notifier: 'false', npm_config_loglevel: 'error' };

let checkout = '';

/** What `npm pack --dry-run --json` would put in the tarball. stdout must be the JSON alone. */
async function packList(extra: string[] = []): Promise<string[]> {
  const { stdout } = await run('npm', ['pack', '--dry-run', '--json', ...extra], { cwd: checkout, env: quietNpm, maxBuffer: 16 << 20 });
  const [packed] = JSON.parse(stdout) as { files: { path: string }[] }[];
  return packed!.files.map((f) => f.path).sort();
}

beforeAll(async () => {
  checkout = mkdtempSync(join(tmpdir(), 'flora-pack-'));
  const { stdout } = await run('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: repo, maxBuffer: 16 << 20 });
  for (const file of stdout.split('\0').filter(Boolean)) {
    // A tracked file deleted in the working tree is not part of it.
    if (!existsSync(join(repo, file))) continue;
    mkdirSync(dirname(join(checkout, file)), { recursive: true });
    copyFileSync(join(repo, file), join(checkout, file));
  }
  symlinkSync(join(repo, 'node_modules'), join(checkout, 'node_modules'), 'dir');
}, 60_000);

afterAll(() => {
  if (checkout) rmSync(checkout, { recursive: true, force: true });
});

describe('npm pack in a fresh checkout, without dist/', () => {
  it('starts from a checkout with no build in it', () => {
    expect(existsSync(join(checkout, 'package.json'))).toBe(true);
    expect(existsSync(join(checkout, 'dist'))).toBe(false);
  });

  it('without scripts, would pack no code at all (what prepack prevents)', async () => {
    const files = await packList(['--ignore-scripts']);
    expect(files.filter((f) => f.startsWith('dist/'))).toEqual([]);
    expect(files).toContain('package.json');
  });

  it('builds dist/ in prepack and packs every entry, its declarations and the flora binary', async () => {
    const files = await packList();
    for (const entry of ['index', 'types', 'webhooks', 'download', 'testing', 'contract']) {
      for (const ext of ['.js', '.cjs', '.d.ts', '.d.cts']) expect(files).toContain(`dist/${entry}${ext}`);
    }
    expect(files).toContain('dist/cli.js');
    expect(files).toContain('spec/openapi.yaml');
    expect(existsSync(join(checkout, 'dist', 'index.js'))).toBe(true);
    // A whole build (tsup, declarations included) runs in prepack: minutes on a loaded machine. Only a hang fails for time.
  }, 300_000);
});
