// Trains LoRA steps, proves each one, submits the proofs to the registry and asks it what it knows.
//   npx hardhat run scripts/prove-and-submit.ts                       the demo on the in-process network
//   npx hardhat run scripts/prove-and-submit.ts --network localhost   the deployment recorded for that chain
// Options come from LORA_* environment variables or the JSON file named by LORA_LEDGER_CONFIG
// (src/training/config.ts lists them). Killed and started again, it resumes from the chain's head.
import hre, { network } from "hardhat";
import { buildInstance } from "../src/build/circuits.js";
import { assertVerifierCurrent, resolveRegistry } from "../src/chain/deployment.js";
import { asLoraLedgerError } from "../src/commands/values.js";
import { defaultInstance, getInstance, verifierContractName } from "../src/instances.js";
import { stderrProgress } from "../src/progress.js";
import { releaseProverThreads } from "../src/prover.js";
import { loadRunConfig } from "../src/training/config.js";
import { formatStepTable } from "../src/training/report.js";
import { TrainingSession } from "../src/training/session.js";
import { loadTask } from "../src/training/task.js";

const progress = stderrProgress("prove-and-submit");
const started = performance.now();
try {
  const config = loadRunConfig();
  const instance = config.instance === undefined ? defaultInstance() : getInstance(config.instance);
  const built = await buildInstance(instance, progress);
  // A verifier exported just now must be compiled before it can be deployed.
  await hre.tasks.getTask("build").run({ quiet: true });

  const connection = await network.create();
  const { ethers } = connection;
  const [signer] = await ethers.getSigners();
  if (signer === undefined) throw new Error(`network ${connection.networkName} has no account to sign with`);
  const chainId = (await ethers.provider.getNetwork()).chainId;
  const registry = await resolveRegistry(connection, chainId, progress);
  const verifierArtifact = await hre.artifacts.readArtifact(verifierContractName(instance.name));
  await assertVerifierCurrent(connection, registry, instance.name, verifierArtifact.deployedBytecode);
  progress.step(`registry ${await registry.getAddress()} on ${connection.networkName} (chain ${chainId}); instance ${instance.name}, ${built.constraints} constraints`);

  const session = new TrainingSession({ registry, signer, chainId, instance, task: loadTask(instance.params, config), config, progress });
  await session.registerRoots();
  const runId = await session.findOrStartRun();
  const reports = await session.train(runId);

  console.log(`\nRun ${runId} on ${connection.networkName}: ${reports.length} verified steps (trainer ${await signer.getAddress()})\n`);
  console.log(formatStepTable(reports));
  const head = (await registry.getRun(runId)).head;
  const [verified, producedBy, step, base, dataset] = await registry.provenanceOf(head);
  console.log(
    verified
      ? `\nThe registry says: adapter 0x${head.toString(16)} was produced by verified training, run ${producedBy} step ${step},\nfrom base model 0x${base.toString(16)} on dataset 0x${dataset.toString(16)}.`
      : `\nThe registry says: adapter 0x${head.toString(16)} was not produced by a verified step (the run has no steps yet).`,
  );
  console.log(`\nWall time ${((performance.now() - started) / 1000).toFixed(1)} s. Keys are development keys: never use them in production.`);
} catch (error) {
  const failure = asLoraLedgerError(error);
  process.stderr.write(`prove-and-submit failed: ${failure.message}\n`);
  process.exitCode = failure.exitCode;
} finally {
  await releaseProverThreads();
}
