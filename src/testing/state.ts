/**
 * What a simulator knows besides its runs: the API keys and what each may do, their rate-limit buckets,
 * and the counters `stats()` reports. Authentication, rate limiting and access (`admit`) happen here,
 * before any operation runs.
 */
import { DEFAULT_WEBHOOK_SECRET, DEFAULT_WORKSPACE_ID } from './defaults.js';
import { FAULT_KINDS, type FaultKind } from './faults.js';
import { ERRORS, type Reply } from './http.js';
import { TokenBucket, retryAfterHeaders, type RateLimit } from './rate-limit.js';
import type { KeyConfig, SimulatorStats } from './types.js';

/** A key's settings with every default filled in. */
export interface ResolvedKey {
  workspaceId: string;
  credits: boolean;
  access: boolean;
  webhookSecret: string;
}

/** The authenticated caller. */
export interface Caller {
  apiKey: string;
  key: ResolvedKey;
}

/** Keys and their buckets. */
export class KeyRing {
  private readonly keys = new Map<string, ResolvedKey & { rateLimit: RateLimit | null | undefined }>();
  private readonly buckets = new Map<string, TokenBucket>();

  /** @param rateLimit the limit of keys that set none of their own. */
  constructor(
    keys: Record<string, KeyConfig>,
    private readonly rateLimit: RateLimit | undefined,
  ) {
    // A bad limit is refused here, where the simulator starts, not as a 500 on the first request.
    if (rateLimit) new TokenBucket(rateLimit);
    for (const [apiKey, config] of Object.entries(keys)) this.set(apiKey, config);
  }

  /** Adds a key, or changes some settings of an existing one; a changed limit starts from a full bucket. */
  set(apiKey: string, config: KeyConfig): void {
    const prev = this.keys.get(apiKey);
    if (config.rateLimit) new TokenBucket(config.rateLimit);
    this.keys.set(apiKey, {
      workspaceId: config.workspaceId ?? prev?.workspaceId ?? DEFAULT_WORKSPACE_ID,
      credits: config.credits ?? prev?.credits ?? true,
      access: config.access ?? prev?.access ?? true,
      webhookSecret: config.webhookSecret ?? prev?.webhookSecret ?? DEFAULT_WEBHOOK_SECRET,
      rateLimit: 'rateLimit' in config ? config.rateLimit : prev?.rateLimit,
    });
    if ('rateLimit' in config) this.buckets.delete(apiKey);
  }

  /** Every key known now. */
  apiKeys(): Iterable<string> {
    return this.keys.keys();
  }

  /** The secret a key's callbacks are signed with. */
  webhookSecret(apiKey: string): string {
    return this.keys.get(apiKey)?.webhookSecret ?? DEFAULT_WEBHOOK_SECRET;
  }

  /** Authentication, rate limit and access, from the `Authorization` header: the caller, or the reply refusing it. */
  admit(authorization: string | undefined): Caller | Reply {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
    const key = m ? this.keys.get(m[1]!) : undefined;
    if (!m || !key) return ERRORS.unauthorized();
    const apiKey = m[1]!;
    const limit = key.rateLimit === undefined ? this.rateLimit : key.rateLimit;
    if (limit) {
      let bucket = this.buckets.get(apiKey);
      if (!bucket) this.buckets.set(apiKey, (bucket = new TokenBucket(limit)));
      const decision = bucket.take();
      if (!decision.allowed) return ERRORS.rateLimited(retryAfterHeaders(decision.retryAfterMs));
    }
    if (!key.access) return ERRORS.forbidden();
    return { apiKey, key };
  }
}

/** Counters since start. */
export class Stats {
  private readonly requests: SimulatorStats['requests'] = {};
  private readonly faults = Object.fromEntries(FAULT_KINDS.map((k) => [k, 0])) as Record<FaultKind, number>;

  /** One request on `route` answered `status` (or dropped). */
  count(route: string, status: number | 'dropped'): void {
    const byStatus = (this.requests[route] ??= {});
    byStatus[String(status)] = (byStatus[String(status)] ?? 0) + 1;
  }

  /** One fault applied. */
  fault(kind: FaultKind): void {
    this.faults[kind]++;
  }

  /** A copy, with the callback counters. */
  snapshot(callbacks: SimulatorStats['callbacks']): Omit<SimulatorStats, 'media'> {
    return {
      requests: Object.fromEntries(Object.entries(this.requests).map(([r, s]) => [r, { ...s }])),
      faults: { ...this.faults },
      callbacks: { ...callbacks },
    };
  }
}
