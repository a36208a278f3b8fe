/**
 * What every command shares: the process's streams and Ctrl-C, the global flags, the client they make,
 * printing a result, and waiting for a run with a progress view that says how to resume.
 */
import type { Command } from 'commander';
import type { TechniqueRun } from '../../generated/answers.js';
import { Flora } from '../client.js';
import { APIUserAbortError, DownloadError, FloraError, RunFailedError, RunTimeoutError } from '../core/errors.js';
import { downloadRun } from '../download/index.js';
import type { LogLevel } from '../core/log.js';
import type { FetchOptions } from '../core/send.js';
import type { RunWaitOptions } from '../resources/techniques.js';
import { UsageError } from './input.js';
import { format, table, type OutputFormat } from './output.js';
import { progressView } from './progress.js';
import { inline, safeJson, shellQuote, visible } from './safe.js';

/** A command that ran but ends with a non-zero exit code: main prints `error: <message>` and exits with `exitCode`. */
export class CommandExit extends Error {
  override name = 'CommandExit';
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

export interface Io {
  stdout: Pick<NodeJS.WriteStream, 'write' | 'isTTY'>;
  stderr: Pick<NodeJS.WriteStream, 'write' | 'isTTY'>;
  /** Aborts when the user asks to stop (Ctrl-C). */
  interrupt: AbortSignal;
  /** The client's and the downloads' `fetchOptions`: the proxy the environment names (`proxy.ts`), if any. */
  fetchOptions?: FetchOptions | undefined;
}

/** The global flags. */
export interface Globals {
  apiKey?: string;
  baseUrl?: string;
  timeout?: number;
  /** The whole wait of the commands that wait, in seconds. */
  waitTimeout?: number;
  maxRetries?: number;
  /** `junit` only for `flora contract check`. */
  output?: OutputFormat | 'junit';
  quiet?: boolean;
  verbose?: boolean;
  allowInsecureHttp?: boolean;
}

/** Flags take seconds; the client takes milliseconds. */
export const toMs = (seconds: number | undefined) => (seconds === undefined ? undefined : seconds * 1000);

/** The command that waits for a run again. */
export const resumeCommand = (techniqueId: string, runId: string) => `flora techniques:runs wait --technique-id ${shellQuote(techniqueId)} --run-id ${shellQuote(runId)}`;

export class Cli {
  constructor(readonly io: Io) {}

  globals(cmd: Command): Globals {
    return cmd.optsWithGlobals<Globals>();
  }

  /** The client the flags and environment describe; a bad key or base URL is a usage error (exit 2). */
  client(g: Globals): Flora {
    if (!g.apiKey && !process.env.FLORA_API_KEY) throw new UsageError('no API key: pass --api-key or set FLORA_API_KEY.');
    const line = (message: string, ...rest: unknown[]) => void this.io.stderr.write(`${inline([message, ...rest].join(' '))}\n`);
    // FLORA_LOG wins; else --verbose shows every request, --quiet only errors, and the default warnings.
    const level: LogLevel | undefined = process.env.FLORA_LOG ? undefined : g.verbose ? 'debug' : g.quiet ? 'error' : 'warn';
    try {
      return new Flora({
        apiKey: g.apiKey,
        baseUrl: g.baseUrl,
        timeout: toMs(g.timeout),
        maxRetries: g.maxRetries,
        allowInsecureHttp: g.allowInsecureHttp,
        fetchOptions: this.io.fetchOptions,
        ...(level ? { logLevel: level } : {}),
        // Logs go to stderr: stdout holds only the result, so it can be piped.
        logger: { debug: line, info: line, warn: line, error: line },
      });
    } catch (err) {
      throw err instanceof FloraError ? new UsageError(err.message.replace('pass allowInsecureHttp: true', 'pass --allow-insecure-http')) : err;
    }
  }

  /** The output format of a result: pretty on a terminal, JSON otherwise, unless --output says. */
  outputFormat(g: Globals): OutputFormat {
    if (g.output === 'junit') throw new UsageError('-o junit is the format of `flora contract check` only; use json, yaml or pretty.');
    return g.output ?? (this.io.stdout.isTTY ? 'pretty' : 'json');
  }

