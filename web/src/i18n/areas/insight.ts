/**
 * Texts of one area of the app (W3 — results insight (heatmap, trend, gap, unit result page with receipt, report and open-data buttons)).
 * `insightId` is the source (Bahasa Indonesia); `insightEn` must have the same shape.
 */
export const insightId = {
  placeholder: '',
};

export const insightEn: typeof insightId = {
  placeholder: '',
};
