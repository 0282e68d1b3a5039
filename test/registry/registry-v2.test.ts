// LoraLedgerRegistryV2 (Protocol version 2) with real Groth16 proofs of the built 8x8 instances, deployed
// through the Ignition module. Every proof is made once, in the top-level before() hook (pure data), and
// reused; each test starts from a named fixture (loadFixture restores a snapshot): deployed, registered,
// projected (the base projection verified), started (run 1 from the canonical initialization),
// checkpointed (run 1 after two checkpoints, 2k steps), continued (run 2, the attacker's, continues run
// 1's adapter after k steps with twice its α, and verifies one checkpoint). Both attacks on version 1 and
// every defect the "Registry v2" issue lists are tried here: each test names the one it closes.
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { expect } from "chai";
import { network } from "hardhat";
import LoraLedgerModule from "../../deploy/modules/LoraLedger.js";
import {
  circuitIdOf,
  registryCheckpointInputs,
  registryProof,
  SNARK_SCALAR_FIELD,
  VERIFIER_KIND,
  verifierRegistration,
} from "../../src/chain/index.js";
import {
  adapterCommitment,
  buildCheckpointCircuitInput,
  canonicalInit,
  checkpointPublicSignals,
  decimalRecord,
  makeRunCheckpoint,
  mergeBlockInput,
  mergeInBlocks,
  orderedPublicSignals,
  projectionBlockInput,
  runConfigHash,
  runStartStatement,
  setUpRun,
  syntheticTask,
  type Adapter,
  type CheckpointShape,
  type CircuitInstance,
  type RunConfig,
  type SolidityProof,
} from "../../src/protocol/index.js";
import { defaultInstance, proveWithInstance, releaseProverThreads } from "../../src/node/index.js";
import type { LoraLedgerRegistryV2 } from "../../types/ethers-contracts/index.js";

const { ethers, ignition, networkHelpers } = await network.create();

const instances = {
  projection: defaultInstance("BaseProjectionBlock"),
  start: defaultInstance("LoraRunStart"),
  checkpoint: defaultInstance("LoraCheckpoint"),
  merge: defaultInstance("LoraMergeBlock"),
};
const ids = {
  projection: circuitIdOf(instances.projection.name),
  start: circuitIdOf(instances.start.name),
  checkpoint: circuitIdOf(instances.checkpoint.name),
  merge: circuitIdOf(instances.merge.name),
};
const shape = instances.checkpoint.params as CheckpointShape;
const k = BigInt(shape.steps);
const task = syntheticTask(shape, { seed: 5, datasetSize: 11 });
const run = setUpRun({ ...task, shape });
const { base, commitment, projection, config } = run;
/** run 2's configuration: run 1's base, dataset and projection with twice its α */
const continuedConfig: RunConfig = { ...config, alpha: config.alpha * 2n };
const SEED = 20261202n;
const ZERO_PROOF: SolidityProof = {
  a: [0n, 0n],
  b: [
    [0n, 0n],
    [0n, 0n],
  ],
  c: [0n, 0n],
};

interface ProvenCheckpoint {
  adapterBefore: bigint;
  adapterAfter: bigint;
  loss: bigint;
  proof: SolidityProof;
  after: Adapter;
}

async function prove(instance: CircuitInstance, input: Record<string, unknown>, expected: readonly bigint[]) {
  const { proof, publicSignals } = await proveWithInstance(instance.name, input);
  expect(publicSignals.map(BigInt), `${instance.name}'s public signals`).to.deep.equal([...expected]);
  return registryProof(proof);
}

async function proveCheckpoint(
  adapter: Adapter,
  firstStep: bigint,
  submitter: string,
  runConfig: RunConfig = config,
): Promise<ProvenCheckpoint> {
  const made = makeRunCheckpoint(run, { shape, config: runConfig, adapter, firstStep, submitter: BigInt(submitter) });
  const { statement } = made;
  // What the registry assembles from the run's state is exactly the proof's public signals.
  const assembled = registryCheckpointInputs(
    { runConfig: statement.runConfig, head: statement.adapterBefore, nextStep: firstStep },
    statement.adapterAfter,
    statement.loss,
    submitter,
  );
  expect(assembled).to.deep.equal(checkpointPublicSignals(statement));
  const after = made.witness.adapters[shape.steps];
  if (after === undefined) throw new Error("no adapter after the checkpoint");
  return {
    adapterBefore: statement.adapterBefore,
    adapterAfter: statement.adapterAfter,
    loss: statement.loss,
    proof: await prove(instances.checkpoint, buildCheckpointCircuitInput(statement, made.witness), assembled),
    after,
  };
}

async function proveMerge(adapter: Adapter, alpha: bigint) {
  const merged = mergeInBlocks(shape, task.w0, adapter.a, adapter.b, alpha);
  const { statement, circuitInput } = mergeBlockInput(
    shape,
    { w0: task.w0, a: adapter.a, b: adapter.b, alpha, base, merged },
    0,
  );
  return {
    mergedRoot: merged.root,
    proof: await prove(instances.merge, circuitInput, orderedPublicSignals("LoraMergeBlock", statement)),
  };
}

const startAdapter = canonicalInit(SEED, shape);
const start = { adapter: adapterCommitment(startAdapter.a, startAdapter.b, shape) };

