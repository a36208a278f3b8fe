/**
 * The report from what a batch leaves: each item's result (a line of RESULTS.jsonl: id, status, run,
 * cost, error, outputs) and the files its outputs were downloaded to. This is the part that touches the
 * disk: it makes each file's path relative to the page, reads the start of each text file for its
 * excerpt, and writes the page whole or not at all. `renderReport` does the rest.
 */
import { open, rename } from 'node:fs/promises';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { EXCERPT_CHARACTERS, renderReport, type ReportFile, type ReportItem, type ReportOptions } from './html.js';

/** One item as a batch records it: its result (RESULTS.jsonl's line), with its outputs and where they were written (when they were). */
export interface ReportSource extends Omit<ReportItem, 'files'> {
  outputs?: readonly { output_id: string; type: string; url: string }[] | null | undefined;
  /** What `downloadRun` wrote for it (`outputId`/`path`, or `output_id`/`path` as the CLI prints them). */
  files?: readonly ({ outputId: string; path: string } | { output_id: string; path: string })[] | null | undefined;
}

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
    sources.map(async (s) => {
      const paths = new Map((s.files ?? []).map((f) => ['outputId' in f ? f.outputId : f.output_id, f.path] as const));
      const files = await Promise.all(
        (s.outputs ?? []).map(async (o): Promise<ReportFile> => {
          const path = paths.get(o.output_id);
          const shown = path === undefined ? undefined : isAbsolute(path) ? relative(base, path) : relative(base, resolve(path));
          const text = path !== undefined && o.type === 'text' ? await excerpt(path) : undefined;
          return { output_id: o.output_id, type: o.type, url: o.url, ...(shown !== undefined ? { path: shown } : {}), ...(text !== undefined ? { excerpt: text } : {}) };
        }),
      );
      return { id: s.id, status: s.status, run_id: s.run_id, charged_cost: s.charged_cost, error: s.error, files };
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
