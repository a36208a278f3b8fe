/** `flora techniques:runs create | retrieve | wait`: the nested technique run routes. */
import { Option, type Command } from 'commander';
import type { Cli } from '../context.js';
import { resumeCommand } from '../context.js';
import { parseMapping, UsageError } from '../input.js';
import { collect, downloadOption, needsWait, required, startOptions } from '../options.js';
import { fileValue, workspaceOf } from './assets.js';

const EXAMPLE_CREATE = `flora techniques:runs create --technique-id art-directors-critique --input '{id: prompt, type: text, value: "a red fox"}' --mode async --wait`;

export function techniqueRunsCommands(program: Command, cli: Cli): Command {
  const runs = program.command('techniques:runs').description('Runs of a technique (the nested routes).');
  runs.addHelpText('after', `\nExample:\n  $ flora techniques:runs retrieve --technique-id art-directors-critique --run-id run_abc123`);

  const create = runs.command('create').description('Start a technique run.');
  required(create, '--technique-id <id>', 'technique identifier or slug');
  startOptions(
    create
      .option('--input <object>', "a technique input, as YAML flow or JSON: '{id: prompt, type: text, value: \"a red fox\"}' (repeatable; required, or --no-input)", collect)
      .option('--no-input', 'start the run without inputs')
      .addOption(new Option('--mode <mode>', 'execution mode (required)').choices(['async', 'stream']).makeOptionMandatory())
      .option('--callback-url <url>', 'HTTPS URL notified when the run ends')
      .option('--workspace-id <id>', 'where local files ("@./hero.png" as an imageUrl or videoUrl value) are uploaded (default: $FLORA_WORKSPACE_ID)'),
  )
    .addHelpText('after', `\nExample:\n  $ ${EXAMPLE_CREATE}`)
    .action(async (opts, cmd: Command) => {
      const g = cli.globals(cmd);
      needsWait(opts);
      if (opts.input === undefined) throw new UsageError('no --input: give each technique input as --input \'{id: prompt, type: text, value: "a red fox"}\', or --no-input to start the run without any.');
      const flora = cli.client(g);
      const parsed = opts.input === false ? [] : (opts.input as string[]).map((text, i) => parseMapping(text, `--input #${i + 1}`));
      // An imageUrl or videoUrl value "@path" is a local file: uploaded first, the run gets its URL.
      const inputs = parsed.map((input) => (input.type === 'imageUrl' || input.type === 'videoUrl' ? { ...input, value: fileValue(input.value) } : input));
      const files = inputs.some((input) => typeof input.value === 'object' && input.value !== null);
      const body = {
        inputs: inputs as never,
        mode: opts.mode,
        ...(opts.callbackUrl !== undefined ? { callback_url: opts.callbackUrl } : {}),
        ...(opts.idempotencyKey !== undefined ? { idempotency_key: opts.idempotencyKey } : {}),
      };
      const workspaceId = files ? workspaceOf(opts.workspaceId, 'a local file input') : undefined;
      const run = await flora.techniques.runs.create(opts.techniqueId, body, { signal: cli.io.interrupt, workspaceId });
      if (!opts.wait) return cli.print(g, run);
      await cli.waitFor(g, `started ${run.run_id}`, (o) => flora.techniques.runs.wait(run.run_id, { techniqueId: opts.techniqueId }, o, { run }), resumeCommand(opts.techniqueId, run.run_id), opts.download);
    });

  const retrieve = runs.command('retrieve').description("Show a run's status, progress, outputs and error details.");
  required(retrieve, '--technique-id <id>', 'technique identifier or slug');
  required(retrieve, '--run-id <id>', 'run identifier');
  retrieve.addHelpText('after', `\nExample:\n  $ flora techniques:runs retrieve --technique-id art-directors-critique --run-id run_abc123`).action(async (opts, cmd: Command) => {
    const g = cli.globals(cmd);
    cli.print(g, await cli.client(g).techniques.runs.retrieve(opts.runId, { techniqueId: opts.techniqueId }, { signal: cli.io.interrupt }));
  });

  const wait = runs.command('wait').description('Wait for a run that was started earlier, showing progress, then print it.');
  required(wait, '--technique-id <id>', 'technique identifier or slug');
  required(wait, '--run-id <id>', 'run identifier');
  downloadOption(wait)
    .addHelpText('after', `\nExample:\n  $ flora techniques:runs wait --technique-id art-directors-critique --run-id run_abc123 --download out`)
    .action(async (opts, cmd: Command) => {
      const g = cli.globals(cmd);
      const flora = cli.client(g);
      await cli.waitFor(g, `waiting for ${opts.runId}`, (o) => flora.techniques.runs.wait(opts.runId, { techniqueId: opts.techniqueId }, o), resumeCommand(opts.techniqueId, opts.runId), opts.download);
    });
  return runs;
}
