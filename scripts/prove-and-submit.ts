// Trains a LoRA run, proves it with Protocol version 2 and records it in LoraLedgerRegistryV2:
//   npx hardhat run scripts/prove-and-submit.ts                       the demo on the in-process network
//   npx hardhat run scripts/prove-and-submit.ts --network localhost   the deployment recorded for that chain
// It registers the base model and the activated dataset, proves the (base, dataset) projection unless it
// is complete on-chain, starts a run from the canonical initialization of LORA_SEED, proves and submits
// checkpoints of k steps (LORA_STEPS is rounded up to whole checkpoints), and, unless LORA_MERGE=false,
// proves the merged weights W0 + α B A of the final adapter block by block and asks the registry where
// they came from. Options come from LORA_* environment variables or the JSON file named by
// LORA_LEDGER_CONFIG (src/training/config.ts lists them). Killed and started again, it resumes from the
// chain: nothing proven is proven again, nothing submitted is submitted again.
// It trains ahead and asks for every proof a part of the run needs at once: of an in-process pool of
// LORA_PROVERS (default 1), or, with LORA_QUEUE=redis://HOST:PORT, of `npm run worker` processes on any
// number of machines (docs/SCALING.md); proofs may arrive in any order, they are submitted in order.
import hre, { network } from "hardhat";
import { buildInstance, stderrProgress, releaseProverThreads } from "../src/node/index.js";
import { toHex32, verifierContractName } from "../src/protocol/index.js";
import { assertVerifierCurrent, resolveRegistry } from "../src/hardhat/index.js";
import { mergeProvenance } from "../src/chain/index.js";
import { proveJob, toFailure } from "../src/cli/index.js";
import { InProcessPool, RedisProver, type Prover } from "../src/proving/index.js";
import {
  formatCheckpointTable,
  loadRunConfig,
  loadTask,
  resolveRunInstances,
  TrainingSession,
} from "../src/training/index.js";

const progress = stderrProgress("prove-and-submit");
const started = performance.now();
let prover: Prover | undefined;
try {
  const config = loadRunConfig();
  prover = config.queue === undefined ? new InProcessPool(config.provers, proveJob) : new RedisProver(config.queue);
  progress.step(`proofs are made by the ${prover.description}`);
  const instances = resolveRunInstances(config);
  const used = [instances.checkpoint, instances.start, instances.projection, instances.mergeBlock].filter(
    (instance) => instance !== undefined,
  );
  const built = await buildInstance(instances.checkpoint, progress);
  for (const instance of used.slice(1)) await buildInstance(instance, progress);
  // A verifier exported just now must be compiled before it can be deployed.
  await hre.tasks.getTask("build").run({ quiet: true });

  const connection = await network.create();
  const { ethers } = connection;
  const [signer] = await ethers.getSigners();
  if (signer === undefined) throw new Error(`network ${connection.networkName} has no account to sign with`);
  const chainId = (await ethers.provider.getNetwork()).chainId;
  const registry = await resolveRegistry(connection, chainId, progress);
  for (const instance of used) {
    const artifact = await hre.artifacts.readArtifact(verifierContractName(instance.name));
    await assertVerifierCurrent(connection, registry, instance.name, artifact.deployedBytecode);
  }
  progress.step(
    `registry ${await registry.getAddress()} on ${connection.networkName} (chain ${chainId}); checkpoint instance ${instances.checkpoint.name}, ${built.constraints} constraints`,
  );

  const session = new TrainingSession({
    registry,
    signer,
    chainId,
    instances,
    task: loadTask(instances.checkpoint.params, config),
    config,
    progress,
    prover,
  });
  const k = session.shape.steps;
  const rounding =
    session.targetSteps === BigInt(config.steps)
      ? ""
      : ` (${config.steps} steps asked, rounded up to whole checkpoints of ${k} steps)`;
  if (rounding !== "") progress.step(`training ${session.targetSteps} steps${rounding}`);

  await session.registerRoots();
  const projection = await session.ensureProjection();
  const runId = await session.findOrStartRun();
  const reports = await session.train(runId);

  console.log(
    `\nBase projection ${toHex32(projection.projectionId)}: ${
      projection.submittedBlocks === 0
        ? "complete on-chain before this attempt"
        : `${projection.submittedBlocks} of ${projection.blocks} blocks submitted now, gas ${projection.gasUsed}`
    }.`,
  );
  console.log(
    `\nRun ${runId} on ${connection.networkName}: ${reports.length} verified checkpoints of ${k} steps, ${reports.length * k} steps${rounding} (trainer ${await signer.getAddress()}, canonical start from seed ${session.seed})\n`,
  );
  console.log(formatCheckpointTable(reports));
  const head = (await registry.getRun(runId)).head;
  const [verified, producedBy, steps, base, dataset] = await registry.provenanceOf(head);
  console.log(
    verified
      ? `\nThe registry says: adapter ${toHex32(head)} was produced by verified training, run ${producedBy} after ${steps} steps,\nfrom base model ${toHex32(base)} on dataset ${toHex32(dataset)}.`
      : `\nThe registry says: adapter ${toHex32(head)} has no verified provenance.`,
  );
  if (instances.mergeBlock !== undefined) {
    const merge = await session.mergeHead(runId);
    const how =
      merge.origin === "on-chain"
        ? "recorded before this attempt"
        : `${merge.submittedBlocks} of ${merge.blocks} blocks submitted now, proofs ${merge.provingSeconds.toFixed(2)} s${merge.origin === "reused" ? " (some an earlier attempt's)" : ""}, submitMergeBlock gas ${merge.gasUsed}`;
    console.log(
      `\nMerged weights W0 + alpha B A of the adapter after ${merge.steps} steps (${instances.mergeBlock.name}): merged root ${toHex32(merge.mergedRoot)}\n(${how}; ${merge.merged.length}x${merge.merged[0]?.length ?? 0} exact integers at scale 2^${3 * session.shape.F}).`,
    );
    const answer = await mergeProvenance(registry, merge.mergedRoot);
    console.log(
      answer.verified
        ? `The registry says: merged root ${toHex32(merge.mergedRoot)} is the merge of adapter ${toHex32(answer.adapter)},\nrun ${answer.runId} after ${answer.steps} steps, base model ${toHex32(answer.run.baseRoot)}, dataset ${toHex32(answer.run.datasetRoot)} (recorded by ${answer.recorder}).`
        : `The registry says: merged root ${toHex32(merge.mergedRoot)} is NOT a recorded merge.`,
    );
  }
  progress.step(
    `submitter: ${session.submissions.transactions} transactions, ${session.submissions.seconds.toFixed(2)} s until their receipts`,
  );
  console.log(
    `\nWall time ${((performance.now() - started) / 1000).toFixed(1)} s. Keys are development keys: never use them in production.`,
  );
} catch (error) {
  const failure = toFailure(error);
  process.stderr.write(`prove-and-submit failed: ${failure.message}\n`);
  process.exitCode = failure.exitCode;
} finally {
  await prover?.close();
  await releaseProverThreads();
}
