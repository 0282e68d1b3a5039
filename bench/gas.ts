// Gas of verified steps and merges on Hardhat's in-process network (EDR), with real Groth16 proofs.
// Started by the benchmark (bench/lib/gas.ts, npm run bench) as
//   BENCH_GAS_REQUEST=<request.json> BENCH_RESULT_FILE=<result.json> npx hardhat run bench/gas.ts
// For each step instance of the request: deploys the registry through the Ignition module
// (deploy/modules/LoraLedger.ts, which deploys and registers the verifiers of the instances built by
// default), deploys and registers any other verifier from its Solidity file (compiled with solc-js, the
// project's settings), registers the base model and the dataset, starts a run, and measures the
// receipts' gasUsed of submitStep (step 0), submitSteps of 2 (steps 1-2) and of 4 (steps 3-6), submitStep
// (step 7), then recordMerge of the adapter after step 7 with a LoraMerge proof.
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { Contract, ContractFactory, type Signer } from "ethers";
import { network } from "hardhat";
import * as snarkjs from "snarkjs";
import type { Groth16Proof } from "snarkjs";
import LoraLedgerModule from "../deploy/modules/LoraLedger.js";
import {
  gasRequestSchema,
  GAS_REQUEST_ENV,
  type GasCircuitArtifacts,
  type GasPairResult,
  type GasResult,
} from "./lib/gas.js";
import { benchTask, mergeInputOf } from "./lib/inputs.js";
import { RESULT_FILE_ENV } from "./lib/phases.js";
import {
  circuitIdOf,
  registryMergeInputs,
  registryProof,
  registryPublicInputs,
  stepSubmission,
} from "../src/chain/index.js";
import { makeStep, verifierContractName, type SolidityProof } from "../src/protocol/index.js";
import { getInstance, PROJECT_ROOT, stderrProgress, releaseProverThreads } from "../src/node/index.js";
import type { Matrix } from "../src/protocol/index.js";

const progress = stderrProgress("bench gas");
const started = performance.now();
const requestFile = process.env[GAS_REQUEST_ENV];
const resultFile = process.env[RESULT_FILE_ENV];
if (requestFile === undefined || resultFile === undefined) {
  throw new Error(`set ${GAS_REQUEST_ENV} and ${RESULT_FILE_ENV} (this script is started by npm run bench)`);
}
const request = gasRequestSchema.parse(JSON.parse(readFileSync(requestFile, "utf8")));

const require = createRequire(import.meta.url);
const solc = require("solc") as { compile(input: string): string; version(): string };
const OPTIMIZER_RUNS = 200; // as hardhat.config.ts

let provingSeconds = 0;
async function prove(
  circuit: GasCircuitArtifacts,
  input: Record<string, unknown>,
): Promise<{ proof: Groth16Proof; publicSignals: bigint[] }> {
  const t0 = performance.now();
  const witness: { type: "mem"; data?: Uint8Array } = { type: "mem" };
  await snarkjs.wtns.calculate(input, circuit.wasm, witness);
  const { proof, publicSignals } = await snarkjs.groth16.prove(circuit.zkey, witness);
  provingSeconds += (performance.now() - t0) / 1000;
  return { proof, publicSignals: publicSignals.map(BigInt) };
}

function sameSignals(actual: readonly bigint[], expected: readonly bigint[], what: string): void {
  if (actual.length !== expected.length || actual.some((v, i) => v !== expected[i])) {
    throw new Error(`${what}: the proof's public signals are not what the registry assembles`);
  }
}

/** A Groth16 verifier compiled from `file` with solc-js (the project's solc and optimizer settings), deployed by `deployer`. */
async function deploySolidityVerifier(file: string, deployer: Signer): Promise<string> {
  const input = {
    language: "Solidity",
    sources: { [path.basename(file)]: { content: readFileSync(file, "utf8") } },
    settings: {
      optimizer: { enabled: true, runs: OPTIMIZER_RUNS },
      outputSelection: { "*": { "*": ["abi", "evm.bytecode.object"] } },
    },
  };
  progress.step(`compiling ${path.relative(PROJECT_ROOT, file)} with solc-js ${solc.version()}`);
  const output = JSON.parse(solc.compile(JSON.stringify(input))) as {
    errors?: { severity: string; formattedMessage: string }[];
    contracts?: Record<string, Record<string, { abi: unknown[]; evm: { bytecode: { object: string } } }>>;
  };
  const errors = (output.errors ?? []).filter((e) => e.severity === "error");
  if (errors.length > 0) throw new Error(`solc: ${errors.map((e) => e.formattedMessage).join("\n")}`);
  const contracts = Object.values(output.contracts ?? {}).flatMap((byName) => Object.values(byName));
  const verifier = contracts.find((c) => c.abi.some((item) => (item as { name?: string }).name === "verifyProof"));
  if (verifier === undefined) throw new Error(`${file} has no contract with verifyProof`);
  const contract = await new ContractFactory(verifier.abi as never, verifier.evm.bytecode.object, deployer).deploy();
  await contract.waitForDeployment();
  return contract.getAddress();
}

