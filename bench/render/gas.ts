/** `## Gas per verified step and per merge`: the gas table of bench/gas.ts's measurement and what it shows. */
import type { GasPairResult } from "../lib/gas.js";
import type { BenchResults } from "../lib/results.js";
import { DASH, code, count, heading, ratio, seconds, table, type Block } from "./format.js";
import { constraintsOf, isGasResult } from "./records.js";

export function gasSection(results: BenchResults): Block[] {
  const blocks: Block[] = [heading(2, "Gas per verified step and per merge (in-process network)")];
  if (results.gas === null) return [...blocks, "Not measured in this run (`--no-gas`)."];
  if (!isGasResult(results.gas)) return [...blocks, `**Not measured**: the gas run failed: ${results.gas.error}`];
  const gas = results.gas;
  blocks.push(
    `\`npx hardhat run bench/gas.ts\` (spawned by the benchmark) on ${gas.network}, ${gas.solidity}: the registry is deployed through the Ignition module ` +
      "(deploy/modules/LoraLedger.ts), a base model and a dataset are registered, a run is started, and steps 0-7 are proven (real Groth16 proofs of the instance, made for exactly the public inputs the registry assembles) " +
      "and submitted: step 0 with `submitStep`, steps 1-2 with `submitSteps` (2), steps 3-6 with `submitSteps` (4), step 7 with `submitStep`; then the adapter after step 7 is merged " +
      "(`makeMerge`, a LoraMerge proof) and recorded with `recordMerge`. Figures are receipts' `gasUsed` (the bare verifier rows: `estimateGas` of a transaction calling `verifyProof` directly).",
  );
  if (gas.pairs.length > 0) {
    const pairs = gas.pairs;
    const perPair = (cell: (p: GasPairResult) => string): string[] => pairs.map(cell);
    blocks.push(
      table(
        ["case", ...pairs.map((p) => code(p.step))],
        [
          [
            "step verifier",
            ...perPair((p) =>
              p.verifierDeployment === "ignition"
                ? "deployed by the Ignition module"
                : "compiled with solc-js and registered by the script",
            ),
          ],
          ["bare step verifier transaction (reference)", ...perPair((p) => count(p.bareStepVerifier))],
          ["`submitStep` (step 0, trainer)", ...perPair((p) => count(p.submitStep))],
          ["`submitStep` (step 7, trainer)", ...perPair((p) => count(p.submitStepLater))],
          [
            "`submitSteps`, 2 steps: per step (total)",
            ...perPair((p) => `${count(p.submitSteps2.perStep)} (${count(p.submitSteps2.total)})`),
          ],
          [
            "`submitSteps`, 4 steps: per step (total)",
            ...perPair((p) => `${count(p.submitSteps4.perStep)} (${count(p.submitSteps4.total)})`),
          ],
          [
            "registry overhead of `submitStep` over the bare verifier",
            ...perPair((p) => count(p.submitStep - p.bareStepVerifier)),
          ],
          ["merge instance", ...perPair((p) => (p.merge === null ? DASH : code(p.merge)))],
          [
            "bare merge verifier transaction (reference)",
            ...perPair((p) => (p.bareMergeVerifier === null ? DASH : count(p.bareMergeVerifier))),
          ],
          [
            "registry overhead of `recordMerge` over the bare verifier",
            ...perPair((p) =>
              p.recordMerge === null || p.bareMergeVerifier === null
                ? DASH
                : count(p.recordMerge - p.bareMergeVerifier),
            ),
          ],
          [
            "**`recordMerge`** (adapter after step 7)",
            ...perPair((p) =>
              p.recordMerge === null ? (p.mergeNote ?? "not measured") : `**${count(p.recordMerge)}**`,
            ),
          ],
          [
            "proofs made for the measurement",
            ...perPair(
              (p) => `${p.proofs.steps} steps + ${p.proofs.merges} merge, ${seconds(p.proofs.provingSeconds)}`,
            ),
          ],
        ],
      ),
    );
    const figures = (p: GasPairResult): number[] => [
      p.bareStepVerifier,
      p.submitStep,
      p.submitStepLater,
      p.submitSteps2.perStep,
      p.submitSteps4.perStep,
    ];
    const spread = Math.max(
      ...figures(pairs[0] as GasPairResult).map(
        (_, i) => Math.max(...pairs.map((p) => figures(p)[i] ?? 0)) - Math.min(...pairs.map((p) => figures(p)[i] ?? 0)),
      ),
    );
    const sizes = pairs.map((p) => constraintsOf(results, p.step));
    blocks.push(
      "A Groth16 verifier's gas depends on the number of public inputs (one scalar multiplication and one 32-byte word each), not on the circuit's size" +
        (pairs.length > 1
          ? `: the step instances' figures above agree within ${count(spread)} gas (calldata zero bytes and storage values differ) while their circuits differ ${ratio(
              Math.round((Math.max(...sizes) / Math.min(...sizes)) * 10) / 10,
            )} in constraints. `
          : ", so this figure holds for every step instance (7 public inputs). ") +
        "A merge proof has 4 public inputs against a step's 7, so its verifier is cheaper; `recordMerge` then writes three fresh slots (the merge record, two slots, and merged root → adapter) and reads the run and the step's adapter, so its registry overhead is larger than a step's. It never touches the run's head. " +
        "docs/REGISTRY.md explains where a step's gas goes and what would bring it below 250k.",
    );
  }
  if (!gas.registryHasRecordMerge)
    blocks.push("**Merge gas not measured**: the registry deployed in this run has no `recordMerge`.");
  for (const error of gas.errors) blocks.push(`**${code(error.step)}: not measured**: ${error.error}`);
  return blocks;
}
