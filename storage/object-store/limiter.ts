/**
 * A counting semaphore: at most `limit` holders at once, the rest wait in FIFO order.
 * `S3Store` holds one permit per HTTP attempt (not across its retry backoff).
 */
import { assert } from '../../errors.js';

export class Limiter {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly limit: number) {
    assert(Number.isInteger(limit) && limit >= 1, `concurrency limit must be a positive integer, got ${limit}`);
  }

  /** Requests in flight right now. */
  get inFlight(): number {
    return this.active;
  }

  /** Requests waiting for a permit. */
  get queued(): number {
    return this.waiting.length;
  }

  /** Runs `fn` once a permit is free and releases the permit when it settles. */
  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active++;
    try {
      return await fn();
    } finally {
      const next = this.waiting.shift();
      // Hand the permit straight to the next waiter, so `active` never dips and lets a newcomer jump the queue.
      if (next) next();
      else this.active--;
    }
  }
}
