// Checks the formula constraint breakdowns (bench/lib/constraints.ts) against circom: compiles each
// template (LoraStep, LoraMerge, LoraMergeFreivalds, FullStep) for a few shapes other than the
// benchmarked ones (with the instances' compiler flags) into build/bench-scratch/breakdown-check/ and
// compares the r1cs constraint count with the formula.
//   npx tsx bench/breakdown-check.ts
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
import { TEMPLATES, validateFullShape, type FullShape, validateShape, type StepShape } from "../src/protocol/index.js";

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

const CIRCUITS: BenchCircuit[] = [
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
];

const progress = stderrProgress("breakdown-check");
const root = path.join(PROJECT_ROOT, "build", "bench-scratch", "breakdown-check");
let failures = 0;
try {
  for (const [index, circuit] of CIRCUITS.entries()) {
    if (circuit.template === "FullStep") validateFullShape(circuit.params);
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
