/**
 * The CLI against a server that sends what no FLORA should: 8-bit controls and bidi overrides in its
 * strings, times outside the Date range, lists whose cursors repeat or never end. Every format shows the
 * run inert; `--all` ends, with an error naming why.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from './program.js';

const KEY = 'flora_test_key_cli_hostile';
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
const technique = (id: string) => ({ technique_id: id, name: `name ${id}`, run_cost: 1, inputs: [], outputs: [] });

let server: Server;
let base = '';
let pages = 0;
beforeAll(async () => {
  server = createServer((req, res) => {
    const url = new URL(req.url!, 'http://x');
    const send = (body: unknown) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (url.pathname.endsWith('/runs/run_c1')) return send({ run_id: 'run_\u009b2J\u202eexe', status: 'pending\u0085\u2028', progress: 1, created_at: 1_767_225_600, error_message: '\u009d0;title\u009c' });
    if (url.pathname.endsWith('/runs/run_time')) return send({ run_id: 'run_time', status: 'completed', progress: 100, created_at: 1e20, completed_at: -8.64e15 - 1 });
    if (url.pathname.endsWith('/techniques')) {
      pages++;
      const cursor = url.searchParams.get('cursor') ?? '';
      const query = url.searchParams.get('query');
      // `repeat`: the second page points back at the first; `endless`: a new cursor every page.
      const next = query === 'repeat' ? (cursor === 'c1' ? 'c0' : 'c1') : `${cursor}x`;
      return send({ techniques: [technique(`t${pages}`)], meta: { next_cursor: cursor.length > 3000 ? undefined : next } });
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

async function flora(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io = { stdout: { write: (s: string) => ((stdout += s), true), isTTY: false }, stderr: { write: (s: string) => ((stderr += s), true), isTTY: false }, interrupt: new AbortController().signal };
  const code = await main(['--api-key', KEY, '--base-url', base, '--max-retries', '0', ...argv], io as never, '0.0.0');
  return { code, stdout, stderr };
}

describe('the CLI against a hostile server', () => {
  it.each(['json', 'yaml', 'pretty'])('-o %s shows C1 controls, line separators and bidi overrides as escapes', async (output) => {
    const r = await flora('-o', output, 'techniques:runs', 'retrieve', '--technique-id', 't', '--run-id', 'run_c1');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('\\u009b');
    expect(r.stdout + r.stderr).not.toMatch(UNSAFE);
  });

  it('-o pretty shows a time outside the Date range as the number, and the run', async () => {
    const r = await flora('-o', 'pretty', 'techniques:runs', 'retrieve', '--technique-id', 't', '--run-id', 'run_time');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('created_at: 100000000000000000000');
    expect(r.stdout).toContain('status: completed');
  });

  it('techniques list --all stops at a repeated cursor, with an error saying so', async () => {
    pages = 0;
    const r = await flora('techniques', 'list', '--all', '--query', 'repeat');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: .*cursor/m);
    expect(pages).toBe(3);
  });

  it('techniques list --all stops at --max-pages on a list that never ends (the default, 1,000, is the library\'s: pagination.test.ts)', async () => {
    pages = 0;
    const few = await flora('techniques', 'list', '--all', '--max-pages', '7');
    expect(few.code).toBe(1);
    expect(few.stderr).toMatch(/^error: .*more than 7 pages/m);
    expect(pages).toBe(7);
  });
});
