/**
 * `flora contract check`: is the API (FLORA's, a staging host, a saved set of answers) still what this
 * client expects? Every answer is judged by the spec and its live layer (FLORA's SDK's documented
 * variants): conforms, documented variant or drift. Exit 0 without drift, 1 with drift, 2 on a usage error.
 * The contract module is loaded only when the command runs.
 */
import { InvalidArgumentError, type Command } from 'commander';
import { APIError, FloraError, InputValidationError } from '../../core/errors.js';
import { CommandExit, toMs, type Cli } from '../context.js';
import { UsageError } from '../input.js';
import { visible } from '../safe.js';

const EXAMPLE = 'flora contract check -o junit > contract.xml';

const usd = (value: string) => {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('--max-cost must be a number of USD > 0.');
  return n;
};

export function contractCommands(program: Command, cli: Cli): Command {
  const contract = program.command('contract').description('Check that the API answers as the spec (and FLORA’s SDK) say.');
  contract.addHelpText('after', `\nExample:\n  $ ${EXAMPLE}`);
  contract
    .command('check')
    .description('Call every read operation (and with --allow-runs one run), judge each answer: conforms, documented variant or drift.')
    .option('--technique-id <id>', 'technique to read (and with --allow-runs to run); default: the first listed (the cheapest to run)')
    .option('--workspace-id <id>', 'workspace to start the run in (ws_...); default: the first listed')
    .option('--run-id <id>', 'run to read by both routes; default: the newest listed')
    .option('--allow-runs', 'also start one run (this costs money; needs --max-cost) and check its whole life')
    .option('--max-cost <usd>', 'the most the run may cost: a technique runs only if twice its run_cost fits', usd)
    .option('--stateless', 'the target is a mock that keeps no state and checks no keys (Prism): skip the 404, 401 and 409 checks')
    .option('--save <dir>', 'write every answer seen, redacted, to <dir>/answers.json')
    .option('--from <dir>', 'judge the answers saved in <dir> instead of calling the API (no key needed)')
    .addHelpText(
      'after',
      `\nVerdicts: conforms (as the spec says), documented variant (as FLORA's SDK documents: a null, an extra action id), drift (neither).\nExit codes: 0 no drift, 1 drift (or a check got no answer), 2 usage error.\n\nExamples:\n  $ ${EXAMPLE}\n  $ flora contract check --allow-runs --max-cost 0.5 --save answers/\n  $ flora contract check --from answers/ -o pretty`,
    )
    .action(async (opts, cmd: Command) => {
      const g = cli.globals(cmd);
      if (opts.allowRuns && opts.maxCost === undefined) throw new UsageError('--allow-runs needs --max-cost <usd>: the most the check may spend.');
      if (opts.maxCost !== undefined && !opts.allowRuns) throw new UsageError('--max-cost is for --allow-runs.');
      if (opts.from !== undefined && (opts.allowRuns || opts.save !== undefined)) throw new UsageError('--from judges saved answers: it starts nothing and saves nothing.');
      if (opts.from === undefined && !g.apiKey && !process.env.FLORA_API_KEY) throw new UsageError('no API key: pass --api-key or set FLORA_API_KEY (or judge saved answers with --from <dir>).');
      const { exitCodeOf, formatReport, runContractChecks, SavedAnswersError } = await import('../../contract/index.js');
      let report;
      try {
        report = await runContractChecks({
          baseUrl: g.baseUrl,
          apiKey: g.apiKey,
          allowInsecureHttp: g.allowInsecureHttp,
          timeout: toMs(g.timeout),
          maxRetries: g.maxRetries,
          techniqueId: opts.techniqueId,
          workspaceId: opts.workspaceId,
          runId: opts.runId,
          allowRuns: opts.allowRuns === true,
          maxCost: opts.maxCost,
          // The global --wait-timeout (see program.ts); the check's own default is 600 s.
          waitTimeout: toMs(g.waitTimeout),
          stateless: opts.stateless === true,
          save: opts.save,
          from: opts.from,
          signal: cli.io.interrupt,
        });
      } catch (err) {
        // A bad base URL, plain http elsewhere, or an unreadable saved set stops every check: a usage error.
        if (err instanceof SavedAnswersError) throw new UsageError(err.message);
        const refused = (err instanceof FloraError && !(err instanceof APIError)) || (err instanceof InputValidationError && err.status === undefined);
        if (refused) throw new UsageError(err.message.replace('pass allowInsecureHttp: true', 'pass --allow-insecure-http'));
        throw err;
      }
      const as = g.output ?? (cli.io.stdout.isTTY ? 'pretty' : 'json');
      const text = formatReport(report, as === 'yaml' ? 'json' : as);
      cli.io.stdout.write(as === 'pretty' ? visible(text) : text);
      const code = exitCodeOf(report);
      if (code !== 0) throw new CommandExit(`the API drifted from the spec: ${report.summary.drift} answers drift${report.summary.errors ? `, ${report.summary.errors} checks got no answer` : ''} (see the report)`, code);
    });
  return contract;
}