  /** Prints a result to stdout: pretty on a terminal, JSON otherwise, unless --output says. */
  print(g: Globals, value: object): void {
    this.io.stdout.write(`${format(value as Record<string, unknown>, this.outputFormat(g))}\n`);
  }

  /**
   * Prints a list: a table of `columns` on a terminal (or with `-o pretty`), one JSON object a line when
   * piped (or with `-o json`), YAML with `-o yaml`.
   */
  printList(g: Globals, items: readonly object[], columns: readonly string[]): void {
    const as = this.outputFormat(g);
    if (as === 'json') return void this.io.stdout.write(items.map((i) => `${safeJson(i)}\n`).join(''));
    if (as === 'yaml') return void this.io.stdout.write(`${format({ items } as Record<string, unknown>, 'yaml')}\n`);
    this.io.stdout.write(`${table(items as Record<string, unknown>[], columns)}\n`);
  }

  /**
   * Waits for a run with a progress view (a bar on a terminal, a line per change otherwise, nothing with
   * --quiet) and prints its end; on Ctrl-C or the wait's timeout says how to resume. A person watching a
   * bar gets a poll at least every second (`maxInterval`), so the bar moves. With `download`, the
   * completed run's outputs are written there first, and the printed run gains `files`.
   */
  async waitFor(g: Globals, what: string, wait: (options: RunWaitOptions) => Promise<TechniqueRun>, resume: string, download?: string): Promise<void> {
    const mode = g.quiet ? 'quiet' : this.io.stderr.isTTY ? 'tty' : 'plain';
    // One line saying what is waited for, where a bar does not show it.
    if (mode === 'plain') this.io.stderr.write(`${inline(what)}\n`);
    const view = progressView(this.io.stderr, mode);
    try {
      const run = await wait({ signal: this.io.interrupt, onProgress: (r) => view.update(r), maxInterval: mode === 'tty' ? 1_000 : undefined, waitTimeout: toMs(g.waitTimeout) });
      view.stop();
      if (download === undefined) return this.print(g, run);
      this.print(g, { ...run, files: await this.download(g, run, download, `${resume} --download ${shellQuote(download)}`) });
    } catch (err) {
      view.stop();
      if (err instanceof DownloadError) throw err;
      if (err instanceof APIUserAbortError) this.io.stderr.write(`interrupted: stopped waiting; the run goes on. Resume with:\n  ${resume}\n`);
      if (err instanceof RunFailedError) this.print(g, err.run);
      if (err instanceof RunTimeoutError) this.io.stderr.write(`still running; resume with:\n  ${resume}\n`);
      throw err;
    }
  }

  /** Writes a completed run's outputs into `dir`, a line each on stderr; on failure says how to finish. */
  private async download(g: Globals, run: TechniqueRun, dir: string, again: string): Promise<{ output_id: string; path: string; bytes: number }[]> {
    try {
      const files = await downloadRun(run, dir, { signal: this.io.interrupt, fetchOptions: this.io.fetchOptions, ...downloadLimits(g) });
      if (!g.quiet) for (const f of files) this.io.stderr.write(`${inline(`${f.source === 'existing' ? 'kept' : 'saved'} ${f.outputId} -> ${f.path} (${f.bytes} bytes)`)}\n`);
      return files.map((f) => ({ output_id: f.outputId, path: f.path, bytes: f.bytes }));
    } catch (err) {
      // The run completed and is paid for: what is on disk is kept, and the same wait finishes it.
      if (err instanceof DownloadError) this.io.stderr.write(`${visible(`the run completed but its outputs are not all on disk; fetch the rest with:\n  ${again}`)}\n`);
      throw err;
    }
  }
}

/** `--timeout` (seconds a download may go without a byte) and `--max-retries` for the downloads, as for the API. */
export function downloadLimits(g: Pick<Globals, 'timeout' | 'maxRetries'>): { timeout?: number; maxRetries?: number } {
  return { ...(g.timeout !== undefined ? { timeout: toMs(g.timeout) } : {}), ...(g.maxRetries !== undefined ? { maxRetries: g.maxRetries } : {}) };
}
