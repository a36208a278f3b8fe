/**
 * Seeded fault injection: the failures a client's retry logic must survive (lost answers, 500s, corrupt
 * bodies, slowness), replayable from a seed.
 */
import type { Random } from './random.js';
import { ROUTES, type Route } from './routes.js';

export type { Route };

/** A kind of injected fault. */
export type FaultKind = 'serverError' | 'dropBeforeRecord' | 'dropAfterRecord' | 'malformed' | 'slow' | 'rateLimited';

/** Every fault kind, in the order their rates are stacked. */
export const FAULT_KINDS: readonly FaultKind[] = ['serverError', 'dropBeforeRecord', 'dropAfterRecord', 'malformed', 'slow', 'rateLimited'];

/**
 * Fault rates (0..1 each). At most one fault hits a request: the rates are stacked in the order of
 * {@link FAULT_KINDS}, so their sum should stay <= 1 (beyond it, the later kinds get what is left).
 */
export interface FaultOptions {
  /** Extra latency on every affected request, uniform in [min, max] ms. */
  latencyMs?: [number, number];
  /** Answer 500 `unknown_error` without doing anything. */
  serverErrorRate?: number;
  /** Destroy the socket before doing anything: no run is stored, the idempotency key stays free. */
  dropBeforeRecordRate?: number;
  /** Do the work (store the run and its idempotency key), then destroy the socket instead of answering 200. */
  dropAfterRecordRate?: number;
  /** Do the work, then answer 200 with a truncated, unparsable JSON body. */
  malformedRate?: number;
  /** Answer normally but only after `slowMs`. */
  slowRate?: number;
  /** Delay of a slow answer, in real ms. Default 2000. */
  slowMs?: number;
  /**
   * Answer 429 `rate_limited` without doing anything, with `Retry-After` (whole seconds) and
   * `retry-after-ms`: 429s that come from the seed, not from how fast the machine sends (the per-key
   * `rateLimit` is real time).
   */
  rateLimitedRate?: number;
  /** The wait a rate-limited fault asks for, uniform in [min, max] ms. Default [50, 400]. */
  rateLimitedRetryAfterMs?: [number, number];
  /** The routes faults apply to. Default: all of them. */
  routes?: Route[];
}

/** What happens to one request. */
export interface FaultPlan {
  /** Real milliseconds to wait before handling (latency plus slowness). */
  delayMs: number;
  /** The fault, if any. */
  fault: FaultKind | undefined;
  /** For `rateLimited`: the wait its answer asks for, in ms. */
  retryAfterMs?: number;
}

const NO_FAULT: FaultPlan = { delayMs: 0, fault: undefined };

/** Decides, from a seeded stream, what goes wrong with each request. */
export class FaultInjector {
  private readonly routes: ReadonlySet<Route>;

  /** @param random a stream used only for faults, so enabling faults leaves run ids and failures unchanged. */
  constructor(
    private readonly options: FaultOptions,
    private readonly random: Random,
  ) {
    this.routes = new Set(options.routes ?? ROUTES);
    const [min, max] = options.latencyMs ?? [0, 0];
    if (!(min >= 0) || !(max >= min)) throw new RangeError('faults.latencyMs must be [min, max] with 0 <= min <= max.');
    const [rmin, rmax] = options.rateLimitedRetryAfterMs ?? [50, 400];
    if (!(rmin >= 0) || !(rmax >= rmin)) throw new RangeError('faults.rateLimitedRetryAfterMs must be [min, max] with 0 <= min <= max.');
  }

  /** The plan for one request on `route`. Draws a fixed number of values per affected request, for replayability. */
  plan(route: Route): FaultPlan {
    if (!this.routes.has(route)) return NO_FAULT;
    let delayMs = 0;
    if (this.options.latencyMs) {
      const [min, max] = this.options.latencyMs;
      delayMs += min + this.random.float() * (max - min);
    }
    const u = this.random.float();
    let edge = 0;
    let fault: FaultKind | undefined;
    for (const kind of FAULT_KINDS) {
      edge += Math.max(0, this.options[`${kind}Rate`] ?? 0);
      if (u < edge) {
        fault = kind;
        break;
      }
    }
    if (fault === 'slow') delayMs += this.options.slowMs ?? 2000;
    if (fault === 'rateLimited') {
      const [min, max] = this.options.rateLimitedRetryAfterMs ?? [50, 400];
      return { delayMs, fault, retryAfterMs: min + this.random.float() * (max - min) };
    }
    return { delayMs, fault };
  }
}
