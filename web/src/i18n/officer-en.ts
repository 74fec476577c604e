// English words of the officer pages. The type makes a missing key a build error.
import type { officerId } from "./officer-id";

export const officerEn: Record<keyof typeof officerId, string> = {
  "officer.pages": "officer",
};
