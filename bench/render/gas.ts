/**
 * `## Gas per verified step`: version 2's gas on LoraLedgerRegistryV2 (bench/gasV2.ts's measurement) and,
 * beside it, version 1's figures from before its registry was retired, kept as a historical record.
 */
import type { CheckpointBatchGas } from "../lib/gas.js";
import type { BenchResults, RetiredV1GasRecord, V2GasRecord } from "../lib/results.js";
import { DASH, code, count, heading, percent, seconds, table, type Block } from "./format.js";
import { portableCommand } from "./header.js";
import { measuredV2Gas } from "./records.js";

/** The command that measures version 2's gas alone and merges it into bench/results.json. */
export const GAS_COMMAND = "npm run bench -- --only gas";

/** Gas of one transaction per block: the figure, or the total and the range when there are several blocks. */
function perBlock(figures: readonly number[]): string {
  if (figures.length === 0) return DASH;
  if (figures.length === 1) return count(figures[0] ?? 0);
  const total = figures.reduce((sum, gas) => sum + gas, 0);
  return `${count(total)} in all (${count(Math.min(...figures))} … ${count(Math.max(...figures))} per block)`;
}

function gasTable(gas: V2GasRecord): Block {
  const k = gas.stepsPerCheckpoint;
  const batchRow = (label: string, batch: CheckpointBatchGas, emphasis = false): string[] => {
    const strong = (text: string): string => (emphasis ? `**${text}**` : text);
    return [label, count(batch.total), count(batch.perCheckpoint), strong(count(batch.perStep))];
  };
  const overhead = gas.submitCheckpoint.total - gas.bareCheckpointVerifier;
  const blockCount = (figures: readonly number[]): string =>
    `${figures.length} block${figures.length === 1 ? "" : "s"}`;
  return table(
    ["transaction", "gas", "per checkpoint", `per verified step (k = ${k})`],
    [
      [
        `\`submitProjectionBlock\` (${code(gas.instances.projection)}, ${blockCount(gas.projectionBlocks)}; once per base model and dataset)`,
        perBlock(gas.projectionBlocks),
        DASH,
        DASH,
      ],
      [
        `\`startRun\` (canonical seed, ${code(gas.instances.start)} proof; once per run)`,
        count(gas.startRun),
        DASH,
        DASH,
      ],
      [
        `bare checkpoint verifier transaction (reference: \`verifyProof\` called directly, ${gas.checkpointPublicInputs} public inputs)`,
        count(gas.bareCheckpointVerifier),
        count(gas.bareCheckpointVerifier),
        count(gas.bareCheckpointVerifier / k),
      ],
      batchRow("`submitCheckpoint` (checkpoint 0)", gas.submitCheckpoint),
      batchRow("`submitCheckpoints` of 2 (checkpoints 1-2)", gas.submitCheckpoints2),
      batchRow("`submitCheckpoints` of 4 (checkpoints 3-6)", gas.submitCheckpoints4, true),
      [
        "registry overhead of `submitCheckpoint` over the bare verifier",
        count(overhead),
        count(overhead),
        count(overhead / k),
      ],
      [
        `\`submitMergeBlock\` (${code(gas.instances.merge)}, ${blockCount(gas.mergeBlocks)}; once per merge)`,
        perBlock(gas.mergeBlocks),
        DASH,
        DASH,
      ],
    ],
    ["l", "r", "r", "r"],
  );
}

