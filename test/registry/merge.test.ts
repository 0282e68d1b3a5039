// recordMerge with real Groth16 proofs of the test instances (step and merge verifiers deployed and
// registered by the Ignition module): the merged weights W0 + α B A of an adapter that a verified step
// produced are recorded once, by anyone, and answer "where did these merged weights come from".
// The proofs are made once, in before() (pure data); each test starts from a named fixture
// (networkHelpers.loadFixture restores the chain to its snapshot), so any test runs alone (--grep):
// deployed, verifiedSteps (runs A and B with their verified steps), recordedA1 (run A's step-1 merge
// recorded), recordedBoth (and run B's step-0 merge).
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { expect } from "chai";
import { network } from "hardhat";
import LoraLedgerModule from "../../deploy/modules/LoraLedger.js";
import {
  adapterProvenance,
  mergeOfAdapter,
  mergeProvenance,
  runMerges,
  circuitIdOf,
  registryMergeInputs,
  registryProof,
  SNARK_SCALAR_FIELD,
} from "../../src/chain/index.js";
import {
  makeStep,
  commitDataset,
  makeMerge,
  syntheticTask,
  type SyntheticTask,
  verifierContractName,
  type SolidityProof,
} from "../../src/protocol/index.js";
import { defaultInstance, mergeInstanceFor, proveWithInstance, releaseProverThreads } from "../../src/node/index.js";
import type { Matrix } from "../../src/protocol/index.js";
import type { LoraLedgerRegistry } from "../../types/ethers-contracts/index.js";

const { ethers, ignition, networkHelpers } = await network.create();

const stepInstance = defaultInstance();
const declaredMerge = mergeInstanceFor(stepInstance);
if (declaredMerge === undefined)
  throw new Error(`circuits/instances.json has no LoraMerge instance for ${stepInstance.name}`);
const mergeInstance = declaredMerge;
const STEP_ID = circuitIdOf(stepInstance.name);
const MERGE_ID = circuitIdOf(mergeInstance.name);
const shape = stepInstance.params;
const taskA = syntheticTask(shape, { seed: 17 });
// Run B differs from run A only in its dataset (same examples, reversed): other adapters.
const taskB: SyntheticTask = { ...taskA, dataset: [...taskA.dataset].reverse() };

interface Adapters {
  a: Matrix;
  b: Matrix;
  adapter: bigint;
}

/** The adapters after steps 0..count-1 of a task, by the reference (no proof). */
function adaptersAfter(task: SyntheticTask, count: number, submitter: string): Adapters[] {
  const out: Adapters[] = [];
  let { a, b } = task;
  for (let t = 0; t < count; t++) {
    const made = makeStep({ ...task, a, b, step: BigInt(t), submitter: BigInt(submitter) });
    ({ aNext: a, bNext: b } = made.witness);
    out.push({ a, b, adapter: made.statement.adapterAfter });
  }
  return out;
}

async function proveStep(
  task: SyntheticTask,
  t: number,
  before: { a: Matrix; b: Matrix },
  submitter: string,
): Promise<SolidityProof> {
  const made = makeStep({ ...task, ...before, step: BigInt(t), submitter: BigInt(submitter) });
  return registryProof((await proveWithInstance(stepInstance.name, made.circuitInput)).proof);
}

interface ProvenMerge {
  adapter: bigint;
  mergedRoot: bigint;
  proof: SolidityProof;
}

async function proveMerge(task: SyntheticTask, adapters: { a: Matrix; b: Matrix }): Promise<ProvenMerge> {
  const made = makeMerge({
    shape,
    w0: task.w0,
    a: adapters.a,
    b: adapters.b,
    alpha: task.alpha,
    lr: task.lr,
    datasetSize: BigInt(task.dataset.length),
  });
  const { proof, publicSignals } = await proveWithInstance(mergeInstance.name, made.circuitInput);
  // The proof's public signals are exactly what the registry assembles from the run and the step.
  expect(publicSignals.map(BigInt)).to.deep.equal(
    registryMergeInputs(made.statement, made.statement.adapter, made.statement.mergedRoot),
  );
  return { adapter: made.statement.adapter, mergedRoot: made.statement.mergedRoot, proof: registryProof(proof) };
}

function tamper(proof: SolidityProof, change: (copy: SolidityProof) => void): SolidityProof {
  const copy: SolidityProof = { a: [...proof.a], b: [[...proof.b[0]], [...proof.b[1]]], c: [...proof.c] };
  change(copy);
  return copy;
}

