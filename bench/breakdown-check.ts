// Checks the formula constraint breakdowns (bench/lib/constraints.ts) against circom: compiles each
// template (LoraStep, LoraMerge, LoraMergeFreivalds, FullStep; version 2's LoraCheckpoint and
// BaseProjectionBlock) for a few small shapes (with the instances' compiler flags) into
// build/bench-scratch/breakdown-check/ and compares the r1cs constraint count with the formula.
//   npx tsx bench/breakdown-check.ts                    every template
//   npx tsx bench/breakdown-check.ts --only v2          version 2's templates only (8x8 and 16x16, under 20k constraints)
//   npx tsx bench/breakdown-check.ts --only TEMPLATE    one template (repeat --only for more)
import { rmSync } from "node:fs";
import path from "node:path";
import * as snarkjs from "snarkjs";
import type { BenchCircuit } from "./lib/circuits.js";
import { breakdownFor } from "./lib/constraints.js";
import {
  compileCircom,
  mainComponentSource,
  PROJECT_ROOT,
  loadInstances,
  stderrProgress,
  releaseProverThreads,
} from "../src/node/index.js";
import {
  TEMPLATES,
  validateCheckpointShape,
  validateFullShape,
  type CheckpointShape,
  type FullShape,
  validateShape,
  type StepShape,
} from "../src/protocol/index.js";
import { orderedArgs } from "./lib/circuits.js";

const SHAPES: StepShape[] = [
  // batch 3: D_B and D_A are not powers of two (two range checks per remainder)
  { dIn: 3, dOut: 5, rank: 1, batch: 3, depth: 2, F: 4, FW: 6, xBits: 8, aBits: 10, wBits: 6 },
  // W0 of 24 × 20 at 16 bits: 32 packed words, three Poseidon chunks; FW = 2F
  { dIn: 24, dOut: 20, rank: 3, batch: 1, depth: 3, F: 6, FW: 12, xBits: 12, aBits: 12, wBits: 16 },
  // 4-bit base weights, rank > dIn
  { dIn: 2, dOut: 6, rank: 4, batch: 2, depth: 5, F: 5, FW: 3, xBits: 9, aBits: 11, wBits: 4 },
];

const FULL_SHAPES: FullShape[] = [
  // batch 3: D = 3·5·2^12 is not a power of two (two range checks per remainder)
  { dIn: 3, dOut: 5, batch: 3, depth: 2, F: 4, xBits: 8, wBits: 10 },
  // 24 × 20 weights at 16 bits: several Poseidon chunks per commitment
  { dIn: 24, dOut: 20, batch: 2, depth: 3, F: 6, xBits: 12, wBits: 16 },
];

/** Version 2's small shapes: the test shape at k = 1 and 2 (z of 26 bits), and 16x16 with r = 3, n = 3 (D_B, D_A not powers of two). */
const CHECKPOINT_SHAPES: CheckpointShape[] = [
  { dIn: 8, dOut: 8, rank: 2, batch: 2, depth: 4, F: 8, FW: 10, xBits: 16, aBits: 16, wBits: 8, steps: 1 },
  { dIn: 8, dOut: 8, rank: 2, batch: 2, depth: 4, F: 8, FW: 10, xBits: 16, aBits: 16, wBits: 8, steps: 2 },
  { dIn: 16, dOut: 16, rank: 3, batch: 3, depth: 5, F: 8, FW: 10, xBits: 16, aBits: 16, wBits: 8, steps: 1 },
];

/** Base projection blocks: one whole 8x8 block, and a 3x8 layer (odd d_in: C = 1, three blocks, a tree of depth 2). */
const PROJECTION_SHAPES: StepShape[] = [
  { dIn: 8, dOut: 8, rank: 2, batch: 2, depth: 4, F: 8, FW: 10, xBits: 16, aBits: 16, wBits: 8 },
  { dIn: 3, dOut: 8, rank: 1, batch: 2, depth: 4, F: 8, FW: 10, xBits: 16, aBits: 16, wBits: 8 },
];

