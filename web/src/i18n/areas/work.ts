/**
 * Texts of one area of the app (W2 — self-assessment and review extras (upload, comments, history, sign-off, previews, unit downloads)).
 * `workId` is the source (Bahasa Indonesia); `workEn` must have the same shape.
 */
export const workId = {
  placeholder: '',
};

export const workEn: typeof workId = {
  placeholder: '',
};
