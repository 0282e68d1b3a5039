/** `## Merge: LoraMerge vs the Freivalds variant`: the two merge circuits at each merge shape. */
import type { BenchResults } from "../lib/results.js";
import { DASH, count, heading, ratio, seconds, table, timed, type Block } from "./format.js";
import { CIRCUIT_SOURCES } from "./paths.js";
import { byName as recordsByName, family, item } from "./records.js";

export function mergeSection(results: BenchResults): Block[] {
  const byName = recordsByName(results);
  const pairs = results.mergePairs.filter((p) => byName.has(p.merge) || byName.has(p.freivalds));
  if (pairs.length === 0) return [];
  const rows = pairs.map((p) => {
    const merge = byName.get(p.merge);
    const fr = byName.get(p.freivalds);
    const shape = merge?.params ?? fr?.params;
    const diff =
      merge !== undefined && fr !== undefined
        ? `+${count(item(fr, "merged weights (a witness here)"))} range checks, −${count(family(merge, "products") - family(fr, "products"))} products, +${count(
            item(fr, "challenge c = Poseidon(mergedRoot, adapter, baseRoot)"),
          )} challenge hash`
        : DASH;
    return [
      shape === undefined ? DASH : `${shape.dIn}×${shape.dOut}, r=${shape.rank}`,
      merge === undefined ? "not run" : count(merge.circuit.constraints),
      merge === undefined ? DASH : timed(merge.compile),
      merge?.prove === undefined || merge.prove === null ? DASH : seconds(merge.prove.proving.medianSeconds),
      fr === undefined ? "not run" : count(fr.circuit.constraints),
      fr === undefined ? DASH : timed(fr.compile),
      fr === undefined ? DASH : `2^${fr.circuit.power}`,
      merge !== undefined && fr !== undefined
        ? ratio(Math.round((fr.circuit.constraints / merge.circuit.constraints) * 100) / 100)
        : DASH,
      diff,
    ];
  });
  return [
    heading(2, "Merge: LoraMerge (every product) vs the Freivalds variant"),
    `\`LoraMerge\` (${CIRCUIT_SOURCES.LoraMerge}, PROTOCOL §9) computes every product \`B[i][k]·A[k][l]\` and packs the exact merged weights without range checks (they are bounded by construction); ` +
      `\`LoraMergeFreivalds\` (${CIRCUIT_SOURCES.LoraMergeFreivalds}) replaces the products by one randomized check, but its merged weights are a witness and must be range-checked before packing. The Freivalds circuits are compiled only.`,
    table(
      [
        "shape",
        "LoraMerge constraints",
        "LoraMerge compile",
        "LoraMerge prove",
        "Freivalds constraints",
        "Freivalds compile",
        "Freivalds needs",
        "Freivalds / LoraMerge",
        "difference",
      ],
      rows,
      ["l", "r", "r", "r", "r", "r", "r", "r", "l"],
    ),
  ];
}
