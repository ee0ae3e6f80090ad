import { isPemdaType } from '../units.js';

export interface ScopeUnit {
  id: string;
  path: string;
  type: string;
  active: boolean;
}

/**
 * The units a cycle evaluates, from the subtree of its scope root:
 * - only active units;
 * - with `types` given, only those types; without, every type except Pemda nodes
 *   (provinsi/kabupaten/kota), i.e. the perangkat daerah and their sub-units;
 * - unless `includeNestedPemda`, nothing below a kabupaten/kota nested under the root: a province
 *   cycle evaluates the province's own perangkat daerah, not those of its kabupaten/kota.
 */
export function unitsInScope<U extends ScopeUnit>(
  subtree: readonly U[],
  root: Pick<ScopeUnit, 'id' | 'path'>,
  types: readonly string[],
  includeNestedPemda: boolean,
): U[] {
  const nestedPemdaPaths = includeNestedPemda
    ? []
    : subtree
        .filter((u) => u.id !== root.id && isPemdaType(u.type) && u.path.startsWith(root.path))
        .map((u) => u.path);
  return subtree.filter((u) => {
    if (!u.active || !u.path.startsWith(root.path)) return false;
    if (types.length > 0 ? !types.includes(u.type) : isPemdaType(u.type)) return false;
    return !nestedPemdaPaths.some((p) => u.path !== p && u.path.startsWith(p));
  });
}
