// SSH public keys of a user (for the SSH gateway). Keys are parsed and verified before storing;
// the fingerprint is unique per user, so the same key is never added twice.
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { parseSshPublicKey, type AddSshKeyInput, type RemoveSshKeyInput } from "@/lib/validation/ssh-keys";
import { recordAudit } from "./audit";
import type { Actor } from "./environments";

const MAX_KEYS_PER_USER = 50;

export async function addSshKey(options: { actor: Actor; input: AddSshKeyInput; ip?: string | null }) {
  const { input } = options;
  let key;
  try {
    key = parseSshPublicKey(input.publicKey);
  } catch (error) {
    throw new AppError("VALIDATION", "This is not a usable SSH public key.", {
      fieldErrors: { publicKey: [(error as Error).message] },
    });
  }
  const name = input.name || key.comment || `${key.type} key`;
  if ((await db.sshKey.count({ where: { userId: options.actor.id } })) >= MAX_KEYS_PER_USER)
    throw new AppError("CONFLICT", `At most ${MAX_KEYS_PER_USER} keys per account.`);
  const existing = await db.sshKey.findUnique({
    where: { userId_fingerprint: { userId: options.actor.id, fingerprint: key.fingerprint } },
    select: { name: true },
  });
  if (existing)
    throw new AppError("CONFLICT", `This key is already added as "${existing.name}".`, {
      fieldErrors: { publicKey: ["Already added."] },
    });
  const row = await db.$transaction(async (tx) => {
    const created = await tx.sshKey.create({
      data: {
        userId: options.actor.id,
        name: name.slice(0, 64),
        publicKey: key.normalized,
        fingerprint: key.fingerprint,
      },
      select: { id: true },
    });
    await recordAudit(
      {
        actorId: options.actor.id,
        actorEmail: options.actor.email,
        action: "sshkey.add",
        targetType: "sshkey",
        targetId: created.id,
        ip: options.ip,
        detail: { fingerprint: key.fingerprint, type: key.type },
      },
      tx,
    );
    return created;
  });
  return { id: row.id, fingerprint: key.fingerprint };
}

export async function removeSshKey(options: { actor: Actor; input: RemoveSshKeyInput; ip?: string | null }) {
  const { input } = options;
  // Ownership in the query: another user's key id deletes nothing and answers not found.
  await db.$transaction(async (tx) => {
    const removed = await tx.sshKey.deleteMany({ where: { id: input.keyId, userId: options.actor.id } });
    if (removed.count === 0) throw new AppError("NOT_FOUND", "SSH key not found.");
    await recordAudit(
      {
        actorId: options.actor.id,
        actorEmail: options.actor.email,
        action: "sshkey.remove",
        targetType: "sshkey",
        targetId: input.keyId,
        ip: options.ip,
      },
      tx,
    );
  });
}
