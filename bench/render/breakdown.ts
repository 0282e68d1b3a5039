/** `## Constraint breakdown, item by item`: one table per circuit, each item with its formula and share. */
import type { BenchResults } from "../lib/results.js";
import { code, count, heading, percent, table, type Block } from "./format.js";

export function breakdownSection(results: BenchResults): Block[] {
  return [
    heading(2, "Constraint breakdown, item by item"),
    "By formula from the templates (bench/lib/constraints.ts). The circuits compile with `--O2`, which substitutes away every linear constraint, " +
      "so only quadratic constraints count: a `b`-bit range check costs `b` (booleanity of each bit; the recomposition is linear), a product of two signals 1, " +
      "a circomlib `Poseidon` with `t = inputs + 1` lanes `3·(8t + P(t))` (3 per S-box; P = partial rounds) minus 3 for each first-round lane that is a compile-time constant " +
      "(the zero initial state, the tag/length word of a PackHash chain, the tag and shape parameters of hparamsHash). " +
      "`npx tsx bench/breakdown-check.ts` compiles each template at shapes other than the benchmarked ones and compares them with the formulas.",
    ...results.circuits.flatMap((r) => [
      heading(3, `${code(r.instance)} (${r.template}, ${count(r.circuit.constraints)} constraints)`),
      table(
        ["family", "item", "formula", "constraints", "share"],
        [
          ...r.constraintBreakdown.rows.map((b) => [
            b.family,
            b.item,
            b.formula,
            count(b.constraints),
            percent(b.constraints, r.constraintBreakdown.compiled),
          ]),
          [
            "",
            "**formula total** (compiled: residual)",
            "",
            `**${count(r.constraintBreakdown.formulaTotal)}**`,
            `${count(r.constraintBreakdown.compiled)}: ${count(r.constraintBreakdown.residual)}`,
          ],
        ],
        ["l", "l", "l", "r", "r"],
      ),
    ]),
  ];
}
