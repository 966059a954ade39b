import type { SelectHTMLAttributes, TextareaHTMLAttributes } from "react";

const control =
  "rounded-md border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm focus:border-brand-500 dark:border-slate-700 dark:bg-slate-900";

function Errors({ id, errors }: { id: string; errors?: string[] }) {
  return errors?.length ? (
    <p id={id} role="alert" className="text-xs text-red-600 dark:text-red-400">
      {errors.join(" ")}
    </p>
  ) : null;
}

/** A labelled select with its server-side error right below it (same contract as ui/Field). */
export function SelectField({
  label,
  name,
  errors,
  hint,
  children,
  ...props
}: SelectHTMLAttributes<HTMLSelectElement> & { label: string; name: string; errors?: string[]; hint?: string }) {
  const id = props.id ?? `f-${name}`;
  return (
    <div className="flex flex-col gap-1">
      <label htmlFor={id} className="text-sm font-medium text-slate-700 dark:text-slate-300">
        {label}
      </label>
      <select
        id={id}
        name={name}
        aria-invalid={errors?.length ? true : undefined}
        aria-describedby={errors?.length ? `${id}-error` : undefined}
        className={control}
        {...props}
      >
        {children}
      </select>
      {hint && !errors?.length && <p className="text-xs text-slate-500">{hint}</p>}
      <Errors id={`${id}-error`} errors={errors} />
    </div>
  );
}

export function TextareaField({
  label,
  name,
  errors,
  hint,
  ...props
}: TextareaHTMLAttributes<HTMLTextAreaElement> & { label: string; name: string; errors?: string[]; hint?: string }) {
  const id = props.id ?? `f-${name}`;
  return (
    <div className="flex flex-col gap-1">
      <label htmlFor={id} className="text-sm font-medium text-slate-700 dark:text-slate-300">
        {label}
      </label>
      <textarea
        id={id}
        name={name}
        aria-invalid={errors?.length ? true : undefined}
        aria-describedby={errors?.length ? `${id}-error` : undefined}
        className={`${control} font-mono text-xs`}
        {...props}
      />
      {hint && !errors?.length && <p className="text-xs text-slate-500">{hint}</p>}
      <Errors id={`${id}-error`} errors={errors} />
    </div>
  );
}

export function CheckboxField({
  label,
  name,
  errors,
  ...props
}: React.InputHTMLAttributes<HTMLInputElement> & { label: React.ReactNode; name: string; errors?: string[] }) {
  const id = props.id ?? `f-${name}`;
  return (
    <div className="flex flex-col gap-1">
      <div className="flex items-start gap-2">
        <input
          type="checkbox"
          id={id}
          name={name}
          aria-invalid={errors?.length ? true : undefined}
          aria-describedby={errors?.length ? `${id}-error` : undefined}
          className="mt-0.5 size-4"
          {...props}
        />
        <label htmlFor={id} className="text-sm text-slate-700 dark:text-slate-300">
          {label}
        </label>
      </div>
      <Errors id={`${id}-error`} errors={errors} />
    </div>
  );
}
