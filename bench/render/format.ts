/** Text formatting shared by the sections of BENCHMARKS.md: numbers, durations, sizes, Markdown tables. */
import type { PeakMemory } from "../lib/phases.js";
import type { TimedPhase } from "../lib/results.js";

/** A Markdown block: a paragraph, a heading, a table, a list or a code fence (no blank line inside). */
export type Block = string;

export const DASH = "–";

export const seconds = (value: number): string =>
  value >= 100
    ? `${value.toFixed(0)} s`
    : value >= 10
      ? `${value.toFixed(1)} s`
      : value >= 1
        ? `${value.toFixed(2)} s`
        : `${(value * 1000).toFixed(0)} ms`;
export const mib = (kib: number): string => `${(kib / 1024).toFixed(0)} MiB`;
export const bytes = (value: number | undefined): string =>
  value === undefined
    ? DASH
    : value >= 1 << 20
      ? `${(value / (1 << 20)).toFixed(1)} MiB`
      : value >= 1024
        ? `${(value / 1024).toFixed(1)} KiB`
        : `${value} B`;
export const count = (value: number): string => Math.round(value).toLocaleString("en-US");
export const ratio = (value: number): string => (Number.isInteger(value) ? `${value}×` : `${value.toFixed(2)}×`);

export function timed(phase: TimedPhase | null): string {
  if (phase === null) return DASH;
  return phase.source === "manifest" ? `${seconds(phase.seconds)} (manifest)` : seconds(phase.seconds);
}

export function memory(peak: PeakMemory | null | undefined): string {
  if (peak === undefined) return DASH;
  if (peak === null) return "not measured (reused build)";
  return mib(peak.peakKiB);
}

export function percent(part: number, whole: number): string {
  return whole === 0 ? DASH : `${((100 * part) / whole).toFixed(1)} %`;
}

export function code(name: string): string {
  return `\`${name}\``;
}

export function heading(level: 1 | 2 | 3, text: string): Block {
  return `${"#".repeat(level)} ${text}`;
}

function row(cells: readonly string[]): string {
  return `| ${cells.join(" | ")} |`;
}

export function table(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  align?: readonly ("l" | "r")[],
): Block {
  const rule = header.map((_, index) => ((align?.[index] ?? "l") === "r" ? "---:" : "---"));
  return [row(header), row(rule), ...rows.map(row)].join("\n");
}
