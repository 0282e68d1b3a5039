/** `## LoRA vs full fine-tuning of the same layer`: each LoraStep beside the FullStep of its shape, and where the difference comes from. */
import type { BenchResults, CircuitRecord } from "../lib/results.js";
import { DASH, count, heading, memory, percent, ratio, seconds, table, timed, type Block } from "./format.js";
import { CIRCUIT_SOURCES } from "./paths.js";
import { byName as recordsByName, item } from "./records.js";

export function comparisonSection(results: BenchResults): Block[] {
  const byName = recordsByName(results);
  const pairs = results.comparisonPairs.filter((p) => byName.has(p.lora) || byName.has(p.full));
  if (pairs.length === 0) return [];
  const blocks: Block[] = [
    heading(2, "LoRA vs full fine-tuning of the same layer"),
    "The same training step (fixed point, rounding, dataset tree and batch selection) of one `d × d` linear layer, proven two ways in the same run: " +
      `LoRA trains the rank-r adapters with the int8 base weights frozen (\`LoraStep\`, ${CIRCUIT_SOURCES.LoraStep}), full fine-tuning trains W itself, ` +
      `16-bit since it is updated (\`FullStep\`, ${CIRCUIT_SOURCES.FullStep}, PROTOCOL §10). The 16x16 and 32x32 LoRA circuits and every FullStep circuit are comparison circuits of the benchmark (bench/lib/circuits.ts), not instances. ` +
      "Peak memory is that of the witness + proving process. Ratios are full / LoRA; the last column is the trainable-parameter ratio `d_out·d_in / (r·(d_in + d_out))`. " +
      "The machine was shared (see Machine), so the proving ratio uses each circuit's fastest run, the one least disturbed by other work; setup is a single run per circuit, so its ratio is the noisier one.",
  ];
  const rows = pairs.map((p) => {
    const lora = byName.get(p.lora);
    const full = byName.get(p.full);
    const shape = lora !== undefined ? lora.params : full?.params;
    const shapeCell =
      shape === undefined
        ? DASH
        : `${shape.dIn}×${shape.dOut}, n=${shape.batch}, depth ${shape.depth}, r=${p.parameterRatio.rank}`;
    const cells = (r: CircuitRecord | undefined): string[] => {
      if (r === undefined) return ["not run", DASH, DASH, DASH];
      return [
        count(r.circuit.constraints),
        r.setup === null ? DASH : timed(r.setup),
        r.prove === null
          ? (r.note ?? "compile only")
          : `${seconds(r.prove.proving.medianSeconds)} / ${seconds(Math.min(...r.prove.proving.runs))}`,
        r.prove === null ? DASH : memory(r.prove.proving.peakMemory),
      ];
    };
    const ratioOf = (f: (r: CircuitRecord) => number | undefined): string => {
      if (lora === undefined || full === undefined) return DASH;
      const a = f(lora);
      const b = f(full);
      return a === undefined || b === undefined || a === 0 ? DASH : ratio(Math.round((b / a) * 100) / 100);
    };
    return [
      shapeCell,
      ...cells(lora),
      ...cells(full),
      ratioOf((r) => r.circuit.constraints),
      ratioOf((r) => r.setup?.seconds),
      ratioOf((r) => (r.prove === null ? undefined : Math.min(...r.prove.proving.runs))),
      ratioOf((r) => r.prove?.proving.peakMemory.peakKiB),
      `**${ratio(p.parameterRatio.ratio)}** (${count(p.parameterRatio.full)} / ${count(p.parameterRatio.lora)})`,
    ];
  });
  blocks.push(
    table(
      [
        "layer",
        "LoRA constraints",
        "LoRA setup",
        "LoRA prove (median / fastest)",
        "LoRA peak mem",
        "full constraints",
        "full setup",
        "full prove (median / fastest)",
        "full peak mem",
        "constraints full/LoRA",
        "setup full/LoRA",
        "prove full/LoRA (fastest)",
        "memory full/LoRA",
        "parameters full/LoRA",
      ],
      rows,
      ["l", "r", "r", "r", "r", "r", "r", "r", "r", "r", "r", "r", "r", "r"],
    ),
  );
  // Per-weight costs, from the breakdowns.
  const notes: string[] = [];
  let limit: { text: string; value: number } | undefined;
  for (const p of pairs) {
    const lora = byName.get(p.lora);
    const full = byName.get(p.full);
    if (lora === undefined || full === undefined) continue;
    const weights = (full.params.dIn ?? 0) * (full.params.dOut ?? 0);
    const perWeightFull =
      (item(full, "W and W' entries") +
        item(full, "W·x") +
        item(full, "gradient (lr E)·xᵀ") +
        item(full, "update remainders < D = n·d_out·2^3F")) /
      weights;
    const perWeightLora = (item(lora, "W0 entries") + item(lora, "W0·x")) / weights;
    const adapterShare =
      lora.circuit.constraints -
      item(lora, "W0 entries") -
      item(lora, "W0·x") -
      item(lora, "baseRoot PackHash chain (W0)");
    limit = {
      text: `${full.params.dIn}×${full.params.dOut}, n = ${full.params.batch}`,
      value: perWeightFull / perWeightLora,
    };
    notes.push(
      `${full.params.dIn}×${full.params.dOut}: full fine-tuning pays ${perWeightFull.toFixed(0)} constraints per weight (W and W′ range checks ${2 * (full.params.wBits ?? 0)}, ` +
        `update remainder ${(item(full, "update remainders < D = n·d_out·2^3F") / weights).toFixed(0)}, forward and gradient products ${2 * (full.params.batch ?? 0)}), ` +
        `${count(perWeightFull * weights)} in all (${percent(perWeightFull * weights, full.circuit.constraints)}); LoRA pays ${perWeightLora.toFixed(0)} per frozen base weight ` +
        `(int8 range check ${lora.params.wBits}, forward products ${lora.params.batch}), and ${count(adapterShare)} for everything else (adapters, their updates, hashing, dataset)`,
    );
  }
  if (notes.length > 0) {
    blocks.push(
      "Where the difference comes from (bench/lib/constraints.ts, exact against the compiled r1cs):",
      notes.map((note) => `- ${note}.`).join("\n"),
      "So the constraint ratio starts near 1 (at 8×8 the adapters, with their long update remainders, cost about what training the 64 weights does) and grows with the layer, " +
        `towards the per-weight ratio for large layers (${limit === undefined ? "" : `${limit.value.toFixed(1)}× at ${limit.text}: `}the adapter part grows as \`r·(d_in + d_out)\`, the weight part as \`d_in·d_out\`), while the parameter ratio grows as \`d / 2r\` without bound. ` +
        "Proving and setup time follow the constraint count (see the closing note), so the measured cost ratios track the constraint ratio, not the parameter ratio: " +
        "a LoRA proof still pays for the whole frozen `d_out × d_in` layer (committed, range-checked and multiplied every step).",
    );
  }
  return blocks;
}
