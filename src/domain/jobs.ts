/** Names of background jobs' kinds and statuses in both languages (the server labels in Indonesian). */
export const JOB_KIND_LABELS: Record<string, { id: string; en: string }> = {
  'reports.batch': { id: 'Laporan semua unit (ZIP)', en: 'All unit reports (ZIP)' },
};

export const JOB_STATUS_LABELS: Record<string, { id: string; en: string }> = {
  queued: { id: 'Menunggu', en: 'Queued' },
  running: { id: 'Sedang diproses', en: 'Running' },
  done: { id: 'Selesai', en: 'Done' },
  failed: { id: 'Gagal', en: 'Failed' },
};
