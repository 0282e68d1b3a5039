import { existsSync } from "node:fs";
import path from "node:path";
import { adapterCommitment, toHex32, type Adapter, type CheckpointShape, type RunSetup } from "../protocol/index.js";
import { fractionValue } from "../chain/index.js";
import { writeJsonAtomic } from "../node/index.js";
import type { RunInstances } from "./instances.js";
import { checkpointProofFileName, type CheckpointReport, type EvaluationsReport, type MergeReport } from "./session.js";

/** The files a trainer takes home from a run, beside its proofs (README "What a run leaves on disk"). */
export const TAKE_HOME_FILES = {
  adapter: "adapter.json",
  merged: "merged.json",
  manifest: "manifest.json",
} as const;

/** Everything the take-home files say, as prove-and-submit knows it at the end of a run. */
export interface TakeHome {
  /** the run's folder: workDir/chain-<id>/<registry>/run-<id>/ */
  directory: string;
  network: string;
  chainId: bigint;
  registry: string;
  runId: bigint;
  trainer: string;
  instances: RunInstances;
  shape: CheckpointShape;
  setup: RunSetup;
  seed: bigint;
  adapterStart: bigint;
  /** the adapter after the run's last verified checkpoint, and its step count */
  steps: bigint;
  adapter: Adapter;
  checkpoints: readonly CheckpointReport[];
  merge: MergeReport | undefined;
  /** the held-out evaluations reported on-chain (the trainer's word, not proven), if any */
  evaluations: EvaluationsReport | undefined;
}

export interface TakeHomePaths {
  adapter: string;
  merged: string | undefined;
  manifest: string;
}

const decimals = (matrix: readonly (readonly bigint[])[]): string[][] =>
  matrix.map((row) => row.map((value) => value.toString()));

/** A fixed-point hyperparameter both ways: the integer the proofs use and the real number it stands for. */
const fixedPoint = (value: bigint, F: number): { fixed: string; real: number } => ({
  fixed: value.toString(),
  real: Number(value) / 2 ** F,
});

/**
 * Writes the run's adapter, its merged weights (when merged) and a manifest into the run's folder, each
 * atomically, the manifest last: a manifest names only files that are complete. The adapter file is
 * what `query` (LORA_ADAPTER_FILE) and the explorer read to ask the registry about it.
 */
export function writeTakeHome(home: TakeHome): TakeHomePaths {
  const { directory, shape, setup, instances, adapter } = home;
  const commitment = toHex32(adapterCommitment(adapter.a, adapter.b, shape));
  const adapterFile = path.join(directory, TAKE_HOME_FILES.adapter);
  writeJsonAtomic(adapterFile, {
    format: "lora-ledger adapter",
    instance: instances.checkpoint.name,
    encoding: "fixed",
    // entries are integers at scale 2^F: the real value of an entry is entry / 2^F, exactly
    scale_bits: shape.F,
    run_id: home.runId.toString(),
    steps: home.steps.toString(),
    commitment,
    adapter_a: decimals(adapter.a),
    adapter_b: decimals(adapter.b),
  });
  let mergedFile: string | undefined;
  if (home.merge !== undefined) {
    mergedFile = path.join(directory, TAKE_HOME_FILES.merged);
    writeJsonAtomic(mergedFile, {
      format: "lora-ledger merged weights",
      instance: instances.mergeBlock?.name,
      encoding: "fixed",
      // W_eff = W0 + α B A exactly, integers at scale 2^3F (PROTOCOL §13)
      scale_bits: 3 * shape.F,
      merged_root: toHex32(home.merge.mergedRoot),
      adapter: toHex32(home.merge.adapter),
      weights: decimals(home.merge.merged),
    });
  }
  const proofFile = (name: string): string | undefined => (existsSync(path.join(directory, name)) ? name : undefined);
  const manifestFile = path.join(directory, TAKE_HOME_FILES.manifest);
  writeJsonAtomic(manifestFile, {
    format: "lora-ledger run manifest",
    protocol_version: 2,
    network: home.network,
    chain_id: home.chainId.toString(),
    registry: home.registry,
    run_id: home.runId.toString(),
    trainer: home.trainer,
    instances: {
      checkpoint: instances.checkpoint.name,
      start: instances.start.name,
      projection: instances.projection.name,
      merge_block: instances.mergeBlock?.name ?? null,
    },
    base_root: toHex32(setup.base.root),
    base_blocks: setup.base.layout.blocks,
    dataset_root: toHex32(setup.commitment.datasetRoot),
    dataset_size: setup.commitment.size,
    projection_id: toHex32(setup.projection.id),
    seed: home.seed.toString(),
    alpha: fixedPoint(setup.config.alpha, shape.F),
    learning_rate: fixedPoint(setup.config.lr, shape.F),
    steps_per_checkpoint: shape.steps,
    adapter_start: toHex32(home.adapterStart),
    steps: home.steps.toString(),
    checkpoints: home.checkpoints.map((checkpoint) => ({
      first_step: checkpoint.firstStep,
      steps: checkpoint.steps,
      batch_mean_loss: checkpoint.batchLoss,
      dataset_mean_loss: checkpoint.datasetLoss,
      adapter_after: toHex32(checkpoint.adapterAfter),
      proof: proofFile(checkpointProofFileName(checkpoint.firstStep)) ?? null,
      origin: checkpoint.origin,
    })),
    adapter: {
      file: TAKE_HOME_FILES.adapter,
      commitment,
    },
    merged: home.merge === undefined ? null : { file: TAKE_HOME_FILES.merged, root: toHex32(home.merge.mergedRoot) },
    // Exact fractions as decimal strings: what reportEvaluations recorded, not proven.
    reported_evaluations:
      home.evaluations === undefined
        ? null
        : {
            metric: home.evaluations.metric,
            split: home.evaluations.split,
            proven: false,
            points: home.evaluations.points.map((point) => ({
              steps: point.steps.toString(),
              numerator: point.numerator.toString(),
              denominator: point.denominator.toString(),
              value: fractionValue(point),
            })),
          },
    written_at: new Date().toISOString(),
  });
  return { adapter: adapterFile, merged: mergedFile, manifest: manifestFile };
}
