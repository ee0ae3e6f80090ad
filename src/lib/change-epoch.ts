/**
 * Counts the changes this process has committed. Read-heavy answers are cached against it: any
 * successful mutating API request bumps it (src/app.ts), so a cached answer never outlives a
 * change made through this server. Writes from outside the process (a second server on the same
 * PostgreSQL, the CLI) are covered only by each cache's time limit.
 *
 * Two counters: `value` moves on every change (a cycle's results depend on almost everything);
 * `access` moves on every change except those that cannot alter who a session belongs to or what
 * it may do — a unit's answers, verifications, comments and evidence, i.e. the busiest writes —
 * so that a deadline rush of saves does not also throw away every cached session.
 */
export class ChangeEpoch {
  #value = 0;
  #access = 0;
  get value() {
    return this.#value;
  }
  get access() {
    return this.#access;
  }
  bump(opts: { access: boolean } = { access: true }) {
    this.#value++;
    if (opts.access) this.#access++;
  }
}
