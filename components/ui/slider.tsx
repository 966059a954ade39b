"use client";
import { useId } from "react";

/** A labelled range input; `describe` renders what the value means (shown and announced). */
export function Slider({
  label,
  value,
  min,
  max,
  step = 1,
  onChange,
  describe,
  disabled,
  name,
}: {
  label: string;
  value: number;
  min: number;
  max: number;
  step?: number;
  onChange: (v: number) => void;
  describe?: (v: number) => string;
  disabled?: boolean;
  name?: string;
}) {
  const id = useId();
  const text = describe?.(value);
  return (
    <div className="flex flex-col gap-1">
      <div className="flex items-baseline justify-between gap-2">
        <label htmlFor={id} className="text-sm font-medium text-slate-700 dark:text-slate-300">
          {label}
        </label>
        <output htmlFor={id} className="text-sm tabular-nums">
          {value}
        </output>
      </div>
      <input
        id={id}
        name={name}
        type="range"
        min={min}
        max={max}
        step={step}
        value={value}
        disabled={disabled}
        aria-valuetext={text ? `${value} (${text})` : undefined}
        onChange={(e) => onChange(Number(e.target.value))}
        className="w-full accent-brand-600"
      />
      {text && <p className="text-xs text-slate-500">{text}</p>}
    </div>
  );
}
