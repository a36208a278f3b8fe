/**
 * What the assets operations do against the simulator's `AssetStore`: create in its three forms (direct
 * multipart bytes within the simulator's size limit; a server-side fetch, which the simulator makes only
 * from loopback URLs, so a test never leaves the machine; a signed upload reservation), retrieve, list with
 * stable cursors, complete and retry. Idempotency keys share the runs' store (one key space per API key).
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { AssetCreateRequest, FieldError } from '../../generated/openapi.js';
import { validate } from '../../generated/validators.js';
import { assetView, createdView, listItemView, Received, stateView, type StoredAsset } from './assets.js';
import { ERRORS, parseJsonBody, validationReply, type Reply } from './http.js';
import { boundaryOf, fieldSink, MultipartError, parseMultipart } from './multipart.js';
import type { OperationContext, SimRequest } from './operations.js';
import type { Caller } from './state.js';

const isLoopback = (url: URL) => /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])$/.test(url.hostname);

/** The Idempotency-Key header: a duplicate's 409, a bad one's 400, else the key to remember (if any). */
function idempotency(ctx: OperationContext, caller: Caller, headers: IncomingHttpHeaders): { reply: Reply } | { key: string | undefined } {
  const raw = headers['idempotency-key'];
  const key = Array.isArray(raw) ? raw.join(', ') : raw;
  if (key !== undefined && (key.length < 1 || key.length > 255)) return { reply: validationReply([{ field: 'Idempotency-Key', message: 'must be 1 to 255 characters' }]) };
  if (key !== undefined && ctx.store.isDuplicate(caller.apiKey, key, ctx.clock.now())) return { reply: ERRORS.duplicate() };
  return { key };
}

const remember = (ctx: OperationContext, caller: Caller, key: string | undefined) => key !== undefined && ctx.store.remember(caller.apiKey, key, ctx.clock.now());

/** The workspace a create names must be the caller's; a project, the caller's workspace's. */
function placeProblems(caller: Caller, body: { workspace_id?: string; project_id?: string }): Reply | undefined {
  if (body.workspace_id !== caller.key.workspaceId) return ERRORS.forbidden();
  return undefined;
}

const nameOf = (url: URL) => decodeURIComponent(url.pathname.split('/').filter(Boolean).pop() ?? '') || 'download';

/** POST /assets */
export async function createAsset(ctx: OperationContext, req: SimRequest): Promise<Reply> {
  const boundary = boundaryOf(req.headers['content-type']);
  if (boundary) return createDirect(ctx, req, boundary);
  const parsed = parseJsonBody(req.body);
  if (!parsed.ok) return parsed.reply;
  const source = (parsed.value as { source?: unknown } | null)?.source;
  // A loopback source may be plain http: it is a test's own server.
  let fetchUrl: URL | undefined;
  try {
    if (typeof source === 'string' && source !== 'signed-url') fetchUrl = new URL(source);
  } catch {
    // refused by the schema below
  }
  const local = fetchUrl?.protocol === 'http:' && isLoopback(fetchUrl);
  const fields = validate('AssetCreateRequest', local ? { ...(parsed.value as object), source: `https://${String(source).slice(7)}` } : parsed.value);
  if (fields.length > 0) return validationReply(fields);
  const body = parsed.value as AssetCreateRequest;
  if (fetchUrl && !isLoopback(fetchUrl)) return validationReply([{ field: 'source', message: 'the simulator fetches only loopback URLs (127.0.0.1, localhost, [::1]): it never leaves this machine' }]);
  const refused = placeProblems(req.caller, body);
  if (refused) return refused;
  const idem = idempotency(ctx, req.caller, req.headers);
  if ('reply' in idem) return idem.reply;
  remember(ctx, req.caller, idem.key);
  const place = { apiKey: req.caller.apiKey, workspaceId: body.workspace_id, projectId: body.project_id, folder: body.folder };
  if (body.source === 'signed-url') {
    const asset = ctx.assets.add({ ...place, name: body.file_name ?? 'upload', contentType: body.content_type ?? 'application/octet-stream', uploadedVia: 'signed_url' });
    ctx.assets.reserve(asset);
    return { status: 200, body: createdView(ctx.assets, asset) };
  }
  const asset = ctx.assets.add({ ...place, name: body.file_name ?? nameOf(fetchUrl!), contentType: body.content_type ?? 'application/octet-stream', uploadedVia: 'url' });
  void fetchInto(ctx, asset, fetchUrl!);
  return { status: 200, body: createdView(ctx.assets, asset) };
}

