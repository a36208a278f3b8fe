/**
 * Local files in a batch's item inputs, in the form a store keeps: `{"$file": "<path>", "sha256": "<hex>"}`
 * where an input's value (or an element of an array value) names a file. `flora.file('./a.png')` in code
 * and `"@./a.png"` in the CLI's ITEMS.jsonl become this once the file is hashed (`hash-files.ts`); the
 * journal and the jobs keep it (JSON, unlike a `LocalFile`), the digest of an item's inputs covers the
 * file's content through its hash, and the file step (`file-step.ts`) replaces it with the URL of the
 * file's asset just before the start is sent. Pure: no I/O.
 */
import { LocalFile, mapInputValues } from '../resources/local-files.js';

export { mapInputValues };

/** A local file as a batch keeps it: where it is, and what it holds. */
export interface FileMarker {
  /** The path as given (relative to the process's working directory). */
  $file: string;
  /** SHA-256 of its content, hex: the file's identity in the batch (one upload per distinct content). */
  sha256: string;
  /** Its media type, when given (`flora.file(path, { content_type })`); else from its extension. */
  content_type?: string;
}

const MARKER_KEYS = new Set(['$file', 'sha256', 'content_type']);

/** Whether `v` is a file marker (exactly its fields, a real hash): a plain input value never is. */
export function isFileMarker(v: unknown): v is FileMarker {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const o = v as Record<string, unknown>;
  return (
    Object.keys(o).every((k) => MARKER_KEYS.has(k)) &&
    typeof o.$file === 'string' &&
    o.$file !== '' &&
    typeof o.sha256 === 'string' &&
    /^[0-9a-f]{64}$/.test(o.sha256) &&
    (o.content_type === undefined || typeof o.content_type === 'string')
  );
}

/** The distinct files (by content) an item's inputs name, in order. */
export function fileMarkers(inputs: unknown): FileMarker[] {
  const found = new Map<string, FileMarker>();
  mapInputValues(inputs, isFileMarker, (m) => void (found.has(m.sha256) || found.set(m.sha256, m)));
  return [...found.values()];
}

/** Whether an item's inputs name a local file. */
export const hasFiles = (inputs: unknown): boolean => fileMarkers(inputs).length > 0;

/** `inputs` with each file replaced by its asset's URL (`urls`: by hash); what the start sends. */
export function withFileUrls(inputs: unknown, urls: ReadonlyMap<string, string>): unknown {
  return mapInputValues(inputs, isFileMarker, (m) => {
    const url = urls.get(m.sha256);
    if (url === undefined) throw new Error(`no URL for the file ${m.$file} (sha256 ${m.sha256})`);
    return url;
  });
}

/**
 * `inputs` with each file (a marker, or a `flora.file()` not yet hashed, as the CLI checks its items file
 * before the batch reads the files) replaced by a URL: what the request's schema check reads before
 * anything is uploaded.
 */
export const withFilePlaceholders = (inputs: unknown): unknown =>
  mapInputValues(inputs, (v): v is FileMarker | LocalFile => isFileMarker(v) || v instanceof LocalFile, () => 'https://upload.invalid/local-file');
