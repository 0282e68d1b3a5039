import { toHex32 } from "../protocol/index.js";
import type { CheckpointReport } from "./session.js";

const short = (value: bigint): string => {
  const hex = toHex32(value);
  return `${hex.slice(0, 12)}…${hex.slice(-6)}`;
};

/** Where the row's proof came from, in the table's last column. */
const PROOF_ORIGIN_TEXT: Record<CheckpointReport["origin"], string> = {
  proved: "new",
  reused: "kept file",
  "on-chain": "on-chain",
};

/**
 * The run as a plain-text table, one row per checkpoint: its steps, the proven loss of its batches, the
 * loss on the whole dataset after it, proving time, gas, adapter commitment and where its proof came from
 * (made now, an earlier attempt's kept file, or recorded on-chain before).
 */
export function formatCheckpointTable(reports: readonly CheckpointReport[]): string {
  const header = ["steps", "batch loss", "dataset loss", "prove (s)", "gas", "adapter after", "proof"];
  const rows = reports.map((report) => [
    report.steps === 1 ? String(report.firstStep) : `${report.firstStep}-${report.firstStep + report.steps - 1}`,
    report.batchLoss.toFixed(5),
    report.datasetLoss.toFixed(5),
    report.provingSeconds === undefined ? "-" : report.provingSeconds.toFixed(2),
    report.gasUsed === undefined ? "-" : report.gasUsed.toString(),
    short(report.adapterAfter),
    PROOF_ORIGIN_TEXT[report.origin],
  ]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? "").length)),
  );
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, column) => cell.padStart(widths[column] ?? 0))
      .join("  ")
      .trimEnd();
  return [line(header), line(widths.map((width) => "-".repeat(width))), ...rows.map(line)].join("\n");
}
