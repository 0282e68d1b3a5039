/**
 * `## Gas per verified step`: version 2's gas on LoraLedgerRegistryV2 (bench/gasV2.ts's measurement) and,
 * beside it, version 1's figures from before its registry was retired, kept as a historical record.
 */
import { V2_GAS_TARGETS, type CheckpointBatchGas, type OtherStepCountGas } from "../lib/gas.js";
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

/** The floor of one transaction per block: the bare verifier call per block, in all when there are several. */
function perBlockFloor(blocks: number, bareVerifier: number): string {
  if (blocks === 0) return DASH;
  return blocks === 1
    ? count(bareVerifier)
    : `${count(blocks * bareVerifier)} in all (${count(bareVerifier)} per block)`;
}

/** A checkpoint transaction of the table: what it submits, its gas, and the bare verifier call of its instance. */
interface CheckpointRow {
  label: string;
  batch: CheckpointBatchGas;
  k: number;
  bareVerifier: number;
  emphasis?: boolean;
}

/** The checkpoint transactions measured, in submission order: the run of the default instance, then other k. */
function checkpointRows(gas: V2GasRecord): CheckpointRow[] {
  const k = gas.stepsPerCheckpoint;
  const mainRun = [gas.submitCheckpoint, gas.submitCheckpoints2, gas.submitCheckpoints4, gas.submitCheckpoints8];
  const largest = Math.max(...mainRun.map((batch) => batch.checkpoints));
  let first = 0;
  const rows = mainRun.map((batch): CheckpointRow => {
    const range =
      batch.checkpoints === 1 ? `checkpoint ${first}` : `checkpoints ${first}-${first + batch.checkpoints - 1}`;
    first += batch.checkpoints;
    const what = batch.checkpoints === 1 ? "`submitCheckpoint`" : `\`submitCheckpoints\` of ${batch.checkpoints}`;
    return {
      label: `${what} (k = ${k}, ${range})`,
      batch,
      k,
      bareVerifier: gas.bareCheckpointVerifier,
      emphasis: batch.checkpoints === largest,
    };
  });
  for (const other of gas.otherStepCounts) {
    rows.push({
      label: `\`submitCheckpoint\` (k = ${other.stepsPerCheckpoint}, ${code(other.instance)}, checkpoint 0 of a run of its own)`,
      batch: other.submitCheckpoint,
      k: other.stepsPerCheckpoint,
      bareVerifier: other.bareCheckpointVerifier,
    });
  }
  return rows;
}

function gasTable(gas: V2GasRecord): Block {
  const onceRow = (label: string, figure: string, floor: string): string[] => [
    label,
    figure,
    floor,
    DASH,
    DASH,
    DASH,
    DASH,
  ];
  const blockCount = (figures: readonly number[]): string =>
    `${figures.length} block${figures.length === 1 ? "" : "s"}`;
  const checkpointRow = ({ label, batch, k, bareVerifier, emphasis = false }: CheckpointRow): string[] => {
    const strong = (text: string): string => (emphasis ? `**${text}**` : text);
    return [
      label,
      count(batch.total),
      count(batch.checkpoints * bareVerifier),
      count(batch.perCheckpoint),
      count(bareVerifier),
      strong(count(batch.perStep)),
      count(bareVerifier / k),
    ];
  };
  return table(
    ["transaction", "gas", "floor", "per checkpoint", "floor per checkpoint", "per verified step", "floor per step"],
    [
      onceRow(
        `\`submitProjectionBlock\` (${code(gas.instances.projection)}, ${blockCount(gas.projectionBlocks)}; once per base model and dataset)`,
        perBlock(gas.projectionBlocks),
        perBlockFloor(gas.projectionBlocks.length, gas.bareProjectionVerifier),
      ),
      onceRow(
        `\`startRun\` (canonical seed, ${code(gas.instances.start)} proof; once per run)`,
        count(gas.startRun),
        count(gas.bareStartVerifier),
      ),
      ...checkpointRows(gas).map(checkpointRow),
      onceRow(
        `\`submitMergeBlock\` (${code(gas.instances.merge)}, ${blockCount(gas.mergeBlocks)}; once per merge)`,
        perBlock(gas.mergeBlocks),
        perBlockFloor(gas.mergeBlocks.length, gas.bareMergeVerifier),
      ),
      // No proof in these: no floor.
      ...(gas.registerDataset === undefined
        ? []
        : [
            onceRow("`registerDataset` (empty uri; once per dataset)", count(gas.registerDataset.emptyUri), DASH),
            ...gas.registerDataset.cards.map((card) =>
              onceRow(
                `\`registerDataset\` with the ${card.task} task's dataset card (${count(card.uriBytes)}-byte data: URI)`,
                count(card.gas),
                DASH,
              ),
            ),
          ]),
      ...(gas.reportEvaluations ?? []).map((report) =>
        onceRow(
          `\`reportEvaluations\` (${report.reports} report${report.reports === 1 ? "" : "s"}, events only; not proven)`,
          count(report.gas),
          DASH,
        ),
      ),
    ],
    ["l", "r", "r", "r", "r", "r", "r"],
  );
}

