/**
 * A batch's outputs to disk: `downloadRun` for each completed item of a batch's results (RESULTS.jsonl
 * lines, from `runBatch` or the queue's collector), named by the item's id, a few items at a time. Each
 * item is fetched once per `ResultDownloads` however often it is asked for (an item can be asked for as
 * it ends, and again by the pass over every result at the end), and every call of `downloadRun` keeps
 * what is already on disk and resumes what is partial, so running a batch's downloads again fetches only
 * what is missing. An item whose outputs cannot be written gets `download_error` in its line; the others
 * go on.
 */
import { DownloadError, FloraError } from '../core/errors.js';
import { downloadRun, type DownloadedFile, type DownloadOptions } from './download.js';

/** A result line as a batch writes it (the fields this reads). */
export interface ResultLine {
  id: string;
  run_id: string | null;
  status: string;
  outputs: readonly unknown[] | null;
}

/** One file of an item, as RESULTS.jsonl records it. */
export interface ResultFile {
  output_id: string;
  path: string;
  bytes: number;
}

/** A result line with what its download left: `files` once every output is on disk, else `download_error`. */
export type DownloadedLine<R extends ResultLine> = R & { files?: ResultFile[]; download_error?: { reason: string; message: string } };

/** Options of `ResultDownloads`: `downloadRun`'s (but `name`, which is each item's id), and how many items at a time. */
export interface ResultDownloadOptions extends Omit<DownloadOptions, 'name'> {
  /** Items downloading at once. Default 4. */
  concurrency?: number | undefined;
  /** Hears of each item as its download ends. */
  onItem?: ((id: string, outcome: { files: DownloadedFile[] } | { error: DownloadError }) => void) | undefined;
}

type Outcome = { files: DownloadedFile[] } | { error: DownloadError };

/** The downloads of one batch's results into one folder. */
export class ResultDownloads {
  readonly #started = new Map<string, Promise<Outcome>>();
  readonly #waiting: (() => void)[] = [];
  #active = 0;
  readonly #concurrency: number;

  constructor(
    readonly dir: string,
    private readonly options: ResultDownloadOptions = {},
  ) {
    this.#concurrency = options.concurrency ?? 4;
    if (!Number.isInteger(this.#concurrency) || this.#concurrency < 1) throw new FloraError('ResultDownloads: concurrency must be a whole number >= 1');
  }

  /** Starts the download of a completed item's outputs (once; later calls share it). Other items resolve with no files. */
  item(result: ResultLine): Promise<Outcome> {
    if (result.status !== 'completed' || result.run_id === null) return Promise.resolve({ files: [] });
    let started = this.#started.get(result.id);
    if (!started) this.#started.set(result.id, (started = this.#limited(() => this.#fetch(result))));
    return started;
  }

  /** Every line of `results`, each completed one with its `files` (or `download_error`), once all are done. */
  async all<R extends ResultLine>(results: readonly R[]): Promise<DownloadedLine<R>[]> {
    const outcomes = await Promise.all(results.map((r) => this.item(r)));
    return results.map((r, i) => {
      const out = outcomes[i]!;
      if ('error' in out) return { ...r, download_error: { reason: out.error.reason, message: out.error.message } };
      return r.status === 'completed' ? { ...r, files: out.files.map((f) => ({ output_id: f.outputId, path: f.path, bytes: f.bytes })) } : r;
    });
  }

  async #fetch(result: ResultLine): Promise<Outcome> {
    const { concurrency: _c, onItem, ...options } = this.options;
    let outcome: Outcome;
    try {
      outcome = { files: await downloadRun({ run_id: result.run_id!, status: 'completed', outputs: result.outputs as never }, this.dir, { ...options, name: result.id }) };
    } catch (err) {
      // Stopping is the whole batch's: the caller hears of it. Anything else is this item's.
      if (err instanceof DownloadError && err.reason === 'aborted') throw err;
      if (!(err instanceof DownloadError)) throw err;
      outcome = { error: err };
    }
    onItem?.(result.id, outcome);
    return outcome;
  }

  async #limited<T>(work: () => Promise<T>): Promise<T> {
    if (this.#active >= this.#concurrency) await new Promise<void>((go) => this.#waiting.push(go));
    this.#active++;
    try {
      return await work();
    } finally {
      this.#active--;
      this.#waiting.shift()?.();
    }
  }
}