function verifierAt(address: string, inputs: number, runner: Signer): Contract {
  return new Contract(
    address,
    [`function verifyProof(uint256[2] a, uint256[2][2] b, uint256[2] c, uint256[${inputs}] input) view returns (bool)`],
    runner,
  );
}

async function gasUsed(tx: Promise<{ wait(): Promise<{ gasUsed: bigint } | null> }>): Promise<number> {
  const receipt = await (await tx).wait();
  if (receipt === null) throw new Error("no receipt");
  return Number(receipt.gasUsed);
}

const { ethers, ignition } = await network.create();
const [admin, trainer] = await ethers.getSigners();
if (admin === undefined || trainer === undefined) throw new Error("Hardhat has fewer than two accounts");
progress.step(
  "deploying the registry and the default verifiers through the Ignition module (deploy/modules/LoraLedger.ts)",
);
const deployed = await ignition.deploy(LoraLedgerModule);
const registry = await ethers.getContractAt("LoraLedgerRegistry", await deployed.registry.getAddress());
const hasRecordMerge = registry.interface.hasFunction("recordMerge");
if (!hasRecordMerge) progress.warn("the registry has no recordMerge: merge gas is not measured");

/** The verifier of `circuit`: the Ignition module's, or one deployed now from its Solidity file and registered. */
async function verifierOf(circuit: GasCircuitArtifacts): Promise<{ address: string; deployment: "ignition" | "solc" }> {
  if (circuit.verifier.kind === "ignition") {
    const future = deployed[verifierContractName(circuit.name)];
    if (future === undefined) throw new Error(`the Ignition module deployed no verifier for ${circuit.name}`);
    return { address: await future.getAddress(), deployment: "ignition" };
  }
  const address = await deploySolidityVerifier(circuit.verifier.file, admin as Signer);
  await (await registry.connect(admin).registerVerifier(circuitIdOf(circuit.name), address)).wait();
  return { address, deployment: "solc" };
}

