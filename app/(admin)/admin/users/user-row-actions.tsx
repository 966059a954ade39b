"use client";
import { useState, useTransition } from "react";
import { Button } from "@/components/ui/button";
import { setUserRoleAction, setUserStatusAction } from "./actions";

export function UserRowActions({
  userId,
  status,
  role,
  self,
}: {
  userId: string;
  status: "ACTIVE" | "SUSPENDED";
  role: "ADMIN" | "DEVELOPER";
  self: boolean;
}) {
  const [pending, start] = useTransition();
  const [error, setError] = useState<string | null>(null);
  if (self) return <span className="text-xs text-slate-500">you</span>;
  const run = (fn: () => Promise<{ ok: boolean; error?: string }>) =>
    start(async () => {
      const result = await fn();
      setError(result.ok ? null : (result.error ?? "Failed."));
    });
  return (
    <div className="flex flex-wrap items-center gap-2">
      <Button
        variant={status === "ACTIVE" ? "danger" : "secondary"}
        pending={pending}
        onClick={() => run(() => setUserStatusAction({ userId, status: status === "ACTIVE" ? "SUSPENDED" : "ACTIVE" }))}
      >
        {status === "ACTIVE" ? "Suspend" : "Reactivate"}
      </Button>
      <Button
        variant="secondary"
        pending={pending}
        onClick={() => run(() => setUserRoleAction({ userId, role: role === "ADMIN" ? "DEVELOPER" : "ADMIN" }))}
      >
        {role === "ADMIN" ? "Make developer" : "Make admin"}
      </Button>
      {error && (
        <span role="alert" className="text-xs text-red-600">
          {error}
        </span>
      )}
    </div>
  );
}
