/**
 * The `flora` command line: the same surface as FLORA's published CLI (`flora techniques:runs create
 * --technique-id ... --input '{id: prompt, type: text, value: "a red fox"}' --mode async`), plus `--wait`,
 * which replaces the shell polling loop of FLORA's quickstart with the client's adaptive waiting.
 */
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import type { TechniqueRun } from '../../generated/answers.js';
import type { RunWaitOptions } from '../resources/techniques.js';
import { Flora } from '../client.js';
import {
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
  FloraError,
  IdempotencyDuplicateError,
  InputValidationError,
  RunFailedError,
  RunTimeoutError,
} from '../core/errors.js';
import { parseMapping, parsePairs, UsageError } from './input.js';
import { format, type OutputFormat } from './output.js';
import { progressView } from './progress.js';
import { shellQuote, visible } from './safe.js';

export const EXIT = { ok: 0, apiError: 1, usage: 2, runFailed: 3, timeout: 4, interrupted: 130 } as const;

const EXIT_HELP = `
Exit codes:
  0    ok
  1    API error (the message has the code, the request id and field details)
  2    usage error (bad flags, bad --input, a body the API would reject)
  3    the run failed (with --wait)
  4    timed out (a request, or --wait-timeout)
  130  interrupted (Ctrl-C; with --wait the run goes on and its id is printed)

Environment: FLORA_API_KEY, FLORA_BASE_URL, FLORA_LOG (debug|info|warn|error|off).`;

interface Globals {
  apiKey?: string;
  baseUrl?: string;
  timeout?: number;
  maxRetries?: number;
  output?: OutputFormat;
  quiet?: boolean;
}

const positiveNumber = (name: string) => (value: string) => {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`${name} must be a number > 0.`);
  return n;
};
const count = (name: string) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`${name} must be a whole number >= 0.`);
  return n;
};
const collect = (value: string, previous: string[] = []) => [...previous, value];
/** The command that reads a run again. */
const resumeCommand = (techniqueId: string, runId: string) => `flora techniques:runs retrieve --technique-id ${shellQuote(techniqueId)} --run-id ${shellQuote(runId)}`;
/** Flags take seconds; the client takes milliseconds. */
const toMs = (seconds: number | undefined) => (seconds === undefined ? undefined : seconds * 1000);

/** One line for stderr: what went wrong, with code, request id and fields, never the key. */
export function describeError(err: unknown): string {
  if (err instanceof RunFailedError) return `run failed: ${err.message}`;
  if (err instanceof UsageError || err instanceof InputValidationError) return `usage: ${err.message}`;
  if (err instanceof APIError) return `API error: ${err.message}`;
  if (err instanceof FloraError) return `${err.name}: ${err.message}`;
  return `unexpected error: ${err instanceof Error ? err.message : String(err)}`;
}

export function exitCodeFor(err: unknown): number {
  if (err instanceof UsageError || err instanceof InputValidationError) return EXIT.usage;
  if (err instanceof RunFailedError) return EXIT.runFailed;
  if (err instanceof RunTimeoutError || err instanceof APIConnectionTimeoutError) return EXIT.timeout;
  if (err instanceof APIUserAbortError) return EXIT.interrupted;
  return EXIT.apiError;
}

interface Io {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  /** Resolves when the user asks to stop (Ctrl-C). */
  interrupt: AbortSignal;
}

