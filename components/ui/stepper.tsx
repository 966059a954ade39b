"use client";
import { useId } from "react";

/** A number with − / + buttons; typing works too. Values are clamped to [min, max]. */
export function Stepper({
  label,
  value,
  min,
  max,
  onChange,
  disabled,
  hideLabel,
}: {
  label: string;
  value: number;
  min: number;
  max: number;
  onChange: (v: number) => void;
  disabled?: boolean;
  hideLabel?: boolean;
}) {
  const id = useId();
  const clamp = (v: number) => Math.min(max, Math.max(min, Number.isFinite(v) ? Math.round(v) : min));
  const btn =
    "grid size-9 place-items-center rounded-md border border-slate-300 text-lg leading-none hover:bg-slate-100 disabled:opacity-40 dark:border-slate-700 dark:hover:bg-slate-800";
  return (
    <div className="flex flex-col gap-1">
      <label htmlFor={id} className={hideLabel ? "sr-only" : "text-sm font-medium text-slate-700 dark:text-slate-300"}>
        {label}
      </label>
      <div className="flex items-center gap-1">
        <button
          type="button"
          className={btn}
          aria-label={`Decrease ${label}`}
          disabled={disabled || value <= min}
          onClick={() => onChange(clamp(value - 1))}
        >
          −
        </button>
        <input
          id={id}
          type="number"
          inputMode="numeric"
          min={min}
          max={max}
          value={value}
          disabled={disabled}
          onChange={(e) => onChange(clamp(Number(e.target.value)))}
          className="w-16 rounded-md border border-slate-300 bg-white px-2 py-1.5 text-center text-sm tabular-nums dark:border-slate-700 dark:bg-slate-900"
        />
        <button
          type="button"
          className={btn}
          aria-label={`Increase ${label}`}
          disabled={disabled || value >= max}
          onClick={() => onChange(clamp(value + 1))}
        >
          +
        </button>
      </div>
    </div>
  );
}
