/**
 * Gas of protocol version 2 on Hardhat's in-process network (EDR): the benchmark spawns
 * `npx hardhat run bench/gasV2.ts`, which deploys LoraLedgerRegistryV2 and the verifiers of the instances
 * built by default through the Ignition module (deploy/modules/LoraLedger.ts), submits real proofs
 * (projection blocks, startRun, checkpoints alone and in batches of 2, 4 and 8, merge blocks; and a lone
 * checkpoint of each instance of the test shape at another k, on a run of its own) and writes the receipts'
 * gasUsed as JSON, each beside its floor: the bare verifier call of the proof's instance. The result goes
 * through the file named by BENCH_RESULT_FILE (Hardhat's `run` takes no script arguments); the schema below
 * is that contract.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { z } from "zod";
import { PROJECT_ROOT, defaultInstance, loadInstances } from "../../src/node/index.js";
import type { CircuitInstance } from "../../src/protocol/index.js";
import { RESULT_FILE_ENV, buildResultSchema, runPhase } from "./phases.js";

export const GAS_SCRIPT = path.join(PROJECT_ROOT, "bench", "gasV2.ts");

/** One transaction submitting `checkpoints` checkpoints of k steps each. */
const checkpointBatchSchema = z.object({
  checkpoints: z.number(),
  total: z.number(),
  perCheckpoint: z.number(),
  perStep: z.number(),
  /** storage slots of the registry the transaction turned from zero to non-zero */
  newStorageSlots: z.number(),
});
export type CheckpointBatchGas = z.infer<typeof checkpointBatchSchema>;

/** A lone checkpoint of another k of the test shape, on a run of its own, beside its own bare verifier. */
const otherStepCountSchema = z.object({
  instance: z.string(),
  stepsPerCheckpoint: z.number(),
  /** a transaction calling this instance's verifyProof directly (estimateGas): the checkpoint's floor */
  bareCheckpointVerifier: z.number(),
  /** submitCheckpoint of the run's checkpoint 0 */
  submitCheckpoint: checkpointBatchSchema,
});
export type OtherStepCountGas = z.infer<typeof otherStepCountSchema>;

export const gasResultSchema = z.object({
  network: z.string(),
  solidity: z.string(),
  /** the instance proven for each role: the checkpoint and the run start, projection and merge blocks of its shape */
  instances: z.object({ checkpoint: z.string(), start: z.string(), projection: z.string(), merge: z.string() }),
  /** k, the steps one checkpoint proof verifies */
  stepsPerCheckpoint: z.number(),
  checkpointPublicInputs: z.number(),
  /** a transaction calling the checkpoint verifier's verifyProof directly (estimateGas): one checkpoint's floor */
  bareCheckpointVerifier: z.number(),
  /** the floors of the other roles: a transaction calling each one's verifyProof directly (estimateGas) */
  bareProjectionVerifier: z.number(),
  bareStartVerifier: z.number(),
  bareMergeVerifier: z.number(),
  /** submitProjectionBlock, one figure per block of the base model */
  projectionBlocks: z.array(z.number()),
  /** startRun from a canonical seed (with its LoraRunStart proof) */
  startRun: z.number(),
  /** submitCheckpoint of checkpoint 0 */
  submitCheckpoint: checkpointBatchSchema,
  submitCheckpoints2: checkpointBatchSchema,
  submitCheckpoints4: checkpointBatchSchema,
  submitCheckpoints8: checkpointBatchSchema,
  /** the test shape at other k (instances not built by default: stepCountInstances), by k */
  otherStepCounts: z.array(otherStepCountSchema),
  /** submitMergeBlock of the final adapter, one figure per block */
  mergeBlocks: z.array(z.number()),
  /**
   * registerDataset (a new dataset each): with an empty uri, and with the generated and the digits tasks'
   * dataset cards as data: URIs (the uri is stored: about 22k gas per 32 bytes)
   */
  registerDataset: z
    .object({
      emptyUri: z.number(),
      cards: z.array(z.object({ task: z.string(), uriBytes: z.number(), gas: z.number() })),
    })
    .optional(),
  /** reportEvaluations of the main run (events only), by number of reports in the transaction */
  reportEvaluations: z.array(z.object({ reports: z.number(), gas: z.number() })).optional(),
  proofs: z.object({ count: z.number(), provingSeconds: z.number() }),
  seconds: z.number(),
});
export type GasResult = z.infer<typeof gasResultSchema>;

/** What bench/results.json records as `v2Gas`: the measurement, with when and by which command. */
export const v2GasRecordSchema = gasResultSchema.extend({ measuredAt: z.string(), command: z.string() });

/** The targets of the issue "Registry v2" the gas section states: gas of one proof, gas per step at k = 4, new slots per step. */
export const V2_GAS_TARGETS = {
  oneProofGas: 280_000,
  perStepGas: 80_000,
  perStepGasAtK: 4,
  newSlotsPerStep: 1,
} as const;

/**
 * The LoraCheckpoint instances of the default checkpoint's step shape at another k that are not built by
 * default (lora_checkpoint_8x8_r2_b2_d4_k4): the gas phase builds them and measures a lone checkpoint of each.
 */
export function stepCountInstances(): CircuitInstance[] {
  const base = defaultInstance("LoraCheckpoint");
  const stepShape = (instance: CircuitInstance): string =>
    JSON.stringify(Object.entries(instance.params).filter(([name]) => name !== "steps"));
  return loadInstances()
    .instances.filter(
      (instance) =>
        instance.template === "LoraCheckpoint" &&
        !instance.buildByDefault &&
        instance.params.steps !== base.params.steps &&
        stepShape(instance) === stepShape(base),
    )
    .sort((a, b) => (a.params.steps ?? 0) - (b.params.steps ?? 0));
}

/** `npx hardhat run <script>` from the project root (which compiles the contracts first); resolves to its exit code. */
function runHardhatScript(script: string, environment: NodeJS.ProcessEnv): Promise<number> {
  const npx = path.join(path.dirname(process.execPath), "npx");
  const command = existsSync(npx) ? npx : "npx";
  return new Promise<number>((resolve, reject) => {
    // stdout too goes to stderr: the benchmark keeps stdout clean.
    const child = spawn(command, ["hardhat", "run", path.relative(PROJECT_ROOT, script)], {
      cwd: PROJECT_ROOT,
      stdio: ["ignore", process.stderr, "inherit"],
      env: { ...process.env, ...environment },
    });
    child.on("error", reject);
    child.on("close", (exitCode) => resolve(exitCode ?? 1));
  });
}

/**
 * Runs bench/gasV2.ts with Hardhat and returns its measurement; its output passes to stderr. The instances
 * of stepCountInstances are built first (reused when up to date; minutes when not): `hardhat run` compiles
 * the contracts, their generated verifiers included, before the script starts.
 */
export async function measureGas(): Promise<GasResult> {
  for (const instance of stepCountInstances()) await runPhase(buildResultSchema, ["build", instance.name]);
  const scratch = mkdtempSync(path.join(os.tmpdir(), "lora-bench-gas-"));
  const resultFile = path.join(scratch, "result.json");
  try {
    const code = await runHardhatScript(GAS_SCRIPT, { [RESULT_FILE_ENV]: resultFile });
    if (code !== 0 || !existsSync(resultFile))
      throw new Error(`npx hardhat run ${path.relative(PROJECT_ROOT, GAS_SCRIPT)} failed (exit code ${code})`);
    return gasResultSchema.parse(JSON.parse(readFileSync(resultFile, "utf8")));
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
