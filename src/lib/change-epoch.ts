/**
 * Counts the changes this process has committed. Read-heavy answers are cached against it: every
 * successful mutating API request bumps it (src/app.ts), so a cached answer never outlives a
 * change made through this server. Writes from outside the process (a second server on the same
 * PostgreSQL, the CLI) are covered only by each cache's time limit.
 *
 * Three counters, because the busiest writes touch little:
 * - `value` moves on every change (an open cycle's live results depend on almost everything);
 * - `beyondLedger` moves on every change except a unit's ledger writes (an answer, a verification,
 *   a comment: routes marked `change: 'ledger'`). Those can only touch an assessment that is still
 *   being filled in or verified, never a published cycle, whose results may therefore stay cached
 *   through a deadline rush;
 * - `access` moves on every change except a unit's work (the ledger writes, the assessment's
 *   transitions, its evidence: `change: 'work'` or `'ledger'`), none of which can alter who a
 *   session belongs to or what it may do, so that a rush of saves keeps sessions cached.
 */
export type ChangeKind = 'any' | 'work' | 'ledger';

export class ChangeEpoch {
  #value = 0;
  #beyondLedger = 0;
  #access = 0;
  get value() {
    return this.#value;
  }
  get beyondLedger() {
    return this.#beyondLedger;
  }
  get access() {
    return this.#access;
  }
  bump(kind: ChangeKind = 'any') {
    this.#value++;
    if (kind !== 'ledger') this.#beyondLedger++;
    if (kind === 'any') this.#access++;
  }
}
