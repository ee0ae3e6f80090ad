import { createHash } from 'node:crypto';
import type { ChangeEpoch } from '../../lib/change-epoch.js';

export interface CachedJson {
  json: string;
  /** A strong validator of `json`, for ETag / If-None-Match. */
  etag: string;
}

/** A strong validator of a JSON body. */
export const etagOf = (json: string) =>
  `"${createHash('sha256').update(json).digest('base64url').slice(0, 27)}"`;

interface Entry extends CachedJson {
  /** The epoch counter it depends on: `beyondLedger` for a published cycle, else `value`. */
  published: boolean;
  epoch: number;
  at: number;
}

/**
 * Serialised answers keyed by what they depend on (e.g. `results|<cycle>|<scope>`), valid for at
 * most `ttlMs` while the process's change epoch is unchanged: for a published cycle's answer only
 * changes beyond a unit's ledger count (change-epoch.ts), so it stays cached while answers are
 * saved elsewhere. Bounded: the oldest entry goes first. Concurrent misses for the same key share
 * one computation.
 */
export function jsonCache(epoch: ChangeEpoch, opts: { ttlMs: number; max: number }) {
  const entries = new Map<string, Entry>();
  const pending = new Map<string, { epoch: number; promise: Promise<CachedJson> }>();
  const counter = (published: boolean) => (published ? epoch.beyondLedger : epoch.value);

  function fresh(e: Entry | undefined, now: number): e is Entry {
    return !!e && e.epoch === counter(e.published) && now - e.at < opts.ttlMs;
  }

  return {
    async get(
      key: string,
      produce: () => Promise<{ json: string; published: boolean }>,
    ): Promise<CachedJson> {
      const now = Date.now();
      const hit = entries.get(key);
      if (fresh(hit, now)) return hit;
      const inFlight = pending.get(key);
      if (inFlight && inFlight.epoch === epoch.value) return inFlight.promise;

      const start = { value: epoch.value, beyondLedger: epoch.beyondLedger };
      const promise = (async () => {
        const { json, published } = await produce();
        const value = { json, etag: etagOf(json) };
        // Only keep it if nothing it depends on changed while it was computed.
        const startEpoch = published ? start.beyondLedger : start.value;
        if (counter(published) === startEpoch) {
          entries.delete(key);
          entries.set(key, { ...value, published, epoch: startEpoch, at: now });
          if (entries.size > opts.max) entries.delete(entries.keys().next().value!);
        }
        return value;
      })();
      pending.set(key, { epoch: start.value, promise });
      try {
        return await promise;
      } finally {
        if (pending.get(key)?.promise === promise) pending.delete(key);
      }
    },
    clear() {
      entries.clear();
    },
  };
}