/** The server-side fetch: bounded, no redirects, aborted when the simulator closes; its failure fails the asset. */
async function fetchInto(ctx: OperationContext, asset: StoredAsset, url: URL): Promise<void> {
  const controller = ctx.assets.track();
  const { maxFetchBytes, maxStoredBytes } = ctx.assets.settings;
  try {
    const res = await fetch(url, { redirect: 'manual', signal: controller.signal });
    if (res.status !== 200) throw new Error(`the source answered ${res.status}`);
    const type = res.headers.get('content-type')?.split(';')[0];
    if (type && asset.contentType === 'application/octet-stream') asset.contentType = type;
    const got = new Received(maxStoredBytes);
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      got.write(Buffer.from(chunk));
      if (got.size > maxFetchBytes) throw new Error(`the source is over ${maxFetchBytes} bytes`);
    }
    ctx.assets.received(asset, got.finish());
    ctx.assets.process(asset);
  } catch (err) {
    asset.failureMessage = `The source could not be fetched: ${err instanceof Error ? err.message : String(err)}`;
  } finally {
    ctx.assets.untrack(controller);
  }
}

/** POST /assets as multipart/form-data: the bytes in the request, at most the simulator's direct limit. */
async function createDirect(ctx: OperationContext, req: SimRequest, boundary: string): Promise<Reply> {
  const fields: Record<string, string> = {};
  const limit = ctx.assets.settings.maxDirectBytes;
  let file: { name: string | undefined; type: string | undefined; got: Received } | undefined;
  try {
    await parseMultipart([req.bytes ?? Buffer.from(req.body)], boundary, (head) => {
      if (head.filename === undefined) return fieldSink(64 * 1024, (v) => (fields[head.name] = v));
      if (head.name !== 'file' || file) throw new MultipartError(`unexpected file part "${head.name}"`);
      file = { name: head.filename, type: head.contentType, got: new Received(ctx.assets.settings.maxStoredBytes) };
      return { write: (c) => file!.got.write(c), end: () => {} };
    });
  } catch (err) {
    if (!(err instanceof MultipartError)) throw err;
    return validationReply([{ field: '(body)', message: `is not valid multipart/form-data: ${err.message}` }]);
  }
  const problems: FieldError[] = validate('AssetUploadForm', { ...fields, ...(file ? { file: '' } : {}) });
  if (file && file.got.size > limit) problems.push({ field: 'file', message: `must be at most ${limit} bytes (4 MB); larger files take a signed upload (source: signed-url)` });
  if (problems.length > 0) return validationReply(problems);
  const refused = placeProblems(req.caller, fields);
  if (refused) return refused;
  const idem = idempotency(ctx, req.caller, req.headers);
  if ('reply' in idem) return idem.reply;
  remember(ctx, req.caller, idem.key);
  const asset = ctx.assets.add({
    apiKey: req.caller.apiKey,
    workspaceId: fields.workspace_id!,
    projectId: fields.project_id,
    folder: fields.folder,
    name: fields.file_name ?? file!.name ?? 'upload',
    contentType: fields.content_type ?? file!.type ?? 'application/octet-stream',
    uploadedVia: 'direct',
  });
  ctx.assets.received(asset, file!.got.finish());
  // A direct upload answers a stored asset at once (FLORA's SDK: "returns a ready asset in one call").
  ctx.assets.process(asset, true);
  return { status: 200, body: createdView(ctx.assets, asset) };
}

