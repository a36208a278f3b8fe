/**
 * The report from what a batch leaves: each item's result (a line of RESULTS.jsonl: id, status, run,
 * cost, error, outputs) and the files its outputs were downloaded to. This is the part that touches the
 * disk: it makes each file's path relative to the page, reads the start of each text file for its
 * excerpt, and writes the page whole or not at all. `renderReport` does the rest.
 */
import { open, rename } from 'node:fs/promises';
import { dirname, relative, resolve } from 'node:path';
import { EXCERPT_CHARACTERS, renderReport, type ReportFile, type ReportItem, type ReportOptions } from './html.js';

/**
 * One item as a batch records it: its result (a line of RESULTS.jsonl), with its outputs and where they
 * were written (`downloadRun`'s files, or `{ output_id, path }` as the CLI prints them). Read back from a
 * file, anything may be in it: what is not of these shapes is left out of the page, never thrown.
 */
export interface ReportSource extends Omit<ReportItem, 'files'> {
  outputs?: readonly unknown[] | null | undefined;
  files?: readonly unknown[] | null | undefined;
}

const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const record = (v: unknown): Record<string, unknown> => (v !== null && typeof v === 'object' ? (v as Record<string, unknown>) : {});
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** The first characters of a text file (a few KiB read at most), or undefined when it cannot be read. */
async function excerpt(path: string): Promise<string | undefined> {
  const bytes = EXCERPT_CHARACTERS * 4;
  try {
    const file = await open(path, 'r');
    try {
      const { buffer, bytesRead } = await file.read({ buffer: Buffer.alloc(bytes), position: 0 });
      // A multi-byte character cut at the end is dropped, not shown as garbage.
      return new TextDecoder('utf-8', { fatal: false }).decode(buffer.subarray(0, bytesRead)).replace(/\uFFFD$/, '');
    } finally {
      await file.close();
    }
  } catch {
    return undefined;
  }
}

/** The report's items for `sources`, with paths relative to `reportPath`'s folder and text excerpts read. */
export async function reportItems(sources: readonly ReportSource[], reportPath: string): Promise<ReportItem[]> {
  const base = dirname(resolve(reportPath));
  return Promise.all(
    sources.map(async (source) => {
      const s = record(source);
      const paths = new Map<string, string>();
      for (const f of list(s.files).map(record)) {
        const id = text(f.outputId) ?? text(f.output_id);
        if (id !== undefined && text(f.path)) paths.set(id, f.path as string);
      }
      const outputs = list(s.outputs).map(record).filter((o) => text(o.output_id) !== undefined);
      const files = await Promise.all(
        outputs.map(async (o): Promise<ReportFile> => {
          const [id, type] = [o.output_id as string, text(o.type) ?? 'unknown'];
          const path = paths.get(id);
          const shown = path === undefined ? undefined : relative(base, resolve(path));
          const excerpted = path !== undefined && type === 'text' ? await excerpt(path) : undefined;
          return { output_id: id, type, url: text(o.url), ...(shown !== undefined ? { path: shown } : {}), ...(excerpted !== undefined ? { excerpt: excerpted } : {}) };
        }),
      );
      const error = s.error === null || s.error === undefined ? undefined : { code: text(record(s.error).code), message: text(record(s.error).message) ?? (typeof s.error === 'string' ? s.error : undefined) };
      const cost = typeof s.charged_cost === 'number' ? s.charged_cost : null;
      return { id: text(s.id) ?? String(s.id), status: text(s.status) ?? 'unknown', run_id: text(s.run_id) ?? null, charged_cost: cost, error, files };
    }),
  );
}

/** Writes the report of `sources` to `path` (under a temporary name, then renamed). Resolves with its items. */
export async function writeReport(path: string, sources: readonly ReportSource[], options: ReportOptions = {}): Promise<ReportItem[]> {
  const items = await reportItems(sources, path);
  const temp = `${path}.${process.pid}.tmp`;
  const file = await open(temp, 'w');
  try {
    await file.writeFile(renderReport(items, options));
  } finally {
    await file.close();
  }
  await rename(temp, path);
  return items;
}
