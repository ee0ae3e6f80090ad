/** Fixed vocabularies of the evaluation workflow, with Indonesian labels first. Pure. */

export const VERIFICATION_REASONS = [
  'sesuai',
  'bukti_tidak_memadai',
  'bukti_tidak_relevan',
  'bukti_kedaluwarsa',
  'na_tidak_dapat_diterima',
  'level_tidak_sesuai_kriteria',
  'lainnya',
] as const;
export type VerificationReason = (typeof VERIFICATION_REASONS)[number];

export const VERIFICATION_REASON_LABELS: Record<
  VerificationReason,
  { id: string; en: string; description: string }
> = {
  sesuai: {
    id: 'Sesuai',
    en: 'Confirmed',
    description: 'Jawaban unit sesuai dengan kriteria dan didukung bukti.',
  },
  bukti_tidak_memadai: {
    id: 'Bukti tidak memadai',
    en: 'Insufficient evidence',
    description: 'Bukti yang dilampirkan belum cukup untuk mendukung tingkat yang diklaim.',
  },
  bukti_tidak_relevan: {
    id: 'Bukti tidak relevan',
    en: 'Irrelevant evidence',
    description: 'Bukti yang dilampirkan tidak berkaitan dengan indikator ini.',
  },
  bukti_kedaluwarsa: {
    id: 'Bukti kedaluwarsa',
    en: 'Outdated evidence',
    description: 'Bukti sudah tidak berlaku atau berasal dari periode yang tidak dinilai.',
  },
  na_tidak_dapat_diterima: {
    id: 'N/A tidak dapat diterima',
    en: 'Not-applicable claim rejected',
    description: 'Indikator ini berlaku bagi unit; klaim "tidak berlaku" ditolak.',
  },
  level_tidak_sesuai_kriteria: {
    id: 'Tingkat tidak sesuai kriteria',
    en: 'Level does not meet the criteria',
    description: 'Praktik yang ditunjukkan belum memenuhi kriteria tingkat yang diklaim.',
  },
  lainnya: {
    id: 'Lainnya',
    en: 'Other',
    description: 'Alasan lain; wajib dijelaskan pada catatan.',
  },
};

export const VERIFICATION_STAGES = ['dokumen', 'interviu', 'visitasi'] as const;
export type VerificationStage = (typeof VERIFICATION_STAGES)[number];

export const STAGE_LABELS: Record<VerificationStage, { id: string; en: string }> = {
  dokumen: { id: 'Penilaian dokumen', en: 'Document review' },
  interviu: { id: 'Interviu', en: 'Interview' },
  visitasi: { id: 'Visitasi', en: 'Site visit' },
};

/** Phases of a cycle, in order. `visitasi` is optional; the others are required. */
export const CYCLE_PHASES = ['mandiri', 'dokumen', 'interviu', 'visitasi', 'finalisasi'] as const;
export type CyclePhase = (typeof CYCLE_PHASES)[number];
export const REQUIRED_PHASES: readonly CyclePhase[] = ['mandiri', 'dokumen', 'interviu', 'finalisasi'];
/** Phases in which assessors review (a returned assessment may be fixed until the last of them ends). */
export const REVIEW_PHASES: readonly CyclePhase[] = ['dokumen', 'interviu', 'visitasi'];

export const PHASE_LABELS: Record<CyclePhase, { id: string; en: string }> = {
  mandiri: { id: 'Penilaian mandiri', en: 'Self-assessment' },
  dokumen: { id: 'Penilaian dokumen', en: 'Document review' },
  interviu: { id: 'Interviu', en: 'Interview' },
  visitasi: { id: 'Visitasi', en: 'Site visit' },
  finalisasi: { id: 'Finalisasi', en: 'Finalisation' },
};

export const CYCLE_STATUSES = ['draft', 'open', 'closed', 'published'] as const;
export type CycleStatus = (typeof CYCLE_STATUSES)[number];

export const CYCLE_STATUS_LABELS: Record<CycleStatus, { id: string; en: string }> = {
  draft: { id: 'Draf', en: 'Draft' },
  open: { id: 'Berjalan', en: 'Open' },
  closed: { id: 'Ditutup', en: 'Closed' },
  published: { id: 'Dipublikasikan', en: 'Published' },
};
