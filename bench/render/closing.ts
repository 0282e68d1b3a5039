/**
 * `## Closing note`: where the time and the constraints go, and what would cut each: a summary, the
 * constraints by family, the time per constraint, and the cuts for the reference LoRA step.
 */
import { bitLength, updateDivisors, type StepShape } from "../../src/protocol/index.js";
import { CONSTRAINT_FAMILIES, belowConstantConstraints } from "../lib/constraints.js";
import type { BenchResults, ProveRecord, TimedPhase } from "../lib/results.js";
import { DASH, code, count, heading, percent, ratio, seconds, table, timed, type Block } from "./format.js";
import { family, item, measuredV2Gas, referenceLoraStep } from "./records.js";

/** The closing summary, from the measured records: the reference LoRA step, the full-vs-LoRA pair at its shape, gas. */
function summaryBullets(results: BenchResults): Block[] {
  const records = results.circuits;
  const ref = referenceLoraStep(results);
  if (ref === undefined) return [];
  const total = ref.circuit.constraints;
  const families = [...CONSTRAINT_FAMILIES]
    .sort((a, b) => family(ref, b) - family(ref, a))
    .filter((f) => family(ref, f) > 0);
  const bullets: string[] = [];
  bullets.push(
    `- **Constraints** (${code(ref.instance)}, ${count(total)}): ` +
      families.map((f) => `${f} ${percent(family(ref, f), total)}`).join(", ") +
      `. The single largest items are the frozen base weights' int8 range checks (${percent(item(ref, "W0 entries"), total)}), the update remainders (${percent(
        item(ref, "update remainders < D_B (B), < D_A (A)"),
        total,
      )}) and W0·x (${percent(item(ref, "W0·x"), total)}): the frozen layer (its range checks, hash and products) is ${percent(
        item(ref, "W0 entries") + item(ref, "baseRoot PackHash chain (W0)") + item(ref, "W0·x"),
        total,
      )} of the circuit.`,
  );
  if (ref.prove !== null) {
    const p = ref.prove;
    const stepTime =
      p.referenceSeconds + p.witness.medianSeconds + p.proving.medianSeconds + p.verification.medianSeconds;
    bullets.push(
      `- **Time**: a step is ${seconds(stepTime)} of CPU time here, ${percent(p.proving.medianSeconds, stepTime)} of it proving, which is linear in the constraints (table below), so the time goes where the constraints go; ` +
        `the one-off setup (${ref.setup === null ? DASH : timed(ref.setup)}) and compile (${timed(ref.compile)}) are per circuit version.`,
    );
  }
  const pair = results.comparisonPairs.find((c) => c.lora === ref.instance);
  const full = pair === undefined ? undefined : records.find((r) => r.instance === pair.full);
  if (pair !== undefined && full !== undefined) {
    bullets.push(
      `- **LoRA vs full** at ${pair.parameterRatio.dIn}×${pair.parameterRatio.dOut}: ${ratio(Math.round((full.circuit.constraints / total) * 100) / 100)} the constraints for ${ratio(
        pair.parameterRatio.ratio,
      )} the trainable parameters${full.prove === null ? ` (full fine-tuning ${full.note ?? "does not fit"})` : ""}: full fine-tuning range-checks W and W′ (16-bit), and a long update remainder, for every weight.`,
    );
  }
  const gas = measuredV2Gas(results);
  if (gas !== undefined) {
    const v1 = results.v1Gas?.pairs[0];
    bullets.push(
      `- **Gas** (version 2, LoraLedgerRegistryV2, k = ${gas.stepsPerCheckpoint} steps per checkpoint): ${count(gas.submitCheckpoint.total)} per \`submitCheckpoint\`, of which ${count(gas.bareCheckpointVerifier)} (${percent(gas.bareCheckpointVerifier, gas.submitCheckpoint.total)}) is the bare Groth16 verifier transaction; ` +
        `${count(gas.submitCheckpoints4.perStep)} per verified step in \`submitCheckpoints\` of 4` +
        (v1 === undefined
          ? "."
          : ` (version 1's retired registry: ${count(v1.submitSteps4.perStep)} per step in \`submitSteps\` of 4, one step per proof).`),
    );
  }
  bullets.push(
    "- **What would cut it**, detailed below: proving k steps per proof (the frozen layer's checks and hash once per k steps, each adapter checked once, one verification per k steps on-chain); " +
      "committing W0·x with the dataset (removes the frozen layer from every step); lower fixed-point precision F (shorter update remainders); a 4-ary dataset tree (half the Merkle levels); " +
      "lookup-based range checks or a native prover (outside circom + snarkjs Groth16).",
  );
  return [bullets.join("\n")];
}

