/**
 * `flora batch run | status` (one machine, a journal file) and `flora batch enqueue | worker | collect`
 * (many machines, BullMQ on Redis). The batch and queue modules, and their optional dependencies
 * (better-sqlite3, bullmq), are loaded only when a batch command runs, so every other command starts as fast
 * as before and works without them.
 */
import { readFileSync } from 'node:fs';
import { InvalidArgumentError, type Command } from 'commander';
import { APIUserAbortError, InputValidationError } from '../../core/errors.js';
import { CommandExit, type Cli } from '../context.js';
import { UsageError } from '../input.js';
import { count, positiveNumber, required } from '../options.js';
import { batchProgressView, formatUsd } from '../progress.js';
import { shellQuote, visible } from '../safe.js';
import { fileValue } from './assets.js';
import { BatchFiles, fileOptions, reportCommand } from './batch-files.js';

const EXAMPLE_RUN = 'flora batch run --technique-id art-directors-critique --items items.jsonl --journal shots.journal --out results.jsonl';

const usd = (name: string) => (value: string) => {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0) throw new InvalidArgumentError(`${name} must be a number of USD >= 0.`);
  return n;
};
const atLeastOne = (name: string) => (value: string) => {
  const n = count(name)(value);
  if (n < 1) throw new InvalidArgumentError(`${name} must be a whole number >= 1.`);
  return n;
};