/** The other-k measurement at `k`, if the record has one. */
function atStepCount(gas: V2GasRecord, k: number): OtherStepCountGas | undefined {
  return gas.otherStepCounts.find((other) => other.stepsPerCheckpoint === k);
}

const verdict = (met: boolean): string => (met ? "**met**" : "**not met**");

/** One line per target of the issue "Registry v2", each with the figure it is judged on and whether it is met. */
function targetLines(gas: V2GasRecord, v1: RetiredV1GasRecord | undefined): Block {
  const { oneProofGas, perStepGas, perStepGasAtK, newSlotsPerStep } = V2_GAS_TARGETS;
  const lone = [
    { k: gas.stepsPerCheckpoint, total: gas.submitCheckpoint.total },
    ...gas.otherStepCounts.map((other) => ({ k: other.stepsPerCheckpoint, total: other.submitCheckpoint.total })),
  ];
  const dearest = Math.max(...lone.map((proof) => proof.total));
  const v1Step = v1?.pairs[0]?.submitStep;
  const oneProof =
    `- **One proof at most ${count(oneProofGas)} gas**${v1Step === undefined ? "" : ` (version 1: ${count(v1Step)} per \`submitStep\`, one step per proof)`}: ` +
    `a lone \`submitCheckpoint\` costs ${lone.map((proof) => `${count(proof.total)} at k = ${proof.k}`).join(", ")} ` +
    `(floor ${count(gas.bareCheckpointVerifier)}, the bare verifier call; ${count(gas.submitCheckpoints8.perCheckpoint)} per proof in \`submitCheckpoints\` of ${gas.submitCheckpoints8.checkpoints}): ${verdict(dearest <= oneProofGas)}.`;
  const atK = atStepCount(gas, perStepGasAtK);
  const perStep =
    atK === undefined
      ? `- **A checkpoint of k = ${perStepGasAtK} steps at most ${count(perStepGas)} gas per step**: not measured in this record (no k = ${perStepGasAtK} instance of the test shape).`
      : `- **A checkpoint of k = ${perStepGasAtK} steps at most ${count(perStepGas)} gas per step**: a lone \`submitCheckpoint\` of ${code(atK.instance)} costs ${count(atK.submitCheckpoint.total)}, ` +
        `${count(atK.submitCheckpoint.perStep)} per step (floor ${count(atK.bareCheckpointVerifier / perStepGasAtK)}): ${verdict(atK.submitCheckpoint.perStep <= perStepGas)}.`;
  const slotRates = checkpointRows(gas).map(({ batch, k }) => batch.newStorageSlots / (batch.checkpoints * k));
  const mostSlots = Math.max(...slotRates);
  const perCheckpoint = new Set(checkpointRows(gas).map(({ batch }) => batch.newStorageSlots / batch.checkpoints));
  const slots =
    `- **At most ${newSlotsPerStep} new storage slot per step**: every checkpoint transaction measured turned ` +
    `${[...perCheckpoint].map((figure) => (Number.isInteger(figure) ? String(figure) : figure.toFixed(2))).join(" or ")} ` +
    `of the registry's storage slots from zero to non-zero per checkpoint, at most ${mostSlots.toFixed(2)} per verified step: ${verdict(mostSlots <= newSlotsPerStep)}.`;
  return [oneProof, perStep, slots].join("\n");
}

