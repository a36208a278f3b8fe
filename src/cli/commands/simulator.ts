/**
 * `flora simulator`: the embedded default, a local FLORA simulator, from the installed package (in this
 * repository also `npm run simulator -- ...`). It prints its base URL, the key and webhook secret to use and
 * its process id, and runs until Ctrl-C or SIGTERM. The simulator is loaded only when this command runs.
 */
import { InvalidArgumentError, Option, type Command } from 'commander';
import type { CorsOption } from '../../testing/index.js';
import type { Cli } from '../context.js';
import { count } from '../options.js';

const number = (name: string, ok: (n: number) => boolean, what: string) => (value: string) => {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || !ok(n)) throw new InvalidArgumentError(`${name} must be ${what}.`);
  return n;
};

/** `--cors`: `loopback` (pages on this machine, the default), `all`, `off`, or origins separated by commas. */
function corsOption(value: string): CorsOption | undefined {
  if (value === 'loopback') return undefined;
  if (value === 'all') return true;
  if (value === 'off') return false;
  const origins = value.split(',').map((o) => o.trim().replace(/\/+$/, ''));
  for (const o of origins) if (!/^https?:\/\/[^/]+$/.test(o)) throw new InvalidArgumentError(`--cors takes loopback, all, off, or origins such as http://localhost:5173; got ${JSON.stringify(o)}.`);
  return origins;
}

export function simulatorCommand(program: Command, cli: Cli): Command {
  return program
    .command('simulator')
    .description('Run a local FLORA simulator (no account, no network) until Ctrl-C: the embedded default for tests and demos.')
    .option('--port <n>', 'TCP port on 127.0.0.1 (0: any free port)', number('--port', (n) => Number.isInteger(n) && n >= 0 && n < 65536, 'a port number 0-65535'), 4010)
    .option('--seed <n>', 'seed of run ids, failures and faults', number('--seed', () => true, 'a number'), 1)
    .option('--time-scale <x>', 'simulated seconds per real second', number('--time-scale', (n) => n > 0, 'a number > 0'), 1)
    .option('--run-duration <seconds>', 'simulated seconds a run takes', number('--run-duration', (n) => n >= 0, 'a number >= 0'), 20)
    .option('--failure-rate <p>', 'chance 0..1 that a run fails', number('--failure-rate', (n) => n >= 0 && n <= 1, 'a number from 0 to 1'), 0)
    .option('--rate-limit <n>', 'requests a second each key may make (default: no limit)', count('--rate-limit'))
    .addOption(new Option('--profile <profile>', 'answer as the reference pages describe (seeds) or as the live API does (live)').choices(['seeds', 'live']).default('seeds'))
    .option('--cors <origins>', 'browser pages that may call it: loopback, all, off, or origins separated by commas', corsOption)
    .addHelpText('after', '\nExample:\n  $ flora simulator --port 4010 --time-scale 10\n  $ flora simulator --profile live --cors http://localhost:5173')
    .action(async (opts, cmd: Command) => {
      const g = cli.globals(cmd);
      const { DEFAULT_API_KEY, DEFAULT_WEBHOOK_SECRET, startSimulator } = await import('../../testing/index.js');
      const say = (line: string) => void cli.io.stdout.write(`${line}\n`);
      const sim = await startSimulator({
        port: opts.port,
        seed: opts.seed,
        timeScale: opts.timeScale,
        runDurationSeconds: opts.runDuration,
        failureRate: opts.failureRate,
        profile: opts.profile,
        ...(opts.rateLimit ? { rateLimit: { requests: opts.rateLimit, perSeconds: 1 } } : {}),
        ...(opts.cors !== undefined ? { cors: opts.cors } : {}),
        logger: {
          warn: (m) => void cli.io.stderr.write(`warning: ${m}\n`),
          error: (m) => void cli.io.stderr.write(`error: ${m}\n`),
          ...(g.verbose ? { debug: say, info: say } : {}),
        },
      });
      // The key and secret are fake, simulator-only values; printing them is the point.
      say(`FLORA simulator (${opts.profile} profile) on ${sim.url}

Base URL:        ${sim.url}
Media host:      ${sim.mediaUrl} (completed runs' output files; no key needed)
API key:         ${DEFAULT_API_KEY}
Webhook secret:  ${DEFAULT_WEBHOOK_SECRET}

Try:
  export FLORA_BASE_URL=${sim.url} FLORA_API_KEY=${DEFAULT_API_KEY}
  flora techniques:runs create --technique-id art-directors-critique --input '{id: prompt, type: text, value: "a red fox"}' --mode async --wait

Stop it with Ctrl-C, or: kill ${process.pid}`);
      await new Promise<void>((stop) => {
        cli.io.interrupt.addEventListener('abort', () => stop(), { once: true });
        process.once('SIGTERM', () => stop());
      });
      await sim.close();
      say('simulator stopped');
    });
}