/** The items file's bytes (decoded line by line, so a line that is not UTF-8 is named); a missing or unreadable file is a usage error naming it. */
function readItems(path: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new UsageError(`--items ${path}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
}

/**
 * The items with their local files named as single runs name them: `"@./a.png"` as the value of an
 * `imageUrl` or `videoUrl` input (the array form), or as any value of the map form; `"@@..."` for a value
 * that starts with @. Each such file is hashed, and uploaded once per batch however many items name it.
 */
function withLocalFiles<T extends { line: number; inputs: unknown }>(items: T[], source: string): T[] {
  const one = (item: T): T => {
    const inputs = item.inputs;
    if (Array.isArray(inputs)) {
      const media = (i: unknown): i is { type: string; value: unknown } => !!i && typeof i === 'object' && ['imageUrl', 'videoUrl'].includes((i as { type?: string }).type ?? '');
      return { ...item, inputs: inputs.map((i: unknown) => (media(i) ? { ...i, value: fileValue(i.value) } : i)) };
    }
    if (inputs && typeof inputs === 'object') return { ...item, inputs: Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, fileValue(v)])) };
    return item;
  };
  return items.map((item) => {
    try {
      return one(item);
    } catch (err) {
      throw new UsageError(`--items ${source} line ${item.line}: ${err instanceof Error ? err.message : String(err)}`);
    }
  });
}

/**
 * The items of ITEMS.jsonl, read, their local files marked, and checked for the route here, so that every
 * problem names the file and its line, whether the line is not JSON or its inputs do not fit
 * (`Invalid items in items.jsonl: line 3...`).
 */
async function loadItems(path: string, techniqueId: string, workspaceId: string | undefined) {
  const { checkItems, parseItemsJsonl } = await import('../../batch/index.js');
  const items = withLocalFiles(parseItemsJsonl(readItems(path), path), path);
  checkItems(items, workspaceId ? 'top' : 'nested', { techniqueId, workspaceId }, path);
  return items;
}

/** The `flora batch run` command that resumes a batch (global flags such as the key are not repeated). */
function runCommand(opts: { techniqueId: string; items: string; journal: string; out: string; workspaceId?: string; batch?: string; download?: string; html?: string }, recover: boolean): string {
  const flags: [string, string | undefined][] = [['--technique-id', opts.techniqueId], ['--workspace-id', opts.workspaceId], ['--batch', opts.batch], ['--items', opts.items], ['--journal', opts.journal], ['--out', opts.out], ['--download', opts.download], ['--html', opts.html]];
  const parts = flags.flatMap(([flag, value]) => (value === undefined ? [] : [flag, shellQuote(value)]));
  return ['flora batch run', ...parts, ...(recover ? ['--recover'] : [])].join(' ');
}

export function batchCommands(program: Command, cli: Cli): Command {
  const batch = program.command('batch').description('Run a technique once per item: resumable on one machine, or across machines with Redis.');
  batch.addHelpText('after', `\nExample:\n  $ ${EXAMPLE_RUN}`);

  const run = batch.command('run').description('Run a batch with a journal file; the same command again resumes it.');
  required(run, '--technique-id <id>', 'technique slug (nested route, array inputs) or tech_ id with --workspace-id (top-level route, map inputs)');
  required(run, '--items <file>', 'ITEMS.jsonl: one {"id": ..., "inputs": ...} a line; a value "@path" is a local file, uploaded once per batch');
  required(run, '--journal <file>', 'the journal (created on the first run, resumed after)');
  required(run, '--out <file>', 'RESULTS.jsonl: a line appended as each item ends, then one line an item in the items\' order');
  fileOptions(run)
    .option('--workspace-id <id>', 'workspace id (ws_...): start through the top-level route')
    .option('--batch <name>', "the batch's name, which with the technique makes every item's idempotency key (default: the journal's full path)")
    .option('--recover', 'pick up a batch whose journal was lost or damaged: FLORA is asked what already ran, nothing is paid twice')
    .option('--concurrency <n>', 'runs in flight at most (default 16)', atLeastOne('--concurrency'))
    .option('--max-cost <usd>', 'stop starting runs once spent plus in-flight cost would pass this', usd('--max-cost'))
    .option('--retry-failed <n>', 'start failed runs with a retryable error code again, up to n times (default 0)', count('--retry-failed'))
    .option('--poll-interval <seconds>', 'time between wait rounds (default 1)', positiveNumber('--poll-interval'))
    .addHelpText('after', `\nExample:\n  $ ${EXAMPLE_RUN}\n  $ flora batch status --journal shots.journal`)
    .action(async (opts, cmd: Command) => {
      const g = cli.globals(cmd);
      const { BatchStoreError, runBatch } = await import('../../batch/index.js');
      const items = await loadItems(opts.items, opts.techniqueId, opts.workspaceId);
      const flora = cli.client(g);
      const mode = g.quiet ? 'quiet' : cli.io.stderr.isTTY ? 'tty' : 'plain';
      const view = batchProgressView(cli.io.stderr, mode);
      const files = new BatchFiles(cli, { download: opts.download, html: opts.html, quiet: g.quiet, timeout: g.timeout, maxRetries: g.maxRetries });
      let outcome;
      try {
        outcome = await runBatch(flora, items, {
          techniqueId: opts.techniqueId,
          workspaceId: opts.workspaceId,
          journal: opts.journal,
          batch: opts.batch,
          results: opts.out,
          recover: opts.recover === true,
          concurrency: opts.concurrency,
          maxCost: opts.maxCost,
          retryFailed: opts.retryFailed,
          pollInterval: opts.pollInterval === undefined ? undefined : Math.max(50, opts.pollInterval * 1000),
          signal: cli.io.interrupt,
          onProgress: (p) => view.update(p),
          onResult: files.ended,
        });
      } catch (err) {
        view.stop();
        files.abort();
        if (err instanceof APIUserAbortError && cli.io.interrupt.aborted) {
          // A deliberate stop: the hint is the message; no error line follows it.
          cli.io.stderr.write(`interrupted: the journal keeps every started run, and ${visible(opts.out)} the results of the items that ended; resume with:\n  ${visible(runCommand(opts, false))}\n`);
          throw new CommandExit('', 130);
        }
        if (err instanceof BatchStoreError) {
          const recover = err.fault === 'lost' || /recovery mode/.test(err.message);
          throw new CommandExit(`${err.message}\nhint: resume with: ${runCommand(opts, recover || opts.recover === true)}`, 1);
        }
        if (err instanceof InputValidationError && /recovery mode/.test(err.message)) throw new CommandExit(`${err.message}\nhint: ${runCommand(opts, true)}`, 2);
        throw err;
      }
      view.stop();
      const s = outcome.summary;
      const { lines, failed: notWritten } = await files.finish(outcome.results, `Batch ${opts.batch ?? s.batchId}: ${opts.techniqueId}`);
      // RESULTS.jsonl again, with each completed item's files.
      if (opts.download !== undefined) (await import('../../batch/results-file.js')).writeResults(opts.out, lines);
      const parts = [`${s.completed} completed`, `${s.failed} failed`, ...(s.review ? [`${s.review} for review`] : []), ...(s.notStarted ? [`${s.notStarted} not started`] : [])];
      if (!g.quiet) cli.io.stderr.write(`batch ${s.batchId}${opts.batch ? ` (${visible(opts.batch)})` : ''}: ${s.total} items, ${parts.join(', ')}; ${formatUsd(s.spent)} USD charged; results in ${visible(opts.out)}\n`);
      if (s.stopped?.reason === 'insufficient_credits') throw new CommandExit(`${s.stopped.message}; run the same command again once the workspace has credits`, 1);
      if (s.stopped) cli.io.stderr.write(`stopped: ${visible(s.stopped.message)}\n`);
      if (s.failed + s.review > 0) throw new CommandExit(`${s.failed} runs failed${s.review ? ` and ${s.review} items need review` : ''}: see ${opts.out}`, 3);
      if (notWritten > 0) throw new CommandExit(`the outputs of ${notWritten} items could not be written: see download_error in ${opts.out}; resume with: ${runCommand(opts, false)}`, 1);
    });

  const status = batch.command('status').description("Counts by state and the cost so far, from a batch's journal.");
  required(status, '--journal <file>', 'the journal of `flora batch run`');
  status.addHelpText('after', '\nExample:\n  $ flora batch status --journal shots.journal').action(async (opts, cmd: Command) => {
    const g = cli.globals(cmd);
    const { Journal } = await import('../../batch/index.js');
    const journal = await Journal.open(opts.journal);
    try {
      const s = journal.status();
      cli.print(g, { batch_id: s.meta.batchId, technique_id: s.meta.techniqueId, workspace_id: s.meta.workspaceId ?? null, items: s.meta.itemCount, ...s.counts, spent: Math.round(s.spent * 1e6) / 1e6 });
    } finally {
      journal.close();
    }
  });

  queueCommands(batch, cli);
  reportCommand(batch, cli);
  return batch;
}

/** The BullMQ commands: `enqueue` (producer), `worker`, `collect` (results). */
function queueCommands(batch: Command, cli: Cli): void {
  const redisOption = (cmd: Command) => required(cmd, '--redis <url>', 'Redis URL, e.g. redis://127.0.0.1:6379');
  const nameOption = (cmd: Command) => required(cmd, '--batch <name>', 'the batch name: one queue, and the base of every item\'s idempotency key');

  const enqueue = batch.command('enqueue').description('Add items as jobs of a Redis queue (job id = item id: adding again is a no-op).');
  redisOption(enqueue);
  nameOption(enqueue);
  required(enqueue, '--technique-id <id>', 'technique slug, or tech_ id with --workspace-id');
  required(enqueue, '--items <file>', 'ITEMS.jsonl; a value "@path" is a local file, uploaded once per batch by the workers (which must see the same path)');
  enqueue
    .option('--workspace-id <id>', 'workspace id (ws_...): start through the top-level route')
    .addHelpText('after', '\nExample:\n  $ flora batch enqueue --redis redis://127.0.0.1:6379 --batch shots --technique-id art-directors-critique --items items.jsonl')
    .action(async (opts, cmd: Command) => {
      const g = cli.globals(cmd);
      const { enqueueItems } = await import('../../queue/index.js');
      const items = await loadItems(opts.items, opts.techniqueId, opts.workspaceId);
      const added = await enqueueItems({ redis: opts.redis, batch: opts.batch }, items, { techniqueId: opts.techniqueId, workspaceId: opts.workspaceId });
      cli.print(g, added);
    });

  const worker = batch.command('worker').description("Process a batch's jobs until stopped (Ctrl-C or SIGTERM); start one on every machine.");
  redisOption(worker);
  nameOption(worker);
  worker
    .option('--concurrency <n>', 'runs in flight in this worker at most (default 16)', atLeastOne('--concurrency'))
    .option('--max-cost <usd>', 'the batch budget, shared through Redis', usd('--max-cost'))
    .option('--rate-limit <n>', 'start at most n jobs a second across all workers (BullMQ limiter)', atLeastOne('--rate-limit'))
    .option('--retry-failed <n>', 'start failed runs with a retryable error code again, up to n times (default 0)', count('--retry-failed'))
    .option('--poll-interval <seconds>', "time between the batch's polling rounds, one worker polling for all (default 1)", positiveNumber('--poll-interval'))
    .option('--stalled-interval <seconds>', "how soon another worker takes over a dead worker's jobs (default 30)", positiveNumber('--stalled-interval'))
    .addHelpText('after', '\nExample:\n  $ flora batch worker --redis redis://127.0.0.1:6379 --batch shots')
    .action(async (opts, cmd: Command) => {
      const g = cli.globals(cmd);
      const { startBatchWorker } = await import('../../queue/index.js');
      const flora = cli.client(g);
      const w = await startBatchWorker(flora, {
        redis: opts.redis,
        batch: opts.batch,
        concurrency: opts.concurrency,
        maxCost: opts.maxCost,
        retryFailed: opts.retryFailed,
        rateLimit: opts.rateLimit ? { max: opts.rateLimit, duration: 1000 } : undefined,
        pollInterval: opts.pollInterval === undefined ? undefined : Math.max(50, opts.pollInterval * 1000),
        stalledInterval: opts.stalledInterval === undefined ? undefined : opts.stalledInterval * 1000,
        onResult: g.quiet ? undefined : (r) => void cli.io.stderr.write(`${visible(`${r.id} ${r.status}${r.run_id ? ` ${r.run_id}` : ''}${r.error ? ` ${r.error.code}` : ''}`)}\n`),
        onWarning: (message) => void cli.io.stderr.write(`warning: ${visible(message)}\n`),
      });
      if (!g.quiet) cli.io.stderr.write(`worker for batch ${visible(opts.batch)} ready; stop it with Ctrl-C\n`);
      const stop = new Promise<void>((resolve) => {
        cli.io.interrupt.addEventListener('abort', () => resolve(), { once: true });
        process.once('SIGTERM', () => resolve());
      });
      await stop;
      await w.close();
    });

  const collect = batch.command('collect').description("Wait until a batch's jobs are done, then write RESULTS.jsonl.");
  redisOption(collect);
  nameOption(collect);
  required(collect, '--out <file>', 'RESULTS.jsonl to write');
  fileOptions(collect)
    .option('--no-wait', 'write what is done now, without waiting for the rest')
    .addHelpText('after', '\nExample:\n  $ flora batch collect --redis redis://127.0.0.1:6379 --batch shots --out results.jsonl')
    .action(async (opts, cmd: Command) => {
      const g = cli.globals(cmd);
      const [{ collectResults }, { writeResults }] = await Promise.all([import('../../queue/index.js'), import('../../batch/results-file.js')]);
      const mode = g.quiet ? 'quiet' : cli.io.stderr.isTTY ? 'tty' : 'plain';
      const view = batchProgressView(cli.io.stderr, mode);
      let outcome;
      try {
        outcome = await collectResults({ redis: opts.redis, batch: opts.batch }, { wait: opts.wait, signal: cli.io.interrupt, onProgress: (p) => view.update(p) });
      } finally {
        view.stop();
      }
      writeResults(opts.out, outcome.results);
      const { lines, failed: notWritten } = await new BatchFiles(cli, { download: opts.download, html: opts.html, quiet: g.quiet, timeout: g.timeout, maxRetries: g.maxRetries }).finish(outcome.results, `Batch ${opts.batch}`);
      if (opts.download !== undefined) writeResults(opts.out, lines);
      const s = outcome.summary;
      if (!g.quiet) cli.io.stderr.write(`batch ${visible(opts.batch)}: ${s.total} items, ${s.completed} completed, ${s.failed} failed${s.review ? `, ${s.review} for review` : ''}${s.notStarted ? `, ${s.notStarted} not done` : ''}; ${formatUsd(s.spent)} USD charged; results in ${visible(opts.out)}\n`);
      if (s.failed + s.review > 0) throw new CommandExit(`${s.failed} runs failed${s.review ? ` and ${s.review} items need review` : ''}: see ${opts.out}`, 3);
      if (notWritten > 0) throw new CommandExit(`the outputs of ${notWritten} items could not be written: see download_error in ${opts.out}; the same command again fetches them`, 1);
    });
}