const pairs: GasPairResult[] = [];
const errors: GasResult["errors"] = [];
for (const pair of request.pairs) {
  const name = pair.step.name;
  provingSeconds = 0;
  try {
    const instance = getInstance(name);
    const task = benchTask(instance.params);
    const submitter = BigInt(trainer.address);
    const stepVerifier = await verifierOf(pair.step);

    const first = makeStep({ ...task, step: 0n, submitter }).statement;
    await (await registry.connect(trainer).registerBaseModel(first.baseRoot, `bench://${name}/base`)).wait();
    await (
      await registry
        .connect(trainer)
        .registerDataset(first.datasetRoot, BigInt(task.dataset.length), `bench://${name}/dataset`)
    ).wait();
    const runId = (await registry.runCount()) + 1n;
    await (
      await registry
        .connect(trainer)
        .startRun(first.baseRoot, first.datasetRoot, first.hparamsHash, circuitIdOf(name), first.adapterBefore)
    ).wait();

    // Steps 0..7 of the run, each proven for exactly the inputs the registry will assemble.
    const STEPS = 8;
    progress.step(`${name}: proving steps 0..${STEPS - 1} of run ${runId}`);
    const proofs: { adapterAfter: bigint; proof: Groth16Proof; inputs: bigint[] }[] = [];
    let a: Matrix = task.a;
    let b: Matrix = task.b;
    for (let t = 0; t < STEPS; t++) {
      const made = makeStep({ ...task, a, b, step: BigInt(t), submitter });
      const { proof, publicSignals } = await prove(pair.step, made.circuitInput);
      const inputs = registryPublicInputs(
        { ...first, head: made.statement.adapterBefore, nextStep: BigInt(t) },
        made.statement.adapterAfter,
        trainer.address,
      );
      sameSignals(publicSignals, inputs, `${name} step ${t}`);
      proofs.push({ adapterAfter: made.statement.adapterAfter, proof, inputs });
      a = made.witness.aNext;
      b = made.witness.bNext;
    }
    const at = (t: number): { adapterAfter: bigint; proof: Groth16Proof; inputs: bigint[] } => {
      const p = proofs[t];
      if (p === undefined) throw new Error(`no proof of step ${t}`);
      return p;
    };
    const solidity = (t: number): SolidityProof => registryProof(at(t).proof);

    const bare = verifierAt(stepVerifier.address, 7, trainer);
    const bareStepVerifier = Number(
      await bare.getFunction("verifyProof").estimateGas(solidity(0).a, solidity(0).b, solidity(0).c, at(0).inputs),
    );
    const submitStep = await gasUsed(registry.connect(trainer).submitStep(runId, at(0).adapterAfter, solidity(0)));
    const batch = (from: number, count: number) =>
      Array.from({ length: count }, (_, i) => stepSubmission(at(from + i).adapterAfter, at(from + i).proof));
    const two = await gasUsed(registry.connect(trainer).submitSteps(runId, batch(1, 2)));
    const four = await gasUsed(registry.connect(trainer).submitSteps(runId, batch(3, 4)));
    const submitStepLater = await gasUsed(registry.connect(trainer).submitStep(runId, at(7).adapterAfter, solidity(7)));
    if ((await registry.getRun(runId)).nextStep !== BigInt(STEPS))
      throw new Error(`${name}: the run did not reach step ${STEPS}`);
    progress.done(`${name}: submitStep ${submitStep}, submitSteps(2) ${two / 2}/step, submitSteps(4) ${four / 4}/step`);

    let recordMerge: number | null = null;
    let bareMergeVerifier: number | null = null;
    let mergeNote: string | null = pair.mergeNote ?? null;
    let mergeDeployment: "ignition" | "solc" | null = null;
    if (pair.merge !== null && !hasRecordMerge) mergeNote = "not measured: the registry has no recordMerge";
    else if (pair.merge !== null) {
      const mergeVerifier = await verifierOf(pair.merge);
      mergeDeployment = mergeVerifier.deployment;
      // The adapter after step 7, exactly what the registry recorded.
      const made = mergeInputOf(task, { a, b });
      const adapter = await registry.adapterAfterStep(runId, BigInt(STEPS - 1));
      if (adapter !== made.statement.adapter)
        throw new Error(`${pair.merge.name}: the merge's adapter is not the run's adapter after step ${STEPS - 1}`);
      progress.step(`${pair.merge.name}: proving the merge of the adapter after step ${STEPS - 1}`);
      const { proof, publicSignals } = await prove(pair.merge, made.circuitInput);
      const inputs = registryMergeInputs(first, adapter, made.statement.mergedRoot);
      sameSignals(publicSignals, inputs, pair.merge.name);
      const p = registryProof(proof);
      bareMergeVerifier = Number(
        await verifierAt(mergeVerifier.address, 4, trainer)
          .getFunction("verifyProof")
          .estimateGas(p.a, p.b, p.c, inputs),
      );
      const tx = registry.connect(trainer).getFunction("recordMerge")(
        runId,
        BigInt(STEPS - 1),
        circuitIdOf(pair.merge.name),
        made.statement.mergedRoot,
        p,
      ) as Promise<{
        wait(): Promise<{ gasUsed: bigint } | null>;
      }>;
      recordMerge = await gasUsed(tx);
      progress.done(`${pair.merge.name}: recordMerge ${recordMerge}`);
    }
    pairs.push({
      step: name,
      merge: pair.merge?.name ?? null,
      verifierDeployment: stepVerifier.deployment,
      mergeVerifierDeployment: mergeDeployment,
      bareStepVerifier,
      submitStep,
      submitStepLater,
      submitSteps2: { total: two, perStep: two / 2, steps: 2 },
      submitSteps4: { total: four, perStep: four / 4, steps: 4 },
      recordMerge,
      bareMergeVerifier,
      mergeNote,
      proofs: { steps: STEPS, merges: recordMerge === null ? 0 : 1, provingSeconds },
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    progress.warn(`${name}: ${message}`);
    errors.push({ step: name, error: message.split("\n")[0] ?? message });
  }
}

const result: GasResult = {
  network: "Hardhat in-process EDR (network.create(), edr-simulated, chain id 31337)",
  solidity: `solc ${solc.version()}, optimizer ${OPTIMIZER_RUNS} runs`,
  registryHasRecordMerge: hasRecordMerge,
  pairs,
  errors,
  seconds: (performance.now() - started) / 1000,
};
writeFileSync(resultFile, JSON.stringify(result, null, 2));
await releaseProverThreads();
