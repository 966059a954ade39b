"use client";
import { useState, useTransition, type FormEvent } from "react";

/**
 * Like useActionState, but submitted by hand: React resets a <form action> after every submit,
 * which would wipe what the admin typed when the server refuses it. Here fields keep their values
 * and the error shows next to them.
 */
export function useFormSubmit<R>(
  action: (prev: unknown, formData: FormData) => Promise<R>,
): [R | null, (event: FormEvent<HTMLFormElement>) => void, boolean] {
  const [state, setState] = useState<R | null>(null);
  const [pending, start] = useTransition();
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    start(async () => setState(await action(null, data)));
  };
  return [state, onSubmit, pending];
}