export function closingSection(results: BenchResults): Block[] {
  const records = results.circuits;
  const blocks: Block[] = [
    heading(2, "Closing note: where the time and the constraints go, and what would cut each"),
    ...summaryBullets(results),
    heading(3, "Constraints by family"),
  ];
  blocks.push(
    "Every circuit's compiled count split by the formulas of bench/lib/constraints.ts (exact: the residual column is compiled − formula). " +
      "Range checks are booleanity constraints of bit decompositions (PackHash range-checks every value it packs); products are the arithmetic; remainder checks are the range checks of rounding remainders.",
  );
  blocks.push(
    table(
      ["circuit", "constraints", ...CONSTRAINT_FAMILIES, "residual"],
      records.map((r) => [
        code(r.instance),
        count(r.circuit.constraints),
        ...CONSTRAINT_FAMILIES.map((f) =>
          family(r, f) === 0
            ? DASH
            : `${count(family(r, f))} (${percent(family(r, f), r.constraintBreakdown.compiled)})`,
        ),
        count(r.constraintBreakdown.residual),
      ]),
      ["l", "r", "r", "r", "r", "r", "r", "r"],
    ),
  );

  const proved = records.filter((r) => r.prove !== null && r.setup !== null);
  blocks.push(heading(3, "Time"));
  if (proved.length > 0) {
    blocks.push(
      table(
        [
          "circuit",
          "constraints",
          "2^k",
          "compile",
          "setup (new zkey share)",
          "setup per constraint",
          "witness",
          "prove (median / fastest)",
          "fastest prove per 1k constraints",
          "prove share of a step's CPU time",
        ],
        proved.map((r) => {
          const p = r.prove as ProveRecord;
          const setup = r.setup as TimedPhase;
          const newZkey = setup.detail?.newZkeySeconds;
          const stepTime =
            p.referenceSeconds + p.witness.medianSeconds + p.proving.medianSeconds + p.verification.medianSeconds;
          return [
            code(r.instance),
            count(r.circuit.constraints),
            String(r.circuit.power),
            timed(r.compile),
            `${timed(setup)}${newZkey === undefined ? "" : ` (${percent(newZkey, setup.seconds)})`}`,
            `${((setup.seconds / r.circuit.constraints) * 1000).toFixed(2)} ms`,
            seconds(p.witness.medianSeconds),
            `${seconds(p.proving.medianSeconds)} / ${seconds(Math.min(...p.proving.runs))}`,
            `${((Math.min(...p.proving.runs) / r.circuit.constraints) * 1000 * 1000).toFixed(0)} ms`,
            percent(p.proving.medianSeconds, stepTime),
          ];
        }),
        ["l", "r", "r", "r", "r", "r", "r", "r", "r", "r"],
      ),
    );
    const big = proved.filter((r) => r.circuit.constraints >= 20_000);
    const perK = (big.length > 0 ? big : proved).map(
      (r) => (Math.min(...(r.prove as ProveRecord).proving.runs) / r.circuit.constraints) * 1e6,
    );
    const across = big.length > 0 ? "across the circuits of 20k constraints and more" : "across these (small) circuits";
    blocks.push(
      `A step's time is almost all proving: the witness (WASM) and the TypeScript reference that makes the input are a few per cent, JavaScript verification tens of milliseconds. ` +
        `The fastest proving run costs ${Math.min(...perK).toFixed(0)}-${Math.max(...perK).toFixed(0)} ms per 1,000 constraints ${across} ` +
        "(roughly constant within the noise: snarkjs's multi-scalar multiplications are linear in the wires, its FFTs in the 2^k domain; small circuits pay a fixed start-up on top), so **the time goes where the constraints go**: " +
        "every constraint cut below is proving time cut in proportion. Setup is one-off per circuit version, dominated by the new zkey; compile is circom2's WASM build.",
    );
  }

  // The reference LoRA step: the largest LoraStep instance benchmarked.
  const ref = referenceLoraStep(results);
  if (ref === undefined) return blocks;
  const total = ref.circuit.constraints;
  const p = ref.params;
  const n = p.batch ?? 1;
  const w0Range = item(ref, "W0 entries");
  const w0Hash = item(ref, "baseRoot PackHash chain (W0)");
  const w0x = item(ref, "W0·x");
  const adapterRange = item(ref, "adapter entries A, B, A', B'");
  const adapterHash = item(ref, "adapter PackHash chains (before, after)");
  const remainders = item(ref, "update remainders < D_B (B), < D_A (A)");
  const merkle = item(ref, "Merkle paths (Poseidon(2) + swap per level)");
  const leaves = item(ref, "example leaves PackHash");
  const batchRange = item(ref, "batch inputs x and targets t");
  const k = 4;
  // k steps per proof: W0's range checks and hash and the hparams/dataset hashes are paid once per proof;
  // the k + 1 adapters of the chain are range-checked once each (not twice) and only the first and last are hashed.
  const perProofFixed = w0Range + w0Hash + item(ref, "hparamsHash, datasetRoot");
  const kSaving = ((k - 1) / k) * (perProofFixed + adapterRange / 2 + adapterHash);
  const stepShape = ref.params as unknown as StepShape;
  const { dB, dA } = updateDivisors(stepShape);
  const lowerF = { ...stepShape, F: stepShape.F - 2 };
  const widths = (s: StepShape): number => {
    const d = updateDivisors(s);
    return s.dOut * s.rank * belowConstantConstraints(d.dB) + s.rank * s.dIn * belowConstantConstraints(d.dA);
  };
  const fSaving = widths(stepShape) - widths(lowerF);
  // y0 = W0·x committed in the leaves: the outputs (at scale 2^(F+FW)) are range-checked when packed.
  const y0Bits = stepShape.wBits + stepShape.xBits + bitLength(stepShape.dIn - 1);
  const y0Extra = n * stepShape.dOut * y0Bits;
  const depth = p.depth ?? 1;
  const quaternaryLevels = Math.ceil(depth / 2);
  // Poseidon(4) with 4 live inputs (t = 5): 3·(8·5 + 60) − 3 = 297, plus ~6 for the 4-way selection.
  const quaternary = n * quaternaryLevels * (297 + 6);
  blocks.push(heading(3, `What would cut each (for ${code(ref.instance)}, ${count(total)} constraints)`));
  blocks.push(
    [
      `- **Range checks, ${count(family(ref, "range checks"))} (${percent(family(ref, "range checks"), total)})**: the frozen base weights' int8 checks alone are ${count(w0Range)} (${percent(w0Range, total)}), ` +
        `the adapters before and after ${count(adapterRange)} (${percent(adapterRange, total)}), the batch ${count(batchRange)} (${percent(batchRange, total)}). ` +
        `W0 never changes, yet every step re-checks and re-hashes it, and re-checks the adapters the previous step already checked. ` +
        `Proving k steps per proof (the adapters passed from step to step inside the circuit) pays W0's checks and hash and the hyperparameter hashes once per proof, checks each adapter of the chain once instead of twice and hashes only the first and the last: ` +
        `about −${count(kSaving)} per step at k = ${k} (${percent(kSaving, total)}), and one on-chain verification per k steps; the cost is that the registry would see every k-th adapter only. ` +
        "A proof system with lookup arguments (PLONKish) would make an 8- or 16-bit range check one lookup instead of 8 or 16 constraints; circom's Groth16 has none.",
      `- **Remainder checks, ${count(family(ref, "remainder / rescale checks"))} (${percent(family(ref, "remainder / rescale checks"), total)})**: almost all of it (${count(remainders)}) is the update remainders, ` +
        `one range check per adapter entry below D_B = n·d_out·2^5F (${bitLength(dB - 1n)} bits) and D_A = n·d_out·2^6F (${bitLength(dA - 1n)} bits): the gradients are kept exact, at scales 2^5F and 2^6F, until the single rounding of the update (PROTOCOL §4). ` +
        "Rescaling an intermediate earlier (rounding the error to 2^F before the gradient products, say) takes F bits off every update remainder but adds a remainder and a quotient check per rescaled value: about break-even at these shapes. " +
        `The lever is precision: the widths grow by 5 and 6 bits per unit of F, so F = ${(p.F ?? 8) - 2} instead of ${p.F ?? 8} would save ${count(fSaving)} (${percent(fSaving, total)}) here, with coarser fixed point.`,
      `- **Products, ${count(family(ref, "products"))} (${percent(family(ref, "products"), total)})**: W0·x is ${count(w0x)} of them (n·d_out·d_in), the rest the adapters' forward and backward passes (${count(
        family(ref, "products") - w0x,
      )}). ` +
        "They are the arithmetic itself; the only large cut is not to recompute the frozen layer: committing y0 = W0·x with each dataset example (proved once per dataset) would remove W0's products, range checks and hash from every step " +
        `(${count(w0x + w0Range + w0Hash)}, ${percent(w0x + w0Range + w0Hash, total)}) and add the range checks of the n·d_out outputs in the larger leaves (about ${count(y0Extra)}): ` +
        "a protocol change that moves the frozen layer's work to dataset registration.",
      `- **Poseidon hashing, ${count(family(ref, "Poseidon hashing"))} (${percent(family(ref, "Poseidon hashing"), total)})**: Merkle paths ${count(merkle)} (n·depth·241), example leaves ${count(leaves)}, ` +
        `W0's commitment ${count(w0Hash)}, the adapters' ${count(adapterHash)}. A 4-ary dataset tree (Poseidon(4) per level, half the levels) would bring the paths to about ${count(quaternary)}; ` +
        "k steps per proof amortize W0's hash. Hashing dominates only the small instances (Poseidon's cost does not shrink with the layer).",
      `- **Time**: proving is about linear in the constraints (above), so each cut above cuts proving time in proportion; beyond that, snarkjs is JavaScript/WASM on ${results.machine.cores} cores: a native prover (rapidsnark) ` +
        "and the native circom binary would cut proving and compile time (not measured here); setup is paid once per circuit version and grows with the circuit like proving does (its new-zkey part is most of it).",
      "- **Gas**: a step's gas is the Groth16 verification (the bare verifier row of the gas table) plus the registry's bookkeeping; version 2 proves k steps per checkpoint, which divides both by k, " +
        "and batching with `submitCheckpoints` amortizes the transaction base cost (both measured under Gas).",
    ].join("\n"),
  );
  return blocks;
}
