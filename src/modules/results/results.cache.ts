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
  epoch: number;
  at: number;
}

/**
 * Serialised answers keyed by what they depend on (e.g. `results|<cycle>|<scope>`), valid while
 * the process's change epoch is unchanged and for at most `ttlMs`. Bounded: the oldest entry goes
 * first. Concurrent misses for the same key share one computation.
 */
export function jsonCache(epoch: ChangeEpoch, opts: { ttlMs: number; max: number }) {
  const entries = new Map<string, Entry>();
  const pending = new Map<string, { epoch: number; promise: Promise<CachedJson> }>();

  function fresh(e: Entry | undefined, now: number): e is Entry {
    return !!e && e.epoch === epoch.value && now - e.at < opts.ttlMs;
  }

  return {
    async get(key: string, produce: () => Promise<string>): Promise<CachedJson> {
      const now = Date.now();
      const hit = entries.get(key);
      if (fresh(hit, now)) return hit;
      const inFlight = pending.get(key);
      if (inFlight && inFlight.epoch === epoch.value) return inFlight.promise;

      const startEpoch = epoch.value;
      const promise = (async () => {
        const json = await produce();
        const value = { json, etag: etagOf(json) };
        // Only keep it if nothing changed while it was computed.
        if (epoch.value === startEpoch) {
          entries.delete(key);
          entries.set(key, { ...value, epoch: startEpoch, at: now });
          if (entries.size > opts.max) entries.delete(entries.keys().next().value!);
        }
        return value;
      })();
      pending.set(key, { epoch: startEpoch, promise });
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
