import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ASSESSMENT_EVENTS,
  ASSESSMENT_STATES,
  type AssessmentEvent,
  type AssessmentState,
  isLocked,
  responsesEditable,
  TRANSITIONS,
  transition,
  verificationsEditable,
} from './state-machine.js';

const EDGES: Array<[AssessmentState, AssessmentEvent, AssessmentState]> = [
  ['draft', 'submit', 'submitted'],
  ['submitted', 'return', 'returned'],
  ['submitted', 'complete_verification', 'verified'],
  ['returned', 'submit', 'resubmitted'],
  ['resubmitted', 'return', 'returned'],
  ['resubmitted', 'complete_verification', 'verified'],
  ['verified', 'finalize', 'final'],
  ['final', 'reopen', 'verified'],
  ['final', 'publish', 'published'],
];

describe('assessment state machine', () => {
  it.each(EDGES)('moves %s --%s--> %s', (from, event, to) => {
    expect(transition(from, event)).toEqual({ ok: true, state: to });
  });

  it('refuses every pair outside the graph with an error naming the current state', () => {
    for (const s of ASSESSMENT_STATES) {
      for (const e of ASSESSMENT_EVENTS) {
        if (EDGES.some(([f, ev]) => f === s && ev === e)) continue;
        const r = transition(s, e);
        expect(r.ok).toBe(false);
        if (r.ok) continue;
        expect(r.error.code).toBe('INVALID_TRANSITION');
        expect(r.error.state).toBe(s);
        expect(r.error.message).toContain(`(${s})`);
        expect(r.error.messageEn).toContain(`(${s})`);
      }
    }
  });

  it('has exactly the documented edges', () => {
    const count = Object.values(TRANSITIONS).reduce((n, m) => n + Object.keys(m).length, 0);
    expect(count).toBe(EDGES.length);
  });

  it('published is terminal and read-only', () => {
    for (const e of ASSESSMENT_EVENTS) expect(transition('published', e).ok).toBe(false);
    expect(isLocked('published')).toBe(true);
  });

  it('property: no sequence of events leaves the graph; every accepted step is an edge', () => {
    const isEdge = (f: AssessmentState, e: AssessmentEvent, t: AssessmentState) =>
      EDGES.some(([a, b, c]) => a === f && b === e && c === t);
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...ASSESSMENT_EVENTS), { maxLength: 60 }), (events) => {
        let state: AssessmentState = 'draft';
        for (const e of events) {
          const r = transition(state, e);
          if (r.ok) {
            if (!isEdge(state, e, r.state)) return false;
            state = r.state;
          } else if (r.error.state !== state) {
            return false;
          }
          if (!ASSESSMENT_STATES.includes(state)) return false;
        }
        return true;
      }),
      { numRuns: 2000 },
    );
  });

  it('property: final and published states never allow editing responses or verifications', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...ASSESSMENT_EVENTS), { maxLength: 40 }), (events) => {
        let state: AssessmentState = 'draft';
        for (const e of events) {
          const r = transition(state, e);
          if (r.ok) state = r.state;
          if (state === 'final' || state === 'published') {
            expect(responsesEditable(state)).toBe(false);
            expect(verificationsEditable(state)).toBe(false);
            expect(isLocked(state)).toBe(true);
          }
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('property: once published, no event sequence changes the state', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...ASSESSMENT_EVENTS), { maxLength: 30 }), (events) => {
        let state: AssessmentState = 'published';
        for (const e of events) {
          const r = transition(state, e);
          if (r.ok) state = r.state;
        }
        expect(state).toBe('published');
      }),
    );
  });

  it('only draft and returned accept answers; only review states accept verifications', () => {
    expect(ASSESSMENT_STATES.filter(responsesEditable)).toEqual(['draft', 'returned']);
    expect(ASSESSMENT_STATES.filter(verificationsEditable)).toEqual(['submitted', 'resubmitted', 'verified']);
  });
});
