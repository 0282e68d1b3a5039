// Trains a LoRA run, proves it with Protocol version 2 and records it in LoraLedgerRegistryV2:
//   npx hardhat run scripts/prove-and-submit.ts                       the demo on the in-process network
//   npx hardhat run scripts/prove-and-submit.ts --network localhost   the deployment recorded for that chain
// It registers the base model and the activated dataset, proves the (base, dataset) projection unless it
// is complete on-chain, starts a run from the canonical initialization of LORA_SEED, proves and submits
// checkpoints of k steps (LORA_STEPS is rounded up to whole checkpoints), and, unless LORA_MERGE=false,
// proves the merged weights W0 + α B A of the final adapter block by block and asks the registry where
// they came from. Options come from LORA_* environment variables or the JSON file named by
// LORA_LEDGER_CONFIG (docs/RUNNING.md lists them). Killed and started again, it resumes from the
// chain: nothing proven is proven again, nothing submitted is submitted again. At the end it writes the
// adapter, the merged weights and a manifest beside the run's proofs (src/training/takeHome.ts).
// It trains ahead and asks for every proof a part of the run needs at once: of an in-process pool of
// LORA_PROVERS (default 1), or, with LORA_QUEUE=redis://HOST:PORT, of `npm run worker` processes on any
// number of machines (docs/SCALING.md); proofs may arrive in any order, they are submitted in order.
import path from "node:path";
import hre from "hardhat";
import { buildInstance, releaseProverThreads, stderrProgress, withStdoutOnStderr } from "../src/node/index.js";
import { toHex32, verifierContractName } from "../src/protocol/index.js";
import {
  assertVerifierCurrent,
  connectNetwork,
  registerMissingVerifier,
  resolveRegistry,
} from "../src/hardhat/index.js";
import { adapterProvenance, formatEvaluationPoint, fractionValue, mergeProvenance } from "../src/chain/index.js";
import { PROVE_CHILD_ENTRY, proveJob, toFailure } from "../src/cli/index.js";
import {
  assertRedisReachable,
  ChildProcessPool,
  InProcessPool,
  RedisProver,
  type Prover,
} from "../src/proving/index.js";
import {
  exportPeft,
  formatCheckpointTable,
  loadRunConfig,
  loadTask,
  resolveRunInstances,
  TrainingSession,
  writeTakeHome,
} from "../src/training/index.js";

