// Checks the formula constraint breakdown (src/bench/constraints.ts) against circom: compiles LoraStep
// for a few shapes other than the instances (with the instances' compiler flags) into
// build/bench-scratch/breakdown-check/ and compares the r1cs constraint count with the formula.
//   npx tsx scripts/bench/breakdown-check.ts
import { rmSync } from "node:fs";
import path from "node:path";
import * as snarkjs from "snarkjs";
import { constraintBreakdown } from "../../src/bench/constraints.js";
import { compileCircom, mainComponentSource } from "../../src/build/circuits.js";
import { LORA_STEP_PARAM_ORDER, PROJECT_ROOT, STEP_PUBLIC_INPUTS, loadInstances } from "../../src/instances.js";
import { stderrProgress } from "../../src/progress.js";
import { releaseProverThreads } from "../../src/prover.js";
import { validateShape, type StepShape } from "../../src/shape.js";

const SHAPES: StepShape[] = [
  // batch 3: D_B and D_A are not powers of two (two range checks per remainder)
  { dIn: 3, dOut: 5, rank: 1, batch: 3, depth: 2, F: 4, FW: 6, xBits: 8, aBits: 10, wBits: 6 },
  // W0 of 24 × 20 at 16 bits: 32 packed words, three Poseidon chunks; FW = 2F
  { dIn: 24, dOut: 20, rank: 3, batch: 1, depth: 3, F: 6, FW: 12, xBits: 12, aBits: 12, wBits: 16 },
  // 4-bit base weights, rank > dIn
  { dIn: 2, dOut: 6, rank: 4, batch: 2, depth: 5, F: 5, FW: 3, xBits: 9, aBits: 11, wBits: 4 },
];

const progress = stderrProgress("breakdown-check");
const root = path.join(PROJECT_ROOT, "build", "bench-scratch", "breakdown-check");
let failures = 0;
try {
  for (const [index, shape] of SHAPES.entries()) {
    validateShape(shape);
    const dir = path.join(root, `shape${index}`);
    const mainSource = mainComponentSource(
      dir,
      "circuits/lora_step.circom",
      "LoraStep",
      LORA_STEP_PARAM_ORDER.map((key) => shape[key]),
      STEP_PUBLIC_INPUTS,
    );
    await compileCircom({ dir, baseName: "main", mainSource, flags: loadInstances().compiler.flags });
    const info = await snarkjs.r1cs.info(path.join(dir, "main.r1cs"));
    const formula = constraintBreakdown(shape).total;
    const ok = formula === info.nConstraints;
    if (!ok) failures++;
    progress.step(`${JSON.stringify(shape)}: compiled ${info.nConstraints}, formula ${formula}${ok ? "" : ` MISMATCH (residual ${info.nConstraints - formula})`}`);
  }
} finally {
  rmSync(root, { recursive: true, force: true });
  await releaseProverThreads();
}
if (failures > 0) {
  process.stderr.write(`${failures} shape(s) do not match the formula\n`);
  process.exitCode = 1;
} else progress.done(`the formula matches circom on all ${SHAPES.length} shapes`);
