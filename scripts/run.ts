/**
 * Runs a development tool with output fit for where it goes: colour only on a terminal (vitest and Redocly
 * colour pipes too, since they only look at TERM), and without Redocly CLI 2.x's Node 20 end-of-life box,
 * which it prints on every run whatever the environment says. `tsx scripts/run.ts <tool> [args...]`.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/** The environment a tool gets: no telemetry or update notices, and no colour when its output is not a terminal. */
export function toolEnv(base: NodeJS.ProcessEnv = process.env, tty: boolean = process.stdout.isTTY === true): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' };
  if (!tty) {
    delete env.FORCE_COLOR;
    env.NO_COLOR = '1';
  }
  return env;
}

/** `text` without Redocly's boxed banner. */
export const withoutBanner = (text: string) => text.replace(/\n*[ \t]*╔[^]*?╝\n*/, '');

/** Runs `tool` from node_modules/.bin; Redocly's output is captured to drop the banner, the others' passed through. */
export function run(tool: string, args: readonly string[]): number {
  const bin = `${root}node_modules/.bin/${tool}`;
  if (tool !== 'redocly') return spawnSync(bin, args, { stdio: 'inherit', env: toolEnv() }).status ?? 1;
  const r = spawnSync(bin, args, { stdio: ['inherit', 'pipe', 'pipe'], encoding: 'utf8', env: toolEnv(), maxBuffer: 64 << 20 });
  process.stdout.write(withoutBanner(r.stdout ?? ''));
  process.stderr.write(withoutBanner(r.stderr ?? String(r.error ?? '')));
  return r.status ?? 1;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const [tool, ...args] = process.argv.slice(2);
  if (!tool) throw new Error('usage: tsx scripts/run.ts <tool> [args...]');
  process.exitCode = run(tool, args);
}