const progress = stderrProgress("prove-and-submit");
let prover: Prover | undefined;
try {
  const config = loadRunConfig();
  if (config.queue !== undefined) await assertRedisReachable(config.queue);
  prover =
    config.queue !== undefined
      ? new RedisProver(config.queue)
      : config.pool === "processes"
        ? new ChildProcessPool(config.provers, PROVE_CHILD_ENTRY)
        : new InProcessPool(config.provers, proveJob);
  progress.step(`proofs are made by the ${prover.description}`);
  const instances = resolveRunInstances(config);
  const used = [instances.checkpoint, instances.start, instances.projection, instances.mergeBlock].filter(
    (instance) => instance !== undefined,
  );
  const built = await buildInstance(instances.checkpoint, progress);
  for (const instance of used.slice(1)) await buildInstance(instance, progress);
  // A verifier exported just now must be compiled before it can be deployed.
  await withStdoutOnStderr(() => hre.tasks.getTask("build").run({ quiet: true }));

  const { connection, chainId } = await connectNetwork();
  const { ethers } = connection;
  const [signer] = await ethers.getSigners();
  if (signer === undefined) throw new Error(`network ${connection.networkName} has no account to sign with`);
  const registry = await resolveRegistry(connection, chainId, progress);
  for (const instance of used) {
    await registerMissingVerifier(connection, registry, instance, progress);
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
  const evaluations = await session.reportEvaluations(runId);

  const lines: string[] = [];
  lines.push(
    `Base projection ${toHex32(projection.projectionId)}: ${
      projection.submittedBlocks === 0
        ? "complete on-chain before this attempt"
        : `${projection.submittedBlocks} of ${projection.blocks} blocks submitted now, gas ${projection.gasUsed}`
    }.`,
    "",
    `Run ${runId} on ${connection.networkName}: ${reports.length} verified checkpoints of ${k} steps, ${reports.length * k} steps${rounding} (trainer ${await signer.getAddress()}, canonical start from seed ${session.seed})`,
    "",
    formatCheckpointTable(reports),
  );
  if (reports.every((report) => report.origin === "on-chain")) {
    lines.push(
      "",
      `Nothing to train: run ${runId} had its ${reports.length * k} steps on-chain already. To train further, raise LORA_STEPS (e.g. LORA_STEPS=${reports.length * k + 8 * k}); for a new run, LORA_NEW_RUN=true or another LORA_SEED; for your own data, LORA_MODEL_FILE and LORA_DATASET_FILE (docs/RUNNING.md).`,
    );
  }
  if (evaluations !== undefined) {
    const { metric, split, points, gasUsed } = evaluations;
    lines.push(
      "",
      `${metric.charAt(0).toUpperCase()}${metric.slice(1)} on ${split}, reported on-chain by the trainer (its word, NOT proven${gasUsed > 0n ? `; reportEvaluations gas ${gasUsed}` : ""}):`,
      `  ${points.map((point) => formatEvaluationPoint(metric, point.steps, fractionValue(point))).join(" → ")}`,
    );
  }
  const head = (await registry.getRun(runId)).head;
  const provenance = await adapterProvenance(registry, head);
  lines.push(
    "",
    provenance.verified
      ? `The registry says: adapter ${toHex32(head)} was produced by verified training, run ${provenance.runId} after ${provenance.steps} steps,\nfrom base model ${toHex32(provenance.run.baseRoot)} on dataset ${toHex32(provenance.run.datasetRoot)}.`
      : `The registry says: adapter ${toHex32(head)} has no verified provenance.`,
  );
  let merge: Awaited<ReturnType<typeof session.mergeHead>> | undefined;
  if (instances.mergeBlock !== undefined) {
    merge = await session.mergeHead(runId);
    const how =
      merge.origin === "on-chain"
        ? "recorded before this attempt"
        : `${merge.submittedBlocks} of ${merge.blocks} blocks submitted now, proofs ${merge.provingSeconds.toFixed(2)} s${merge.origin === "reused" ? " (some an earlier attempt's)" : ""}, submitMergeBlock gas ${merge.gasUsed}`;
    lines.push(
      "",
      `Merged weights W0 + alpha B A of the adapter after ${merge.steps} steps (${instances.mergeBlock.name}): merged root ${toHex32(merge.mergedRoot)}\n(${how}; ${merge.merged.length}x${merge.merged[0]?.length ?? 0} exact integers at scale 2^${3 * session.shape.F}).`,
    );
    const answer = await mergeProvenance(registry, merge.mergedRoot);
    lines.push(
      answer.verified
        ? `The registry says: merged root ${toHex32(merge.mergedRoot)} is the merge of adapter ${toHex32(answer.adapter)},\nrun ${answer.runId} after ${answer.steps} steps, base model ${toHex32(answer.run.baseRoot)}, dataset ${toHex32(answer.run.datasetRoot)} (recorded by ${answer.recorder}).`
        : `The registry says: merged root ${toHex32(merge.mergedRoot)} is NOT a recorded merge.`,
    );
  }

  const trained = session.trainedAdapter(runId);
  const written = writeTakeHome({
    directory: session.runDirectory(runId),
    network: connection.networkName,
    chainId,
    registry: await registry.getAddress(),
    runId,
    trainer: await signer.getAddress(),
    instances,
    shape: session.shape,
    setup: session.setup,
    seed: session.seed,
    adapterStart: session.adapterStart,
    steps: trained.steps,
    adapter: trained.adapter,
    checkpoints: reports,
    merge,
    evaluations,
  });
  const relative = (file: string): string => path.relative(process.cwd(), file);
  lines.push(
    "",
    `Written in ${relative(session.runDirectory(runId))}/: ${[written.adapter, written.merged, written.manifest]
      .filter((file) => file !== undefined)
      .map((file) => path.basename(file))
      .join(", ")} (beside the proofs). Ask the registry about the adapter with`,
    `  LORA_ADAPTER_FILE=${relative(written.adapter)} npx hardhat run scripts/query.ts --network <the network>`,
  );
  progress.step(
    `submitter: ${session.submissions.transactions} transactions, ${session.submissions.seconds.toFixed(2)} s until their receipts`,
  );
  const peft = exportPeft(written.adapter, path.join(session.runDirectory(runId), "peft"));
  lines.push(
    `The same adapter as Hugging Face PEFT files (lora_alpha / r = alpha): ${relative(path.dirname(peft.adapter))}/ (${[
      peft.config,
      peft.adapter,
      peft.merged,
    ]
      .filter((file) => file !== undefined)
      .map((file) => path.basename(file))
      .join(", ")}).`,
  );
  console.log(lines.join("\n"));
  // The process's whole life, Hardhat's start and the circuit checks included: what a user waits.
  console.log(`\nWall time ${process.uptime().toFixed(1)} s. Keys are development keys: never use them in production.`);
} catch (error) {
  const failure = toFailure(error);
  process.stderr.write(`prove-and-submit failed: ${failure.message}\n`);
  process.exitCode = failure.exitCode;
} finally {
  await prover?.close();
  await releaseProverThreads();
}
