/**
 * RESULTS.jsonl: one result a line. While a batch runs each item's line is appended as it ends, so a batch
 * stopped part-way (a crash, Ctrl-C, a full disk) leaves the lines of the items that ended; at the end
 * the file is written again whole, one line per item in the items' order. A line is whole or absent: an
 * append that fails part-way is cut back off, and a whole-file write goes through a temporary file.
 */
import { closeSync, existsSync, fstatSync, fsyncSync, ftruncateSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import type { ItemResult } from './result.js';
import { BatchStoreError } from './store-error.js';

const lines = (results: readonly ItemResult[]) => results.map((r) => `${JSON.stringify(r)}\n`).join('');

const diskError = (path: string, err: unknown): BatchStoreError => {
  const code = (err as NodeJS.ErrnoException).code;
  const full = code === 'ENOSPC' || code === 'EDQUOT';
  return new BatchStoreError(full ? 'full' : 'io', path, `the results file ${path} could not be written: ${full ? 'the disk is full' : 'the disk failed'} (${(err as Error).message})`, { cause: err });
};

/** Lines written a chunk at a time: the whole file as one string would cost ~40 MiB more at 100,000 items. */
const CHUNK = 1000;

/** Writes RESULTS.jsonl whole, under a temporary name first, so a reader never sees half a file. */
export function writeResults(path: string, results: readonly ItemResult[]): void {
  const temp = `${path}.${process.pid}.tmp`;
  try {
    const fd = openSync(temp, 'w');
    try {
      for (let i = 0; i < results.length; i += CHUNK) writeAll(fd, Buffer.from(lines(results.slice(i, i + CHUNK))));
    } finally {
      closeSync(fd);
    }
    renameSync(temp, path);
  } catch (err) {
    rmSync(temp, { force: true });
    throw diskError(path, err);
  }
}

function writeAll(fd: number, buf: Buffer): void {
  let written = 0;
  while (written < buf.length) written += writeSync(fd, buf, written, buf.length - written);
}

/** The item ids a results file holds lines for (empty when there is no file): a batch that already ran leaves them. */
export function resultIds(path: string): Set<string> {
  const ids = new Set<string>();
  if (!existsSync(path)) return ids;
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    try {
      const v = JSON.parse(line) as { id?: unknown };
      if (typeof v?.id === 'string') ids.add(v.id);
    } catch {
      // not a result line
    }
  }
  return ids;
}

/** A results file a running batch appends to. */
export class ResultsFile {
  #fd: number;
  #size: number;

  private constructor(
    readonly path: string,
    fd: number,
    size: number,
  ) {
    this.#fd = fd;
    this.#size = size;
  }

  /** Starts the file with the lines of the items that have ended already (written whole), and opens it for appending. */
  static open(path: string, ended: readonly ItemResult[]): ResultsFile {
    writeResults(path, ended);
    try {
      const fd = openSync(path, 'a');
      return new ResultsFile(path, fd, fstatSync(fd).size);
    } catch (err) {
      throw diskError(path, err);
    }
  }

  /** Appends one item's line; on a failure the part written is cut back off, so no line is torn. */
  append(result: ItemResult): void {
    const buf = Buffer.from(`${JSON.stringify(result)}\n`);
    try {
      writeAll(this.#fd, buf);
      this.#size += buf.length;
    } catch (err) {
      try {
        ftruncateSync(this.#fd, this.#size);
      } catch {
        // the disk refuses even that: the line stays cut, and the whole-file write at the next run replaces it
      }
      throw diskError(this.path, err);
    }
  }

  /** Writes the file again whole (every item, in the items' order) and closes it. */
  finish(all: readonly ItemResult[]): void {
    this.close();
    writeResults(this.path, all);
  }

  close(): void {
    if (this.#fd < 0) return;
    try {
      fsyncSync(this.#fd);
    } catch {
      // best effort: the journal, not this file, is what a resumed batch trusts
    }
    closeSync(this.#fd);
    this.#fd = -1;
  }
}
