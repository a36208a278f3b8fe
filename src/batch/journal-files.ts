/**
 * A journal's three files (the database, its `-wal` and `-shm`) as the journal last saw them: one removed,
 * replaced by another, or shorter than it was (truncated) is a journal lost or damaged under its batch,
 * refused with a `BatchStoreError` naming the file, never written on as if nothing had happened.
 */
import { statSync } from 'node:fs';
import { BatchStoreError } from './store-error.js';

/** The three files of a journal in WAL mode. */
export const journalFiles = (path: string) => ({ main: path, wal: `${path}-wal`, shm: `${path}-shm` });

interface FileSeen {
  ino: number;
  dev: number;
  size: number;
}

const seen = (path: string): FileSeen | undefined => {
  try {
    const s = statSync(path);
    return { ino: s.ino, dev: s.dev, size: s.size };
  } catch {
    return undefined;
  }
};

/** The files of the journal at `path`, as they are now; `check()` compares them with what they became. */
export class JournalFileWatch {
  readonly #files = new Map<string, FileSeen>();

  constructor(readonly path: string) {
    for (const f of Object.values(journalFiles(path))) {
      const s = seen(f);
      if (s) this.#files.set(f, s);
    }
  }

  /** Throws `BatchStoreError` (`missing` or `damaged`) when a file is gone, another, or shorter; else notes its size. */
  check(): void {
    for (const [file, before] of this.#files) {
      const now = seen(file);
      const which = file === this.path ? 'the journal' : `its ${file.slice(this.path.length + 1)} file`;
      if (!now) throw new BatchStoreError('missing', this.path, `the journal ${this.path} was lost under the running batch: ${which} (${file}) was removed`);
      if (now.ino !== before.ino || now.dev !== before.dev) throw new BatchStoreError('missing', this.path, `the journal ${this.path} was lost under the running batch: ${which} (${file}) was replaced by another file`);
      if (now.size < before.size) throw new BatchStoreError('damaged', this.path, `the journal ${this.path} was damaged under the running batch: ${which} (${file}) was truncated from ${before.size} to ${now.size} bytes`);
      before.size = now.size;
    }
  }
}
