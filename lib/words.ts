// Words people read: plural forms, container display names, operation names. Pure (no React, no data
// access), so pages, toasts, DTOs and services say the same thing the same way.

const IRREGULAR: Record<string, string> = { is: "are", was: "were", has: "have", this: "these" };

/** "1 layer", "2 layers", "0 containers"; `many` for words whose plural is not "+s". */
export function plural(count: number, one: string, many?: string): string {
  return `${count} ${count === 1 ? one : (many ?? IRREGULAR[one] ?? `${one}s`)}`;
}

/** The word alone, agreeing with the count: pluralWord(2, "is") → "are". */
export function pluralWord(count: number, one: string, many?: string): string {
  return count === 1 ? one : (many ?? IRREGULAR[one] ?? `${one}s`);
}

/**
 * A container's name for people: its layer's name and its 1-based position in the layer ("cp-1",
 * "cp-2"). Ordinals are 0-based and never reused within a layer, so the name is stable for the
 * container's life; the engine's name (`hp-<id>`) stays in details and hover text.
 */
export function containerDisplayName(layerName: string, ordinal: number): string {
  return `${layerName}-${ordinal + 1}`;
}

const OPERATION_NAMES: Record<string, string> = {
  CREATE: "Create",
  START: "Start",
  STOP: "Stop",
  RESTART: "Restart",
  SCALE: "Scale",
  RESIZE: "Change cloudlets",
  DELETE: "Delete",
  RETRY: "Retry",
  REPAIR: "Repair",
  ROLLBACK: "Roll back",
  MIGRATE: "Migrate",
  EVACUATE: "Evacuate",
};

/** "SCALE" → "Scale", an unknown kind → "Some kind" (capitalised, underscores as spaces). */
export function operationName(kind: string): string {
  const known = OPERATION_NAMES[kind];
  if (known) return known;
  const words = kind.toLowerCase().replace(/[_-]+/g, " ").trim();
  return words ? words[0]!.toUpperCase() + words.slice(1) : "Operation";
}

/** A list for a sentence: "a", "a and b", "a, b and c". */
export function listOf(items: readonly string[]): string {
  if (items.length <= 1) return items[0] ?? "";
  return `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}
