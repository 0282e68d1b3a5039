/** `## LoRA vs full fine-tuning: trainable parameters`: the parameter ratio of the benchmarked shapes and of common transformer widths. */
import type { ParameterRatio } from "../lib/params.js";
import type { BenchResults } from "../lib/results.js";
import { count, heading, ratio, table, type Block } from "./format.js";
import { inRange } from "./records.js";

export function parametersSection(results: BenchResults): Block[] {
  const grid = results.parameterRatios.grid;
  const widths = [...new Set(grid.map((point) => point.dIn))];
  const ranks = [...new Set(grid.map((point) => point.rank))];
  const list = (points: readonly ParameterRatio[]): string =>
    points.map((point) => `d = ${point.dIn}, r = ${point.rank}`).join("; ");
  return [
    heading(2, "LoRA vs full fine-tuning: trainable parameters"),
    "For one `d_out × d_in` layer, full fine-tuning trains `d_out·d_in` parameters and LoRA of rank `r` trains `r·(d_in + d_out)`; " +
      "the ratio is `d_out·d_in / (r·(d_in + d_out))`, which for a square layer is `d / 2r` (bench/lib/params.ts). For the benchmarked LoRA shapes:",
    table(
      ["d_in × d_out", "r", "full", "LoRA", "ratio"],
      results.comparisonPairs.map(({ parameterRatio: pr }) => [
        `${pr.dIn} × ${pr.dOut}`,
        String(pr.rank),
        count(pr.full),
        count(pr.lora),
        ratio(pr.ratio),
      ]),
      ["l", "r", "r", "r", "r"],
    ),
    "and for square layers of common transformer widths (rows `d`, columns `r`):",
    table(
      ["d \\ r", ...ranks.map(String)],
      widths.map((d) => [
        String(d),
        ...ranks.map((rank) => {
          const point = grid.find((g) => g.dIn === d && g.rank === rank);
          if (point === undefined) return "";
          const text = ratio(point.ratio);
          return point.ratio === 24 || point.ratio === 96 ? `**${text}**` : text;
        }),
      ]),
      ["l", ...ranks.map((): "r" => "r")],
    ),
    `The research prototype's "24-96× fewer parameters": exactly 24× at ${list(results.parameterRatios.ratio24) || "no grid point"}; ` +
      `exactly 96× at ${list(results.parameterRatios.ratio96) || "no grid point"}. ` +
      `Between them the ratio is d / 2r: ${inRange(grid)} of the ${grid.length} grid points fall within 24-96×. ` +
      "The benchmarked circuits are far smaller (2× to 8×), and the measured cost ratios above are smaller still: a proof's cost is dominated by the frozen `d_out·d_in` base weights, which the circuit commits to, range-checks and multiplies whatever r is.",
  ];
}
