/**
 * Gas on Hardhat's in-process network (EDR): the benchmark spawns `npx hardhat run bench/gas.ts`,
 * which deploys the registry through the Ignition module (deploy/modules/LoraLedger.ts), starts a run
 * per step instance, submits real proofs (submitStep, submitSteps of 2 and of 4) and records a merge
 * (recordMerge) with a real LoraMerge proof, and writes the receipts' gasUsed as JSON. The request and
 * the result go through files named by environment variables (Hardhat's `run` takes no script
 * arguments); the schemas below are that contract.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import type { Writable } from "node:stream";
import path from "node:path";
import { z } from "zod";
import { PROJECT_ROOT } from "../../src/node/index.js";
import { RESULT_FILE_ENV } from "./phases.js";

export const GAS_SCRIPT = path.join(PROJECT_ROOT, "bench", "gas.ts");
export const GAS_REQUEST_ENV = "BENCH_GAS_REQUEST";

/** Where a circuit's proving key and witness calculator are, and how its verifier reaches the chain. */
const circuitArtifactsSchema = z.object({
  name: z.string(),
  wasm: z.string(),
  zkey: z.string(),
  /** "ignition": the module deploys and registers it; otherwise the Solidity file to compile (solc-js) and register */
  verifier: z.union([
    z.object({ kind: z.literal("ignition") }),
    z.object({ kind: z.literal("solidity"), file: z.string() }),
  ]),
});
export type GasCircuitArtifacts = z.infer<typeof circuitArtifactsSchema>;

export const gasRequestSchema = z.object({
  pairs: z.array(
    z.object({
      step: circuitArtifactsSchema,
      /** null: the merge is not measured, for `mergeNote` */
      merge: circuitArtifactsSchema.nullable(),
      mergeNote: z.string().optional(),
    }),
  ),
});
export type GasRequest = z.infer<typeof gasRequestSchema>;

const txGasSchema = z.object({ total: z.number(), perStep: z.number(), steps: z.number() });

export const gasPairResultSchema = z.object({
  step: z.string(),
  merge: z.string().nullable(),
  verifierDeployment: z.enum(["ignition", "solc"]),
  mergeVerifierDeployment: z.enum(["ignition", "solc"]).nullable(),
  /** a transaction calling the step verifier's verifyProof directly (estimateGas), for reference */
  bareStepVerifier: z.number(),
  /** submitStep of step 0 by the trainer */
  submitStep: z.number(),
  /** submitStep of a later step (after the batches), by the trainer */
  submitStepLater: z.number(),
  submitSteps2: txGasSchema,
  submitSteps4: txGasSchema,
  /** recordMerge of the adapter after the last step; null when not measured (mergeNote says why) */
  recordMerge: z.number().nullable(),
  bareMergeVerifier: z.number().nullable(),
  mergeNote: z.string().nullable(),
  proofs: z.object({ steps: z.number(), merges: z.number(), provingSeconds: z.number() }),
});
export type GasPairResult = z.infer<typeof gasPairResultSchema>;

export const gasResultSchema = z.object({
  network: z.string(),
  solidity: z.string(),
  registryHasRecordMerge: z.boolean(),
  pairs: z.array(gasPairResultSchema),
  errors: z.array(z.object({ step: z.string(), error: z.string() })),
  seconds: z.number(),
});
export type GasResult = z.infer<typeof gasResultSchema>;

/** `npx hardhat run <script>` from the project root (which compiles the contracts first); resolves to its exit code. */
export function runHardhatScript(
  script: string,
  stdout: Writable | "inherit",
  environment: NodeJS.ProcessEnv = {},
): Promise<number> {
  const npx = path.join(path.dirname(process.execPath), "npx");
  const command = existsSync(npx) ? npx : "npx";
  return new Promise<number>((resolve, reject) => {
    const child = spawn(command, ["hardhat", "run", path.relative(PROJECT_ROOT, script)], {
      cwd: PROJECT_ROOT,
      stdio: ["ignore", stdout, "inherit"],
      env: { ...process.env, ...environment },
    });
    child.on("error", reject);
    child.on("close", (exitCode) => resolve(exitCode ?? 1));
  });
}

/** Version 2's gas on LoraLedgerRegistryV2 (npm run bench -- --only v2-gas): printed, and kept out of bench/results.json. */
export const GAS_V2_SCRIPT = path.join(PROJECT_ROOT, "bench", "gasV2.ts");

/** Runs the gas script with Hardhat (`npx hardhat run`, which compiles the contracts first); its output passes to stderr. */
export async function measureGas(request: GasRequest): Promise<GasResult> {
  const scratch = mkdtempSync(path.join(os.tmpdir(), "lora-bench-gas-"));
  const requestFile = path.join(scratch, "request.json");
  const resultFile = path.join(scratch, "result.json");
  writeFileSync(requestFile, JSON.stringify(gasRequestSchema.parse(request)));
  try {
    // stdout too goes to stderr: the benchmark keeps stdout clean.
    const code = await runHardhatScript(GAS_SCRIPT, process.stderr, {
      [GAS_REQUEST_ENV]: requestFile,
      [RESULT_FILE_ENV]: resultFile,
    });
    if (!existsSync(resultFile))
      throw new Error(`npx hardhat run ${path.relative(PROJECT_ROOT, GAS_SCRIPT)} wrote no result (exit code ${code})`);
    return gasResultSchema.parse(JSON.parse(readFileSync(resultFile, "utf8")));
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
