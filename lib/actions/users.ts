// User administration (admin): status, role, quotas, the sign-up switch, deletion.
import * as quotas from "@/lib/services/quotas";
import * as users from "@/lib/services/users";
import { ZDeleteUserInput, ZQuotaLimits, ZSetSignupInput, ZSetUserQuotaInput } from "@/lib/validation/quotas";
import { ZResetPasswordInput, ZSetUserRoleInput, ZSetUserStatusInput } from "@/lib/validation/users";
import { defineAction, spreadInput } from "./define";

const usersPage = ["/admin/users"];
/** A user's own account page shows their quota too. */
const quotaPages = ["/admin/users", "/account"];

export const setUserStatus = defineAction({
  name: "user.status",
  auth: "admin",
  input: ZSetUserStatusInput,
  run: spreadInput(users.setUserStatus),
  revalidate: usersPage,
});

export const setUserRole = defineAction({
  name: "user.role.change",
  auth: "admin",
  input: ZSetUserRoleInput,
  run: spreadInput(users.setUserRole),
  revalidate: usersPage,
});

/** A temporary password, returned once (the admin hands it over); the user must replace it at sign-in. */
export const resetPassword = defineAction({
  name: "user.password.reset",
  auth: "admin",
  input: ZResetPasswordInput,
  run: async ({ actor, input, ip }) => {
    const r = await users.resetPassword({ actor, userId: input.userId, ip });
    return { email: r.email, temporaryPassword: r.temporaryPassword, expiresAt: r.expiresAt.toISOString() };
  },
  revalidate: usersPage,
});

export const setUserQuota = defineAction({
  name: "user.quota.change",
  auth: "admin",
  input: ZSetUserQuotaInput,
  run: quotas.setUserQuota,
  revalidate: quotaPages,
});

export const setDefaultQuota = defineAction({
  name: "settings.default-quota",
  auth: "admin",
  input: ZQuotaLimits,
  run: quotas.setDefaultQuota,
  revalidate: usersPage,
});

export const setSignupEnabled = defineAction({
  name: "settings.signup",
  auth: "admin",
  input: ZSetSignupInput,
  run: spreadInput(quotas.setSignupEnabled),
  revalidate: usersPage,
});

export const deleteUser = defineAction({
  name: "user.delete",
  auth: "admin",
  input: ZDeleteUserInput,
  run: spreadInput(quotas.deleteUser),
  revalidate: usersPage,
});