/** The caller's asset, or the 404 that does not say whether it exists. */
function own(ctx: OperationContext, req: SimRequest): StoredAsset | Reply {
  const asset = ctx.assets.get(req.params.assetId!);
  return asset && asset.apiKey === req.caller.apiKey ? asset : ERRORS.notFound();
}

/** GET /assets/{assetId} */
export function getAsset(ctx: OperationContext, req: SimRequest): Reply {
  const asset = own(ctx, req);
  return 'status' in asset ? asset : { status: 200, body: assetView(ctx.assets, asset, ctx.live) };
}

/** POST /assets/{assetId}/complete: the bytes must be at the storage host; processing starts. */
export function completeAsset(ctx: OperationContext, req: SimRequest): Reply {
  const asset = own(ctx, req);
  if ('status' in asset) return asset;
  const idem = idempotency(ctx, req.caller, req.headers);
  if ('reply' in idem) return idem.reply;
  if (asset.uploadedVia !== 'signed_url') return validationReply([{ field: 'assetId', message: 'is not a signed upload: there is nothing to complete' }]);
  if (!asset.completed) {
    const r = asset.reservation!;
    if (!r.received) {
      const expired = ctx.clock.now() > r.expiresAt;
      return validationReply([{ field: 'upload', message: expired ? 'the reservation expired before a file arrived: renew it with POST /assets/{assetId}/retry' : 'no file has been uploaded to the reservation yet' }]);
    }
    asset.completed = true;
    ctx.assets.process(asset);
  }
  remember(ctx, req.caller, idem.key);
  return { status: 200, body: stateView(ctx.assets, asset) };
}

/** POST /assets/{assetId}/retry: a fresh reservation for a signed upload that failed or expired. */
export function retryAsset(ctx: OperationContext, req: SimRequest): Reply {
  const asset = own(ctx, req);
  if ('status' in asset) return asset;
  const idem = idempotency(ctx, req.caller, req.headers);
  if ('reply' in idem) return idem.reply;
  if (asset.uploadedVia !== 'signed_url') return validationReply([{ field: 'assetId', message: 'is not a signed upload: only those can be retried' }]);
  if (ctx.assets.status(asset) === 'ready') return validationReply([{ field: 'assetId', message: 'is ready: there is nothing to retry' }]);
  remember(ctx, req.caller, idem.key);
  ctx.assets.reserve(asset);
  asset.renewals++;
  return { status: 200, body: stateView(ctx.assets, asset) };
}

/** GET /assets, newest first; a cursor names the last asset a page showed. */
export function listAssets(ctx: OperationContext, { caller, query }: SimRequest): Reply {
  const value: Record<string, string | number> = {};
  for (const [k, v] of query) value[k] = k === 'limit' && /^\d+$/.test(v) ? Number(v) : v;
  const fields = validate('ListAssetsQuery', value);
  if (fields.length > 0) return validationReply(fields);
  const { limit = 20, cursor, workspace_id, project_id, query: text } = value;
  const before = typeof cursor === 'string' && /^cur_\d+$/.test(cursor) ? Number(cursor.slice(4)) : undefined;
  if (cursor !== undefined && before === undefined) return validationReply([{ field: 'cursor', message: 'is not a cursor this API gave' }]);
  const shown: StoredAsset[] = [];
  let next: string | undefined;
  for (const asset of ctx.assets.newestFirst(caller.apiKey, before)) {
    if (workspace_id !== undefined && asset.workspaceId !== workspace_id) continue;
    if (project_id !== undefined && (asset.projectId ?? '') !== project_id) continue;
    if (text !== undefined && !asset.name.toLowerCase().includes(String(text).toLowerCase())) continue;
    if (shown.length === Number(limit)) {
      next = `cur_${shown.at(-1)!.seq}`;
      break;
    }
    shown.push(asset);
  }
  const meta = next ? { next_cursor: next } : ctx.live ? { next_cursor: null } : {};
  return { status: 200, body: { assets: shown.map((a) => listItemView(ctx.assets, a, ctx.live)), meta } };
}
