/**
 * The README's code blocks, for the test that compiles and runs them (`scripts/consumer.test.ts`). A block
 * preceded by `<!-- readme-test: not run (why) -->` is not run; the test checks it another way.
 */
import { readFileSync } from 'node:fs';

export interface ReadmeBlock {
  /** The fence's language: `ts`, `sh`, ... */
  lang: string;
  code: string;
  /** 1-based line of the opening fence. */
  line: number;
  /** Why it is not run, when the README says so. */
  notRun: string | undefined;
  /** The nearest heading above it. */
  section: string;
}

export function readmeBlocks(file: string): ReadmeBlock[] {
  const lines = readFileSync(file, 'utf8').split('\n');
  const blocks: ReadmeBlock[] = [];
  let section = '';
  for (let i = 0; i < lines.length; i++) {
    const heading = /^#+\s+(.*)$/.exec(lines[i]!);
    if (heading) section = heading[1]!;
    const open = /^```(\w*)/.exec(lines[i]!);
    if (!open) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !lines[i]!.startsWith('```'); i++) body.push(lines[i]!);
    const note = /^<!-- readme-test: not run \((.+)\) -->$/.exec(lines[start - 1] ?? '');
    blocks.push({ lang: open[1] || 'text', code: `${body.join('\n')}\n`, line: start + 1, notRun: note?.[1], section });
  }
  return blocks;
}
