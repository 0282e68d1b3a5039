// LoraLedgerRegistryV2 (Protocol version 2) with real Groth16 proofs of the built 8x8 instances, deployed
// through the Ignition module. Every proof is made once, in the top-level before() hook (pure data), and
// reused; each test starts from a named fixture (loadFixture restores a snapshot): deployed, registered,
// projected (the base projection verified), started (run 1 from the canonical initialization),
// checkpointed (run 1 after two checkpoints, 4 steps), continued (run 2 continues run 1 after 2 steps,
// with another α). Both attacks on version 1 (PROTOCOL §12) are tried here and fail.
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
  makeCheckpoint,
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
import { loadInstances, proveWithInstance, releaseProverThreads } from "../../src/node/index.js";
import type { LoraLedgerRegistryV2 } from "../../types/ethers-contracts/index.js";

const { ethers, ignition, networkHelpers } = await network.create();

function defaultInstance(template: CircuitInstance["template"]): CircuitInstance {
  const found = loadInstances().instances.find((instance) => instance.template === template && instance.buildByDefault);
  if (found === undefined) throw new Error(`circuits/instances.json has no ${template} instance built by default`);
  return found;
}

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
const { base, dataset, commitment, projection, config } = setUpRun({ ...task, shape });
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

async function proveCheckpoint(adapter: Adapter, firstStep: bigint, submitter: string): Promise<ProvenCheckpoint> {
  const made = makeCheckpoint({
    shape,
    config,
    projection: projection.w,
    dataset,
    commitment,
    adapter,
    firstStep,
    submitter: BigInt(submitter),
  });
  const { statement } = made;
  // What the registry assembles from run 1's state is exactly the proof's public signals.
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

function startRequest(
  overrides: Partial<{
    runConfig: bigint;
    adapterStart: bigint;
    seed: bigint;
    alpha: bigint;
    lr: bigint;
    parentRunId: bigint;
    parentSteps: bigint;
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
    parentRunId: 0n,
    parentSteps: 0n,
    ...overrides,
  };
}

const startAdapter = canonicalInit(SEED, shape);
const start = { adapter: adapterCommitment(startAdapter.a, startAdapter.b, shape) };

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
    /** run 1's adapter after 2k steps merged with run 1's α */
    merge: { mergedRoot: bigint; proof: SolidityProof };
    /** run 1's adapter after k steps (run 2's start) merged with run 2's α */
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

  // ---- Fixtures ----

  async function use(fixture: () => Promise<LoraLedgerRegistryV2>): Promise<void> {
    registry = await networkHelpers.loadFixture(fixture);
  }

  /** The registries and verifiers, deployed by the Ignition module (every v2 verifier registered). */
  async function deployed(): Promise<LoraLedgerRegistryV2> {
    const contracts = await ignition.deploy(LoraLedgerModule);
    return ethers.getContractAt("LoraLedgerRegistryV2", await contracts.registryV2.getAddress());
  }

  /** deployed + the base model and the activated dataset registered. */
  async function registered(): Promise<LoraLedgerRegistryV2> {
    await use(deployed);
    await (await registry.connect(trainer).registerBaseModel(base.root, "ipfs://base")).wait();
    await (await registry.connect(trainer).registerDataset(commitment.datasetRoot, 11n, "ipfs://data")).wait();
    return registry;
  }

  /** registered + the base projection of the pair verified (submitted by a stranger: anyone may). */
  async function projected(): Promise<LoraLedgerRegistryV2> {
    await use(registered);
    gas["projection block (8x8: the whole base)"] = await gasOf(
      registry
        .connect(attacker)
        .submitProjectionBlock(base.root, commitment.datasetRoot, ids.projection, projection.id, proofs.projection),
    );
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

  /** checkpointed + run 2 (the attacker's) continuing run 1's adapter after k steps with twice its α. */
  async function continued(): Promise<LoraLedgerRegistryV2> {
    await use(checkpointed);
    const request = startRequest({
      runConfig: runConfigHash(continuedConfig),
      alpha: continuedConfig.alpha,
      adapterStart: checkpointAt(0).adapterAfter,
      seed: 0n,
      parentRunId: 1n,
      parentSteps: k,
    });
    await (await registry.connect(attacker).startRun(request, proofs.continued)).wait();
    return registry;
  }

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
      // Version-1 instances are not version-2 verifiers.
      const v1 = loadInstances().instances.find(
        (instance) => instance.template === "LoraStep" && instance.buildByDefault,
      );
      if (v1 !== undefined)
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

    it("the last block completes the projection, once", async function () {
      await use(registered);
      await expect(
        registry.submitProjectionBlock(
          base.root,
          commitment.datasetRoot,
          ids.projection,
          projection.id,
          proofs.projection,
        ),
      )
        .to.emit(registry, "ProjectionCompleted")
        .withArgs(base.root, commitment.datasetRoot, projection.id);
      expect(await registry.projectionOf(base.root, commitment.datasetRoot)).to.equal(projection.id);
      const progress = await registry.projectionProgress(base.root, commitment.datasetRoot, ids.projection);
      expect([progress.acc, progress.nextBlock]).to.deep.equal([projection.id, 1n]);
      await expect(
        registry.submitProjectionBlock(
          base.root,
          commitment.datasetRoot,
          ids.projection,
          projection.id,
          proofs.projection,
        ),
      ).to.be.revertedWithCustomError(registry, "LoraLedger__ProjectionAlreadyComplete");
    });
  });

  // ---- Starts ----

  describe("a run's start", function () {
    it("from the canonical initialization: stored in the clear, its adapter's origin", async function () {
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
      expect(await registry.adapterAt(1n, 0n)).to.equal(start.adapter);
      expect(await registry.provenanceOf(start.adapter)).to.deep.equal([
        true,
        1n,
        0n,
        base.root,
        commitment.datasetRoot,
      ]);
    });

    it("attack 1: no run starts from an adapter nobody trained (arbitrary start, lr = 0, α = 0)", async function () {
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
      // X cannot be claimed as a continuation either unless it is a verified adapter of the named run:
      // here it is run 1's adapter after 2k steps, not after k.
      await expect(
        registry
          .connect(attacker)
          .startRun(
            startRequest({ adapterStart: victim, seed: 0n, parentRunId: 1n, parentSteps: k }),
            proofs.continued,
          ),
      )
        .to.be.revertedWithCustomError(registry, "LoraLedger__NotAVerifiedParent")
        .withArgs(1n, k);
      expect(await registry.provenanceOf(victim)).to.deep.equal([true, 1n, 2n * k, base.root, commitment.datasetRoot]);
    });

    it("a continued run starts from a verified adapter of its parent, and takes nothing from it", async function () {
      await use(continued);
      const parentAdapter = checkpointAt(0).adapterAfter;
      const run = await registry.getRun(2n);
      expect([run.trainer, run.head, run.parentRunId, run.parentSteps, run.seed, run.alpha]).to.deep.equal([
        attacker.address,
        parentAdapter,
        1n,
        k,
        0n,
        continuedConfig.alpha,
      ]);
      // The adapter keeps its first origin: run 1 after k steps.
      expect(await registry.provenanceOf(parentAdapter)).to.deep.equal([
        true,
        1n,
        k,
        base.root,
        commitment.datasetRoot,
      ]);
    });

    it("a continued run names no seed, and a canonical start names no parent step", async function () {
      await use(checkpointed);
      const continuation = { adapterStart: checkpointAt(0).adapterAfter, parentRunId: 1n, parentSteps: k };
      await expect(
        registry.startRun(startRequest({ ...continuation, seed: 1n }), proofs.continued),
      ).to.be.revertedWithCustomError(registry, "LoraLedger__InvalidStart");
      await expect(registry.startRun(startRequest({ parentSteps: 1n }), proofs.start)).to.be.revertedWithCustomError(
        registry,
        "LoraLedger__InvalidStart",
      );
      await expect(registry.startRun(startRequest({ ...continuation, seed: 0n, parentRunId: 9n }), proofs.continued))
        .to.be.revertedWithCustomError(registry, "LoraLedger__UnknownRun")
        .withArgs(9n);
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
    it("advance the run by k steps, record the adapter and its origin, and emit the proven loss", async function () {
      await use(started);
      const first = checkpointAt(0);
      await expect(registry.connect(trainer).submitCheckpoint(1n, first.adapterAfter, first.loss, first.proof))
        .to.emit(registry, "CheckpointVerified")
        .withArgs(1n, 0n, k, first.adapterAfter, start.adapter, first.loss, trainer.address);
      const run = await registry.getRun(1n);
      expect([run.nextStep, run.head]).to.deep.equal([k, first.adapterAfter]);
      expect(await registry.adapterAt(1n, k)).to.equal(first.adapterAfter);
      expect(await registry.provenanceOf(first.adapterAfter)).to.deep.equal([
        true,
        1n,
        k,
        base.root,
        commitment.datasetRoot,
      ]);
      await expect(registry.adapterAt(1n, 1n))
        .to.be.revertedWithCustomError(registry, "LoraLedger__StepNotVerified")
        .withArgs(1n, 1n);
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

    it("in a batch: all or nothing, every claimed value checked before the first verification", async function () {
      await use(started);
      const [first, second] = [checkpointAt(0), checkpointAt(1)];
      const batch = [first, second].map(({ adapterAfter, loss, proof }) => ({ adapterAfter, loss, proof }));
      const malformedLast = [
        ...batch.slice(0, 1),
        ...batch.slice(1).map((entry) => ({ ...entry, loss: SNARK_SCALAR_FIELD })),
      ];
      await expect(registry.connect(trainer).submitCheckpoints(1n, malformedLast))
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

    it("canSubmit says no while paused or with a retired checkpoint verifier", async function () {
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
      const first = checkpointAt(0);
      await expect(
        registry.connect(trainer).submitCheckpoint(1n, first.adapterAfter, first.loss, first.proof),
      ).to.be.revertedWithCustomError(registry, "LoraLedger__RetiredVerifier");
    });
  });

  // ---- Merges ----

  describe("merges", function () {
    it("are recorded per run and step count, with the run's α; anyone may submit the blocks", async function () {
      await use(checkpointed);
      const adapter = checkpointAt(1).adapterAfter;
      await expect(
        registry.connect(attacker).submitMergeBlock(1n, 2n * k, ids.merge, proofs.merge.mergedRoot, proofs.merge.proof),
      )
        .to.emit(registry, "MergeVerified")
        .withArgs(1n, adapter, proofs.merge.mergedRoot, 2n * k, attacker.address);
      const record = await registry.mergeOf(1n, 2n * k);
      expect([record.mergedRoot, record.circuitId]).to.deep.equal([proofs.merge.mergedRoot, ids.merge]);
      expect(await registry.mergedProvenanceOf(proofs.merge.mergedRoot)).to.deep.equal([
        true,
        1n,
        2n * k,
        adapter,
        base.root,
        commitment.datasetRoot,
      ]);
      await expect(registry.submitMergeBlock(1n, 2n * k, ids.merge, proofs.merge.mergedRoot, proofs.merge.proof))
        .to.be.revertedWithCustomError(registry, "LoraLedger__MergeAlreadyRecorded")
        .withArgs(1n, 2n * k, proofs.merge.mergedRoot);
    });

    it("attack 2: a merge under another α is another run's record and blocks no one", async function () {
      await use(continued);
      // Run 1's adapter after k steps merged with run 2's α: accepted only as run 2's start (steps 0) ...
      await expect(
        registry.submitMergeBlock(1n, k, ids.merge, proofs.continuedMerge.mergedRoot, proofs.continuedMerge.proof),
      )
        .to.be.revertedWithCustomError(registry, "LoraLedger__InvalidMergeProof")
        .withArgs(1n, k, 0);
      await (
        await registry
          .connect(attacker)
          .submitMergeBlock(2n, 0n, ids.merge, proofs.continuedMerge.mergedRoot, proofs.continuedMerge.proof)
      ).wait();
      expect((await registry.mergeOf(2n, 0n)).mergedRoot).to.equal(proofs.continuedMerge.mergedRoot);
      // ... and run 1's own merges stay open to it.
      expect((await registry.mergeOf(1n, k)).mergedRoot).to.equal(0n);
      await (
        await registry
          .connect(trainer)
          .submitMergeBlock(1n, 2n * k, ids.merge, proofs.merge.mergedRoot, proofs.merge.proof)
      ).wait();
      expect((await registry.mergeOf(1n, 2n * k)).recorder).to.equal(trainer.address);
    });

    it("need a verified adapter and a merge verifier", async function () {
      await use(checkpointed);
      await expect(registry.submitMergeBlock(1n, 1n, ids.merge, proofs.merge.mergedRoot, proofs.merge.proof))
        .to.be.revertedWithCustomError(registry, "LoraLedger__StepNotVerified")
        .withArgs(1n, 1n);
      await expect(registry.submitMergeBlock(3n, 0n, ids.merge, proofs.merge.mergedRoot, proofs.merge.proof))
        .to.be.revertedWithCustomError(registry, "LoraLedger__UnknownRun")
        .withArgs(3n);
      await expect(registry.submitMergeBlock(1n, 2n * k, ids.start, proofs.merge.mergedRoot, proofs.merge.proof))
        .to.be.revertedWithCustomError(registry, "LoraLedger__WrongVerifierKind")
        .withArgs(ids.start, VERIFIER_KIND.MergeBlock, VERIFIER_KIND.RunStart);
    });
  });

  it("paused: no projection, start, checkpoint or merge", async function () {
    await use(checkpointed);
    await (await registry.connect(admin).pause()).wait();
    const first = checkpointAt(0);
    for (const call of [
      registry.submitProjectionBlock(
        base.root,
        commitment.datasetRoot,
        ids.projection,
        projection.id,
        proofs.projection,
      ),
      registry.connect(trainer).startRun(startRequest(), proofs.start),
      registry.connect(trainer).submitCheckpoint(1n, first.adapterAfter, first.loss, first.proof),
      registry.submitMergeBlock(1n, 2n * k, ids.merge, proofs.merge.mergedRoot, proofs.merge.proof),
    ]) {
      await expect(call).to.be.revertedWithCustomError(registry, "EnforcedPause");
    }
  });
});
