/** `## Method`: the command's options and how each quantity is measured. */
import type { BenchResults } from "../lib/results.js";
import { heading, type Block } from "./format.js";

export function methodSection(results: BenchResults): Block[] {
  return [
    heading(2, "Method"),
    [
      "- `npm run bench [-- NAME ...] [--quick] [--skip-large] [--no-comparisons] [--no-gas] [--only v2|gas] [--fresh] [--runs N] [--keep-scratch] [--render]`: every declared instance and every comparison circuit, or those named, or with `--quick` only the test instances (the first LoraStep and its LoraMerge), or with `--only v2` version 2's circuits and gas, merged into the existing bench/results.json (its other records kept), or with `--only gas` only version 2's gas, merged likewise; " +
        "`--skip-large` leaves out the circuits that need 2^17 or more (predicted by the formulas: the 64x64 instances, full fine-tuning at 32x32 and 64x64, the 64x64 Freivalds merge), which take most of a full run's time" +
        (results.durationSeconds === undefined
          ? ""
          : ` (${(results.durationSeconds / 60).toFixed(0)} minutes for the run recorded here)`) +
        "; `--render` only rewrites this file from bench/results.json, as `npm run bench:render` does (`npm run bench:render -- --check` exits 1, showing the first differing lines, when this file is not what bench/results.json renders to); progress goes to stderr.",
      "- Circuits: the instances of circuits/instances.json (LoraStep, LoraMerge) and the comparison circuits of bench/lib/circuits.ts: LoRA at 16x16 and 32x32 (r = 4, n = 4, depth 8), FullStep at 8x8, 16x16, 32x32 (set up and proven) and 64x64 (compiled only: it needs 2^19), LoraMergeFreivalds at the merge instances' shapes (compiled only).",
      "- Each phase runs in its own process (`node --import tsx bench/phase.ts <phase> <circuit> ...`), under `/usr/bin/time -v` when present, so that its peak memory is its own.",
      "- `--fresh`: compile with circom2 (same flags as the build) and run the Groth16 development setup (new zkey from the ptau in `PTAU`, phase-2 beacon, export of the verification key and Solidity verifier) into build/bench-scratch/<circuit>/, removed afterwards. Without it, instances are built with `buildInstance` (reused when up to date) and their manifests' recorded times are reported; comparison circuits are always built in the scratch copy.",
      "- Inputs (bench/lib/inputs.ts): a LoRA step is `makeStep` on `syntheticTask(params, { seed: 3 })` at step 5; a merge is `makeMerge` of the adapter after 3 trained steps of that task; a full step is `makeFullStep` on the same kind of task (W = its base layer at scale 2^F, 16-bit). The witness with the circuit's WASM calculator, the proof with `snarkjs.groth16.prove`, the verification with `snarkjs.groth16.verify` (JavaScript), N times in one process; medians reported (and the fastest run, which the LoRA/full proving ratio uses). Circuits run by layer size and, at each size, LoRA step, full step, merge, Freivalds merge, so that the two circuits of a comparison run back to back under about the same load.",
      "- Gas: `npx hardhat run bench/gasV2.ts` on the in-process network (bench/lib/gas.ts spawns it after the circuits and reads its result through a file; `--no-gas` skips it): Ignition deployment, then real proofs submitted as described under Gas. " +
        "It proves with the instances built by default, from build/circuits/ (whose verifiers the module deploys), whichever circuits the run benchmarks. Version 1's registry is retired: its figures are those of its last run, carried from record to record.",
    ].join("\n"),
  ];
}