function v2Blocks(gas: V2GasRecord): Block[] {
  const command = portableCommand(gas.command).command;
  return [
    `Measured by \`${command}\` on ${gas.measuredAt} (${seconds(gas.seconds)}, of which ${seconds(gas.proofs.provingSeconds)} proving ${gas.proofs.count} proofs). ` +
      `${command === GAS_COMMAND ? "That command" : `\`${GAS_COMMAND}\``} measures only the gas and merges it into bench/results.json (re-rendering this file); ` +
      "a full `npm run bench` and `npm run bench -- --only v2` measure it too.",
    `\`npx hardhat run bench/gasV2.ts\` (spawned by the benchmark) on ${gas.network}, ${gas.solidity}: LoraLedgerRegistryV2 and the verifiers of the instances built by default are deployed through the Ignition module (deploy/modules/LoraLedger.ts), ` +
      `a base model and its activated dataset are registered, the base projection is proven and submitted block by block, a run is started from a canonical seed, and checkpoints of ${code(gas.instances.checkpoint)} (k = ${gas.stepsPerCheckpoint} steps per proof) are proven (real Groth16 proofs, made for exactly the public inputs the registry assembles) ` +
      "and submitted: checkpoint 0 with `submitCheckpoint`, checkpoints 1-2 with `submitCheckpoints` (2), 3-6 with `submitCheckpoints` (4); then the merge of the final adapter is proven and submitted block by block. " +
      "Figures are receipts' `gasUsed` (the bare verifier row: `estimateGas` of a transaction calling the checkpoint verifier's `verifyProof` directly, with the proof of checkpoint 0); per verified step is per checkpoint / k.",
    gasTable(gas),
    "The registry overhead is its bookkeeping: reading the run and its verifier record, moving the run's head and step counter, recording the adapter after the checkpoint and its provenance, and the `CheckpointVerified` event; " +
      "a batch pays the transaction base cost and the reads once. The projection and the merge are paid once per base model and dataset and once per merge, not per step.",
  ];
}

/** The figures that agree across version 1's step instances, for "the same within N gas". */
function v1Figures(pair: RetiredV1GasRecord["pairs"][number]): number[] {
  return [pair.bareStepVerifier, pair.submitStep, pair.submitSteps4.perStep, pair.recordMerge ?? 0];
}

/** Version 1's retired figures in one paragraph, compared with version 2's when both are recorded. */
function v1Line(v1: RetiredV1GasRecord, v2: V2GasRecord | undefined): Block[] {
  const [first, ...others] = v1.pairs;
  if (first === undefined) return [];
  const spread = Math.max(
    0,
    ...others.flatMap((other) => v1Figures(other).map((figure, i) => Math.abs(figure - (v1Figures(first)[i] ?? 0)))),
  );
  const instances =
    others.length === 0
      ? code(first.step)
      : `${code(first.step)}; ${others.map((p) => code(p.step)).join(", ")} the same within ${count(spread)} gas`;
  const comparison =
    v2 === undefined
      ? ""
      : ` Per verified step, version 2 in \`submitCheckpoints\` of 4 costs ${count(v2.submitCheckpoints4.perStep)}, ${percent(v2.submitCheckpoints4.perStep, first.submitSteps4.perStep)} of version 1's in \`submitSteps\` of 4, ` +
        `and ${count(v2.submitCheckpoint.perStep)} alone against ${count(first.submitStep)}: one verification covers k = ${v2.stepsPerCheckpoint} steps.`;
  return [
    `**Version 1's registry** (\`LoraLedgerRegistry\`, one step per proof), **retired**, measured ${v1.measuredAt.slice(0, 10)} by \`${portableCommand(v1.command).command}\` (historical record, not measured again): ` +
      `${count(first.submitStep)} per \`submitStep\`, of which ${count(first.bareStepVerifier)} is the bare verifier transaction; ${count(first.submitSteps4.perStep)} per step in \`submitSteps\` of 4` +
      `${first.recordMerge === null ? "" : `; ${count(first.recordMerge)} per \`recordMerge\``} (${instances}).` +
      comparison,
  ];
}

export function gasSection(results: BenchResults): Block[] {
  const blocks: Block[] = [heading(2, "Gas per verified step (version 2, in-process network)")];
  const recorded = results.v2Gas;
  if (recorded === undefined)
    blocks.push(`Not measured in this record: \`${GAS_COMMAND}\` measures it and merges it into bench/results.json.`);
  else if (recorded === null) blocks.push("Not measured in this run (`--no-gas`).");
  else if ("error" in recorded) blocks.push(`**Not measured**: the gas run failed: ${recorded.error}`);
  else blocks.push(...v2Blocks(recorded));
  if (results.v1Gas !== undefined) blocks.push(...v1Line(results.v1Gas, measuredV2Gas(results)));
  return blocks;
}
