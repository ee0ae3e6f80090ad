/**
 * Texts of one area of the app (W1 — instruments screen and cycle management (create wizard, assessors, extensions, reopen, batch reports)).
 * `manageId` is the source (Bahasa Indonesia); `manageEn` must have the same shape.
 */
export const manageId = {
  placeholder: '',
};

export const manageEn: typeof manageId = {
  placeholder: '',
};
