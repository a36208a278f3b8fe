/**
 * Local files in a batch's item inputs, in the form a store keeps: `{"$file": "<path>", "sha256": "<hex>"}`
 * where an input's value (or an element of an array value) names a file. `flora.file('./a.png')` in code
 * and `"@./a.png"` in the CLI's ITEMS.jsonl become this once the file is hashed (`hash-files.ts`); the
 * journal and the jobs keep it (JSON, unlike a `LocalFile`), the digest of an item's inputs covers the
 * file's content through its hash, and the file step (`file-step.ts`) replaces it with the URL of the
 * file's asset just before the start is sent. Pure: no I/O.
 */

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

/**
 * `inputs` (either route's form) with every value `match` picks replaced by `to(value, field)`: the array
 * form's `value`s and the map form's values, and their arrays' elements. Anything else is kept as it is.
 */
export function mapInputValues<T>(inputs: unknown, match: (v: unknown) => v is T, to: (v: T, field: string) => unknown): unknown {
  const one = (v: unknown, field: string) => (match(v) ? to(v, field) : Array.isArray(v) ? v.map((x, i) => (match(x) ? to(x, `${field}[${i}]`) : x)) : v);
  if (Array.isArray(inputs)) return inputs.map((i, n) => (i && typeof i === 'object' && !Array.isArray(i) && 'value' in i ? { ...i, value: one((i as { value: unknown }).value, `inputs[${n}].value`) } : i));
  if (inputs && typeof inputs === 'object') return Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, one(v, `inputs.${k}`)]));
  return inputs;
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

/** `inputs` with each file replaced by a URL: what the request's schema check reads before anything is uploaded. */
export const withFilePlaceholders = (inputs: unknown): unknown => mapInputValues(inputs, isFileMarker, () => 'https://upload.invalid/local-file');
