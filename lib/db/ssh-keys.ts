import "server-only";
import { db } from "./client";

export type SshKeyItem = {
  id: string;
  name: string;
  type: string;
  fingerprint: string;
  comment: string;
  createdAt: Date;
};

/** A user's own keys only: the owner is part of the query. */
export async function listSshKeys(userId: string): Promise<SshKeyItem[]> {
  const rows = await db.sshKey.findMany({
    where: { userId },
    orderBy: { createdAt: "asc" },
    select: { id: true, name: true, publicKey: true, fingerprint: true, createdAt: true },
  });
  return rows.map((r) => {
    const [type = "", , ...comment] = r.publicKey.split(" ");
    return {
      id: r.id,
      name: r.name,
      type,
      fingerprint: r.fingerprint,
      comment: comment.join(" "),
      createdAt: r.createdAt,
    };
  });
}
