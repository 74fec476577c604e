// English words of the admin pages. The type makes a missing key a build error.
import type { adminId } from "./admin-id";

export const adminEn: Record<keyof typeof adminId, string> = {
  "admin.pages": "admin",
};
