/**
 * Counts the changes this process has committed. Read-heavy answers (a cycle's results) are
 * cached against it: any successful mutating API request bumps it (src/app.ts), so a cached
 * answer never outlives a change made through this server. Writes from outside the process (a
 * second server on the same PostgreSQL, the CLI) are covered only by the cache's time limit.
 */
export class ChangeEpoch {
  #value = 0;
  get value() {
    return this.#value;
  }
  bump() {
    this.#value++;
  }
}
