/**
 * The `flora` command line: the same surface as FLORA's published CLI (`flora techniques:runs create
 * --technique-id ... --input '{id: prompt, type: text, value: "a red fox"}' --mode async`), plus `--wait`
 * and `techniques:runs wait`, which replace the shell polling loop of FLORA's quickstart with the client's
 * adaptive waiting. Commands live in `commands/`; what they share in `context.ts`.
 */
import { Command, CommanderError, Option } from 'commander';
import { APIConnectionTimeoutError, APIError, APIUserAbortError, DownloadError, FloraError, IdempotencyDuplicateError, InputValidationError, RunFailedError, RunTimeoutError } from '../core/errors.js';
import { assetsCommands } from './commands/assets.js';
import { batchCommands } from './commands/batch.js';
import { contractCommands } from './commands/contract.js';
import { listCommands } from './commands/lists.js';
import { runsCommands } from './commands/runs.js';
import { simulatorCommand } from './commands/simulator.js';
import { techniqueRunsCommands } from './commands/technique-runs.js';
import { Cli, CommandExit, type Globals, type Io } from './context.js';
import { UsageError } from './input.js';
import { count, positiveNumber } from './options.js';
import { proxyFetchOptions } from './proxy.js';
import { inline, shellQuote, visible } from './safe.js';

export type { Io };

export const EXIT = { ok: 0, apiError: 1, usage: 2, runFailed: 3, timeout: 4, interrupted: 130 } as const;

const EXIT_HELP = `
Exit codes:
  0    ok
  1    API error (the message has the code, the request id and field details)
  2    usage error (bad flags, bad --input, a body the API would reject)
  3    the run failed (with --wait)
  4    timed out (a request, or --wait-timeout)
  130  interrupted (Ctrl-C; with --wait the run goes on and its id is printed)

Environment: FLORA_API_KEY, FLORA_BASE_URL, FLORA_WORKSPACE_ID (where local files go), FLORA_LOG (debug|info|warn|error|off);
HTTPS_PROXY, HTTP_PROXY and NO_PROXY (or in lower case) as curl reads them.`;

/**
 * The one line a failure prints: `error: <what went wrong>`, with code, request id and fields, never the
 * key; the error's class too with --verbose.
 */
export function describeError(err: unknown, verbose = false): string {
  const known = err instanceof FloraError || err instanceof UsageError || err instanceof CommandExit;
  const message = err instanceof Error ? err.message : String(err);
  const kind = verbose ? ` (${err instanceof Error ? err.name : typeof err})` : '';
  return `error${kind}: ${known ? message : `unexpected: ${message}`}`;
}

export function exitCodeFor(err: unknown): number {
  if (err instanceof CommandExit) return err.exitCode;
  if (err instanceof UsageError || err instanceof InputValidationError) return EXIT.usage;
  if (err instanceof RunFailedError) return EXIT.runFailed;
  if (err instanceof RunTimeoutError || err instanceof APIConnectionTimeoutError || (err instanceof DownloadError && err.reason === 'timeout')) return EXIT.timeout;
  if (err instanceof APIUserAbortError || (err instanceof DownloadError && err.reason === 'aborted')) return EXIT.interrupted;
  return EXIT.apiError;
}

export function buildProgram(io: Io, version: string): Command {
  const program = new Command('flora')
    .description('Start and follow FLORA technique runs.')
    .version(version, '-v, --version')
    .option('--api-key <key>', 'FLORA API key (default: $FLORA_API_KEY)')
    .option('--base-url <url>', 'API base URL (default: $FLORA_BASE_URL or https://app.flora.ai/api/v1)')
    .option('--allow-insecure-http', 'allow a plain http base URL on a host other than this machine (sends the key unencrypted)')
    .option('--timeout <seconds>', 'per-attempt request timeout in seconds (default 60)', positiveNumber('--timeout'))
    .option('--wait-timeout <seconds>', 'give up waiting for a run after this long, in seconds (default 1800)', positiveNumber('--wait-timeout'))
    .option('--max-retries <n>', 'retries after the first attempt (default 2)', count('--max-retries'))
    .addOption(new Option('-o, --output <format>', 'json, yaml or pretty (default: pretty on a terminal, json otherwise); junit for `contract check`').choices(['json', 'yaml', 'pretty', 'junit']))
    .option('-q, --quiet', 'no progress output, no warnings')
    .option('--verbose', 'log every request, and name the error class of a failure')
    .showHelpAfterError('(run with --help for usage)')
    // Global flags go before or after the command (`flora --wait-timeout 5 techniques:runs wait ...` or
    // `flora techniques:runs wait ... --wait-timeout 5`); each command's --help lists them.
    .configureHelp({ showGlobalOptions: true })
    .addHelpText('after', `\nExample:\n  $ flora techniques:runs create --technique-id art-directors-critique --input '{id: prompt, type: text, value: "a red fox"}' --mode async --wait\n${EXIT_HELP}`)
    .configureOutput({ writeOut: (s) => void io.stdout.write(s), writeErr: (s) => void io.stderr.write(s) });
  const cli = new Cli(io);
  const techniqueRuns = techniqueRunsCommands(program, cli);
  const groups = [techniqueRuns, runsCommands(program, cli), ...listCommands(program, techniqueRuns, cli), assetsCommands(program, cli), batchCommands(program, cli), contractCommands(program, cli), simulatorCommand(program, cli)];
  for (const cmd of [program, ...groups, ...groups.flatMap((g) => g.commands)]) cmd.exitOverride();
  // Refused before any command acts (a start must not run, then fail to print).
  program.hook('preAction', (_program, action) => {
    if (action.optsWithGlobals<Globals>().output === 'junit' && action.name() !== 'check') throw new UsageError('-o junit is the format of `flora contract check` only; use json, yaml or pretty.');
  });
  return program;
}

/** Runs the CLI; resolves with the exit code. */
export async function main(argv: string[], io: Io, version: string): Promise<number> {
  const program = buildProgram(io, version);
  try {
    io.fetchOptions ??= await proxyFetchOptions(process.env);
    await program.parseAsync(argv, { from: 'user' });
    return EXIT.ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Commander has already printed its message (help, version, or the usage error).
      return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    // A command that said everything already (Ctrl-C's resume hint) exits with its code and no error line.
    // One line, so server text cannot forge another; the CLI's own messages (a usage error's caret under
    // the bad input, a command's hint lines) keep their lines.
    const shown = err instanceof CommandExit || err instanceof UsageError ? visible : inline;
    if (!(err instanceof CommandExit && err.message === '')) io.stderr.write(`${shown(describeError(err, program.opts().verbose === true))}\n`);
    const key = err instanceof APIError ? err.idempotencyKey : undefined;
    if (key && (err as APIError).mayHaveBeenProcessed && !(err instanceof IdempotencyDuplicateError)) {
      io.stderr.write(`hint: the run may have started; to retry without starting a second one, run the same command with --idempotency-key ${shellQuote(key)}\n`);
    }
    return exitCodeFor(err);
  }
}
