/**
 * The same response checks (./response-checks.ts) against the real FLORA API, read-only by default.
 *
 *   FLORA_API_KEY=...                  required; without it every test here is reported as skipped
 *   FLORA_BASE_URL=...                 default https://app.flora.ai/api/v1
 *   FLORA_TECHNIQUE_ID=...             technique for the nested routes (default: the spec's example slug)
 *   FLORA_WORKSPACE_ID=ws_...          needed to start a top-level run
 *   FLORA_RUN_ID=run_...               an existing run to read back
 *   FLORA_CONTRACT_ALLOW_RUNS=1        also start runs (this costs credits)
 *   FLORA_RUN_INPUTS='[{"id":"prompt","type":"text","value":"a red fox"}]'   inputs of started runs
 *
 * Always: a made-up run id is a NotFoundError whose body matches the spec's envelope, and a made-up key is
 * an AuthenticationError whose body matches it too.
 */
import { defineResponseChecks } from './response-checks.js';
import { realApiTarget } from './targets.js';

defineResponseChecks(realApiTarget());

// Skipped tests show only as a count in the summary: say why, where the log shows it.
const skipped = realApiTarget().skip;
if (skipped) console.log(`real FLORA API contract tests skipped: ${skipped} (set it to run them; see contract-tests/README.md)`);
