"use server";
import * as users from "@/lib/actions/users";
import { serverActions } from "@/lib/actions/next";

export const {
  setUserStatusAction,
  setUserRoleAction,
  resetPasswordAction,
  setUserQuotaAction,
  setDefaultQuotaAction,
  setSignupEnabledAction,
  deleteUserAction,
} = serverActions(users);
