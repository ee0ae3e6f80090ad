import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ACTIONS,
  type Action,
  type Actor,
  type Assignment,
  can,
  collapsePrefixes,
  POLICY,
  ROLES,
  type Role,
  scopePaths,
} from './policy.js';

/**
 * The expected decision for every role × action, written out by hand from PRODUCT.md (not derived
 * from POLICY, so a wrong edit to POLICY fails here):
 * - 'S'  only on units inside the role's subtree
 * - 'G'  anywhere (installation-wide resource): holding the role is enough
 * - 'A'  only when the actor is an assessor assigned to the resource
 * - '-'  never
 */
type Expect = 'S' | 'G' | 'A' | '-';
const COLUMNS: readonly Role[] = ['admin', 'coordinator', 'assessor', 'unit_operator', 'unit_head', 'leader'];

// biome-ignore format: a table reads best aligned
const EXPECTED: Record<Action, readonly Expect[]> = {
  //                       admin  coord  assessor  operator  head   leader
  'unit.read':            ['S',   'S',   'S',      'S',      'S',   'S'],
  'unit.create':          ['S',   'S',   '-',      '-',      '-',   '-'],
  'unit.update':          ['S',   'S',   '-',      '-',      '-',   '-'],
  'unit.import':          ['S',   'S',   '-',      '-',      '-',   '-'],
  'user.read':            ['G',   '-',   '-',      '-',      '-',   '-'],
  'user.manage':          ['G',   '-',   '-',      '-',      '-',   '-'],
  'role.assign':          ['S',   '-',   '-',      '-',      '-',   '-'],
  'audit.read':           ['S',   'S',   '-',      '-',      '-',   '-'],
  'instrument.read':      ['G',   'G',   'G',      'G',      'G',   'G'],
  'instrument.manage':    ['G',   'G',   '-',      '-',      '-',   '-'],
  'cycle.read':           ['G',   'G',   'G',      'G',      'G',   'G'],
  'cycle.manage':         ['S',   'S',   '-',      '-',      '-',   '-'],
  'cycle.publish':        ['S',   'S',   '-',      '-',      '-',   '-'],
  'assessment.read':      ['S',   'S',   'A',      'S',      'S',   'S'],
  'assessment.edit':      ['-',   '-',   '-',      'S',      'S',   '-'],
  'assessment.submit':    ['-',   '-',   '-',      'S',      'S',   '-'],
  'assessment.signoff':   ['-',   '-',   '-',      '-',      'S',   '-'],
  'assessment.verify':    ['-',   '-',   'A',      '-',      '-',   '-'],
  'assessment.finalize':  ['S',   'S',   '-',      '-',      '-',   '-'],
  'assessment.extend':    ['S',   'S',   '-',      '-',      '-',   '-'],
  'assessment.comment':   ['S',   'S',   'A',      'S',      'S',   '-'],
  'evidence.read':        ['S',   'S',   'A',      'S',      'S',   'S'],
  'evidence.upload':      ['-',   '-',   '-',      'S',      'S',   '-'],
  'results.read':         ['S',   'S',   '-',      'S',      'S',   'S'],
};

// A small tree: province P with units X (and its sub-unit Y) and Z; a second root Q.
const P = '/p/';
const X = '/p/x/';
const Y = '/p/x/y/';
const Z = '/p/z/';
const Q = '/q/';

const actorWith = (role: Role, unitPath = X, id = 'u1'): Actor => ({
  id,
  email: `${id}@example.test`,
  assignments: [{ role, unitId: unitPath, unitPath }],
});

function expected(e: Expect, inScope: boolean, assigned: boolean): boolean {
  switch (e) {
    case 'S':
      return inScope;
    case 'G':
      return true;
    case 'A':
      return assigned;
    case '-':
      return false;
  }
}

const cases = ACTIONS.flatMap((action) =>
  COLUMNS.flatMap((role, col) =>
    [true, false].flatMap((inScope) =>
      [true, false].map((assigned) => ({
        action,
        role,
        inScope,
        assigned,
        want: expected(EXPECTED[action]?.[col] ?? '-', inScope, assigned),
      })),
    ),
  ),
);

describe('policy table', () => {
  it('has an expectation for every action in POLICY and no stale ones', () => {
    expect(Object.keys(EXPECTED).sort()).toEqual([...ACTIONS].sort());
    expect(COLUMNS).toEqual(ROLES);
  });

  it.each(cases)(
    '$role → $action (in scope: $inScope, assigned assessor: $assigned) is $want',
    ({ action, role, inScope, assigned, want }) => {
      // Assigned at X: Y is inside its subtree, Z (a sibling) and P (the parent) are not.
      const actor = actorWith(role, X);
      const unitPaths = inScope ? [X, Y] : [Z, P, Q];
      for (const unitPath of unitPaths) {
        const resource = { unitPath, assessorIds: assigned ? ['other', actor.id] : ['other'] };
        expect(can(actor, action, resource)).toBe(want);
      }
    },
  );
});

