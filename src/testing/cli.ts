/**
 * `npm run simulator`: runs the FLORA simulator in the foreground for manual testing and demos. It
 * prints its base URL, the key to use and its process id.
 *   tsx src/testing/cli.ts [--port 4010] [--seed 1] [--time-scale 1] [--run-duration 20] [--failure-rate 0]
 */
import { parseArgs } from 'node:util';
import { DEFAULT_API_KEY, DEFAULT_WEBHOOK_SECRET, startSimulator } from './index.js';

const USAGE = `Usage: npm run simulator -- [options]
  --port <n>           TCP port on 127.0.0.1 (default 4010; 0 = any free port)
  --seed <n>           seed of run ids, failures and faults (default 1)
  --time-scale <x>     simulated seconds per real second (default 1)
  --run-duration <s>   simulated seconds a run takes (default 20)
  --failure-rate <p>   chance 0..1 that a run fails (default 0)
  --verbose            log every request
  -h, --help           show this help`;

function numberArg(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n)) {
    console.error(`--${name} must be a number, got "${raw}".\n\n${USAGE}`);
    process.exit(2);
  }
  return n;
}

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: 'string' },
        seed: { type: 'string' },
        'time-scale': { type: 'string' },
        'run-duration': { type: 'string' },
        'failure-rate': { type: 'string' },
        verbose: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
    }));
  } catch (e) {
    console.error(`${(e as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
  if (values.help) {
    console.log(USAGE);
    return;
  }

  const sim = await startSimulator({
    port: numberArg('port', values.port, 4010),
    seed: numberArg('seed', values.seed, 1),
    timeScale: numberArg('time-scale', values['time-scale'], 1),
    runDurationSeconds: numberArg('run-duration', values['run-duration'], 20),
    failureRate: numberArg('failure-rate', values['failure-rate'], 0),
    logger: {
      info: (m) => console.log(m),
      warn: (m, meta) => console.warn(m, meta ?? ''),
      error: (m, meta) => console.error(m, meta ?? ''),
      ...(values.verbose ? { debug: (m: string) => console.log(m) } : {}),
    },
  });

  // The key and secret are fake, simulator-only values; printing them is the point.
  console.log(`
Base URL:        ${sim.url}
Media host:      ${sim.mediaUrl} (completed runs' output files; no key needed)
API key:         ${DEFAULT_API_KEY}
Webhook secret:  ${DEFAULT_WEBHOOK_SECRET}

Try:
  curl -s -X POST ${sim.url}/techniques/art-directors-critique/runs \\
    -H 'Authorization: Bearer ${DEFAULT_API_KEY}' -H 'Content-Type: application/json' \\
    -d '{"inputs":[{"id":"prompt","type":"text","value":"a red fox"}],"mode":"async"}'
  curl -s ${sim.url}/techniques/art-directors-critique/runs/<run_id> -H 'Authorization: Bearer ${DEFAULT_API_KEY}'

Stop it with Ctrl-C, or: kill ${process.pid}
(npm does not pass a signal on: killing npm's own process leaves this one running.)`);

  const stop = (signal: string) => {
    console.log(`\n${signal}: stopping.`);
    sim.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
