// Bahasa Indonesia words of the officer pages; every key must also be in officer-en.ts.
export const officerId = {
  "officer.pages": "officer",
};