describe('policy edge cases', () => {
  it('denies everything to an actor without assignments', () => {
    const nobody: Actor = { id: 'n', email: 'n@x', assignments: [] };
    for (const action of ACTIONS) {
      expect(can(nobody, action, { unitPath: X, assessorIds: ['n'] })).toBe(false);
      expect(can(nobody, action)).toBe(false);
    }
  });

  it('does not let a path that merely shares a prefix string count as the subtree', () => {
    const actor = actorWith('coordinator', '/p/ab/');
    expect(can(actor, 'unit.update', { unitPath: '/p/ab/c/' })).toBe(true);
    expect(can(actor, 'unit.update', { unitPath: '/p/abc/' })).toBe(false);
  });

  it('combines assignments: any assignment whose role and subtree match grants the action', () => {
    const actor: Actor = {
      id: 'm',
      email: 'm@x',
      assignments: [
        { role: 'leader', unitId: 'p', unitPath: P },
        { role: 'unit_operator', unitId: 'z', unitPath: Z },
      ],
    };
    expect(can(actor, 'assessment.read', { unitPath: Y })).toBe(true); // as leader of P
    expect(can(actor, 'assessment.edit', { unitPath: Z })).toBe(true); // as operator of Z
    expect(can(actor, 'assessment.edit', { unitPath: Y })).toBe(false); // leader may not edit
    expect(can(actor, 'assessment.edit', { unitPath: Q })).toBe(false);
  });

  it('answers a subtree action without a unit by whether the role is held anywhere', () => {
    expect(can(actorWith('coordinator', Z), 'unit.create')).toBe(true);
    expect(can(actorWith('leader', P), 'unit.create')).toBe(false);
  });

  it('does not treat a non-assessor listed among the assessors as assigned', () => {
    const coordinator = actorWith('coordinator', Z, 'c1');
    expect(can(coordinator, 'assessment.verify', { unitPath: Z, assessorIds: ['c1'] })).toBe(false);
  });

  it('lets an assessor verify only the resources whose assessor list names them', () => {
    const assessor = actorWith('assessor', P, 'a1');
    expect(can(assessor, 'assessment.verify', { unitPath: Y, assessorIds: ['a1'] })).toBe(true);
    expect(can(assessor, 'assessment.verify', { unitPath: Y, assessorIds: ['a2'] })).toBe(false);
    expect(can(assessor, 'assessment.verify', { unitPath: Y })).toBe(false);
  });
});

// Paths from a small alphabet so that nesting and shared prefixes are frequent.
const segment = fc.constantFrom('a', 'b', 'ab', 'c');
const pathArb = fc.array(segment, { minLength: 1, maxLength: 4 }).map((s) => `/${s.join('/')}/`);
const assignmentArb: fc.Arbitrary<Assignment> = fc
  .record({ role: fc.constantFrom(...ROLES), unitPath: pathArb })
  .map(({ role, unitPath }) => ({ role, unitPath, unitId: unitPath }));
const actorArb: fc.Arbitrary<Actor> = fc
  .array(assignmentArb, { maxLength: 5 })
  .map((assignments) => ({ id: 'p', email: 'p@x', assignments }));

const covered = (prefixes: string[], s: string) => prefixes.some((p) => s.startsWith(p));

describe('scopePaths and collapsePrefixes', () => {
  it('collapsed prefixes cover exactly the same strings as the input', () => {
    const str = fc.string({ unit: fc.constantFrom('/', 'a', 'b'), maxLength: 8 });
    fc.assert(
      fc.property(fc.array(str, { maxLength: 8 }), str, (input, probe) => {
        const out = collapsePrefixes(input);
        expect(covered(out, probe)).toBe(covered(input, probe));
      }),
      { numRuns: 2000 },
    );
  });

  it('collapsed prefixes are a sorted subset of the input, none nested in another, idempotent', () => {
    fc.assert(
      fc.property(fc.array(pathArb, { maxLength: 8 }), (input) => {
        const out = collapsePrefixes(input);
        for (const p of out) expect(input).toContain(p);
        for (const p of out) for (const q of out) if (p !== q) expect(p.startsWith(q)).toBe(false);
        expect(out).toEqual([...out].sort());
        expect(new Set(out).size).toBe(out.length);
        expect(collapsePrefixes(out)).toEqual(out);
      }),
    );
  });

  it('agrees with can(): a unit is in scopePaths exactly when a subtree action is allowed on it', () => {
    const subtreeActions = ACTIONS.filter((a) => POLICY[a].scope === 'subtree');
    fc.assert(
      fc.property(actorArb, fc.constantFrom(...subtreeActions), pathArb, (actor, action, unitPath) => {
        expect(covered(scopePaths(actor, action), unitPath)).toBe(can(actor, action, { unitPath }));
      }),
      { numRuns: 2000 },
    );
  });

  it('is empty for an actor whose roles do not include the action', () => {
    expect(scopePaths(actorWith('leader', P), 'unit.update')).toEqual([]);
    expect(scopePaths(actorWith('unit_operator', X), 'audit.read')).toEqual([]);
  });

  it('collapses a nested assignment into its ancestor', () => {
    const actor: Actor = {
      id: 'c',
      email: 'c@x',
      assignments: [
        { role: 'coordinator', unitId: 'x', unitPath: X },
        { role: 'admin', unitId: 'p', unitPath: P },
        { role: 'coordinator', unitId: 'q', unitPath: Q },
      ],
    };
    expect(scopePaths(actor, 'unit.update')).toEqual([P, Q]);
  });
});
