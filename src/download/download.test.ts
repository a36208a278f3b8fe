/** `downloadRun` against the simulator's media host (faults included) and a few hostile local servers. */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Flora } from '../client.js';
import type { OutputType, TechniqueRun } from '../index.js';
import { DEFAULT_API_KEY, startSimulator, type Simulator, type SimulatorOptions } from '../testing/index.js';
import { mediaFile, mediaSlices } from '../testing/media-files.js';
import { DownloadError, downloadRun } from './index.js';

let sim: Simulator | undefined;
let dir: string;
let server: Server | undefined;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'flora-download-'));
});
afterEach(async () => {
  await sim?.close();
  server?.closeAllConnections();
  await new Promise((r) => (server ? server.close(r) : r(undefined)));
  [sim, server] = [undefined, undefined];
  rmSync(dir, { recursive: true, force: true });
});

/** A simulator and a client of it (which holds the key the media host must never see). */
async function start(options: SimulatorOptions = {}) {
  const s = (sim = await startSimulator({ seed: 7, runDurationSeconds: 5, ...options }));
  const flora = new Flora({ apiKey: DEFAULT_API_KEY, baseUrl: s.url, logLevel: 'off' });
  /** A completed run: started, simulated time moved past its end, read again. */
  const run = async (technique: string) => {
    const started = await flora.techniques.runs.create(technique, { inputs: [{ id: 'prompt', type: 'text', value: 'a red fox' }], mode: 'async' });
    s.advance(60);
    return flora.techniques.runs.retrieve(started.run_id, { techniqueId: technique });
  };
  return { sim: s, flora, run };
}

/** The bytes the media host serves at `url`, read plainly. */
const served = async (url: string) => Buffer.from(await (await fetch(url)).arrayBuffer());
/** The file the media host serves for output `index` of `run` (read from its maker: a faulty host cannot be asked). */
function expected(run: TechniqueRun, outputId: string, bytes: number): Buffer {
  const index = run.outputs!.findIndex((o) => o.output_id === outputId);
  const file = mediaFile(run.outputs![index]!.type as OutputType, `${run.run_id}/output_${index + 1}`, bytes);
  return Buffer.concat([...mediaSlices(file, 0, file.size - 1)]);
}
const files = () => readdirSync(dir).sort();

