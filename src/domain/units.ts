/** Unit (organisation node) types and the rules of the organisation tree. Pure. */

export const PEMDA_TYPES = ['provinsi', 'kabupaten', 'kota'] as const;
export const UNIT_TYPES = [
  ...PEMDA_TYPES,
  'sekretariat',
  'dinas',
  'badan',
  'inspektorat',
  'biro',
  'satuan',
  'rumah_sakit',
  'kecamatan',
  'kelurahan',
  'upt',
  'bidang',
  'lainnya',
] as const;
export type UnitType = (typeof UNIT_TYPES)[number];

export const UNIT_TYPE_LABELS: Record<UnitType, string> = {
  provinsi: 'Provinsi',
  kabupaten: 'Kabupaten',
  kota: 'Kota',
  sekretariat: 'Sekretariat',
  dinas: 'Dinas',
  badan: 'Badan',
  inspektorat: 'Inspektorat',
  biro: 'Biro',
  satuan: 'Satuan',
  rumah_sakit: 'Rumah Sakit',
  kecamatan: 'Kecamatan',
  kelurahan: 'Kelurahan',
  upt: 'UPT',
  bidang: 'Bidang',
  lainnya: 'Lainnya',
};

export const isPemdaType = (t: string) => (PEMDA_TYPES as readonly string[]).includes(t);

/**
 * Where a unit of `childType` may sit. A Pemda is a root or sits under a province (kabupaten/kota);
 * every other unit sits under some node. Returns an Indonesian message when not allowed.
 */
export function placementProblem(childType: string, parentType: string | null): string | null {
  if (parentType === null) {
    return isPemdaType(childType) ? null : 'Unit selain Pemda harus memiliki induk (parent).';
  }
  if (childType === 'provinsi') return 'Provinsi tidak dapat berada di bawah unit lain.';
  if (isPemdaType(childType) && parentType !== 'provinsi') {
    return 'Kabupaten/kota hanya dapat berada di bawah provinsi.';
  }
  return null;
}

export const childPath = (parentPath: string | null, id: string) => `${parentPath ?? '/'}${id}/`;
