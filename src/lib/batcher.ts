/**
 * Group commit for a hot statement. A call made while no batch is on its way to the database
 * waits for the end of the current event-loop turn (so that calls arriving together share a
 * batch); a call made while a batch is on its way waits for it and goes with the next one. One
 * batch at a time, at most `maxBatch` calls each. At low load every batch holds one call and adds
 * no delay beyond a `setImmediate`; under a burst, batches grow to what arrived during the
 * previous one, so a statement's fixed cost (a round trip, on PGlite the engine's own per-statement
 * work) is paid once per batch instead of once per call.
 *
 * `run` answers one result per item, in order. If it throws, every call of that batch rejects
 * with the error: callers decide what a failed batch means for them.
 */
export function batcher<I, O>(run: (items: I[]) => Promise<O[]>, opts: { maxBatch?: number } = {}) {
  const maxBatch = opts.maxBatch ?? 64;
  let queue: Array<{ item: I; resolve: (o: O) => void; reject: (e: unknown) => void }> = [];
  let inFlight = false;
  let scheduled = false;

  function flush() {
    scheduled = false;
    if (inFlight || queue.length === 0) return;
    const batch = queue.slice(0, maxBatch);
    queue = queue.slice(batch.length);
    inFlight = true;
    let pending: Promise<O[]>;
    try {
      pending = run(batch.map((b) => b.item));
    } catch (err) {
      pending = Promise.reject(err);
    }
    pending
      .then((out) => {
        if (out.length !== batch.length)
          throw new Error(`batch answered ${out.length} results for ${batch.length} items`);
        for (const [i, b] of batch.entries()) b.resolve(out[i]!);
      })
      .catch((err: unknown) => {
        for (const b of batch) b.reject(err);
      })
      .finally(() => {
        inFlight = false;
        flush();
      });
  }

  return function call(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      queue.push({ item, resolve, reject });
      if (!inFlight && !scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    });
  };
}
