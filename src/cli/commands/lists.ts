/**
 * The read commands: `flora techniques list | retrieve`, `flora workspaces list`, `flora techniques:runs
 * list`. Lists are a table on a terminal and one JSON object a line when piped; `--all` follows every page.
 */
import { InvalidArgumentError, Option, type Command } from 'commander';
import { RUN_STATUSES } from '../../../generated/constants.js';
import type { Cli } from '../context.js';
import { count, required } from '../options.js';

/** `--limit` (1 to 100, the API's page size), `--all` (every page) and `--max-pages` (the bound on `--all`). */
const pageOptions = (cmd: Command) =>
  cmd
    .option('--limit <n>', "items a page (1-100; default: the API's)", (v) => {
      const n = count('--limit')(v);
      if (n < 1 || n > 100) throw new InvalidArgumentError('--limit must be 1 to 100.');
      return n;
    })
    .option('--all', 'follow every page, not only the first')
    .option('--max-pages <n>', 'with --all, the most pages read (default 1000); a list with more, or one that repeats a cursor, is an error', (v) => {
      const n = count('--max-pages')(v);
      if (n < 1) throw new InvalidArgumentError('--max-pages must be 1 or more.');
      return n;
    });

/** The items of a list call: its first page, or with `--all` every page's. */
async function items<T>(list: AsyncIterable<T> & PromiseLike<{ getPaginatedItems(): T[] }>, all: boolean | undefined): Promise<T[]> {
  if (!all) return (await list).getPaginatedItems();
  const out: T[] = [];
  for await (const item of list) out.push(item);
  return out;
}

export function listCommands(program: Command, techniqueRuns: Command, cli: Cli): Command[] {
  const techniques = program.command('techniques').description('The technique catalog.');
  techniques.addHelpText('after', '\nExample:\n  $ flora techniques list --query critique');
  pageOptions(
    techniques
      .command('list')
      .description('List the techniques this key can run.')
      .option('--workspace-id <id>', 'only techniques of this workspace (ws_...)')
      .option('--query <text>', 'search text'),
  )
    .addHelpText('after', '\nExample:\n  $ flora techniques list --all')
    .action(async (opts, cmd: Command) => {
      const g = cli.globals(cmd);
      const list = cli.client(g).techniques.list({ workspace_id: opts.workspaceId, query: opts.query, limit: opts.limit }, { signal: cli.io.interrupt, maxPages: opts.maxPages });
      cli.printList(g, await items(list, opts.all), ['technique_id', 'name', 'run_cost']);
    });
  const retrieve = techniques.command('retrieve').description("Show a technique's definition: the inputs a run takes and the outputs it makes.");
  required(retrieve, '--technique-id <id>', 'technique identifier or slug');
  retrieve.addHelpText('after', '\nExample:\n  $ flora techniques retrieve --technique-id art-directors-critique').action(async (opts, cmd: Command) => {
    const g = cli.globals(cmd);
    cli.print(g, await cli.client(g).techniques.retrieve(opts.techniqueId, { signal: cli.io.interrupt }));
  });

  const workspaces = program.command('workspaces').description('The workspaces this key may use.');
  workspaces
    .command('list')
    .description('List the workspaces, with the ws_ ids top-level starts take.')
    .addHelpText('after', '\nExample:\n  $ flora workspaces list')
    .action(async (_opts, cmd: Command) => {
      const g = cli.globals(cmd);
      cli.printList(g, (await cli.client(g).workspaces.list({ signal: cli.io.interrupt })).workspaces, ['workspace_id', 'name', 'role']);
    });

  pageOptions(
    techniqueRuns
      .command('list')
      .description('List runs, newest first.')
      .option('--workspace-id <id>', 'only runs in this workspace (ws_...)')
      .option('--project-id <id>', 'only runs in this project')
      .option('--technique-id <id>', 'only runs of this technique')
      .addOption(new Option('--status <status>', 'only runs in this status').choices([...RUN_STATUSES])),
  )
    .addHelpText('after', '\nExample:\n  $ flora techniques:runs list --technique-id tech_abcd1234 --status running --all')
    .action(async (opts, cmd: Command) => {
      const g = cli.globals(cmd);
      const query = { workspace_id: opts.workspaceId, project_id: opts.projectId, technique_id: opts.techniqueId, status: opts.status, limit: opts.limit };
      const list = cli.client(g).techniques.runs.list(query, { signal: cli.io.interrupt, maxPages: opts.maxPages });
      cli.printList(g, await items(list, opts.all), ['run_id', 'status', 'progress', 'created_at']);
    });
  return [techniques, workspaces];
}
