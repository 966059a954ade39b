import { z } from "zod";
import { ZUserId } from "./quotas";

export const ZSetUserStatusInput = z.object({ userId: ZUserId, status: z.enum(["ACTIVE", "SUSPENDED"]) });
export const ZSetUserRoleInput = z.object({ userId: ZUserId, role: z.enum(["ADMIN", "DEVELOPER"]) });
export const ZResetPasswordInput = z.object({ userId: ZUserId });
