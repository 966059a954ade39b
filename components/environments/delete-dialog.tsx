"use client";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";

/** Deleting needs the environment's name typed in, so a slip of the mouse cannot do it. */
export function DeleteDialog({
  name,
  open,
  onClose,
  onConfirm,
  pending,
}: {
  name: string;
  open: boolean;
  onClose: () => void;
  onConfirm: (typed: string) => void;
  pending: boolean;
}) {
  const [typed, setTyped] = useState("");
  return (
    <Dialog
      open={open}
      onClose={() => {
        setTyped("");
        onClose();
      }}
      title={`Delete ${name}?`}
      description="Every container of this environment is destroyed on its hardware node. This cannot be undone."
    >
      <form
        className="flex flex-col gap-3"
        onSubmit={(e) => {
          e.preventDefault();
          if (typed === name) onConfirm(typed);
        }}
      >
        <label htmlFor="confirm-name" className="text-sm">
          Type <span className="font-mono font-semibold">{name}</span> to confirm
        </label>
        <input
          id="confirm-name"
          value={typed}
          onChange={(e) => setTyped(e.target.value)}
          autoComplete="off"
          spellCheck={false}
          className="rounded-md border border-slate-300 bg-white px-3 py-2 font-mono text-sm dark:border-slate-700 dark:bg-slate-900"
        />
        <div className="flex justify-end gap-2">
          <Button type="button" variant="secondary" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" variant="danger" disabled={typed !== name} pending={pending}>
            Delete environment
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
