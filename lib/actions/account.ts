// The caller's own account: sign-up, password, SSH keys.
import * as sshKeys from "@/lib/services/ssh-keys";
import * as users from "@/lib/services/users";
import { ZChangePasswordInput, ZRegisterInput, ZReplaceTemporaryPasswordInput } from "@/lib/validation/auth";
import { ZAddSshKeyInput, ZRemoveSshKeyInput } from "@/lib/validation/ssh-keys";
import { defineAction } from "./define";

export const register = defineAction({
  name: "user.register",
  auth: "public",
  input: ZRegisterInput,
  run: async ({ input, ip }) => {
    const user = await users.createUser({ ...input, selfService: true, ip });
    return { email: user.email };
  },
});

export const changePassword = defineAction({
  name: "user.password.change",
  auth: "user",
  input: ZChangePasswordInput,
  run: async ({ actor, input: { currentPassword, newPassword }, ip }) => {
    await users.changePassword({ userId: actor.id, currentPassword, newPassword, ip });
  },
});

/** The forced change after an admin's reset: only a temporary-password session can call it. */
export const replaceTemporaryPassword = defineAction({
  name: "user.password.replace-temporary",
  auth: "user",
  forTemporaryPasswordSession: true,
  input: ZReplaceTemporaryPasswordInput,
  run: async ({ actor, input: { newPassword }, ip }) => {
    await users.replaceTemporaryPassword({ userId: actor.id, newPassword, ip });
  },
});

export const addSshKey = defineAction({
  name: "sshkey.add",
  auth: "user",
  input: ZAddSshKeyInput,
  run: sshKeys.addSshKey,
  revalidate: ["/account"],
});

export const removeSshKey = defineAction({
  name: "sshkey.remove",
  auth: "user",
  input: ZRemoveSshKeyInput,
  run: sshKeys.removeSshKey,
  revalidate: ["/account"],
});
