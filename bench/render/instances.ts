/** `## Declared instances`: the metrics table of the instances of circuits/instances.json, proof size, peak memory, key reproducibility. */
import type { BenchResults, CircuitRecord } from "../lib/results.js";
import { DASH, bytes, code, count, heading, memory, ratio, seconds, table, timed, type Block } from "./format.js";
import { declared } from "./records.js";

function shapeText(r: CircuitRecord): string {
  const p = r.params;
  const base = `${p.dIn}×${p.dOut}`;
  return "rank" in p
    ? `${base}, r=${p.rank}, n=${p.batch}, depth ${p.depth}`
    : `${base}, n=${p.batch}, depth ${p.depth}, W ${p.wBits}-bit`;
}

function metricsTable(records: readonly CircuitRecord[]): Block {
  const per = (cell: (record: CircuitRecord) => string): string[] => records.map(cell);
  return table(
    ["metric", ...records.map((r) => code(r.instance))],
    [
      ["template", ...per((r) => r.template)],
      ["parameters", ...per(shapeText)],
      ["constraints", ...per((r) => count(r.circuit.constraints))],
      ["wires", ...per((r) => count(r.circuit.wires))],
      ["powers of tau needed", ...per((r) => `2^${r.circuit.power}`)],
      ["compile time (circom2, WASM)", ...per((r) => timed(r.compile))],
      [
        "setup time (Groth16 dev: new zkey + beacon + export)",
        ...per((r) => (r.setup === null ? (r.note ?? DASH) : timed(r.setup))),
      ],
      ["witness time (median)", ...per((r) => (r.prove === null ? DASH : seconds(r.prove.witness.medianSeconds)))],
      ["proving time (median)", ...per((r) => (r.prove === null ? DASH : seconds(r.prove.proving.medianSeconds)))],
      [
        "verification time (snarkjs JS, median)",
        ...per((r) => (r.prove === null ? DASH : seconds(r.prove.verification.medianSeconds))),
      ],
      [
        "proof size",
        ...per((r) =>
          r.prove === null
            ? DASH
            : `${r.prove.proofSize.calldataBytes} B calldata (${r.prove.proofSize.compressedBytes} B compressed)`,
        ),
      ],
      ["public inputs", ...per((r) => `${r.circuit.publicInputs} (${r.circuit.publicInputs * 32} B calldata)`)],
      ["peak memory: compile", ...per((r) => memory(r.compile.peakMemory))],
      ["peak memory: setup", ...per((r) => (r.setup === null ? DASH : memory(r.setup.peakMemory)))],
      ["peak memory: witness + proving", ...per((r) => (r.prove === null ? DASH : memory(r.prove.proving.peakMemory)))],
      ["zkey size", ...per((r) => bytes(r.files.zkey))],
      ["witness calculator (wasm) size", ...per((r) => bytes(r.files.wasm))],
      [
        "LoRA vs full fine-tuning parameters",
        ...per((r) =>
          r.parameterRatio === null
            ? DASH
            : `${ratio(r.parameterRatio.ratio)} (${count(r.parameterRatio.lora)} vs ${count(r.parameterRatio.full)})`,
        ),
      ],
    ],
  );
}

export function instancesSection(results: BenchResults): Block[] {
  // Version 1's instances; version 2's have their own section.
  const instances = declared(results).filter((r) => r.template === "LoraStep" || r.template === "LoraMerge");
  const blocks: Block[] = [heading(2, "Declared instances (circuits/instances.json)")];
  if (instances.length > 0) blocks.push(metricsTable(instances));
  blocks.push(
    "Proof size: a BN254 Groth16 proof is 2 G1 points and 1 G2 point, 8 field elements of 32 bytes = 256 bytes as the verifier's calldata " +
      "(uncompressed affine coordinates); with point compression it would be 128 bytes (32 + 64 + 32), which the EVM verifier does not use.",
    "Peak memory is the maximum resident set size of the phase's process tree, measured by running each phase in its own process " +
      (results.machine.gnuTime
        ? "under `/usr/bin/time -v` (Linux reports the largest single process of the tree, so for compile it is the circom2 process, which WASM-compiles the circuit in its own node process)"
        : "and reading `process.resourceUsage().maxRSS` at its exit (GNU time was not available, so the circom2 child of the compile phase is not included)") +
      "; it includes worker threads and the node + tsx runtime of the phase process. Proving memory covers the witness calculation, the proof and its verification, in one process.",
  );
  const checked = instances.filter((r) => r.build.matchesSharedBuild !== null);
  if (checked.length > 0) {
    blocks.push(
      "Fresh builds reproduce the shared keys: " +
        checked
          .map(
            (r) =>
              `${code(r.instance)} ${r.build.matchesSharedBuild === true ? "yes (same verification key as build/circuits/)" : "NO (verification key differs from build/circuits/: sources changed since it was built?)"}`,
          )
          .join("; ") +
        ".",
    );
  }
  return blocks;
}
