/**
 * A simulator in its own process (see remote-simulator.ts), so that on a two-core machine the client under
 * test and the server it talks to do not share one event loop. Started with its options as JSON in argv[2];
 * answers `listRuns`, `listAssets`, `stats` and `close` over IPC.
 */
import { startSimulator, type SimulatorOptions } from '../src/testing/index.js';

const options = JSON.parse(process.argv[2] ?? '{}') as SimulatorOptions;
const sim = await startSimulator(options);
const reply = (message: unknown) => process.send!(message);

process.on('message', async (message: { id: number; op: 'listRuns' | 'listAssets' | 'stats' | 'close' }) => {
  if (message.op === 'listRuns') {
    // Only what the tests look at, to keep the message small.
    reply({
      id: message.id,
      result: sim.listRuns().map((r) => ({ runId: r.runId, apiKey: r.apiKey, idempotencyKey: r.idempotencyKey, startedVia: r.startedVia, status: r.state.status, createdAt: r.createdAt, inputs: r.inputs })),
    });
  } else if (message.op === 'listAssets') {
    reply({ id: message.id, result: sim.listAssets() });
  } else if (message.op === 'stats') {
    reply({ id: message.id, result: sim.stats() });
  } else {
    await sim.close();
    reply({ id: message.id, result: null });
    process.disconnect();
  }
});
reply({ ready: sim.url });
