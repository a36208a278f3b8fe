/**
 * The local files of a batch's items, read before anything is sent: each distinct path hashed once
 * (SHA-256, streamed: memory stays flat whatever the size), and every `flora.file(path)` in the items'
 * inputs turned into the marker a store keeps (`input-files.ts`). A file that cannot be read, or a local
 * file that is not a path (a Blob, bytes, a stream: a batch reads its files again after a crash, and a
 * queue's workers read them on their own), is refused naming its item's line, before anything is sent.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FieldError } from '../../generated/openapi.js';
import { LocalFile, mapInputValues } from '../resources/local-files.js';
import { isRemoteUrl } from '../resources/upload-source.js';
import { refuseItems, type BatchItem } from './items.js';
import type { FileMarker } from './input-files.js';

/** Files hashed at once. */
const PARALLEL = 4;

/** SHA-256 (hex) and length of a file's content, read as a stream. */
export async function hashFile(path: string, signal?: AbortSignal): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024, signal }) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    size += chunk.length;
  }
  return { sha256: hash.digest('hex'), size };
}

const isLocalFile = (v: unknown): v is LocalFile => v instanceof LocalFile;

/** The path a `LocalFile` names, or why a batch cannot take it. */
function pathOf(file: LocalFile): { path: string } | { problem: string } {
  const f = file.file;
  const extra = Object.keys(file.params).filter((k) => k !== 'content_type' && (file.params as Record<string, unknown>)[k] !== undefined);
  if (extra.length > 0) return { problem: `a batch names its files itself (by content); flora.file() takes only content_type here, not ${extra.join(', ')}` };
  if (isRemoteUrl(f)) return { problem: 'is an http(s) URL: give it as the value itself (FLORA reads URLs), not through flora.file()' };
  if (typeof f === 'string') return { path: f };
  if (f instanceof URL && f.protocol === 'file:') return { path: fileURLToPath(f) };
  return { problem: "a batch's local file must be a path (a Blob, bytes or a stream cannot be read again after a crash, nor by a queue's workers)" };
}

/**
 * The items with every `flora.file(path)` in their inputs replaced by its marker (a marker already there
 * is kept: it is checked against the file when uploaded). Each distinct path is hashed once; problems are
 * refused together (`InputValidationError`), each naming its line and input.
 */
export async function prepareItemFiles<T extends BatchItem & { line?: number }>(items: Iterable<T>, source = 'items'): Promise<T[]> {
  const list = [...items];
  const problems: FieldError[] = [];
  const uses: { line: number; field: string; path: string }[] = [];
  list.forEach((item, i) => {
    if (item === null || typeof item !== 'object') return;
    const line = item.line ?? i + 1;
    mapInputValues(item.inputs, isLocalFile, (file, field) => {
      const p = pathOf(file);
      if ('problem' in p) problems.push({ field: `line ${line}.${field}`, message: p.problem });
      else uses.push({ line, field, path: p.path });
    });
  });
  // Hashed a few at a time, each distinct file once (by its full path).
  const queue = [...new Set(uses.map((u) => resolve(u.path)))];
  const hashes = new Map<string, { sha256: string; size: number } | Error>();
  const worker = async () => {
    for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
      const full = next;
      hashes.set(full, await hashFile(full).catch((err: NodeJS.ErrnoException) => new Error(err.code === 'ENOENT' ? 'no such file' : err.code === 'EISDIR' ? 'is a directory' : (err.code ?? err.message))));
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL, queue.length) }, worker));
  for (const u of uses) {
    const h = hashes.get(resolve(u.path))!;
    if (h instanceof Error) problems.push({ field: `line ${u.line}.${u.field}`, message: `${u.path} cannot be read: ${h.message}` });
  }
  refuseItems(problems, source);
  if (uses.length === 0) return list;
  return list.map((item) =>
    item && typeof item === 'object'
      ? {
          ...item,
          inputs: mapInputValues(item.inputs, isLocalFile, (file): FileMarker => {
            const path = (pathOf(file) as { path: string }).path;
            const type = file.params.content_type;
            return { $file: path, sha256: (hashes.get(resolve(path)) as { sha256: string }).sha256, ...(type ? { content_type: type } : {}) };
          }),
        }
      : item,
  );
}