describe('downloadRun', () => {
  it("writes every output of a completed run, named from the run and output ids, typed by content, and sends the media host no key", async () => {
    const { sim, run } = await start();
    const runs = [await run('art-directors-critique'), await run('storyboard-to-video'), await run('brand-guidelines')];
    const got = [];
    for (const r of runs) got.push(...(await downloadRun(r, dir)));
    expect(got.map((f) => f.path.slice(dir.length + 1))).toEqual([
      `${runs[0]!.run_id}.output_1.txt`,
      `${runs[0]!.run_id}.output_2.png`,
      `${runs[1]!.run_id}.output_1.mp4`,
      `${runs[1]!.run_id}.output_2.mp3`,
      `${runs[2]!.run_id}.output_1.pdf`,
      `${runs[2]!.run_id}.output_2.txt`,
    ]);
    const outputs = runs.flatMap((r) => r.outputs!);
    for (const [i, f] of got.entries()) {
      expect(f).toMatchObject({ outputId: outputs[i]!.output_id, type: outputs[i]!.type, source: 'fetched' });
      const bytes = readFileSync(f.path);
      expect(bytes.equals(await served(outputs[i]!.url)), f.path).toBe(true);
      expect(f.bytes).toBe(bytes.length);
    }
    expect(files().filter((f) => f.endsWith('.part'))).toEqual([]);
    expect(sim.stats().media.credentialed).toBe(0);
    expect(sim.stats().requests.create?.['200']).toBe(3); // the client did use its key, on the API
  });

  it('names files after the item given, and writes a text output that carries its text as a .txt', async () => {
    const { run } = await start({ profile: 'live' });
    const r = await run('art-directors-critique');
    const got = await downloadRun(r, dir, { name: 'shot-1' });
    expect(got.map((f) => [f.path.slice(dir.length + 1), f.source])).toEqual([
      ['shot-1.output_1.txt', 'text'],
      ['shot-1.output_2.png', 'fetched'],
    ]);
    expect(readFileSync(got[0]!.path, 'utf8')).toBe(r.outputs![0]!.url);
  });

  // Whether a cut body's bytes reach the .part (and so whether the retry asks for a range) depends on how
  // much of it the client had read when the connection closed: resumption is proven below, deterministically.
  it('survives dropped connections and 503s: every file whole, none left partial, no key sent', async () => {
    const { sim, run } = await start({ media: { bytes: 200_000, faults: { dropMidBodyRate: 0.3, serverErrorRate: 0.3 } } });
    const runs = [await run('product-shot'), await run('product-shot'), await run('storyboard-to-video')];
    for (const r of runs) {
      for (const f of await downloadRun(r, dir)) expect(readFileSync(f.path).equals(expected(r, f.outputId, 200_000))).toBe(true);
    }
    const media = sim.stats().media;
    expect(media.faults.dropMidBody).toBeGreaterThan(0);
    expect(media.faults.serverError).toBeGreaterThan(0);
    expect(media.credentialed).toBe(0);
    expect(files().filter((f) => f.endsWith('.part'))).toEqual([]);
  }, 30_000);

  it('starts again from the first byte when the host ignores ranges', async () => {
    const { sim, run } = await start({ media: { bytes: 100_000, ranges: false, faults: { dropMidBodyRate: 0.5 } } });
    const r = await run('product-shot');
    const [f] = await downloadRun(r, dir);
    expect(readFileSync(f!.path).equals(expected(r, 'output_1', 100_000))).toBe(true);
    expect(sim.stats().media.requests['206']).toBeUndefined();
  }, 30_000);

  it("resumes a partial file an earlier call left, keeps a file already in place, and replaces a .part that cannot be a prefix", async () => {
    const { sim, run } = await start({ media: { bytes: 50_000 } });
    const r = await run('product-shot');
    const whole = await served(r.outputs![0]!.url);
    const before = sim.stats().media.requests['200'] ?? 0;
    writeFileSync(join(dir, `${r.run_id}.output_1.part`), whole.subarray(0, 12_345));
    const [resumed] = await downloadRun(r, dir);
    expect(resumed).toMatchObject({ source: 'resumed', bytes: whole.length });
    expect(readFileSync(resumed!.path).equals(whole)).toBe(true);
    expect(sim.stats().media.requests).toMatchObject({ 200: before, 206: 1 });

    const [kept] = await downloadRun(r, dir);
    expect(kept).toMatchObject({ source: 'existing', path: resumed!.path, bytes: whole.length });
    expect(sim.stats().media.requests).toMatchObject({ 200: before, 206: 1 });

    rmSync(resumed!.path);
    writeFileSync(join(dir, `${r.run_id}.output_1.part`), Buffer.alloc(whole.length + 10));
    const [again] = await downloadRun(r, dir);
    expect(readFileSync(again!.path).equals(whole)).toBe(true);
    expect(sim.stats().media.requests['416']).toBe(1);
  });

  it('refuses a file over maxBytes, keeping nothing of it', async () => {
    const { run } = await start({ media: { bytes: 64 * 1024 } });
    const r = await run('product-shot');
    const error = await downloadRun(r, dir, { maxBytes: 1000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DownloadError);
    expect(error).toMatchObject({ reason: 'too_large', outputId: 'output_1' });
    expect(files()).toEqual([]);
  });

  it('gives up after maxRetries on a host that keeps failing, and never retries a 404', async () => {
    const { sim, run } = await start({ media: { faults: { serverErrorRate: 1 } } });
    const r = await run('product-shot');
    const error = (await downloadRun(r, dir, { maxRetries: 2 }).catch((e: unknown) => e)) as DownloadError;
    expect(error).toMatchObject({ reason: 'http_status', status: 503 });
    expect(error.message).toMatch(/after 3 attempts/);
    expect(error.url).toBe(`${sim.mediaUrl}/media/${r.run_id}/output_1.png`);
    expect(sim.stats().media.requests['503']).toBe(3);
    const missing = { ...r, outputs: [{ output_id: 'o', type: 'imageUrl', url: `${sim.mediaUrl}/media/run_gone/output_1.png?sig=secret` }] };
    const notFound = (await downloadRun(missing, dir).catch((e: unknown) => e)) as DownloadError;
    expect(notFound).toMatchObject({ reason: 'http_status', status: 404 });
    expect(notFound.message).not.toContain('secret');
    expect(sim.stats().media.requests['404']).toBe(1);
    expect(files()).toEqual([]);
  });

  it('refuses what is not a completed run with usable URLs, before any request', async () => {
    const run = (outputs: TechniqueRun['outputs']): TechniqueRun => ({ run_id: 'run_1', status: 'completed', progress: 100, created_at: 1, outputs });
    await expect(downloadRun({ ...run([]), status: 'failed' }, dir)).rejects.toMatchObject({ reason: 'not_completed' });
    await expect(downloadRun(run([{ output_id: 'o', type: 'imageUrl', url: 'file:///etc/passwd' }]), dir)).rejects.toMatchObject({ reason: 'bad_url' });
    await expect(downloadRun(run([{ output_id: 'o', type: 'imageUrl', url: 'http://example.com/x.png' }]), dir)).rejects.toMatchObject({ reason: 'insecure_url' });
    await expect(downloadRun(run([]), dir, { maxBytes: 0 })).rejects.toMatchObject({ fields: [{ field: 'maxBytes' }] });
    expect(await downloadRun(run(null), dir)).toEqual([]);
  });

  it('keeps hostile ids inside the folder', async () => {
    const { run } = await start({ profile: 'live' });
    const r = await run('art-directors-critique');
    const outputs = r.outputs!.map((o, i) => ({ ...o, output_id: ['../../escape', 'a/b\\c\u0000'][i]! }));
    const got = await downloadRun({ ...r, outputs }, dir, { name: '../..' });
    expect(got).toHaveLength(2);
    for (const f of got) expect(f.path.startsWith(dir + '/')).toBe(true);
    expect(files()).toHaveLength(2);
  });

  describe('against a hostile host', () => {
    const serve = async (handler: Parameters<typeof createServer>[1]) => {
      server = createServer(handler);
      await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    };
    const one = (url: string): TechniqueRun => ({ run_id: 'run_h', status: 'completed', progress: 100, created_at: 1, outputs: [{ output_id: 'output_1', type: 'imageUrl', url }] });

    it('gives up on a body that stalls, after `timeout` ms without a byte, keeping the partial file to resume', async () => {
      const origin = await serve((_req, res) => {
        res.writeHead(200, { 'content-length': '1000', 'content-type': 'image/png' });
        res.write(Buffer.alloc(300, 1)); // then nothing, ever
      });
      const error = (await downloadRun(one(`${origin}/x.png`), dir, { timeout: 300, maxRetries: 0 }).catch((e: unknown) => e)) as DownloadError;
      expect(error).toMatchObject({ reason: 'timeout', bytes: 300 });
      expect(files()).toEqual(['run_h.output_1.part']);
    });

    it('resumes a body that stalled in the same call, with a Range request from the bytes it kept', async () => {
      const body = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 251));
      const ranges: (string | undefined)[] = [];
      const origin = await serve((req, res) => {
        ranges.push(req.headers.range && `${req.headers.range} if ${req.headers['if-range']}`);
        if (!req.headers.range) {
          res.writeHead(200, { 'content-length': '1000', etag: '"v1"', 'content-type': 'image/png' });
          return void res.write(body.subarray(0, 300)); // then nothing
        }
        const from = Number(/^bytes=(\d+)-$/.exec(req.headers.range)![1]);
        res.writeHead(206, { 'content-range': `bytes ${from}-999/1000`, 'content-length': String(1000 - from), etag: '"v1"' });
        res.end(body.subarray(from));
      });
      const [f] = await downloadRun(one(`${origin}/x`), dir, { timeout: 300, maxRetries: 1 });
      expect(ranges).toEqual([undefined, 'bytes=300- if "v1"']);
      expect(f).toMatchObject({ source: 'resumed', bytes: 1000 });
      expect(readFileSync(f!.path).equals(body)).toBe(true);
    });

    it('never renames a file shorter than announced into place, and starts over on a range it did not ask for', async () => {
      let calls = 0;
      const origin = await serve((req, res) => {
        calls++;
        if (!req.headers.range) {
          res.writeHead(200, { 'content-length': '1000' });
          res.end(Buffer.alloc(400, 2)); // the socket closes short of the length
          return void res.socket?.destroy();
        }
        res.writeHead(206, { 'content-range': 'bytes 0-999/1000', 'content-length': '1000' });
        res.end(Buffer.alloc(1000, 3));
      });
      const error = (await downloadRun(one(`${origin}/x`), dir, { maxRetries: 1 }).catch((e: unknown) => e)) as DownloadError;
      expect(error).toBeInstanceOf(DownloadError);
      expect(calls).toBe(2);
      expect(files().filter((f) => !f.endsWith('.part'))).toEqual([]);
    });

    it('sends nothing but Range headers through a fetch of the caller', async () => {
      const origin = await serve((_req, res) => res.writeHead(200, { 'content-type': 'image/webp', 'content-length': '4' }).end('RIFF'));
      const seen: Headers[] = [];
      const [f] = await downloadRun(one(`${origin}/x`), dir, { fetch: (req) => (seen.push(req.headers), fetch(req)) });
      expect(f!.path.endsWith('run_h.output_1.webp')).toBe(true);
      expect(seen.map((h) => [...(h as unknown as Map<string, string>).keys()])).toEqual([[]]);
    });

    it('stops at once when aborted, keeping the partial file', async () => {
      const origin = await serve((_req, res) => {
        res.writeHead(200, { 'content-length': '1000' });
        res.write(Buffer.alloc(10));
      });
      const controller = new AbortController();
      const pending = downloadRun(one(`${origin}/x`), dir, { signal: controller.signal }).catch((e: unknown) => e);
      setTimeout(() => controller.abort(), 100);
      expect(await pending).toMatchObject({ reason: 'aborted' });
    });
  });
});
