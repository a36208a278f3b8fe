/**
 * A batch's files: `--download DIR` and `--html FILE` on `flora batch run` and `flora batch collect`, and
 * `flora batch report`. Outputs go to DIR as each item completes (and, at the end, for every completed
 * item, so a batch run again fetches only what is missing: files in place are kept, partial ones resumed),
 * their paths go into RESULTS.jsonl as `files`, and the HTML report is written from those lines.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { ItemResult } from '../../batch/index.js';
import { filesOnDisk, ResultDownloads, writeReport, type DownloadedLine } from '../../download/index.js';
import { CommandExit, downloadLimits, type Cli } from '../context.js';
import { UsageError } from '../input.js';
import { required } from '../options.js';
import { visible } from '../safe.js';

/** The flags: `--download` and `--html`. */
export const fileOptions = (cmd: Command) =>
  cmd
    .option('--download <dir>', "write each completed item's outputs into <dir> as <item id>.<output id>.<ext> (run again, only what is missing is fetched); their paths go into the results as files")
    .option('--html <file>', 'write an HTML report of the batch (a tile per item: outputs, status, error, cost) to <file>');

/** What `--download` and `--html` do for one command. */
export class BatchFiles {
  readonly #downloads: ResultDownloads | undefined;
  readonly #stop = new AbortController();

  constructor(
    private readonly cli: Cli,
    private readonly opts: { download?: string; html?: string; quiet?: boolean; timeout?: number; maxRetries?: number },
  ) {
    const interrupt = cli.io.interrupt;
    if (interrupt.aborted) this.#stop.abort(interrupt.reason);
    else interrupt.addEventListener('abort', () => this.#stop.abort(interrupt.reason), { once: true });
    this.#downloads = opts.download === undefined ? undefined : new ResultDownloads(opts.download, { signal: this.#stop.signal, fetchOptions: cli.io.fetchOptions, ...downloadLimits(opts) });
  }

  /** For `onResult`: starts an item's download as it ends (its failure is reported at the end, with the rest). */
  readonly ended = (result: ItemResult): void => void this.#downloads?.item(result).catch(() => {});

  /** Stops downloads under way (the batch itself failed). */
  abort(): void {
    this.#stop.abort(new Error('the batch stopped'));
  }

  /** Every result with its files (downloading what is still missing), and the report; says where they are. */
  async finish(results: readonly ItemResult[], title: string): Promise<{ lines: DownloadedLine<ItemResult>[]; failed: number }> {
    const lines: DownloadedLine<ItemResult>[] = this.#downloads ? await this.#downloads.all(results) : [...results];
    const failed = lines.filter((l) => l.download_error).length;
    const say = (text: string) => void (!this.opts.quiet && this.cli.io.stderr.write(`${visible(text)}\n`));
    if (this.opts.download !== undefined) {
      const files = lines.flatMap((l) => l.files ?? []);
      say(`downloads: ${files.length} files of ${lines.filter((l) => l.files).length} completed items in ${this.opts.download}${failed ? `; ${failed} items' outputs could not be written (download_error in the results): the same command again fetches them` : ''}`);
    }
    if (this.opts.html !== undefined) {
      await writeReport(this.opts.html, lines, { title, generatedAt: new Date().toISOString() });
      say(`report: ${this.opts.html}`);
    }
    return { lines, failed };
  }
}

/** A results file's lines, read tolerantly (a line that is not JSON is left out). */
function readResultLines(path: string): unknown[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new UsageError(`--results ${path}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
  return text.split('\n').flatMap((line) => {
    try {
      return line.trim() ? [JSON.parse(line) as unknown] : [];
    } catch {
      return [];
    }
  });
}

/** `flora batch report`: the HTML report from a journal (with the files a --download folder holds) or a results file. */
export function reportCommand(batch: Command, cli: Cli): void {
  const report = batch.command('report').description("Write a batch's HTML report: a tile per item (its outputs, status, error and cost) and the totals.");
  required(report, '--html <file>', 'the page to write');
  report
    .option('--journal <file>', 'the journal of `flora batch run`')
    .option('--results <file>', 'a RESULTS.jsonl (of `flora batch run` or `collect`), with the files its --download wrote')
    .option('--download <dir>', 'with --journal: the folder the outputs were downloaded to')
    .addHelpText('after', '\nExample:\n  $ flora batch report --journal shots.journal --download out --html out/report.html')
    .action(async (opts, cmd: Command) => {
      const g = cli.globals(cmd);
      if ((opts.journal === undefined) === (opts.results === undefined)) throw new UsageError('give the batch as --journal <file> or --results <file> (one of them).');
      if (opts.download !== undefined && opts.journal === undefined) throw new UsageError('--download goes with --journal (a results file names its files itself).');
      let lines: unknown[];
      let title = `Batch report: ${opts.results ?? ''}`;
      if (opts.journal !== undefined) {
        const { Journal, resultOf } = await import('../../batch/index.js');
        const journal = await Journal.open(opts.journal);
        try {
          title = `Batch ${journal.meta.name ?? journal.meta.batchId}: ${journal.meta.techniqueId}`;
          const results = journal.items().map((row) => resultOf(row));
          lines = await Promise.all(
            results.map(async (r) => (opts.download !== undefined && r.status === 'completed' ? { ...r, files: await filesOnDisk({ run_id: r.run_id ?? r.id, outputs: r.outputs as never }, opts.download, { name: r.id }) } : r)),
          );
        } finally {
          journal.close();
        }
      } else lines = readResultLines(opts.results);
      const items = await writeReport(opts.html, lines as never, { title, generatedAt: new Date().toISOString() });
      if (!g.quiet) cli.io.stderr.write(`${visible(`report: ${items.length} items in ${opts.html}`)}\n`);
      if (items.length === 0) throw new CommandExit(`no items in ${opts.journal ?? opts.results}`, 1);
    });
}
