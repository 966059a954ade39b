"use server";
import * as account from "@/lib/actions/account";
import { serverActions } from "@/lib/actions/next";

export const { replaceTemporaryPasswordAction } = serverActions(account);
