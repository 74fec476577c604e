// Bahasa Indonesia words of the admin pages; every key must also be in admin-en.ts.
export const adminId = {
  "admin.pages": "admin",
};
