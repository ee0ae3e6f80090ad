/**
 * The one place that decides who may do what. Pure: no HTTP, no database.
 *
 * A user holds role assignments (role × organisation node); an assignment applies to the node's
 * whole subtree. Resources are located by their unit's materialised path ('/rootId/…/unitId/'),
 * so "in scope" is a prefix test. Assessors are special: they act only on assessments they are
 * assigned to, which the caller passes as `assessorIds`.
 */

export const ROLES = ['admin', 'coordinator', 'assessor', 'unit_operator', 'unit_head', 'leader'] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_LABELS: Record<Role, { id: string; en: string }> = {
  admin: { id: 'Administrator', en: 'Administrator' },
  coordinator: { id: 'Koordinator TP2DD', en: 'TP2DD coordinator' },
  assessor: { id: 'Asesor', en: 'Assessor' },
  unit_operator: { id: 'Operator Perangkat Daerah', en: 'Unit operator' },
  unit_head: { id: 'Kepala Perangkat Daerah', en: 'Unit head' },
  leader: { id: 'Pimpinan', en: 'Leader' },
};

export interface Assignment {
  role: Role;
  unitId: string;
  /** Materialised path of the assigned node. */
  unitPath: string;
}

export interface Actor {
  id: string;
  email: string;
  assignments: Assignment[];
}

export interface ResourceContext {
  /** Path of the unit the resource belongs to. Omit for installation-wide resources. */
  unitPath?: string;
  /** Users assigned as assessors to this resource (assessment verification). */
  assessorIds?: readonly string[];
}

/**
 * Action → which roles may perform it, and how the scope is tested.
 * - 'subtree': the role's node must contain the resource's unit.
 * - 'assigned': the actor must be among the resource's assessors (and the role must be held anywhere).
 * - 'global': holding the role anywhere is enough (installation-wide resources such as instruments).
 */
type Rule = { roles: readonly Role[]; scope: 'subtree' | 'assigned' | 'global' };

const STAFF: readonly Role[] = ['admin', 'coordinator'];
const UNIT_STAFF: readonly Role[] = ['unit_operator', 'unit_head'];
const READERS: readonly Role[] = ['admin', 'coordinator', 'leader'];

export const POLICY = {
  // organisation registry
  'unit.read': { roles: [...READERS, ...UNIT_STAFF, 'assessor'], scope: 'subtree' },
  'unit.create': { roles: STAFF, scope: 'subtree' },
  'unit.update': { roles: STAFF, scope: 'subtree' },
  'unit.import': { roles: STAFF, scope: 'subtree' },
  // accounts
  'user.read': { roles: ['admin'], scope: 'global' },
  'user.manage': { roles: ['admin'], scope: 'global' },
  'role.assign': { roles: ['admin'], scope: 'subtree' },
  // audit log
  'audit.read': { roles: STAFF, scope: 'subtree' },
  // instruments
  'instrument.read': { roles: [...READERS, ...UNIT_STAFF, 'assessor'], scope: 'global' },
  'instrument.manage': { roles: STAFF, scope: 'global' },
  // cycles
  'cycle.read': { roles: [...READERS, ...UNIT_STAFF, 'assessor'], scope: 'global' },
  'cycle.manage': { roles: STAFF, scope: 'subtree' },
  'cycle.publish': { roles: STAFF, scope: 'subtree' },
  // assessments
  'assessment.read': { roles: [...READERS, ...UNIT_STAFF], scope: 'subtree' },
  'assessment.edit': { roles: UNIT_STAFF, scope: 'subtree' },
  'assessment.submit': { roles: UNIT_STAFF, scope: 'subtree' },
  'assessment.signoff': { roles: ['unit_head'], scope: 'subtree' },
  'assessment.verify': { roles: ['assessor'], scope: 'assigned' },
  'assessment.finalize': { roles: STAFF, scope: 'subtree' },
  'assessment.extend': { roles: STAFF, scope: 'subtree' },
  'assessment.comment': { roles: [...STAFF, ...UNIT_STAFF], scope: 'subtree' },
  // evidence
  'evidence.read': { roles: [...READERS, ...UNIT_STAFF], scope: 'subtree' },
  'evidence.upload': { roles: UNIT_STAFF, scope: 'subtree' },
  // results and reports
  'results.read': { roles: [...READERS, ...UNIT_STAFF], scope: 'subtree' },
} as const satisfies Record<string, Rule>;

export type Action = keyof typeof POLICY;
export const ACTIONS = Object.keys(POLICY) as Action[];

const ASSESSOR_READS: ReadonlySet<Action> = new Set([
  'assessment.read',
  'assessment.comment',
  'evidence.read',
] as Action[]);

export function isWithin(unitPath: string, scopePath: string): boolean {
  return unitPath.startsWith(scopePath);
}

export function hasRole(actor: Actor, role: Role): boolean {
  return actor.assignments.some((a) => a.role === role);
}

/** Decides one action on one resource. */
export function can(actor: Actor, action: Action, resource: ResourceContext = {}): boolean {
  const rule: Rule = POLICY[action];
  // An assessor assigned to an assessment may also read it, its evidence, and discuss it.
  if (ASSESSOR_READS.has(action) && isAssignedAssessor(actor, resource)) return true;
  if (rule.scope === 'assigned') return isAssignedAssessor(actor, resource);
  for (const a of actor.assignments) {
    if (!rule.roles.includes(a.role)) continue;
    if (rule.scope === 'global') return true;
    if (resource.unitPath === undefined) {
      // A subtree action without a unit (e.g. "may I create units at all?") needs the role somewhere.
      return true;
    }
    if (isWithin(resource.unitPath, a.unitPath)) return true;
  }
  return false;
}

function isAssignedAssessor(actor: Actor, resource: ResourceContext): boolean {
  return hasRole(actor, 'assessor') && (resource.assessorIds ?? []).includes(actor.id);
}

/**
 * The subtrees within which the actor may perform a subtree-scoped action: a list of path
 * prefixes for list queries to filter by. An empty list means nothing (assigned-only access is
 * resolved by the caller). Nested prefixes are collapsed.
 */
export function scopePaths(actor: Actor, action: Action): string[] {
  const rule: Rule = POLICY[action];
  const paths = actor.assignments.filter((a) => rule.roles.includes(a.role)).map((a) => a.unitPath);
  return collapsePrefixes(paths);
}

export function collapsePrefixes(paths: string[]): string[] {
  const sorted = [...new Set(paths)].sort((a, b) => a.length - b.length);
  const out: string[] = [];
  for (const p of sorted) if (!out.some((q) => p.startsWith(q))) out.push(p);
  return out.sort();
}
