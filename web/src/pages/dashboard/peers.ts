import { compareDecimal } from '../../lib/format';

/**
 * Peer groups for fair rankings: units are compared with units judged on the same indicators.
 * The grouping follows the applicability rule of the IDPD instrument (citizen-facing service
 * indicators apply to dinas, rumah sakit, kecamatan, kelurahan and UPT), with the Pemda
 * themselves apart.
 */
export const PEER_GROUPS = ['service', 'support', 'pemda'] as const;
export type PeerGroup = (typeof PEER_GROUPS)[number];

const SERVICE = new Set(['dinas', 'rumah_sakit', 'kecamatan', 'kelurahan', 'upt']);
const PEMDA = new Set(['provinsi', 'kabupaten', 'kota']);

export function peerGroupOf(unitType: string): PeerGroup {
  if (SERVICE.has(unitType)) return 'service';
  if (PEMDA.has(unitType)) return 'pemda';
  return 'support';
}

/**
 * Standard competition ranks ("1224") of exact decimal values within each group; items without a
 * value get none. Returns rank by item key.
 */
export function ranksWithin<T>(
  items: readonly T[],
  key: (item: T) => string,
  group: (item: T) => string,
  value: (item: T) => string | null,
): Map<string, number> {
  const byGroup = new Map<string, T[]>();
  for (const it of items) {
    if (value(it) === null) continue;
    const g = group(it);
    const list = byGroup.get(g) ?? [];
    list.push(it);
    byGroup.set(g, list);
  }
  const out = new Map<string, number>();
  for (const list of byGroup.values()) {
    const sorted = [...list].sort((a, b) => compareDecimal(value(b), value(a)));
    sorted.forEach((it, i) => {
      const prev = sorted[i - 1];
      out.set(key(it), prev && compareDecimal(value(prev), value(it)) === 0 ? out.get(key(prev))! : i + 1);
    });
  }
  return out;
}