export function buildProgram(io: Io, version: string): Command {
  const program = new Command('flora')
    .description('Start and follow FLORA technique runs.')
    .version(version, '-v, --version')
    .option('--api-key <key>', 'FLORA API key (default: $FLORA_API_KEY)')
    .option('--base-url <url>', 'API base URL (default: $FLORA_BASE_URL or https://app.flora.ai/api/v1)')
    .option('--timeout <seconds>', 'per-attempt request timeout in seconds (default 60)', positiveNumber('--timeout'))
    .option('--max-retries <n>', 'retries after the first attempt (default 2)', count('--max-retries'))
    .addOption(new Option('--output <format>', 'json, yaml or pretty (default: pretty on a terminal, json otherwise)').choices(['json', 'yaml', 'pretty']))
    .option('-q, --quiet', 'no progress output')
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText('after', `\nExample:\n  $ flora techniques:runs create --technique-id art-directors-critique --input '{id: prompt, type: text, value: "a red fox"}' --mode async --wait\n${EXIT_HELP}`)
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) });

  const globals = (cmd: Command) => cmd.optsWithGlobals<Globals>();
  const logLine = (message: string, ...rest: unknown[]) => {
    io.stderr.write(`${visible([message, ...rest].join(' '))}\n`);
  };
  const client = (g: Globals) => {
    if (!g.apiKey && !process.env.FLORA_API_KEY) throw new UsageError('no API key: pass --api-key or set FLORA_API_KEY.');
    try {
      return makeClient(g);
    } catch (err) {
      // A bad --base-url (or FLORA_BASE_URL) is a usage error, exit 2 as --help says.
      throw err instanceof FloraError ? new UsageError(err.message) : err;
    }
  };
  const makeClient = (g: Globals) =>
    new Flora({
      apiKey: g.apiKey,
      baseUrl: g.baseUrl,
      timeout: toMs(g.timeout),
      maxRetries: g.maxRetries,
      // Logs go to stderr: stdout holds only the result, so it can be piped.
      logger: { debug: logLine, info: logLine, warn: logLine, error: logLine },
    });
  const print = (g: Globals, value: object): void => {
    io.stdout.write(`${format(value as Record<string, unknown>, g.output ?? (io.stdout.isTTY ? 'pretty' : 'json'))}\n`);
  };

  /** The options of the commands that start a run. */
  const startOptions = (cmd: Command) =>
    cmd
      .option('--idempotency-key <key>', 'key for safe retries (default: one generated per call)')
      .option('--wait', 'wait for the run to end, showing progress, then print it')
      .option('--wait-timeout <seconds>', 'give up waiting after this long (default 1800)', positiveNumber('--wait-timeout'));

  /**
   * Prints a started run, or with `--wait` waits for it with a progress view and prints the end; on
   * Ctrl-C or the wait's timeout says how to pick the run up again. A person watching a bar gets a poll
   * at least every second (`maxInterval`), so the bar moves; elsewhere the adaptive default.
   */
  async function startedRun<S extends { run_id: string }>(
    g: Globals,
    opts: { wait?: boolean; waitTimeout?: number },
    started: S,
    wait: (options: RunWaitOptions) => Promise<TechniqueRun>,
    resume: string,
  ): Promise<void> {
    if (!opts.wait) return print(g, started);
    const mode = g.quiet ? 'quiet' : io.stderr.isTTY ? 'tty' : 'plain';
    if (mode === 'plain') io.stderr.write(`started ${visible(started.run_id)}\n`);
    const view = progressView(io.stderr, mode);
    try {
      const run = await wait({ signal: io.interrupt, onProgress: (r) => view.update(r), maxInterval: mode === 'tty' ? 1_000 : undefined, timeout: toMs(opts.waitTimeout) });
      view.stop();
      print(g, run);
    } catch (err) {
      view.stop();
      if (err instanceof APIUserAbortError) io.stderr.write(`interrupted: stopped waiting; the run goes on. Pick it up with:\n  ${resume}\n`);
      if (err instanceof RunFailedError) print(g, err.run);
      if (err instanceof RunTimeoutError) io.stderr.write(`still running; pick it up with:\n  ${resume}\n`);
      throw err;
    }
  }

  const runs = program.command('techniques:runs').description('Runs of a technique (the nested routes).');
  runs.addHelpText('after', `\nExample:\n  $ flora techniques:runs retrieve --technique-id art-directors-critique --run-id run_abc123`);

  startOptions(
    runs
      .command('create')
      .description('Start a technique run.')
      .requiredOption('--technique-id <id>', 'technique identifier or slug')
      .option('--input <object>', "a technique input, as YAML flow or JSON: '{id: prompt, type: text, value: \"a red fox\"}' (repeatable)", collect, [])
      .addOption(new Option('--mode <mode>', 'execution mode').choices(['async', 'stream']).makeOptionMandatory())
      .option('--callback-url <url>', 'HTTPS URL notified when the run ends'),
  )
    .addHelpText('after', `\nExample:\n  $ flora techniques:runs create --technique-id art-directors-critique --input '{id: prompt, type: text, value: "a red fox"}' --mode async --wait`)
    .action(async (opts, cmd: Command) => {
      const g = globals(cmd);
      const inputs = (opts.input as string[]).map((text, i) => parseMapping(text, `--input #${i + 1}`));
      const body = {
        inputs: inputs as never,
        mode: opts.mode,
        ...(opts.callbackUrl !== undefined ? { callback_url: opts.callbackUrl } : {}),
        ...(opts.idempotencyKey !== undefined ? { idempotency_key: opts.idempotencyKey } : {}),
      };
      const flora = client(g);
      const run = await flora.techniques.runs.create(opts.techniqueId, body, { signal: io.interrupt });
      await startedRun(g, opts, run, (o) => flora.techniques.runs.wait(run.run_id, { techniqueId: opts.techniqueId }, o, { run }), resumeCommand(opts.techniqueId, run.run_id));
    });

  runs
    .command('retrieve')
    .description("Show a run's status, progress, outputs and error details.")
    .requiredOption('--technique-id <id>', 'technique identifier or slug')
    .requiredOption('--run-id <id>', 'run identifier')
    .addHelpText('after', `\nExample:\n  $ flora techniques:runs retrieve --technique-id art-directors-critique --run-id run_abc123`)
    .action(async (opts, cmd: Command) => {
      const g = globals(cmd);
      print(g, await client(g).techniques.runs.retrieve(opts.runId, { techniqueId: opts.techniqueId }, { signal: io.interrupt }));
    });

  const top = program.command('runs').description('The top-level run resource.');
  top.addHelpText('after', `\nExample:\n  $ flora runs start-technique --technique-id tech_abcd1234 --workspace-id ws_abc123 --input prompt="a red fox"`);
  startOptions(
    top
      .command('start-technique')
      .description('Start a technique run by its tech_ id in a ws_ workspace.')
      .requiredOption('--technique-id <id>', 'technique id (tech_...)')
      .requiredOption('--workspace-id <id>', 'workspace id (ws_...)')
      .option('--input <key=value>', 'one input (repeatable); values that parse as JSON are taken as such', collect, [])
      .option('--inputs <map>', "all inputs as a YAML or JSON map: '{prompt: a red fox}'"),
  )
    .addHelpText('after', `\nExample:\n  $ flora runs start-technique --technique-id tech_abcd1234 --workspace-id ws_abc123 --input prompt="a red fox" --wait`)
    .action(async (opts, cmd: Command) => {
      const g = globals(cmd);
      const inputs = { ...(opts.inputs !== undefined ? parseMapping(opts.inputs, '--inputs') : {}), ...parsePairs(opts.input) };
      const flora = client(g);
      const body = { inputs, technique_id: opts.techniqueId, workspace_id: opts.workspaceId };
      const started = await flora.runs.startTechnique(body, { signal: io.interrupt, idempotencyKey: opts.idempotencyKey });
      const techniqueId = started.technique?.technique_id ?? opts.techniqueId;
      await startedRun(
        g,
        opts,
        started,
        (o) => flora.techniques.runs.wait(started.run_id, { techniqueId }, { ...o, estimatedSeconds: started.estimated_seconds }, { pollUrl: started.poll_url }),
        resumeCommand(techniqueId, started.run_id),
      );
    });

  for (const cmd of [program, runs, top, ...runs.commands, ...top.commands]) cmd.exitOverride();
  return program;
}

/** Runs the CLI; resolves with the exit code. */
export async function main(argv: string[], io: Io, version: string): Promise<number> {
  const program = buildProgram(io, version);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return EXIT.ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Commander has already printed its message (help, version, or the usage error).
      return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    io.stderr.write(`${visible(describeError(err))}\n`);
    const key = (err as { idempotencyKey?: string; mayHaveBeenProcessed?: boolean }).idempotencyKey;
    if (key && (err as { mayHaveBeenProcessed?: boolean }).mayHaveBeenProcessed && !(err instanceof IdempotencyDuplicateError)) {
      io.stderr.write(`the run may have started: to retry without starting a second one, run the same command with --idempotency-key ${shellQuote(key)}\n`);
    }
    return exitCodeFor(err);
  }
}
