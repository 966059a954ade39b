"use client";
import { useEffect, useRef, useState, useTransition } from "react";
import type { SshKeyItem } from "@/lib/db/ssh-keys";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { FormMessage, formError } from "@/components/ui/form-message";
import { useToast } from "@/components/ui/toast";
import { useFormSubmit } from "@/components/ui/use-form-submit";
import { addSshKeyAction, removeSshKeyAction } from "./actions";

export function SshKeys({ keys }: { keys: SshKeyItem[] }) {
  const [state, onSubmit, pending] = useFormSubmit(addSshKeyAction);
  const [removing, startRemove] = useTransition();
  const [removingId, setRemovingId] = useState<string | null>(null);
  const toast = useToast();
  const form = useRef<HTMLFormElement>(null);
  useEffect(() => {
    if (state?.ok) form.current?.reset();
  }, [state]);
  const errors = state && !state.ok ? state.fieldErrors : undefined;
  return (
    <div className="flex flex-col gap-4">
      {keys.length === 0 ? (
        <p className="text-sm text-slate-500">
          No SSH keys yet. Add the public key you use to reach containers through the SSH gateway.
        </p>
      ) : (
        <ul className="divide-y divide-slate-100 dark:divide-slate-800" data-testid="ssh-keys">
          {keys.map((k) => (
            <li key={k.id} className="flex flex-wrap items-center justify-between gap-2 py-2 text-sm">
              <div className="min-w-0">
                <p className="font-medium">
                  {k.name} <span className="text-xs text-slate-500">({k.type})</span>
                </p>
                <p className="break-all font-mono text-xs text-slate-600 dark:text-slate-400">{k.fingerprint}</p>
              </div>
              <Button
                variant="ghost"
                aria-label={`Remove key ${k.name}`}
                pending={removing && removingId === k.id}
                onClick={() => {
                  setRemovingId(k.id);
                  startRemove(async () => {
                    const r = await removeSshKeyAction({ keyId: k.id });
                    toast.show(r.ok ? `Removed ${k.name}.` : r.error, r.ok ? "success" : "error");
                  });
                }}
              >
                Remove
              </Button>
            </li>
          ))}
        </ul>
      )}
      <form ref={form} onSubmit={onSubmit} className="flex flex-col gap-3" noValidate>
        <FormMessage error={formError(state)} success={state?.ok ? `Key added: ${state.data.fingerprint}` : null} />
        <Field
          label="Key name"
          name="name"
          placeholder="laptop (defaults to the key's comment)"
          errors={errors?.name}
          maxLength={64}
        />
        <div className="flex flex-col gap-1">
          <label htmlFor="f-publicKey" className="text-sm font-medium text-slate-700 dark:text-slate-300">
            Public key
          </label>
          <textarea
            id="f-publicKey"
            name="publicKey"
            rows={3}
            spellCheck={false}
            placeholder="ssh-ed25519 AAAA… you@laptop"
            aria-invalid={errors?.publicKey ? true : undefined}
            aria-describedby={errors?.publicKey ? "f-publicKey-error" : "f-publicKey-hint"}
            className="rounded-md border border-slate-300 bg-white px-3 py-2 font-mono text-xs dark:border-slate-700 dark:bg-slate-900"
          />
          {errors?.publicKey ? (
            <p id="f-publicKey-error" role="alert" className="text-xs text-red-600 dark:text-red-400">
              {errors.publicKey.join(" ")}
            </p>
          ) : (
            <p id="f-publicKey-hint" className="text-xs text-slate-500">
              ssh-ed25519, ssh-rsa (2048 bits or more) or ecdsa-sha2-nistp256/384/521.
            </p>
          )}
        </div>
        <Button type="submit" pending={pending} className="self-start">
          Add key
        </Button>
      </form>
    </div>
  );
}