describe(`recordMerge (real Groth16 proofs of ${stepInstance.name} and ${mergeInstance.name})`, function () {
  let admin: HardhatEthersSigner;
  let trainer: HardhatEthersSigner;
  let recorder: HardhatEthersSigner;
  let registry: LoraLedgerRegistry;
  let mergeVerifierAddress: string;
  const statementA = makeStep({ ...taskA, step: 0n, submitter: 0n }).statement;
  const datasetB = commitDataset(taskB.dataset, shape).datasetRoot;
  let chainA: Adapters[];
  let chainB: Adapters[];
  const stepProofs: Record<string, SolidityProof> = {};
  /** the merges of run A's step-1 adapter (recorded), run A's step-2 adapter (never verified) and run B's step-0 adapter */
  let mergeA1: ProvenMerge;
  let mergeA2: ProvenMerge;
  let mergeB0: ProvenMerge;
  const runA = 1n;
  const runB = 2n;
  const gas: Record<string, bigint> = {};

  const at = <T>(list: readonly T[], index: number): T => {
    const found = list[index];
    if (found === undefined) throw new Error(`no entry ${index}`);
    return found;
  };
  const stepProof = (name: string): SolidityProof => {
    const found = stepProofs[name];
    if (found === undefined) throw new Error(`no step proof ${name}`);
    return found;
  };

  interface ChainState {
    registry: LoraLedgerRegistry;
    mergeVerifierAddress: string;
  }

  /** Restores the chain to `fixture`'s snapshot (running it the first time) and points the test's variables at it. */
  async function use(fixture: () => Promise<ChainState>): Promise<void> {
    ({ registry, mergeVerifierAddress } = await networkHelpers.loadFixture(fixture));
  }

  const state = (): ChainState => ({ registry, mergeVerifierAddress });

  /** The registry and the step and merge verifiers, deployed by the Ignition module; nothing registered. */
  async function deployed(): Promise<ChainState> {
    const contracts = await ignition.deploy(LoraLedgerModule);
    registry = await ethers.getContractAt("LoraLedgerRegistry", await contracts.registry.getAddress());
    const mergeVerifier = contracts[verifierContractName(mergeInstance.name)];
    if (mergeVerifier === undefined) throw new Error(`the module deployed no verifier for ${mergeInstance.name}`);
    mergeVerifierAddress = await mergeVerifier.getAddress();
    return state();
  }

  /** deployed + the base model, both datasets, runs A and B, steps 0 and 1 of run A and step 0 of run B verified. */
  async function verifiedSteps(): Promise<ChainState> {
    await use(deployed);
    const asTrainer = registry.connect(trainer);
    await (await asTrainer.registerBaseModel(statementA.baseRoot, "ipfs://base")).wait();
    await (await asTrainer.registerDataset(statementA.datasetRoot, BigInt(taskA.dataset.length), "ipfs://data")).wait();
    await (await asTrainer.registerDataset(datasetB, BigInt(taskB.dataset.length), "ipfs://reversed")).wait();
    for (const datasetRoot of [statementA.datasetRoot, datasetB]) {
      await (
        await asTrainer.startRun(
          statementA.baseRoot,
          datasetRoot,
          statementA.hparamsHash,
          STEP_ID,
          statementA.adapterBefore,
        )
      ).wait();
    }
    await (
      await asTrainer.submitSteps(runA, [
        { adapterAfter: at(chainA, 0).adapter, proof: stepProof("A0") },
        { adapterAfter: at(chainA, 1).adapter, proof: stepProof("A1") },
      ])
    ).wait();
    await (await asTrainer.submitStep(runB, at(chainB, 0).adapter, stepProof("B0"))).wait();
    expect((await registry.getRun(runA)).nextStep).to.equal(2n);
    expect((await registry.getRun(runB)).nextStep).to.equal(1n);
    return state();
  }

  /** verifiedSteps + the merge of run A's step-1 adapter, recorded by `recorder`. */
  async function recordedA1(): Promise<ChainState> {
    await use(verifiedSteps);
    await (await registry.connect(recorder).recordMerge(runA, 1n, MERGE_ID, mergeA1.mergedRoot, mergeA1.proof)).wait();
    return state();
  }

  /** recordedA1 + the merge of run B's step-0 adapter, recorded by the trainer. */
  async function recordedBoth(): Promise<ChainState> {
    await use(recordedA1);
    await (await registry.connect(trainer).recordMerge(runB, 0n, MERGE_ID, mergeB0.mergedRoot, mergeB0.proof)).wait();
    return state();
  }

  before(async function () {
    [admin, trainer, recorder] = (await ethers.getSigners()) as [
      HardhatEthersSigner,
      HardhatEthersSigner,
      HardhatEthersSigner,
    ];

    // 6 proofs: steps 0 and 1 of run A, step 0 of run B; 3 merges.
    chainA = adaptersAfter(taskA, 3, trainer.address);
    chainB = adaptersAfter(taskB, 1, trainer.address);
    stepProofs.A0 = await proveStep(taskA, 0, taskA, trainer.address);
    stepProofs.A1 = await proveStep(taskA, 1, at(chainA, 0), trainer.address);
    stepProofs.B0 = await proveStep(taskB, 0, taskB, trainer.address);
    mergeA1 = await proveMerge(taskA, at(chainA, 1));
    mergeA2 = await proveMerge(taskA, at(chainA, 2));
    mergeB0 = await proveMerge(taskB, at(chainB, 0));
  });

  after(async function () {
    await releaseProverThreads();
    if (Object.keys(gas).length > 0) {
      console.log("      gas used by merges:");
      for (const [what, used] of Object.entries(gas)) console.log(`        ${what}: ${used}`);
    }
  });

  it("the module registered the merge verifier under keccak256(merge instance name)", async function () {
    await use(deployed);
    const record = await registry.verifierOf(MERGE_ID);
    expect([record.verifier, record.retired]).to.deep.equal([mergeVerifierAddress, false]);
    const verifier = await ethers.getContractAt("IMergeVerifier", mergeVerifierAddress);
    const inputs = registryMergeInputs(statementA, mergeA1.adapter, mergeA1.mergedRoot) as [
      bigint,
      bigint,
      bigint,
      bigint,
    ];
    expect(await verifier.verifyProof(mergeA1.proof.a, mergeA1.proof.b, mergeA1.proof.c, inputs)).to.equal(true);
    gas["bare merge verifyProof transaction (reference)"] = await verifier.verifyProof.estimateGas(
      mergeA1.proof.a,
      mergeA1.proof.b,
      mergeA1.proof.c,
      inputs,
    );
  });

  describe("rejected merges leave nothing recorded", function () {
    afterEach(async function () {
      expect((await registry.mergeOf(mergeA1.adapter)).recorder).to.equal(ethers.ZeroAddress);
      expect((await registry.mergedProvenanceOf(mergeA1.mergedRoot)).verified).to.equal(false);
    });

    it("rejects a proof with a changed coordinate", async function () {
      await use(verifiedSteps);
      for (const proof of [
        tamper(mergeA1.proof, (p) => (p.c[0] += 1n)),
        tamper(mergeA1.proof, (p) => (p.b[0][1] += 1n)),
        tamper(mergeA1.proof, (p) => (p.a = [...mergeB0.proof.a])),
      ]) {
        await expect(registry.connect(recorder).recordMerge(runA, 1n, MERGE_ID, mergeA1.mergedRoot, proof))
          .to.be.revertedWithCustomError(registry, "LoraLedger__InvalidMergeProof")
          .withArgs(runA, 1n);
      }
    });

    it("rejects a valid proof with another merged root than proven", async function () {
      await use(verifiedSteps);
      for (const root of [mergeA1.mergedRoot + 1n, mergeB0.mergedRoot, 0n]) {
        await expect(registry.connect(recorder).recordMerge(runA, 1n, MERGE_ID, root, mergeA1.proof))
          .to.be.revertedWithCustomError(registry, "LoraLedger__InvalidMergeProof")
          .withArgs(runA, 1n);
      }
    });

    it("rejects a merged root at or above the field modulus before verifying", async function () {
      await use(verifiedSteps);
      for (const root of [SNARK_SCALAR_FIELD, SNARK_SCALAR_FIELD + mergeA1.mergedRoot, 2n ** 256n - 1n]) {
        await expect(registry.connect(recorder).recordMerge(runA, 1n, MERGE_ID, root, mergeA1.proof))
          .to.be.revertedWithCustomError(registry, "LoraLedger__MergedRootNotAFieldElement")
          .withArgs(runA, 1n, root);
      }
    });

    it("rejects the merge of an adapter no verified step produced (step 2 of run A: proven merge, unverified step)", async function () {
      await use(verifiedSteps);
      expect(mergeA2.adapter).to.equal(at(chainA, 2).adapter);
      expect((await registry.provenanceOf(mergeA2.adapter)).verified).to.equal(false);
      await expect(registry.connect(recorder).recordMerge(runA, 2n, MERGE_ID, mergeA2.mergedRoot, mergeA2.proof))
        .to.be.revertedWithCustomError(registry, "LoraLedger__StepNotVerified")
        .withArgs(runA, 2n);
      // Under a verified step, the registry puts that step's adapter in the statement: not this one.
      await expect(registry.connect(recorder).recordMerge(runA, 1n, MERGE_ID, mergeA2.mergedRoot, mergeA2.proof))
        .to.be.revertedWithCustomError(registry, "LoraLedger__InvalidMergeProof")
        .withArgs(runA, 1n);
      await expect(registry.connect(recorder).recordMerge(99n, 0n, MERGE_ID, mergeA2.mergedRoot, mergeA2.proof))
        .to.be.revertedWithCustomError(registry, "LoraLedger__UnknownRun")
        .withArgs(99n);
    });

    it("rejects another run's adapter (run B's merge recorded under run A)", async function () {
      await use(verifiedSteps);
      for (const step of [0n, 1n]) {
        await expect(registry.connect(recorder).recordMerge(runA, step, MERGE_ID, mergeB0.mergedRoot, mergeB0.proof))
          .to.be.revertedWithCustomError(registry, "LoraLedger__InvalidMergeProof")
          .withArgs(runA, step);
      }
    });

    it("rejects an unknown, a retired, and a step verifier as the merge circuit", async function () {
      await use(verifiedSteps);
      await expect(
        registry
          .connect(recorder)
          .recordMerge(runA, 1n, circuitIdOf("no-such-merge"), mergeA1.mergedRoot, mergeA1.proof),
      )
        .to.be.revertedWithCustomError(registry, "LoraLedger__UnknownVerifier")
        .withArgs(circuitIdOf("no-such-merge"));
      const retiredId = circuitIdOf("retired-merge");
      await (await registry.connect(admin).registerVerifier(retiredId, mergeVerifierAddress)).wait();
      await (await registry.connect(admin).retireVerifier(retiredId)).wait();
      await expect(registry.connect(recorder).recordMerge(runA, 1n, retiredId, mergeA1.mergedRoot, mergeA1.proof))
        .to.be.revertedWithCustomError(registry, "LoraLedger__RetiredVerifier")
        .withArgs(retiredId, mergeVerifierAddress);
      // The step verifier has no verifyProof(uint256[4]): the call fails, the proof counts as invalid.
      await expect(registry.connect(recorder).recordMerge(runA, 1n, STEP_ID, mergeA1.mergedRoot, mergeA1.proof))
        .to.be.revertedWithCustomError(registry, "LoraLedger__InvalidMergeProof")
        .withArgs(runA, 1n);
    });

    it("rejects merges while paused", async function () {
      await use(verifiedSteps);
      await (await registry.connect(admin).pause()).wait();
      await expect(
        registry.connect(recorder).recordMerge(runA, 1n, MERGE_ID, mergeA1.mergedRoot, mergeA1.proof),
      ).to.be.revertedWithCustomError(registry, "EnforcedPause");
      await (await registry.connect(admin).unpause()).wait();
    });
  });

  describe("a recorded merge", function () {
    it("is recorded by anyone (here not the trainer): event, mergeOf, mergedProvenanceOf", async function () {
      await use(verifiedSteps);
      const tx = registry.connect(recorder).recordMerge(runA, 1n, MERGE_ID, mergeA1.mergedRoot, mergeA1.proof);
      await expect(tx)
        .to.emit(registry, "MergeVerified")
        .withArgs(runA, mergeA1.adapter, mergeA1.mergedRoot, 1n, recorder.address);
      const receipt = await (await tx).wait();
      if (receipt === null) throw new Error("no receipt");
      gas["recordMerge"] = receipt.gasUsed;

      const record = await registry.mergeOf(mergeA1.adapter);
      expect([record.mergedRoot, record.recorder, record.runId, record.step]).to.deep.equal([
        mergeA1.mergedRoot,
        recorder.address,
        runA,
        1n,
      ]);
      expect(await registry.mergedProvenanceOf(mergeA1.mergedRoot)).to.deep.equal([
        true,
        runA,
        1n,
        mergeA1.adapter,
        statementA.baseRoot,
        statementA.datasetRoot,
      ]);
    });

    it("answers nothing for an unknown merged root or an adapter without a merge", async function () {
      await use(recordedA1);
      expect(await registry.mergedProvenanceOf(mergeA1.mergedRoot + 1n)).to.deep.equal([false, 0n, 0n, 0n, 0n, 0n]);
      expect(await registry.mergedProvenanceOf(0n)).to.deep.equal([false, 0n, 0n, 0n, 0n, 0n]);
      const none = await registry.mergeOf(at(chainA, 0).adapter);
      expect([none.mergedRoot, none.recorder, none.runId, none.step]).to.deep.equal([0n, ethers.ZeroAddress, 0n, 0n]);
    });

    it("is recorded once: the same merge again, by anyone, under the same or an identical run", async function () {
      await use(recordedA1);
      for (const signer of [recorder, trainer]) {
        await expect(registry.connect(signer).recordMerge(runA, 1n, MERGE_ID, mergeA1.mergedRoot, mergeA1.proof))
          .to.be.revertedWithCustomError(registry, "LoraLedger__MergeAlreadyRecorded")
          .withArgs(mergeA1.adapter, mergeA1.mergedRoot);
      }
      // Run C repeats run A (same statement): its step 1 produces the same adapter, whose merge is recorded.
      const runC = (await registry.runCount()) + 1n;
      const asTrainer = registry.connect(trainer);
      await (
        await asTrainer.startRun(
          statementA.baseRoot,
          statementA.datasetRoot,
          statementA.hparamsHash,
          STEP_ID,
          statementA.adapterBefore,
        )
      ).wait();
      await (
        await asTrainer.submitSteps(runC, [
          { adapterAfter: at(chainA, 0).adapter, proof: stepProof("A0") },
          { adapterAfter: at(chainA, 1).adapter, proof: stepProof("A1") },
        ])
      ).wait();
      await expect(registry.connect(recorder).recordMerge(runC, 1n, MERGE_ID, mergeA1.mergedRoot, mergeA1.proof))
        .to.be.revertedWithCustomError(registry, "LoraLedger__MergeAlreadyRecorded")
        .withArgs(mergeA1.adapter, mergeA1.mergedRoot);
      expect((await registry.mergeOf(mergeA1.adapter)).runId).to.equal(runA);
    });

    it("run B's merge is recorded under run B", async function () {
      await use(recordedA1);
      await expect(registry.connect(trainer).recordMerge(runB, 0n, MERGE_ID, mergeB0.mergedRoot, mergeB0.proof))
        .to.emit(registry, "MergeVerified")
        .withArgs(runB, mergeB0.adapter, mergeB0.mergedRoot, 0n, trainer.address);
      expect(await registry.mergedProvenanceOf(mergeB0.mergedRoot)).to.deep.equal([
        true,
        runB,
        0n,
        mergeB0.adapter,
        statementA.baseRoot,
        datasetB,
      ]);
    });
  });

  describe("the query library (src/chain/queries.ts)", function () {
    it("mergeProvenance, runMerges, mergeOfAdapter and adapterProvenance's merge", async function () {
      await use(recordedBoth);
      const answer = await mergeProvenance(registry, mergeA1.mergedRoot);
      if (!answer.verified) throw new Error("expected a verified merge");
      expect([answer.adapter, answer.runId, answer.step, answer.recorder]).to.deep.equal([
        mergeA1.adapter,
        runA,
        1n,
        recorder.address,
      ]);
      expect([answer.run.baseRoot, answer.run.datasetRoot, answer.baseModel.uri, answer.dataset.uri]).to.deep.equal([
        statementA.baseRoot,
        statementA.datasetRoot,
        "ipfs://base",
        "ipfs://data",
      ]);
      expect(await mergeProvenance(registry, 12345n)).to.deep.equal({ verified: false, mergedRoot: 12345n });

      const merges = await runMerges(registry, runA);
      expect(merges.map((m) => [m.step, m.adapter, m.mergedRoot, m.recorder])).to.deep.equal([
        [1n, mergeA1.adapter, mergeA1.mergedRoot, recorder.address],
      ]);
      expect((await runMerges(registry, runB)).map((m) => m.mergedRoot)).to.deep.equal([mergeB0.mergedRoot]);

      expect((await mergeOfAdapter(registry, mergeA1.adapter))?.mergedRoot).to.equal(mergeA1.mergedRoot);
      expect(await mergeOfAdapter(registry, at(chainA, 0).adapter)).to.equal(undefined);
      const provenance = await adapterProvenance(registry, mergeA1.adapter);
      expect(provenance.verified && provenance.merge?.mergedRoot).to.equal(mergeA1.mergedRoot);
      const unmerged = await adapterProvenance(registry, at(chainA, 0).adapter);
      expect(unmerged.verified && unmerged.merge).to.equal(undefined);
    });
  });
});