const v2 = (template: "LoraCheckpoint" | "BaseProjectionBlock", shape: CheckpointShape | StepShape): BenchCircuit => {
  const common = {
    name: "main",
    purpose: "breakdown check",
    file: TEMPLATES[template].file,
    args: orderedArgs(TEMPLATES[template].paramOrder, shape),
    publicInputs: TEMPLATES[template].publicInputs,
    origin: "comparison" as const,
    mode: "compile-only" as const,
  };
  if (template === "LoraCheckpoint") {
    if (!("steps" in shape)) throw new Error("a checkpoint shape needs steps");
    return { ...common, template, params: shape };
  }
  return { ...common, template, params: shape };
};

const lora = (template: "LoraStep" | "LoraMerge" | "LoraMergeFreivalds", shape: StepShape): BenchCircuit => ({
  name: "main",
  purpose: "breakdown check",
  template,
  file: TEMPLATES[template].file,
  params: shape,
  args: TEMPLATES[template].paramOrder.map((key) => shape[key]),
  publicInputs: TEMPLATES[template].publicInputs,
  origin: "comparison",
  mode: "compile-only",
});

const ALL_CIRCUITS: BenchCircuit[] = [
  ...SHAPES.map((shape) => lora("LoraStep", shape)),
  ...SHAPES.map((shape) => lora("LoraMerge", shape)),
  ...SHAPES.slice(0, 2).map((shape) => lora("LoraMergeFreivalds", shape)),
  ...FULL_SHAPES.map((shape): BenchCircuit => ({
    name: "main",
    purpose: "breakdown check",
    template: "FullStep",
    file: TEMPLATES.FullStep.file,
    params: shape,
    args: TEMPLATES.FullStep.paramOrder.map((key) => shape[key]),
    publicInputs: TEMPLATES.FullStep.publicInputs,
    origin: "comparison",
    mode: "compile-only",
  })),
  ...CHECKPOINT_SHAPES.map((shape) => v2("LoraCheckpoint", shape)),
  ...PROJECTION_SHAPES.map((shape) => v2("BaseProjectionBlock", shape)),
];

function selected(args: readonly string[]): BenchCircuit[] {
  const only = new Set<string>();
  for (let index = 0; index < args.length; index++) {
    const arg = args[index] ?? "";
    if (arg === "--only") only.add(args[++index] ?? "");
    else if (arg.startsWith("--only=")) only.add(arg.slice("--only=".length));
    else throw new Error(`unknown argument ${arg}; usage: breakdown-check.ts [--only v2|TEMPLATE]...`);
  }
  if (only.has("v2")) {
    only.delete("v2");
    only.add("LoraCheckpoint");
    only.add("BaseProjectionBlock");
  }
  for (const name of only)
    if (!ALL_CIRCUITS.some((c) => c.template === name))
      throw new Error(`--only ${name}: no such template checked here`);
  return only.size === 0 ? ALL_CIRCUITS : ALL_CIRCUITS.filter((c) => only.has(c.template));
}

const CIRCUITS = selected(process.argv.slice(2));

const progress = stderrProgress("breakdown-check");
const root = path.join(PROJECT_ROOT, "build", "bench-scratch", "breakdown-check");
let failures = 0;
try {
  for (const [index, circuit] of CIRCUITS.entries()) {
    if (circuit.template === "FullStep") validateFullShape(circuit.params);
    else if (circuit.template === "LoraCheckpoint") validateCheckpointShape(circuit.params);
    else validateShape(circuit.params);
    const dir = path.join(root, `circuit${index}`);
    const mainSource = mainComponentSource(dir, circuit.file, circuit.template, circuit.args, circuit.publicInputs);
    await compileCircom({ dir, baseName: "main", mainSource, flags: loadInstances().compiler.flags });
    const info = await snarkjs.r1cs.info(path.join(dir, "main.r1cs"));
    const formula = breakdownFor(circuit).total;
    const ok = formula === info.nConstraints;
    if (!ok) failures++;
    progress.step(
      `${circuit.template} ${JSON.stringify(circuit.params)}: compiled ${info.nConstraints}, formula ${formula}${ok ? "" : ` MISMATCH (residual ${info.nConstraints - formula})`}`,
    );
    rmSync(dir, { recursive: true, force: true });
  }
} finally {
  rmSync(root, { recursive: true, force: true });
  await releaseProverThreads();
}
if (failures > 0) {
  process.stderr.write(`${failures} circuit(s) do not match the formula\n`);
  process.exitCode = 1;
} else progress.done(`the formulas match circom on all ${CIRCUITS.length} circuits`);
