/** The error a batch stops with when its store (the journal, or Redis) is lost, damaged or full. */
import { FloraError } from '../core/errors.js';

/**
 * What went wrong with the store:
 *  - `missing`: the journal (or its `-wal` / `-shm` file) was removed or replaced under the running batch;
 *  - `damaged`: it cannot be read (truncated, overwritten, not a journal);
 *  - `full`: the disk is full: nothing is lost, the batch resumes once there is room;
 *  - `io`: the disk failed a read or write;
 *  - `lost`: FLORA already had a key this store never sent, or Redis no longer has the batch: the batch ran
 *    before with a store that is gone;
 *  - `unreachable`: Redis does not answer.
 */
export type StoreFault = 'missing' | 'damaged' | 'full' | 'io' | 'lost' | 'unreachable';

/** The batch stopped because of its store; `file` names it (a journal path, or a redacted Redis URL). */
export class BatchStoreError extends FloraError {
  override name = 'BatchStoreError';
  constructor(
    readonly fault: StoreFault,
    readonly file: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The SQLite error codes (better-sqlite3's `err.code`) of a journal that cannot be trusted or written. */
export function sqliteFault(err: unknown): StoreFault | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !code.startsWith('SQLITE_')) return undefined;
  if (code === 'SQLITE_FULL') return 'full';
  if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB') return 'damaged';
  if (code === 'SQLITE_READONLY_DBMOVED' || code === 'SQLITE_CANTOPEN' || code === 'SQLITE_IOERR_DELETE_NOENT') return 'missing';
  if (code.startsWith('SQLITE_IOERR')) return 'io';
  return undefined;
}
