/**
 * How an index is computed, in words, wherever it is shown beside a result (public results, the
 * authenticated results' method, the score receipt): one text, so that they never disagree.
 */
export const INDEX_FORMULA = {
  id: 'Indeks = Σ(bobot × tingkat) / Σ bobot pada setiap simpul; indikator yang tidak berlaku (N/A) keluar dan bobot saudaranya dinormalisasi ulang. Nilai dilaporkan dibulatkan setengah ke atas; predikat dibaca dari nilai yang dilaporkan.',
  en: 'Index = Σ(weight × level) / Σ weight at every node; indicators that do not apply (N/A) drop out and their siblings’ weights are renormalised. Reported values are rounded half up; the predicate is read from the reported value.',
} as const;
