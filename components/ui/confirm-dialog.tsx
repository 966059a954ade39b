"use client";
import { useState, useTransition } from "react";
import { Button } from "./button";
import { Dialog } from "./dialog";

type Result = { ok: boolean; error?: string };

/**
 * A button that asks first. The dialog names what will happen; its confirm button says it again
 * ("Suspend ada@example.com"), runs the action, and shows a refusal inside the dialog. Escape,
 * Cancel and the backdrop close it and focus returns to the opening button (native <dialog>).
 */
export function ConfirmButton({
  label,
  title,
  description,
  confirmLabel,
  onConfirm,
  onDone,
  variant = "secondary",
  confirmVariant = "danger",
  disabled,
  children,
}: {
  label: string;
  title: string;
  description: string;
  confirmLabel: string;
  onConfirm: () => Promise<Result>;
  onDone?: () => void;
  variant?: "primary" | "secondary" | "danger" | "ghost";
  confirmVariant?: "primary" | "danger";
  disabled?: boolean;
  children?: React.ReactNode;
}) {
  const [open, setOpen] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [pending, start] = useTransition();
  const close = () => {
    if (pending) return;
    setOpen(false);
    setError(null);
  };
  const confirm = () =>
    start(async () => {
      const r = await onConfirm().catch(() => ({ ok: false, error: "Could not reach the server. Try again." }));
      if (r.ok) {
        setOpen(false);
        setError(null);
        onDone?.();
      } else setError(r.error ?? "Failed.");
    });
  return (
    <>
      <Button type="button" variant={variant} disabled={disabled} onClick={() => setOpen(true)}>
        {label}
      </Button>
      <Dialog open={open} onClose={close} title={title} description={description}>
        <div className="flex flex-col gap-4">
          {children}
          {error && (
            <p role="alert" className="text-sm text-red-700 dark:text-red-300">
              {error}
            </p>
          )}
          <div className="flex flex-wrap justify-end gap-2">
            <Button type="button" variant="ghost" onClick={close} disabled={pending}>
              Cancel
            </Button>
            <Button type="button" variant={confirmVariant} pending={pending} onClick={confirm}>
              {confirmLabel}
            </Button>
          </div>
        </div>
      </Dialog>
    </>
  );
}