function startRequest(
  overrides: Partial<{
    runConfig: bigint;
    adapterStart: bigint;
    seed: bigint;
    alpha: bigint;
    lr: bigint;
    continued: boolean;
    startCircuitId: string;
    checkpointCircuitId: string;
  }> = {},
) {
  return {
    baseRoot: base.root,
    datasetRoot: commitment.datasetRoot,
    alpha: config.alpha,
    lr: config.lr,
    startCircuitId: ids.start,
    checkpointCircuitId: ids.checkpoint,
    runConfig: runConfigHash(config),
    adapterStart: start.adapter,
    seed: SEED,
    continued: false,
    ...overrides,
  };
}

/** Run 2's start: run 1's adapter after k steps, continued with twice run 1's α. */
function continuedRequest(adapterStart: bigint) {
  return startRequest({
    runConfig: runConfigHash(continuedConfig),
    alpha: continuedConfig.alpha,
    adapterStart,
    seed: 0n,
    continued: true,
  });
}

/** What provenanceOf says of an adapter first produced by run 1 after `steps` of its `runSteps` steps. */
function runOneProvenance(steps: bigint, runSteps: bigint) {
  return {
    verified: true,
    runId: 1n,
    steps,
    runSteps,
    baseRoot: base.root,
    datasetRoot: commitment.datasetRoot,
    projectionId: projection.id,
    alpha: config.alpha,
    lr: config.lr,
    seed: SEED,
    parentRunId: 0n,
    parentSteps: 0n,
    checkpointCircuitId: ids.checkpoint,
    verifierRetired: false,
  };
}

type ProvenanceAnswer = Awaited<ReturnType<LoraLedgerRegistryV2["provenanceOf"]>>;

/** A Provenance struct as a plain object (without the verifier's address), to compare. */
function plain(answer: ProvenanceAnswer) {
  return {
    verified: answer.verified,
    runId: answer.runId,
    steps: answer.steps,
    runSteps: answer.runSteps,
    baseRoot: answer.baseRoot,
    datasetRoot: answer.datasetRoot,
    projectionId: answer.projectionId,
    alpha: answer.alpha,
    lr: answer.lr,
    seed: answer.seed,
    parentRunId: answer.parentRunId,
    parentSteps: answer.parentSteps,
    checkpointCircuitId: answer.checkpointCircuitId,
    verifierRetired: answer.verifierRetired,
  };
}

