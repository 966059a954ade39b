"use server";
import * as account from "@/lib/actions/account";
import { serverActions } from "@/lib/actions/next";

export const { changePasswordAction, addSshKeyAction, removeSshKeyAction } = serverActions(account);
