/** Parsers and wording shared by the commands' flags. */
import { InvalidArgumentError, type Command } from 'commander';
import { UsageError } from './input.js';

export const positiveNumber = (name: string) => (value: string) => {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`${name} must be a number > 0.`);
  return n;
};

export const count = (name: string) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`${name} must be a whole number >= 0.`);
  return n;
};

/** Repeatable flags collect their values. */
export const collect = (value: string, previous: string[] = []) => [...previous, value];

/** A mandatory option, marked as such in --help. */
export const required = (cmd: Command, flags: string, description: string) => cmd.requiredOption(flags, `${description} (required)`);

/** `--download DIR`, on every command that waits for a run. */
export const downloadOption = (cmd: Command) =>
  cmd.option('--download <dir>', "write each output of the completed run into <dir> (created if needed; run again, it fetches only what is missing)");

/** The flags of the commands that start a run. (`--wait-timeout` is global: see program.ts.) */
export const startOptions = (cmd: Command) =>
  cmd
    .option('--idempotency-key <key>', 'key for safe retries (default: one generated per call)')
    .option('--wait', 'wait for the run to end, showing progress, then print it')
    .option('--download <dir>', 'with --wait: write each output of the completed run into <dir> (created if needed; run again, it fetches only what is missing)');

/** `--download` needs the run to have ended: refused without `--wait`. */
export function needsWait(opts: { wait?: boolean; download?: string }): void {
  if (opts.download !== undefined && !opts.wait) throw new UsageError('--download needs --wait: the outputs exist once the run has completed.');
}
