/** `flora runs start-technique`: the top-level run resource. */
import type { Command } from 'commander';
import type { Cli } from '../context.js';
import { resumeCommand } from '../context.js';
import { parseMapping, parsePairs, UsageError } from '../input.js';
import { collect, needsWait, required, startOptions } from '../options.js';
import { fileValue } from './assets.js';

export function runsCommands(program: Command, cli: Cli): Command {
  const top = program.command('runs').description('The top-level run resource.');
  top.addHelpText('after', `\nExample:\n  $ flora runs start-technique --technique-id tech_abcd1234 --workspace-id ws_abc123 --input prompt="a red fox"`);
  const start = top.command('start-technique').description('Start a technique run by its tech_ id in a ws_ workspace.');
  required(start, '--technique-id <id>', 'technique id (tech_...)');
  required(start, '--workspace-id <id>', 'workspace id (ws_...)');
  startOptions(
    start
      .option('--input <key=value>', 'one input (repeatable); values that parse as JSON are taken as such; key=@path uploads a local file first', collect)
      .option('--inputs <map>', "all inputs as a YAML or JSON map: '{prompt: a red fox}'")
      .option('--no-input', 'start the run without inputs'),
  )
    .addHelpText('after', `\nExample:\n  $ flora runs start-technique --technique-id tech_abcd1234 --workspace-id ws_abc123 --input prompt="a red fox" --wait`)
    .action(async (opts, cmd: Command) => {
      const g = cli.globals(cmd);
      needsWait(opts);
      if (opts.input === undefined && opts.inputs === undefined) throw new UsageError('no inputs: give them as --input key=value (repeatable) or --inputs \'{prompt: a red fox}\', or --no-input to start the run without any.');
      const pairs = Array.isArray(opts.input) ? parsePairs(opts.input) : {};
      const flora = cli.client(g);
      const given = { ...(opts.inputs !== undefined ? parseMapping(opts.inputs, '--inputs') : {}), ...pairs };
      // A value "@path" is a local file, uploaded to the run's workspace before it starts.
      const inputs = Object.fromEntries(Object.entries(given).map(([k, v]) => [k, fileValue(v)]));
      const body = { inputs, technique_id: opts.techniqueId, workspace_id: opts.workspaceId };
      const started = await flora.runs.startTechnique(body, { signal: cli.io.interrupt, idempotencyKey: opts.idempotencyKey });
      if (!opts.wait) return cli.print(g, started);
      const techniqueId = started.technique?.technique_id ?? opts.techniqueId;
      await cli.waitFor(
        g,
        `started ${started.run_id}${typeof started.estimated_seconds === 'number' ? ` (estimated ${started.estimated_seconds} s)` : ''}`,
        (o) => flora.techniques.runs.wait(started.run_id, { techniqueId }, { ...o, estimatedSeconds: started.estimated_seconds }, { pollUrl: started.poll_url }),
        resumeCommand(techniqueId, started.run_id),
        opts.download,
      );
    });
  return top;
}
