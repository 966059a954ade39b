import { z } from "zod";
import { PASSWORD_MAX } from "@/lib/auth/password-policy";

export const ZEmail = z
  .string()
  .trim()
  .toLowerCase()
  .max(254, "Email is too long.")
  .pipe(z.email("Enter a valid email address."));

export const ZName = z.string().trim().min(1, "Enter your name.").max(80, "Use at most 80 characters.");

export const ZSignInInput = z.object({
  email: ZEmail,
  password: z
    .string()
    .min(1, "Enter your password.")
    .max(PASSWORD_MAX * 4, "Password is too long."),
});

export const ZRegisterInput = z.object({
  name: ZName,
  email: ZEmail,
  password: z.string().max(PASSWORD_MAX * 4, "Password is too long."),
});
export type RegisterInput = z.infer<typeof ZRegisterInput>;

export const ZChangePasswordInput = z
  .object({
    currentPassword: z.string().min(1, "Enter your current password."),
    newPassword: z.string().max(PASSWORD_MAX * 4, "Password is too long."),
    confirmPassword: z.string(),
  })
  .refine((v) => v.newPassword === v.confirmPassword, {
    path: ["confirmPassword"],
    message: "Passwords do not match.",
  });

export const ZReplaceTemporaryPasswordInput = z
  .object({
    newPassword: z.string().max(PASSWORD_MAX * 4, "Password is too long."),
    confirmPassword: z.string(),
  })
  .refine((v) => v.newPassword === v.confirmPassword, {
    path: ["confirmPassword"],
    message: "Passwords do not match.",
  });
