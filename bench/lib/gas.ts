/**
 * Gas of protocol version 2 on Hardhat's in-process network (EDR): the benchmark spawns
 * `npx hardhat run bench/gasV2.ts`, which deploys LoraLedgerRegistryV2 and the verifiers of the instances
 * built by default through the Ignition module (deploy/modules/LoraLedger.ts), submits real proofs
 * (projection blocks, startRun, checkpoints alone and in batches of 2 and 4, merge blocks) and writes the
 * receipts' gasUsed as JSON. The result goes through the file named by BENCH_RESULT_FILE (Hardhat's `run`
 * takes no script arguments); the schema below is that contract.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { z } from "zod";
import { PROJECT_ROOT } from "../../src/node/index.js";
import { RESULT_FILE_ENV } from "./phases.js";

export const GAS_SCRIPT = path.join(PROJECT_ROOT, "bench", "gasV2.ts");

/** One transaction submitting `checkpoints` checkpoints of k steps each. */
const checkpointBatchSchema = z.object({
  checkpoints: z.number(),
  total: z.number(),
  perCheckpoint: z.number(),
  perStep: z.number(),
});
export type CheckpointBatchGas = z.infer<typeof checkpointBatchSchema>;

export const gasResultSchema = z.object({
  network: z.string(),
  solidity: z.string(),
  /** the instance proven for each role: the checkpoint and the run start, projection and merge blocks of its shape */
  instances: z.object({ checkpoint: z.string(), start: z.string(), projection: z.string(), merge: z.string() }),
  /** k, the steps one checkpoint proof verifies */
  stepsPerCheckpoint: z.number(),
  checkpointPublicInputs: z.number(),
  /** a transaction calling the checkpoint verifier's verifyProof directly (estimateGas), for reference */
  bareCheckpointVerifier: z.number(),
  /** submitProjectionBlock, one figure per block of the base model */
  projectionBlocks: z.array(z.number()),
  /** startRun from a canonical seed (with its LoraRunStart proof) */
  startRun: z.number(),
  /** submitCheckpoint of checkpoint 0 */
  submitCheckpoint: checkpointBatchSchema,
  submitCheckpoints2: checkpointBatchSchema,
  submitCheckpoints4: checkpointBatchSchema,
  /** submitMergeBlock of the final adapter, one figure per block */
  mergeBlocks: z.array(z.number()),
  proofs: z.object({ count: z.number(), provingSeconds: z.number() }),
  seconds: z.number(),
});
export type GasResult = z.infer<typeof gasResultSchema>;

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

/** Runs bench/gasV2.ts with Hardhat and returns its measurement; its output passes to stderr. */
export async function measureGas(): Promise<GasResult> {
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
