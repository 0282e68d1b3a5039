/**
 * BENCHMARKS.md as a file: read the record, render it, write it, or check that the committed document is
 * what the record renders to (`npm run bench:render [-- --check]`, and test/unit/benchmarks-render.test.ts).
 */
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { PROJECT_ROOT } from "../../src/node/index.js";
import { v2GasRecordSchema } from "../lib/gas.js";
import type { BenchResults, V1GasResult } from "../lib/results.js";
import { renderMarkdown } from "./index.js";

export const RESULTS_FILE = path.join(PROJECT_ROOT, "bench", "results.json");
export const MARKDOWN_FILE = path.join(PROJECT_ROOT, "BENCHMARKS.md");

/** A record as runs wrote it before version 1's registry was retired: that registry's gas under `gas`. */
type StoredResults = BenchResults & { gas?: V1GasResult | { error: string } | null };

/**
 * The record in the current form: an older record's `gas` (version 1's, measured by the run the record
 * describes) becomes `v1Gas`, dated by that run; a failed or skipped measurement is not worth keeping.
 */
export function upgradeResults(stored: StoredResults): BenchResults {
  const { gas, ...current } = stored;
  const results = withCurrentV2Gas(current);
  if (gas === undefined || gas === null || "error" in gas || results.v1Gas !== undefined) return results;
  return { ...results, v1Gas: { measuredAt: results.generatedAt, command: results.command, ...gas } };
}

/**
 * A version 2 gas measurement of an earlier bench/gasV2.ts (before the batch of 8, the other k and the
 * floors) lacks figures the section states: it is dropped, and the section says how to measure it again.
 */
function withCurrentV2Gas(results: BenchResults): BenchResults {
  const gas = results.v2Gas;
  if (gas === undefined || gas === null || "error" in gas || v2GasRecordSchema.safeParse(gas).success) return results;
  return { ...results, v2Gas: undefined };
}

export function readResults(file: string = RESULTS_FILE): BenchResults {
  return upgradeResults(JSON.parse(readFileSync(file, "utf8")) as StoredResults);
}

/** Writes BENCHMARKS.md from `results`. */
export function writeMarkdown(results: BenchResults, file: string = MARKDOWN_FILE): void {
  writeFileSync(file, renderMarkdown(results));
}

/** How many lines of difference the staleness message shows at most. */
const SHOWN_LINES = 40;
/** Context lines around each change. */
const CONTEXT = 2;

type Edit = { kind: " " | "-" | "+"; text: string };

/** A line diff of `a` and `b` (longest common subsequence; the common start and end are trimmed first). */
function lineDiff(a: readonly string[], b: readonly string[]): Edit[] {
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const midA = a.slice(start, endA);
  const midB = b.slice(start, endB);
  const middle: Edit[] = [];
  if (midA.length * midB.length > 4_000_000) {
    // Too different to align cheaply: one block out, one block in.
    middle.push(...midA.map((text): Edit => ({ kind: "-", text })), ...midB.map((text): Edit => ({ kind: "+", text })));
  } else {
    // lcs[i][j]: length of the longest common subsequence of midA[i..] and midB[j..].
    const lcs = Array.from({ length: midA.length + 1 }, () => new Uint32Array(midB.length + 1));
    for (let i = midA.length - 1; i >= 0; i--) {
      const here = lcs[i] as Uint32Array;
      const below = lcs[i + 1] as Uint32Array;
      for (let j = midB.length - 1; j >= 0; j--) {
        here[j] =
          midA[i] === midB[j] ? (below[j + 1] as number) + 1 : Math.max(below[j] as number, here[j + 1] as number);
      }
    }
    let i = 0;
    let j = 0;
    while (i < midA.length || j < midB.length) {
      if (i < midA.length && j < midB.length && midA[i] === midB[j]) {
        middle.push({ kind: " ", text: midA[i] as string });
        i++;
        j++;
      } else if (i < midA.length && (j === midB.length || (lcs[i + 1]?.[j] ?? 0) >= (lcs[i]?.[j + 1] ?? 0))) {
        // Removals before additions, as in a unified diff.
        middle.push({ kind: "-", text: midA[i] as string });
        i++;
      } else {
        middle.push({ kind: "+", text: midB[j] as string });
        j++;
      }
    }
  }
  const same = (text: string): Edit => ({ kind: " ", text });
  return [...a.slice(0, start).map(same), ...middle, ...a.slice(endA).map(same)];
}

/** Unified-diff hunks of `a` → `b`, cut after about `limit` lines. */
function unifiedDiff(a: readonly string[], b: readonly string[], limit: number): string[] {
  const edits = lineDiff(a, b);
  const changed = edits.map((edit, index) => (edit.kind === " " ? -1 : index)).filter((index) => index >= 0);
  // Group the changes into hunks: changes less than 2·CONTEXT + 1 lines apart share a hunk.
  const hunks: { from: number; to: number }[] = [];
  for (const index of changed) {
    const last = hunks.at(-1);
    if (last !== undefined && index - last.to <= 2 * CONTEXT + 1) last.to = index;
    else hunks.push({ from: index, to: index });
  }
  // Line numbers in a and b before each edit.
  const lineA: number[] = [];
  const lineB: number[] = [];
  let na = 1;
  let nb = 1;
  for (const edit of edits) {
    lineA.push(na);
    lineB.push(nb);
    if (edit.kind !== "+") na++;
    if (edit.kind !== "-") nb++;
  }
  const out: string[] = [];
  let shownChanges = 0;
  for (const hunk of hunks) {
    if (out.length >= limit) break;
    const from = Math.max(0, hunk.from - CONTEXT);
    const to = Math.min(edits.length - 1, hunk.to + CONTEXT);
    const slice = edits.slice(from, to + 1);
    const countA = slice.filter((edit) => edit.kind !== "+").length;
    const countB = slice.filter((edit) => edit.kind !== "-").length;
    out.push(`@@ -${lineA[from] ?? 1},${countA} +${lineB[from] ?? 1},${countB} @@`);
    for (const edit of slice) {
      if (out.length >= limit) break;
      out.push(`${edit.kind}${edit.text}`);
      if (edit.kind !== " ") shownChanges++;
    }
  }
  if (shownChanges < changed.length) out.push(`… and ${changed.length - shownChanges} more changed line(s)`);
  return out;
}

/**
 * null when `current` (the document on disk) equals `rendered`; otherwise the message that says so,
 * with the first differing lines as a unified diff (committed → rendered).
 */
export function stalenessReport(current: string, rendered: string, name = "BENCHMARKS.md"): string | null {
  if (current === rendered) return null;
  const a = current.split("\n");
  const b = rendered.split("\n");
  return [
    `${name} is not current: run npm run bench:render`,
    `--- ${name} (on disk)`,
    `+++ ${name} (rendered from bench/results.json)`,
    ...unifiedDiff(a, b, SHOWN_LINES),
  ].join("\n");
}

/** Checks the document on disk against the record: null when current, else the staleness report. */
export function checkMarkdown(results: BenchResults = readResults(), file: string = MARKDOWN_FILE): string | null {
  let current: string;
  try {
    current = readFileSync(file, "utf8");
  } catch {
    return `${path.basename(file)} is not current: run npm run bench:render (${path.relative(PROJECT_ROOT, file)} cannot be read)`;
  }
  return stalenessReport(current, renderMarkdown(results), path.basename(file));
}