function v2Blocks(gas: V2GasRecord, v1: RetiredV1GasRecord | undefined): Block[] {
  const command = portableCommand(gas.command).command;
  const k = gas.stepsPerCheckpoint;
  const others = gas.otherStepCounts;
  const otherRuns =
    others.length === 0
      ? ""
      : `Then ${others.map((other) => code(other.instance)).join(", ")} (k = ${others.map((other) => other.stepsPerCheckpoint).join(", ")}; not built by default: the benchmark builds ${others.length === 1 ? "it" : "them"} first) ` +
        `${others.length === 1 ? "has its verifier" : "have their verifiers"} deployed and registered, and a lone checkpoint 0 is submitted on a run of its own, started from another seed (adapters the registry has seen would cost no provenance slot). `;
  const lone = gas.submitCheckpoint.total - gas.bareCheckpointVerifier;
  const batched = gas.submitCheckpoints8.perCheckpoint - gas.bareCheckpointVerifier;
  const loneOthers = others.map(
    (other) =>
      `${count(other.submitCheckpoint.total - other.bareCheckpointVerifier)} at k = ${other.stepsPerCheckpoint}`,
  );
  return [
    `Measured by \`${command}\` on ${gas.measuredAt} (${seconds(gas.seconds)}, of which ${seconds(gas.proofs.provingSeconds)} proving ${gas.proofs.count} proofs). ` +
      `${command === GAS_COMMAND ? "That command" : `\`${GAS_COMMAND}\``} measures only the gas and merges it into bench/results.json (re-rendering this file); ` +
      "a full `npm run bench` and `npm run bench -- --only v2` measure it too.",
    `\`npx hardhat run bench/gasV2.ts\` (spawned by the benchmark) on ${gas.network}, ${gas.solidity}: LoraLedgerRegistryV2 and the verifiers of the instances built by default are deployed through the Ignition module (deploy/modules/LoraLedger.ts), ` +
      `a base model and its activated dataset are registered, the base projection is proven and submitted block by block, a run is started from a canonical seed, and checkpoints of ${code(gas.instances.checkpoint)} (k = ${k} steps per proof) are proven (real Groth16 proofs, made for exactly the public inputs the registry assembles) ` +
      "and submitted: checkpoint 0 with `submitCheckpoint`, then `submitCheckpoints` of 2, 4 and 8; then the merge of the final adapter is proven and submitted block by block. " +
      otherRuns +
      "Figures are receipts' `gasUsed`; per verified step is per checkpoint / k. " +
      "The **floor** beside each is the bare verifier call of the proof's instance: `estimateGas` of a transaction calling that verifier's `verifyProof` directly with the instance's first proof and its public inputs; " +
      "a batch's floor is as many such transactions, each paying the 21,000 base cost a batch pays once.",
    gasTable(gas),
    `Over the floor, the registry's bookkeeping costs ${count(lone)} in a lone \`submitCheckpoint\` at k = ${k}${loneOthers.length === 0 ? "" : ` (${loneOthers.join(", ")})`} and ${count(batched)} per checkpoint in \`submitCheckpoints\` of ${gas.submitCheckpoints8.checkpoints}: ` +
      "reading the run and its verifier record, moving the run's head and step counter, recording the new adapter's provenance (a new storage slot: the targets below count them from `debug_traceTransaction`'s stores, against the registry's storage before and after) and the `CheckpointVerified` event; " +
      "a batch pays the transaction base cost and the reads once. The projection and the merge are paid once per base model and dataset and once per merge, not per step; the run start once per run.",
    `The targets of the issue "Registry v2":\n${targetLines(gas, v1)}`,
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
  else blocks.push(...v2Blocks(recorded, results.v1Gas));
  if (results.v1Gas !== undefined) blocks.push(...v1Line(results.v1Gas, measuredV2Gas(results)));
  return blocks;
}
