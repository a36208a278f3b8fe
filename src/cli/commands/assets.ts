/** `flora assets upload | list | retrieve`: files in a workspace, whose URLs technique inputs take. */
import { InvalidArgumentError, type Command } from 'commander';
import { LocalFile } from '../../index.js';
import { CommandExit, type Cli } from '../context.js';
import { UsageError } from '../input.js';
import { count, required } from '../options.js';

/** The workspace a command works in: `--workspace-id`, else FLORA_WORKSPACE_ID. */
export function workspaceOf(given: string | undefined, what: string): string {
  const id = given ?? (process.env.FLORA_WORKSPACE_ID || undefined);
  if (!id) throw new UsageError(`${what} needs a workspace: pass --workspace-id ws_... or set FLORA_WORKSPACE_ID (flora workspaces list shows yours).`);
  return id;
}

/**
 * An input value `@path` as a local file, uploaded before the run starts (`@@...` for a value that really
 * starts with `@`); any other value as it is.
 */
export function fileValue(value: unknown): unknown {
  if (typeof value !== 'string' || !value.startsWith('@')) return value;
  if (value.startsWith('@@')) return value.slice(1);
  if (value.length === 1) throw new UsageError('"@" must be followed by a file path, as in "@./hero.png" (write "@@" for a value that starts with @).');
  return new LocalFile(value.slice(1));
}

export function assetsCommands(program: Command, cli: Cli): Command {
  const assets = program.command('assets').description('Files in a workspace, whose URLs technique inputs take.');
  assets.addHelpText('after', '\nExample:\n  $ flora assets upload ./hero.png ./clip.mp4 --workspace-id ws_abc123');

  assets
    .command('upload')
    .description('Upload files (paths, or http(s) URLs for FLORA to fetch) and print each asset’s id and URL once it is ready.')
    .argument('<file...>', 'paths or http(s) URLs')
    .option('--workspace-id <id>', 'workspace (ws_...; default: $FLORA_WORKSPACE_ID)')
    .option('--project-id <id>', "also show the assets on this project's canvas (prj_...)")
    .option('--folder <name>', 'destination folder')
    .option('--parallel <n>', 'files uploaded at once (default 2)', (v) => {
      const n = count('--parallel')(v);
      if (n < 1) throw new InvalidArgumentError('--parallel must be 1 or more.');
      return n;
    })
    .addHelpText('after', '\nExample:\n  $ flora assets upload ./shots/*.png --workspace-id ws_abc123 --folder shots')
    .action(async (files: string[], opts, cmd: Command) => {
      const g = cli.globals(cmd);
      const workspace_id = workspaceOf(opts.workspaceId, 'flora assets upload');
      const flora = cli.client(g);
      const params = { workspace_id, ...(opts.projectId ? { project_id: opts.projectId } : {}), ...(opts.folder ? { folder: opts.folder } : {}) };
      const rows: { file: string; asset_id: string; url: string | null | undefined; status: string }[] = [];
      let next = 0;
      const failures: string[] = [];
      // Each file's line is printed as soon as it is ready when piped (JSON lines), all together in a table on a terminal.
      const piped = (g.output ?? (cli.io.stdout.isTTY ? 'pretty' : 'json')) === 'json';
      const worker = async () => {
        while (next < files.length) {
          const file = files[next++]!;
          try {
            const asset = await flora.assets.upload(file, params, { signal: cli.io.interrupt });
            const row = { file, asset_id: asset.asset_id, url: asset.url, status: asset.status };
            rows.push(row);
            if (piped) cli.io.stdout.write(`${JSON.stringify(row)}\n`);
          } catch (err) {
            if (cli.io.interrupt.aborted) throw err;
            failures.push(`${file}: ${err instanceof Error ? err.message : String(err)}`);
            cli.io.stderr.write(`error: ${failures.at(-1)}\n`);
          }
        }
      };
      await Promise.all(Array.from({ length: Math.min(opts.parallel ?? 2, files.length) }, worker));
      if (!piped) cli.printList(g, rows, ['file', 'asset_id', 'url']);
      if (failures.length > 0) throw new CommandExit(`${failures.length} of ${files.length} files were not uploaded (see above).`, 1);
    });

  assets
    .command('list')
    .description('List assets, newest first.')
    .option('--workspace-id <id>', 'only assets of this workspace (ws_...)')
    .option('--project-id <id>', "only assets on this project's canvas")
    .option('--query <text>', 'search text')
    .option('--limit <n>', 'items a page (1-100)', (v) => {
      const n = count('--limit')(v);
      if (n < 1 || n > 100) throw new InvalidArgumentError('--limit must be 1 to 100.');
      return n;
    })
    .option('--all', 'follow every page, not only the first')
    .addHelpText('after', '\nExample:\n  $ flora assets list --workspace-id ws_abc123 --query hero')
    .action(async (opts, cmd: Command) => {
      const g = cli.globals(cmd);
      const list = cli.client(g).assets.list({ workspace_id: opts.workspaceId, project_id: opts.projectId, query: opts.query, limit: opts.limit }, { signal: cli.io.interrupt });
      const items = [];
      if (opts.all) for await (const a of list) items.push(a);
      else items.push(...(await list).assets);
      cli.printList(g, items, ['asset_id', 'status', 'name', 'url']);
    });

  const retrieve = assets.command('retrieve').description("Show an asset's metadata.");
  required(retrieve, '--asset-id <id>', 'asset identifier');
  retrieve.addHelpText('after', '\nExample:\n  $ flora assets retrieve --asset-id asset_abc123').action(async (opts, cmd: Command) => {
    const g = cli.globals(cmd);
    cli.print(g, await cli.client(g).assets.retrieve(opts.assetId, { signal: cli.io.interrupt }));
  });
  return assets;
}