describe("LoraLedgerRegistryV2 (real Groth16 proofs of the 8x8 version-2 instances)", function () {
  let admin: HardhatEthersSigner;
  let trainer: HardhatEthersSigner;
  let prover: HardhatEthersSigner;
  let attacker: HardhatEthersSigner;
  let registry: LoraLedgerRegistryV2;
  const proofs = {} as {
    projection: SolidityProof;
    start: SolidityProof;
    /** run 2's start: continues run 1's adapter after k steps, with α doubled */
    continued: SolidityProof;
    /** run 1's checkpoints: [0] by the trainer (steps 0 … k-1), [1] by the prover (k … 2k-1) */
    checkpoints: ProvenCheckpoint[];
    /** run 2's first checkpoint (its steps 0 … k-1 from run 1's adapter after k steps), by the attacker */
    continuedCheckpoint: ProvenCheckpoint;
    /** run 1's adapter after 2k steps merged with run 1's α */
    merge: { mergedRoot: bigint; proof: SolidityProof };
    /** run 1's adapter after k steps (run 2's start) merged with run 2's α: not its merge */
    continuedMerge: { mergedRoot: bigint; proof: SolidityProof };
  };
  const gas: Record<string, bigint> = {};

  const checkpointAt = (index: number): ProvenCheckpoint => {
    const checkpoint = proofs.checkpoints[index];
    if (checkpoint === undefined) throw new Error(`no proven checkpoint ${index}`);
    return checkpoint;
  };

  before(async function () {
    [admin, trainer, prover, attacker] = (await ethers.getSigners()) as [
      HardhatEthersSigner,
      HardhatEthersSigner,
      HardhatEthersSigner,
      HardhatEthersSigner,
    ];
    const block = projectionBlockInput(task.w0, base, projection, commitment.datasetRoot, 0);
    expect(block.statement.accOut, "the 8x8 base is one block").to.equal(projection.id);
    proofs.projection = await prove(
      instances.projection,
      block.circuitInput,
      orderedPublicSignals("BaseProjectionBlock", block.statement),
    );
    const startStatement = runStartStatement(config, { seed: SEED, adapterStart: start.adapter });
    proofs.start = await prove(
      instances.start,
      decimalRecord(startStatement),
      orderedPublicSignals("LoraRunStart", startStatement),
    );
    const first = await proveCheckpoint(startAdapter, 0n, trainer.address);
    const second = await proveCheckpoint(first.after, k, prover.address);
    proofs.checkpoints = [first, second];
    const continuedStatement = runStartStatement(continuedConfig, { parentHead: first.adapterAfter });
    proofs.continued = await prove(
      instances.start,
      decimalRecord(continuedStatement),
      orderedPublicSignals("LoraRunStart", continuedStatement),
    );
    proofs.continuedCheckpoint = await proveCheckpoint(first.after, 0n, attacker.address, continuedConfig);
    proofs.merge = await proveMerge(second.after, config.alpha);
    proofs.continuedMerge = await proveMerge(first.after, continuedConfig.alpha);
  });

  after(async function () {
    await releaseProverThreads();
    if (Object.keys(gas).length > 0) {
      console.log("      gas used:");
      for (const [what, used] of Object.entries(gas)) console.log(`        ${what}: ${used}`);
    }
  });

  async function gasOf(tx: Promise<{ wait(): Promise<{ gasUsed: bigint } | null> }>): Promise<bigint> {
    const receipt = await (await tx).wait();
    if (receipt === null) throw new Error("no receipt");
    return receipt.gasUsed;
  }

  /** The pair's one projection block, as proven, submitted by `from` under `circuitId`. */
  const submitProjection = (from: HardhatEthersSigner = admin, circuitId = ids.projection) =>
    registry
      .connect(from)
      .submitProjectionBlock(base.root, commitment.datasetRoot, circuitId, projection.id, proofs.projection);

  // ---- Fixtures ----

  async function use(fixture: () => Promise<LoraLedgerRegistryV2>): Promise<void> {
    registry = await networkHelpers.loadFixture(fixture);
  }

  /** The registry and the version-2 verifiers, deployed by the Ignition module. */
  async function deployed(): Promise<LoraLedgerRegistryV2> {
    const contracts = await ignition.deploy(LoraLedgerModule);
    return ethers.getContractAt("LoraLedgerRegistryV2", await contracts.registryV2.getAddress());
  }

  /** deployed + the base model and the activated dataset registered by the trainer. */
  async function registered(): Promise<LoraLedgerRegistryV2> {
    await use(deployed);
    const asTrainer = registry.connect(trainer);
    await (await asTrainer.registerBaseModel(base.treeRoot, base.layout.blocks, "ipfs://base")).wait();
    await (await asTrainer.registerDataset(commitment.treeRoot, commitment.size, "ipfs://data")).wait();
    return registry;
  }

  /** registered + the base projection of the pair verified (submitted by a stranger: anyone may). */
  async function projected(): Promise<LoraLedgerRegistryV2> {
    await use(registered);
    gas["projection block (8x8: the whole base)"] = await gasOf(submitProjection(attacker));
    return registry;
  }

  /** projected + run 1, started by the trainer from the canonical initialization of SEED. */
  async function started(): Promise<LoraLedgerRegistryV2> {
    await use(projected);
    gas["startRun (canonical start)"] = await gasOf(registry.connect(trainer).startRun(startRequest(), proofs.start));
    await (await registry.connect(trainer).setProver(1n, prover.address, true)).wait();
    return registry;
  }

  /** started + run 1's two checkpoints (2k steps). */
  async function checkpointed(): Promise<LoraLedgerRegistryV2> {
    await use(started);
    const [first, second] = [checkpointAt(0), checkpointAt(1)];
    gas[`checkpoint (k = ${k})`] = await gasOf(
      registry.connect(trainer).submitCheckpoint(1n, first.adapterAfter, first.loss, first.proof),
    );
    await (await registry.connect(prover).submitCheckpoint(1n, second.adapterAfter, second.loss, second.proof)).wait();
    return registry;
  }

  /** checkpointed + run 2 (the attacker's) continuing run 1's adapter after k steps, with one checkpoint. */
  async function continued(): Promise<LoraLedgerRegistryV2> {
    await use(checkpointed);
    const asAttacker = registry.connect(attacker);
    await (await asAttacker.startRun(continuedRequest(checkpointAt(0).adapterAfter), proofs.continued)).wait();
    const { adapterAfter, loss, proof } = proofs.continuedCheckpoint;
    await (await asAttacker.submitCheckpoint(2n, adapterAfter, loss, proof)).wait();
    return registry;
  }

  // ---- Registration ----

  describe("registration", function () {
    it("computes each root from its tree root and count, so a dataset's size is a fact (defect: unchecked size)", async function () {
      await use(deployed);
      const asTrainer = registry.connect(trainer);
      expect(await asTrainer.registerBaseModel.staticCall(base.treeRoot, base.layout.blocks, "")).to.equal(base.root);
      expect(await asTrainer.registerDataset.staticCall(commitment.treeRoot, commitment.size, "")).to.equal(
        commitment.datasetRoot,
      );
      // A false size is another root, which no proof about this dataset opens to.
      const falseSize = await asTrainer.registerDataset.staticCall(commitment.treeRoot, commitment.size + 1n, "");
      expect(falseSize).to.not.equal(commitment.datasetRoot);
      await (await asTrainer.registerDataset(commitment.treeRoot, commitment.size, "ipfs://data")).wait();
      const stored = await registry.getDataset(commitment.datasetRoot);
      expect([stored.registrant, stored.size, stored.treeRoot, stored.uri]).to.deep.equal([
        trainer.address,
        commitment.size,
        commitment.treeRoot,
        "ipfs://data",
      ]);
      await expect(asTrainer.registerDataset(commitment.treeRoot, 0n, ""))
        .to.be.revertedWithCustomError(registry, "LoraLedger__InvalidDatasetSize")
        .withArgs(0n);
      await expect(asTrainer.registerBaseModel(SNARK_SCALAR_FIELD, 1n, ""))
        .to.be.revertedWithCustomError(registry, "LoraLedger__InvalidTreeRoot")
        .withArgs(SNARK_SCALAR_FIELD);
      await expect(asTrainer.registerBaseModel(base.treeRoot, 0n, ""))
        .to.be.revertedWithCustomError(registry, "LoraLedger__InvalidBlockCount")
        .withArgs(0n);
    });

    it("a front-runner takes nothing: each publisher's uri is its own (defect: a uri taken first, never corrected)", async function () {
      await use(deployed);
      const { treeRoot, size, datasetRoot } = commitment;
      await (await registry.connect(attacker).registerDataset(treeRoot, size, "ipfs://fake")).wait();
      await expect(registry.connect(trainer).registerDataset(treeRoot, size, "ipfs://data"))
        .to.emit(registry, "DatasetUriPublished")
        .withArgs(datasetRoot, trainer.address, "ipfs://data")
        .and.not.to.emit(registry, "DatasetRegistered");
      expect(await registry.datasetUri(datasetRoot, trainer.address)).to.equal("ipfs://data");
      expect(await registry.datasetUri(datasetRoot, attacker.address)).to.equal("ipfs://fake");
      expect((await registry.getDataset(datasetRoot)).size).to.equal(size);
      // A publisher corrects its own uri.
      await (await registry.connect(trainer).registerDataset(treeRoot, size, "ipfs://data-v2")).wait();
      expect(await registry.datasetUri(datasetRoot, trainer.address)).to.equal("ipfs://data-v2");
      await (await registry.connect(trainer).registerBaseModel(base.treeRoot, base.layout.blocks, "ipfs://w0")).wait();
      expect(await registry.baseModelUri(base.root, trainer.address)).to.equal("ipfs://w0");
      expect((await registry.getBaseModel(base.root)).blocks).to.equal(BigInt(base.layout.blocks));
    });

    it("lookups of unknown keys return zeros, getRun included (defect: getRun reverted where the others did not)", async function () {
      await use(started);
      expect((await registry.getRun(99n)).trainer).to.equal(ethers.ZeroAddress);
      expect((await registry.getBaseModel(12345n)).registrant).to.equal(ethers.ZeroAddress);
      expect((await registry.provenanceOf(12345n)).verified).to.equal(false);
      expect(await registry.lineageOf(12345n, 8n)).to.deep.equal([]);
      expect((await registry.getRun(1n)).trainer).to.equal(trainer.address);
    });
  });

  // ---- Verifiers ----

  describe("verifiers", function () {
    it("the module registers each version-2 verifier with its kind, count and shape", async function () {
      await use(deployed);
      for (const instance of Object.values(instances)) {
        const expected = verifierRegistration(instance);
        if (expected === undefined) throw new Error(`${instance.name} is not a version-2 instance`);
        const record = await registry.verifierOf(expected.circuitId);
        expect([record.kind, record.count, record.shapeId, record.retired]).to.deep.equal([
          BigInt(expected.kind),
          BigInt(expected.count),
          expected.shapeId,
          false,
        ]);
      }
      expect((await registry.verifierOf(ids.checkpoint)).count).to.equal(k);
      // Version-1 instances are not registered: no registry accepts their statements.
      const v1 = defaultInstance("LoraStep");
      expect((await registry.verifierOf(circuitIdOf(v1.name))).verifier).to.equal(ethers.ZeroAddress);
    });

    it("rejects metadata that cannot be right, and a second registration of a circuit id", async function () {
      await use(deployed);
      const verifier = (await registry.verifierOf(ids.start)).verifier;
      const fresh = circuitIdOf("fresh");
      const shapeId = ethers.ZeroHash;
      await expect(registry.registerVerifier(fresh, verifier, VERIFIER_KIND.None, 1, shapeId))
        .to.be.revertedWithCustomError(registry, "LoraLedger__InvalidVerifierMetadata")
        .withArgs(VERIFIER_KIND.None, 1);
      await expect(registry.registerVerifier(fresh, verifier, VERIFIER_KIND.Checkpoint, 0, shapeId))
        .to.be.revertedWithCustomError(registry, "LoraLedger__InvalidVerifierMetadata")
        .withArgs(VERIFIER_KIND.Checkpoint, 0);
      await expect(registry.registerVerifier(fresh, verifier, VERIFIER_KIND.RunStart, 2, shapeId))
        .to.be.revertedWithCustomError(registry, "LoraLedger__InvalidVerifierMetadata")
        .withArgs(VERIFIER_KIND.RunStart, 2);
      await expect(registry.registerVerifier(ids.start, verifier, VERIFIER_KIND.RunStart, 1, shapeId))
        .to.be.revertedWithCustomError(registry, "LoraLedger__VerifierAlreadyRegistered")
        .withArgs(ids.start, verifier);
      await expect(
        registry.connect(attacker).registerVerifier(fresh, verifier, VERIFIER_KIND.RunStart, 1, shapeId),
      ).to.be.revertedWithCustomError(registry, "AccessControlUnauthorizedAccount");
    });
  });

  // ---- Projections ----

  describe("base projections", function () {
    it("a run cannot start before the projection of its (base, dataset) is complete", async function () {
      await use(registered);
      await expect(registry.connect(trainer).startRun(startRequest(), proofs.start))
        .to.be.revertedWithCustomError(registry, "LoraLedger__ProjectionIncomplete")
        .withArgs(base.root, commitment.datasetRoot);
    });

    it("a projection block needs registered roots, a projection verifier and a proof of the next block", async function () {
      await use(registered);
      const submit = (accOut: bigint, circuitId = ids.projection, datasetRoot = commitment.datasetRoot) =>
        registry.submitProjectionBlock(base.root, datasetRoot, circuitId, accOut, proofs.projection);
      await expect(submit(projection.id, ids.projection, 12345n))
        .to.be.revertedWithCustomError(registry, "LoraLedger__UnknownDataset")
        .withArgs(12345n);
      await expect(submit(projection.id, ids.checkpoint))
        .to.be.revertedWithCustomError(registry, "LoraLedger__WrongVerifierKind")
        .withArgs(ids.checkpoint, VERIFIER_KIND.ProjectionBlock, VERIFIER_KIND.Checkpoint);
      await expect(submit(projection.id + 1n))
        .to.be.revertedWithCustomError(registry, "LoraLedger__InvalidProjectionProof")
        .withArgs(base.root, commitment.datasetRoot, 0);
      expect(await registry.projectionOf(base.root, commitment.datasetRoot)).to.equal(0n);
    });

    it("a projection instance must cut the base model into its registered number of blocks", async function () {
      await use(registered);
      const twoBlocks = circuitIdOf("projection_two_blocks");
      const record = await registry.verifierOf(ids.projection);
      await (
        await registry.registerVerifier(twoBlocks, record.verifier, VERIFIER_KIND.ProjectionBlock, 2, record.shapeId)
      ).wait();
      await expect(submitProjection(admin, twoBlocks))
        .to.be.revertedWithCustomError(registry, "LoraLedger__BlockCountMismatch")
        .withArgs(twoBlocks, 2, BigInt(base.layout.blocks));
    });

    it("the last block completes the projection, once", async function () {
      await use(registered);
      await expect(submitProjection())
        .to.emit(registry, "ProjectionCompleted")
        .withArgs(base.root, commitment.datasetRoot, projection.id);
      expect(await registry.projectionOf(base.root, commitment.datasetRoot)).to.equal(projection.id);
      const progress = await registry.projectionProgress(base.root, commitment.datasetRoot, ids.projection);
      expect([progress.acc, progress.nextBlock]).to.deep.equal([projection.id, 1n]);
      await expect(submitProjection()).to.be.revertedWithCustomError(registry, "LoraLedger__ProjectionAlreadyComplete");
    });
  });

  // ---- Starts ----

  describe("a run's start", function () {
    it("from the canonical initialization: stored in the clear, its adapter's origin, checked by a named verifier", async function () {
      await use(projected);
      await expect(registry.connect(trainer).startRun(startRequest(), proofs.start))
        .to.emit(registry, "RunStarted")
        .withArgs(1n, base.root, commitment.datasetRoot, trainer.address, runConfigHash(config), start.adapter, 0n, 0n);
      const run = await registry.getRun(1n);
      expect([run.trainer, run.nextStep, run.head, run.projectionId, run.seed, run.alpha, run.lr]).to.deep.equal([
        trainer.address,
        0n,
        start.adapter,
        projection.id,
        SEED,
        config.alpha,
        config.lr,
      ]);
      const answer = await registry.provenanceOf(start.adapter);
      expect(plain(answer)).to.deep.equal(runOneProvenance(0n, 0n));
      expect(answer.verifier).to.equal((await registry.verifierOf(ids.checkpoint)).verifier);
    });

    it("attack 1: no run starts from an adapter nobody trained (arbitrary start, lr = 0, α = 0, an unverified parent)", async function () {
      await use(checkpointed);
      // The victim's trained adapter X: a valid start proof of the canonical seed does not cover X.
      const victim = checkpointAt(1).adapterAfter;
      await expect(
        registry.connect(attacker).startRun(startRequest({ adapterStart: victim }), proofs.start),
      ).to.be.revertedWithCustomError(registry, "LoraLedger__InvalidStartProof");
      // A configuration that trains nothing is refused before any proof.
      await expect(registry.connect(attacker).startRun(startRequest({ lr: 0n }), ZERO_PROOF))
        .to.be.revertedWithCustomError(registry, "LoraLedger__ZeroHyperparameter")
        .withArgs(config.alpha, 0n);
      await expect(registry.connect(attacker).startRun(startRequest({ alpha: 0n }), ZERO_PROOF))
        .to.be.revertedWithCustomError(registry, "LoraLedger__ZeroHyperparameter")
        .withArgs(0n, config.lr);
      // Only a verified adapter can be continued: one trained elsewhere cannot.
      const untrained = 12345n;
      await expect(registry.connect(attacker).startRun(continuedRequest(untrained), proofs.continued))
        .to.be.revertedWithCustomError(registry, "LoraLedger__NotAVerifiedParent")
        .withArgs(untrained);
      expect(plain(await registry.provenanceOf(victim))).to.deep.equal(runOneProvenance(2n * k, 2n * k));
      expect((await registry.provenanceOf(untrained)).verified).to.equal(false);
    });

    it("a continued run's parent is its start's producer, and it takes nothing from it", async function () {
      await use(continued);
      const parentAdapter = checkpointAt(0).adapterAfter;
      const run = await registry.getRun(2n);
      expect([run.trainer, run.adapterStart, run.parentRunId, run.parentSteps, run.seed, run.alpha]).to.deep.equal([
        attacker.address,
        parentAdapter,
        1n,
        k,
        0n,
        continuedConfig.alpha,
      ]);
      // The adapter keeps its first origin: run 1 after k steps.
      expect(plain(await registry.provenanceOf(parentAdapter))).to.deep.equal(runOneProvenance(k, 2n * k));
    });

    it("lineageOf follows a continued run back to its canonical start (defect: provenance without lineage)", async function () {
      await use(continued);
      const runTwoHead = proofs.continuedCheckpoint.adapterAfter;
      const lineage = (await registry.lineageOf(runTwoHead, 8n)).map(plain);
      expect(lineage).to.deep.equal([
        {
          ...runOneProvenance(k, k),
          runId: 2n,
          alpha: continuedConfig.alpha,
          seed: 0n,
          parentRunId: 1n,
          parentSteps: k,
        },
        runOneProvenance(k, 2n * k),
      ]);
      expect((await registry.lineageOf(runTwoHead, 1n)).length).to.equal(1);
    });

    it("a continued run names no seed", async function () {
      await use(checkpointed);
      await expect(
        registry.startRun({ ...continuedRequest(checkpointAt(0).adapterAfter), seed: 1n }, proofs.continued),
      ).to.be.revertedWithCustomError(registry, "LoraLedger__InvalidStart");
    });

    it("a new run's id is in the RunStarted event of its own receipt (defect: ids guessed as runCount + 1)", async function () {
      await use(projected);
      const receipt = await (await registry.connect(trainer).startRun(startRequest(), proofs.start)).wait();
      const runStarted = receipt?.logs
        .map((log) => registry.interface.parseLog(log))
        .find((parsed) => parsed?.name === "RunStarted");
      expect(runStarted?.args.runId).to.equal(1n);
    });

    it("needs a start verifier and a checkpoint verifier of one shape, both active", async function () {
      await use(projected);
      await expect(registry.startRun(startRequest({ startCircuitId: ids.checkpoint }), proofs.start))
        .to.be.revertedWithCustomError(registry, "LoraLedger__WrongVerifierKind")
        .withArgs(ids.checkpoint, VERIFIER_KIND.RunStart, VERIFIER_KIND.Checkpoint);
      await expect(registry.startRun(startRequest({ checkpointCircuitId: ids.merge }), proofs.start))
        .to.be.revertedWithCustomError(registry, "LoraLedger__WrongVerifierKind")
        .withArgs(ids.merge, VERIFIER_KIND.Checkpoint, VERIFIER_KIND.MergeBlock);
      // A start verifier registered for another shape.
      const otherShape = circuitIdOf("run_start_other_shape");
      const verifier = (await registry.verifierOf(ids.start)).verifier;
      await (await registry.registerVerifier(otherShape, verifier, VERIFIER_KIND.RunStart, 1, ethers.ZeroHash)).wait();
      await expect(registry.startRun(startRequest({ startCircuitId: otherShape }), proofs.start))
        .to.be.revertedWithCustomError(registry, "LoraLedger__ShapeMismatch")
        .withArgs(otherShape, ids.checkpoint);
      await (await registry.retireVerifier(ids.start)).wait();
      await expect(registry.startRun(startRequest(), proofs.start)).to.be.revertedWithCustomError(
        registry,
        "LoraLedger__RetiredVerifier",
      );
    });
  });

  // ---- Checkpoints ----

  describe("checkpoints", function () {
    it("advance the run by k steps, record the adapter's origin, and emit the proven loss", async function () {
      await use(started);
      const first = checkpointAt(0);
      await expect(registry.connect(trainer).submitCheckpoint(1n, first.adapterAfter, first.loss, first.proof))
        .to.emit(registry, "CheckpointVerified")
        .withArgs(1n, 0n, k, first.adapterAfter, start.adapter, first.loss, trainer.address);
      const run = await registry.getRun(1n);
      expect([run.nextStep, run.head]).to.deep.equal([k, first.adapterAfter]);
      expect(plain(await registry.provenanceOf(first.adapterAfter))).to.deep.equal(runOneProvenance(k, k));
    });

    it("are bound to the submitter, the head, the loss and the step index", async function () {
      await use(started);
      const [first, second] = [checkpointAt(0), checkpointAt(1)];
      // The prover's proof names the trainer: the prover cannot submit it.
      await expect(registry.connect(prover).submitCheckpoint(1n, first.adapterAfter, first.loss, first.proof))
        .to.be.revertedWithCustomError(registry, "LoraLedger__InvalidCheckpointProof")
        .withArgs(1n, 0n);
      await expect(
        registry.connect(trainer).submitCheckpoint(1n, first.adapterAfter, first.loss + 1n, first.proof),
      ).to.be.revertedWithCustomError(registry, "LoraLedger__InvalidCheckpointProof");
      // The second checkpoint out of order (the head is still the start).
      await expect(
        registry.connect(prover).submitCheckpoint(1n, second.adapterAfter, second.loss, second.proof),
      ).to.be.revertedWithCustomError(registry, "LoraLedger__InvalidCheckpointProof");
      await expect(registry.connect(attacker).submitCheckpoint(1n, first.adapterAfter, first.loss, first.proof))
        .to.be.revertedWithCustomError(registry, "LoraLedger__UnauthorizedSubmitter")
        .withArgs(1n, attacker.address);
    });

    it("in a batch: all or nothing, every claimed value checked before the first verification (defect: late checks)", async function () {
      await use(started);
      const [first, second] = [checkpointAt(0), checkpointAt(1)];
      const batch = [first, second].map(({ adapterAfter, loss, proof }) => ({ adapterAfter, loss, proof }));
      // The first entry's proof is invalid here (the second checkpoint at the run's start) and the last
      // entry's loss is not a field element: the batch reverts for the last, so nothing was verified.
      const malformed = [
        ...batch.slice(1),
        ...batch.slice(0, 1).map((entry) => ({ ...entry, loss: SNARK_SCALAR_FIELD })),
      ];
      await expect(registry.connect(prover).submitCheckpoints(1n, malformed))
        .to.be.revertedWithCustomError(registry, "LoraLedger__NotAFieldElement")
        .withArgs(SNARK_SCALAR_FIELD);
      await expect(registry.connect(trainer).submitCheckpoints(1n, [])).to.be.revertedWithCustomError(
        registry,
        "LoraLedger__EmptyBatch",
      );
      // The second proof names the prover: submitted by the trainer in a batch, the whole batch reverts.
      await expect(registry.connect(trainer).submitCheckpoints(1n, batch))
        .to.be.revertedWithCustomError(registry, "LoraLedger__InvalidCheckpointProof")
        .withArgs(1n, k);
      expect((await registry.getRun(1n)).nextStep).to.equal(0n);
    });

    it("canSubmit says no while paused or with a retired verifier; provenance says it is retired (defects)", async function () {
      await use(started);
      expect(await registry.canSubmit(1n, trainer.address)).to.equal(true);
      expect(await registry.canSubmit(1n, prover.address)).to.equal(true);
      expect(await registry.canSubmit(1n, attacker.address)).to.equal(false);
      expect(await registry.canSubmit(7n, trainer.address)).to.equal(false);
      await (await registry.connect(admin).pause()).wait();
      expect(await registry.canSubmit(1n, trainer.address)).to.equal(false);
      await (await registry.connect(admin).unpause()).wait();
      await (await registry.connect(admin).retireVerifier(ids.checkpoint)).wait();
      expect(await registry.canSubmit(1n, trainer.address)).to.equal(false);
      expect((await registry.provenanceOf(start.adapter)).verifierRetired).to.equal(true);
      const first = checkpointAt(0);
      await expect(
        registry.connect(trainer).submitCheckpoint(1n, first.adapterAfter, first.loss, first.proof),
      ).to.be.revertedWithCustomError(registry, "LoraLedger__RetiredVerifier");
    });
  });

  // ---- Merges ----

  describe("merges", function () {
    it("are recorded per adapter, on its producer's base and α; anyone may submit the blocks", async function () {
      await use(checkpointed);
      const adapter = checkpointAt(1).adapterAfter;
      const { mergedRoot, proof } = proofs.merge;
      await expect(registry.connect(attacker).submitMergeBlock(adapter, ids.merge, mergedRoot, proof))
        .to.emit(registry, "MergeVerified")
        .withArgs(1n, adapter, mergedRoot, 2n * k, attacker.address);
      const record = await registry.mergeOf(adapter);
      expect([record.mergedRoot, record.circuitId]).to.deep.equal([mergedRoot, ids.merge]);
      expect(await registry.mergedAdapterOf(mergedRoot)).to.equal(adapter);
      await expect(registry.submitMergeBlock(adapter, ids.merge, mergedRoot, proof))
        .to.be.revertedWithCustomError(registry, "LoraLedger__MergeAlreadyRecorded")
        .withArgs(adapter, mergedRoot);
    });

    it("attack 2: a run continuing someone's adapter cannot merge it under its own α, and blocks no one", async function () {
      await use(continued);
      // Run 1's adapter after k steps, continued by the attacker's run 2 with twice the α: its merge is
      // defined by run 1 (its producer), so a merge proof under run 2's α does not verify.
      const shared = checkpointAt(0).adapterAfter;
      const { mergedRoot, proof } = proofs.continuedMerge;
      await expect(registry.connect(attacker).submitMergeBlock(shared, ids.merge, mergedRoot, proof))
        .to.be.revertedWithCustomError(registry, "LoraLedger__InvalidMergeProof")
        .withArgs(shared, 0);
      expect((await registry.mergeOf(shared)).recorder).to.equal(ethers.ZeroAddress);
      // The victim's own merge is open to the victim.
      const victim = checkpointAt(1).adapterAfter;
      await (
        await registry.connect(trainer).submitMergeBlock(victim, ids.merge, proofs.merge.mergedRoot, proofs.merge.proof)
      ).wait();
      expect((await registry.mergeOf(victim)).recorder).to.equal(trainer.address);
    });

    it("need a verified adapter and a merge verifier (defect: any verifier id accepted as a circuit)", async function () {
      await use(checkpointed);
      const adapter = checkpointAt(1).adapterAfter;
      const { mergedRoot, proof } = proofs.merge;
      await expect(registry.submitMergeBlock(12345n, ids.merge, mergedRoot, proof))
        .to.be.revertedWithCustomError(registry, "LoraLedger__AdapterNotVerified")
        .withArgs(12345n);
      await expect(registry.submitMergeBlock(adapter, ids.start, mergedRoot, proof))
        .to.be.revertedWithCustomError(registry, "LoraLedger__WrongVerifierKind")
        .withArgs(ids.start, VERIFIER_KIND.MergeBlock, VERIFIER_KIND.RunStart);
    });
  });

  // ---- Evaluations: the trainer's reports ----

  describe("evaluation reports", function () {
    /** An accuracy the trainer says it measured: the registry records it, and cannot check it. */
    const accuracy = (steps: bigint, correct = 7n) => ({
      steps,
      numerator: correct,
      denominator: 10n,
      metric: "accuracy",
      split: "10 held-out examples",
    });

    it("the trainer reports evaluations of the run's verified adapters, one event each, in one transaction", async function () {
      await use(checkpointed);
      const reports = [accuracy(0n, 3n), accuracy(k), accuracy(2n * k, 9n)];
      const sent = registry.connect(trainer).reportEvaluations(1n, reports);
      for (const report of reports) {
        await expect(sent)
          .to.emit(registry, "EvaluationReported")
          .withArgs(1n, report.steps, trainer.address, "accuracy", "10 held-out examples", report.numerator, 10n);
      }
      gas["reportEvaluations (3 reports)"] = await gasOf(registry.connect(trainer).reportEvaluations(1n, reports));
      // Words, not proofs: a report changes no state a proof depends on.
      const run = await registry.getRun(1n);
      expect(run.nextStep).to.equal(2n * k);
    });

    it("only the trainer may report, and only about an adapter the run verified (a multiple of k up to nextStep)", async function () {
      await use(checkpointed);
      for (const from of [prover, attacker]) {
        await expect(registry.connect(from).reportEvaluations(1n, [accuracy(k)]))
          .to.be.revertedWithCustomError(registry, "LoraLedger__NotTrainer")
          .withArgs(1n, from.address);
      }
      await expect(registry.connect(trainer).reportEvaluations(9n, [accuracy(0n)]))
        .to.be.revertedWithCustomError(registry, "LoraLedger__UnknownRun")
        .withArgs(9n);
      // Beyond the run's verified steps: the whole batch reverts, its valid first report included.
      await expect(registry.connect(trainer).reportEvaluations(1n, [accuracy(0n), accuracy(3n * k)]))
        .to.be.revertedWithCustomError(registry, "LoraLedger__UnverifiedSteps")
        .withArgs(1n, 3n * k, 2n * k);
      // A step count inside a checkpoint names an adapter nobody verified (k = 2 here).
      expect(k, "the 8x8 checkpoint instance proves two steps").to.equal(2n);
      await expect(registry.connect(trainer).reportEvaluations(1n, [accuracy(1n)]))
        .to.be.revertedWithCustomError(registry, "LoraLedger__UnverifiedSteps")
        .withArgs(1n, 1n, 2n * k);
      await expect(registry.connect(trainer).reportEvaluations(1n, [])).to.be.revertedWithCustomError(
        registry,
        "LoraLedger__EmptyBatch",
      );
      for (const malformed of [
        { ...accuracy(k), denominator: 0n },
        { ...accuracy(k), metric: "" },
      ]) {
        await expect(registry.connect(trainer).reportEvaluations(1n, [malformed]))
          .to.be.revertedWithCustomError(registry, "LoraLedger__InvalidEvaluation")
          .withArgs(1n, k);
      }
    });

    it("are words, not proofs: allowed while paused and with a retired verifier", async function () {
      await use(checkpointed);
      await (await registry.connect(admin).pause()).wait();
      await expect(registry.connect(trainer).reportEvaluations(1n, [accuracy(k)])).to.emit(
        registry,
        "EvaluationReported",
      );
      await (await registry.connect(admin).unpause()).wait();
      await (await registry.connect(admin).retireVerifier(ids.checkpoint)).wait();
      await expect(registry.connect(trainer).reportEvaluations(1n, [accuracy(2n * k)])).to.emit(
        registry,
        "EvaluationReported",
      );
    });
  });

  it("paused: no projection, start, checkpoint or merge", async function () {
    await use(checkpointed);
    await (await registry.connect(admin).pause()).wait();
    const first = checkpointAt(0);
    for (const call of [
      submitProjection(),
      registry.connect(trainer).startRun(startRequest(), proofs.start),
      registry.connect(trainer).submitCheckpoint(1n, first.adapterAfter, first.loss, first.proof),
      registry.submitMergeBlock(checkpointAt(1).adapterAfter, ids.merge, proofs.merge.mergedRoot, proofs.merge.proof),
    ]) {
      await expect(call).to.be.revertedWithCustomError(registry, "EnforcedPause");
    }
  });
});
