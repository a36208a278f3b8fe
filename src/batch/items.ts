/**
 * Batch items: `{"id": "<unique item id>", "inputs": <the route's inputs>}`, one JSON object a line in an
 * ITEMS.jsonl file. Every problem is refused before anything is sent, as an `InputValidationError` whose
 * fields name the line (`line 7.id: repeats the id of line 3`).
 */
import type { FieldError } from '../../generated/openapi.js';
import { describeFields, InputValidationError } from '../core/errors.js';
import { bodyProblems } from '../core/validation.js';
import { withFilePlaceholders } from './input-files.js';
import { inputsDigest } from './keys.js';

/** One item of a batch. */
export interface BatchItem {
  /** Unique within the batch; it names the item in results and derives its idempotency key. */
  id: string;
  /** The route's inputs: an array of `{id, type, value}` for the nested route, a map for the top-level one. */
  inputs: unknown;
}

/** Which start route a batch uses: `nested` (`techniques.runs.create`) or `top` (`runs.startTechnique`). */
export type BatchRoute = 'nested' | 'top';

/** An item checked and numbered: `line` is its line in the items file (1-based), or its index + 1. */
export interface CheckedItem extends BatchItem {
  line: number;
  digest: string;
}

/** The longest item id: ids go into job ids and result lines, and must stay readable. */
const MAX_ID = 200;

const where = (line: number) => `line ${line}`;

/** Throws one `InputValidationError` listing (up to 20) problems, each naming its line. */
export function refuseItems(problems: FieldError[], source: string): void {
  if (problems.length === 0) return;
  const shown = problems.slice(0, 20);
  const more = problems.length > shown.length ? ` (and ${problems.length - shown.length} more)` : '';
  throw new InputValidationError({ status: undefined, message: `Invalid items in ${source}, nothing sent: ${describeFields(shown)}${more}`, fields: problems });
}

/** Problems of one item's id, for the line it is on. */
export function idProblems(id: unknown, line: number): FieldError[] {
  if (typeof id !== 'string' || id.length === 0 || id.length > MAX_ID) return [{ field: `${where(line)}.id`, message: `must be a string of 1 to ${MAX_ID} characters; got ${JSON.stringify(id) ?? String(id)}` }];
  if (!/^[\x21-\x7e]+$/.test(id)) return [{ field: `${where(line)}.id`, message: 'must be printable ASCII without spaces' }];
  return [];
}

/** Checks items (ids unique and well-formed, inputs the route's shape) and numbers them. */
export function checkItems(items: Iterable<BatchItem & { line?: number }>, route: BatchRoute, context: { techniqueId: string; workspaceId?: string | undefined }, source = 'items'): CheckedItem[] {
  const problems: FieldError[] = [];
  const seen = new Map<string, number>();
  const out: CheckedItem[] = [];
  let index = 0;
  for (const item of items) {
    const line = item.line ?? index + 1;
    index++;
    if (item === null || typeof item !== 'object' || Array.isArray(item)) {
      problems.push({ field: where(line), message: 'must be an object {"id": ..., "inputs": ...}' });
      continue;
    }
    const extra = Object.keys(item).filter((k) => k !== 'id' && k !== 'inputs' && k !== 'line');
    if (extra.length > 0) problems.push({ field: `${where(line)}.${extra[0]}`, message: 'is not an item field (an item has only "id" and "inputs")' });
    const idBad = idProblems(item.id, line);
    problems.push(...idBad);
    if (idBad.length === 0) {
      const before = seen.get(item.id);
      if (before !== undefined) problems.push({ field: `${where(line)}.id`, message: `repeats the id ${JSON.stringify(item.id)} of line ${before}` });
      else seen.set(item.id, line);
    }
    const body =
      route === 'nested'
        ? { schema: 'TechniqueRunCreateRequest' as const, value: { inputs: withFilePlaceholders(item.inputs), mode: 'async' } }
        : { schema: 'StartTechniqueRunRequest' as const, value: { inputs: withFilePlaceholders(item.inputs), technique_id: context.techniqueId, workspace_id: context.workspaceId } };
    if (item.inputs === undefined) problems.push({ field: `${where(line)}.inputs`, message: 'Required' });
    else for (const p of bodyProblems(body.schema, body.value)) if (p.field.startsWith('inputs')) problems.push({ field: `${where(line)}.${p.field}`, message: p.message });
    out.push({ id: item.id, inputs: item.inputs, line, digest: inputsDigest(item.inputs) });
  }
  if (index === 0) problems.push({ field: source, message: 'holds no items' });
  refuseItems(problems, source);
  return out;
}

/** The lines of an items file: bytes are decoded line by line, and a line that is not UTF-8 is a problem naming it. */
function linesOf(input: string | Uint8Array, problems: FieldError[]): (string | undefined)[] {
  if (typeof input === 'string') return input.split('\n');
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const out: (string | undefined)[] = [];
  for (let start = 0, line = 1; start <= input.length; line++) {
    let end = input.indexOf(0x0a, start);
    if (end === -1) end = input.length;
    try {
      out.push(decoder.decode(input.subarray(start, end)));
    } catch {
      problems.push({ field: where(line), message: 'is not valid UTF-8 text (an items file is read as bytes: no byte is replaced)' });
      out.push(undefined);
    }
    start = end + 1;
  }
  return out;
}

/**
 * Parses ITEMS.jsonl: one JSON object a line; blank lines are skipped. Given as bytes (as read from a file),
 * a line that is not UTF-8 is refused rather than read with U+FFFD in place of its bytes. Unreadable lines
 * are refused, naming them.
 */
export function parseItemsJsonl(input: string | Uint8Array, source: string): (BatchItem & { line: number })[] {
  const problems: FieldError[] = [];
  const items: (BatchItem & { line: number })[] = [];
  linesOf(input, problems).forEach((raw, i) => {
    const line = i + 1;
    if (raw === undefined) return;
    const trimmed = raw.trim();
    if (trimmed === '') return;
    let value: unknown;
    try {
      value = JSON.parse(trimmed);
    } catch (err) {
      problems.push({ field: where(line), message: `is not JSON (${err instanceof Error ? err.message : String(err)})` });
      return;
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      problems.push({ field: where(line), message: 'must be a JSON object {"id": ..., "inputs": ...}' });
      return;
    }
    items.push({ ...(value as BatchItem), line });
  });
  problems.sort((a, b) => Number(a.field.slice(5)) - Number(b.field.slice(5)));
  refuseItems(problems, source);
  return items;
}
