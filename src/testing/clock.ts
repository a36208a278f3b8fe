/**
 * Simulated time. It runs `timeScale` times faster than real time and can jump forward, so a test can
 * see a two-minute run finish in a second, or a two-hour idempotency window expire at once.
 */

/** Simulated time, in unix seconds (fractional). */
export class SimClock {
  private readonly realStartMs: number;
  private skipped = 0;

  /**
   * @param startSeconds simulated unix seconds at creation.
   * @param timeScale simulated seconds per real second (> 0).
   * @param realNowMs real clock in milliseconds; injectable so tests need not sleep.
   */
  constructor(
    private readonly startSeconds: number,
    private readonly timeScale: number,
    private readonly realNowMs: () => number = () => performance.now(),
  ) {
    if (!(timeScale > 0) || !Number.isFinite(timeScale)) throw new RangeError('timeScale must be a positive finite number.');
    this.realStartMs = realNowMs();
  }

  /** Current simulated unix seconds. */
  now(): number {
    return this.startSeconds + ((this.realNowMs() - this.realStartMs) / 1000) * this.timeScale + this.skipped;
  }

  /** Real seconds that `simulatedSeconds` take at this clock's scale (what a client waiting in real time sees). */
  toReal(simulatedSeconds: number): number {
    return simulatedSeconds / this.timeScale;
  }

  /** Jumps simulated time forward; time never goes backwards, so a negative jump is refused. */
  advance(seconds: number): void {
    if (!(seconds >= 0) || !Number.isFinite(seconds)) throw new RangeError('advance() takes a non-negative number of seconds.');
    this.skipped += seconds;
  }
}
