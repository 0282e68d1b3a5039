// LoraLedgerRegistry with real Groth16 proofs of the test instance (deployed through the Ignition
// module). The proofs are generated once, in the top-level before() hook (pure data, no chain state),
// and reused. Each test starts from a named fixture (networkHelpers.loadFixture: the chain is restored
// to a snapshot), so any test runs alone (--grep) or in any order: deployed, registered (base model and
// dataset), started (run A), withProvers, oneStep ... eightSteps (run A's verified steps), paused, and
// scenario (every run of the file: the state the counting test describes).
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { expect } from "chai";
import { network } from "hardhat";
import LoraLedgerModule from "../../deploy/modules/LoraLedger.js";
import { circuitIdOf, registryProof, registryPublicInputs, SNARK_SCALAR_FIELD } from "../../src/chain/index.js";
import {
  makeStep,
  commitDataset,
  syntheticTask,
  verifierContractName,
  type SolidityProof,
} from "../../src/protocol/index.js";
import { defaultInstance, proveWithInstance, releaseProverThreads } from "../../src/node/index.js";
import type { Matrix } from "../../src/protocol/index.js";
import type { LoraLedgerRegistry } from "../../types/ethers-contracts/index.js";

const { ethers, ignition, networkHelpers } = await network.create();

const instance = defaultInstance();
const CIRCUIT_ID = circuitIdOf(instance.name);
const RETIRED_ID = circuitIdOf("retire-test");
const task = syntheticTask(instance.params, { seed: 7 });
/** run B's dataset: run A's examples reversed (another dataset root) */
const otherDataset = commitDataset([...task.dataset].reverse(), instance.params).datasetRoot;

/** A proven step: the statement's values and the proof in the registry's format. */
interface ProvenStep {
  step: bigint;
  adapterBefore: bigint;
  adapterAfter: bigint;
  submitter: string;
  proof: SolidityProof;
  /** adapters after the step, to chain the next one */
  a: Matrix;
  b: Matrix;
}

let statement: { baseRoot: bigint; datasetRoot: bigint; hparamsHash: bigint; initialAdapter: bigint };

async function prove(a: Matrix, b: Matrix, step: bigint, submitter: string): Promise<ProvenStep> {
  const made = makeStep({ ...task, a, b, step, submitter: BigInt(submitter) });
  const { proof, publicSignals } = await proveWithInstance(instance.name, made.circuitInput);
  // The proof's public signals are exactly what the registry assembles from the run's state.
  const expected = registryPublicInputs(
    { ...made.statement, head: made.statement.adapterBefore, nextStep: step },
    made.statement.adapterAfter,
    submitter,
  );
  expect(publicSignals.map(BigInt)).to.deep.equal(expected);
  return {
    step,
    adapterBefore: made.statement.adapterBefore,
    adapterAfter: made.statement.adapterAfter,
    submitter,
    proof: registryProof(proof),
    a: made.result.aNext,
    b: made.result.bNext,
  };
}

function tamper(proof: SolidityProof, change: (copy: SolidityProof) => void): SolidityProof {
  const copy: SolidityProof = {
    a: [...proof.a],
    b: [[...proof.b[0]], [...proof.b[1]]],
    c: [...proof.c],
  };
  change(copy);
  return copy;
}

async function gasOf(tx: Promise<{ wait(): Promise<{ gasUsed: bigint } | null> }>): Promise<bigint> {
  const receipt = await (await tx).wait();
  if (receipt === null) throw new Error("no receipt");
  return receipt.gasUsed;
}

describe("LoraLedgerRegistry (real Groth16 proofs of " + instance.name + ")", function () {
  let admin: HardhatEthersSigner;
  let trainer: HardhatEthersSigner;
  let prover: HardhatEthersSigner;
  let otherProver: HardhatEthersSigner;
  let stranger: HardhatEthersSigner;
  let registry: LoraLedgerRegistry;
  let verifierAddress: string;
  /** chain[t]: step t of run A from the initial adapter; chain[1] is submitted by `prover`, the rest by `trainer` */
  const chain: ProvenStep[] = [];
  /** a valid proof for step 2 from the adapter after step 0 (run A expects step 1 there) */
  let wrongStep: ProvenStep;
  /** a valid proof for step 1 from the initial adapter (run A's head is the adapter after step 0 there) */
  let wrongBefore: ProvenStep;
  let runA: bigint;
  const gas: Record<string, bigint> = {};

  const startRun = async (circuitId = CIRCUIT_ID, datasetRoot = statement.datasetRoot): Promise<bigint> => {
    const runId = (await registry.runCount()) + 1n;
    await (
      await registry
        .connect(trainer)
        .startRun(statement.baseRoot, datasetRoot, statement.hparamsHash, circuitId, statement.initialAdapter)
    ).wait();
    expect(await registry.runCount()).to.equal(runId);
    return runId;
  };

  before(async function () {
    [admin, trainer, prover, otherProver, stranger] = (await ethers.getSigners()) as [
      HardhatEthersSigner,
      HardhatEthersSigner,
      HardhatEthersSigner,
      HardhatEthersSigner,
      HardhatEthersSigner,
    ];

    // 11 proofs: steps 0..8 of run A, plus two well-formed proofs for the wrong step / wrong adapter.
    let a = task.a;
    let b = task.b;
    for (let t = 0n; t <= 8n; t++) {
      const proven = await prove(a, b, t, t === 1n ? prover.address : trainer.address);
      chain.push(proven);
      ({ a, b } = proven);
    }
    const [step0] = chain;
    if (step0 === undefined) throw new Error("unreachable");
    wrongStep = await prove(step0.a, step0.b, 2n, trainer.address);
    wrongBefore = await prove(task.a, task.b, 1n, trainer.address);

    const first = makeStep({ ...task, step: 0n, submitter: 0n }).statement;
    statement = {
      baseRoot: first.baseRoot,
      datasetRoot: first.datasetRoot,
      hparamsHash: first.hparamsHash,
      initialAdapter: first.adapterBefore,
    };
  });

  after(async function () {
    await releaseProverThreads();
    if (Object.keys(gas).length > 0) {
      console.log("      gas used by verified steps:");
      for (const [what, used] of Object.entries(gas)) console.log(`        ${what}: ${used}`);
    }
  });

  const at = (t: number): ProvenStep => {
    const proven = chain[t];
    if (proven === undefined) throw new Error(`no proven step ${t}`);
    return proven;
  };

  // ---- Fixtures: named functions (loadFixture snapshots each one the first time it runs). ----
  interface ChainState {
    registry: LoraLedgerRegistry;
    verifierAddress: string;
    runA: bigint;
  }

  /** Restores the chain to `fixture`'s snapshot (running it the first time) and points the test's variables at it. */
  async function use(fixture: () => Promise<ChainState>): Promise<void> {
    ({ registry, verifierAddress, runA } = await networkHelpers.loadFixture(fixture));
  }

  const state = (): ChainState => ({ registry, verifierAddress, runA: 1n });

  const submitBatch = async (steps: readonly number[]): Promise<void> => {
    const batch = steps.map((t) => ({ adapterAfter: at(t).adapterAfter, proof: at(t).proof }));
    await (await registry.connect(trainer).submitSteps(1n, batch)).wait();
  };

  /** The registry and the verifiers, deployed by the Ignition module; nothing registered. */
  async function deployed(): Promise<ChainState> {
    const contracts = await ignition.deploy(LoraLedgerModule);
    registry = await ethers.getContractAt("LoraLedgerRegistry", await contracts.registry.getAddress());
    const verifier = contracts[verifierContractName(instance.name)];
    if (verifier === undefined) throw new Error("the module deployed no verifier for the test instance");
    verifierAddress = await verifier.getAddress();
    return state();
  }

  /** deployed + run A's base model (registered by the trainer) and dataset (by a stranger). */
  async function registered(): Promise<ChainState> {
    await use(deployed);
    await (await registry.connect(trainer).registerBaseModel(statement.baseRoot, "ipfs://base")).wait();
    await (await registry.connect(stranger).registerDataset(statement.datasetRoot, 16n, "ipfs://data")).wait();
    return state();
  }

  /** registered + run A (run 1), started by the trainer from the initial adapter. */
  async function started(): Promise<ChainState> {
    await use(registered);
    await startRun();
    return state();
  }

  /** started + `prover` and `otherProver` authorized for run A: the state before step 0. */
  async function withProvers(): Promise<ChainState> {
    await use(started);
    for (const account of [prover, otherProver])
      await (await registry.connect(trainer).setProver(1n, account.address, true)).wait();
    return state();
  }

  /** withProvers + step 0 of run A, submitted by the trainer. */
  async function oneStep(): Promise<ChainState> {
    await use(withProvers);
    await (await registry.connect(trainer).submitStep(1n, at(0).adapterAfter, at(0).proof)).wait();
    return state();
  }

  /** oneStep + step 1, submitted by the authorized prover whose proof it is. */
  async function twoSteps(): Promise<ChainState> {
    await use(oneStep);
    await (await registry.connect(prover).submitStep(1n, at(1).adapterAfter, at(1).proof)).wait();
    return state();
  }

  /** twoSteps + steps 2 and 3 in one batch. */
  async function fourSteps(): Promise<ChainState> {
    await use(twoSteps);
    await submitBatch([2, 3]);
    return state();
  }

  /** fourSteps + steps 4 to 7 in one batch: run A's nextStep is 8. */
  async function eightSteps(): Promise<ChainState> {
    await use(fourSteps);
    await submitBatch([4, 5, 6, 7]);
    return state();
  }

  /** eightSteps, paused by the admin. */
  async function paused(): Promise<ChainState> {
    await use(eightSteps);
    await (await registry.connect(admin).pause()).wait();
    return state();
  }

  /**
   * Every run of this file: run A with steps 0..8, run B (other dataset, no step), run C (run A's
   * statement, step 0), run D (on a verifier retired after it started).
   */
  async function scenario(): Promise<ChainState> {
    await use(eightSteps);
    await (await registry.connect(stranger).registerDataset(otherDataset, 16n, "ipfs://reversed")).wait();
    await startRun(CIRCUIT_ID, otherDataset);
    const runC = await startRun();
    await (await registry.connect(trainer).submitStep(runC, at(0).adapterAfter, at(0).proof)).wait();
    await (await registry.connect(trainer).submitStep(1n, at(8).adapterAfter, at(8).proof)).wait();
    await (await registry.connect(admin).registerVerifier(RETIRED_ID, verifierAddress)).wait();
    await startRun(RETIRED_ID);
    await (await registry.connect(admin).retireVerifier(RETIRED_ID)).wait();
    return state();
  }

  describe("deployment (Ignition module)", function () {
    it("registers the generated verifier under keccak256(instance name), admin = deployer", async function () {
      await use(deployed);
      const record = await registry.verifierOf(CIRCUIT_ID);
      expect(record.verifier).to.equal(verifierAddress);
      expect(record.retired).to.equal(false);
      expect(record.registeredBlock > 0n).to.equal(true);
      for (const role of [
        await registry.DEFAULT_ADMIN_ROLE(),
        await registry.VERIFIER_ADMIN_ROLE(),
        await registry.PAUSER_ROLE(),
      ]) {
        expect(await registry.hasRole(role, admin.address)).to.equal(true);
        expect(await registry.hasRole(role, trainer.address)).to.equal(false);
      }
      expect(await registry.SNARK_SCALAR_FIELD()).to.equal(SNARK_SCALAR_FIELD);
      const deployedAt = await registry.deploymentBlock();
      expect(deployedAt > 0n && deployedAt <= BigInt(await ethers.provider.getBlockNumber())).to.equal(true);
      expect([await registry.runCount(), await registry.baseModelCount(), await registry.datasetCount()]).to.deep.equal(
        [0n, 0n, 0n],
      );
    });

    it("supports ERC-165 for ILoraLedgerRegistry and IAccessControl", async function () {
      await use(deployed);
      const iface = (await ethers.getContractAt("ILoraLedgerRegistry", ethers.ZeroAddress)).interface;
      let id = 0n;
      iface.forEachFunction((fragment) => (id ^= BigInt(fragment.selector)));
      expect(await registry.supportsInterface(ethers.toBeHex(id, 4))).to.equal(true);
      expect(await registry.supportsInterface("0x7965db0b")).to.equal(true); // IAccessControl
      expect(await registry.supportsInterface("0xffffffff")).to.equal(false);
    });
  });

  describe("gas reference", function () {
    it("measures the bare verifier (a transaction calling verifyProof directly)", async function () {
      await use(deployed);
      const verifier = await ethers.getContractAt("IStepVerifier", verifierAddress);
      const s = at(0);
      const inputs = registryPublicInputs(
        { ...statement, head: statement.initialAdapter, nextStep: 0n },
        s.adapterAfter,
        trainer.address,
      );
      const args = [
        s.proof.a,
        s.proof.b,
        s.proof.c,
        inputs as [bigint, bigint, bigint, bigint, bigint, bigint, bigint],
      ] as const;
      expect(await verifier.verifyProof(...args)).to.equal(true);
      gas["bare verifyProof transaction (reference)"] = await verifier
        .connect(trainer)
        .verifyProof.estimateGas(...args);
    });
  });

  describe("base model and dataset registration", function () {
    it("registers a base model once, recording registrant, block and uri", async function () {
      await use(deployed);
      const tx = registry.connect(trainer).registerBaseModel(statement.baseRoot, "ipfs://base");
      await expect(tx)
        .to.emit(registry, "BaseModelRegistered")
        .withArgs(statement.baseRoot, trainer.address, "ipfs://base");
      const model = await registry.getBaseModel(statement.baseRoot);
      expect(model.registrant).to.equal(trainer.address);
      expect(model.uri).to.equal("ipfs://base");
      expect(model.registeredBlock).to.equal(BigInt(await ethers.provider.getBlockNumber()));
      expect(await registry.baseModelCount()).to.equal(1n);
      await expect(registry.connect(stranger).registerBaseModel(statement.baseRoot, "other"))
        .to.be.revertedWithCustomError(registry, "LoraLedger__BaseModelAlreadyRegistered")
        .withArgs(statement.baseRoot, trainer.address);
      expect((await registry.getBaseModel(12345n)).registrant).to.equal(ethers.ZeroAddress);
    });

    it("registers a dataset once, recording registrant, size, block and uri", async function () {
      await use(deployed);
      const tx = registry.connect(stranger).registerDataset(statement.datasetRoot, 16n, "ipfs://data");
      await expect(tx)
        .to.emit(registry, "DatasetRegistered")
        .withArgs(statement.datasetRoot, stranger.address, 16n, "ipfs://data");
      const dataset = await registry.getDataset(statement.datasetRoot);
      expect([dataset.registrant, dataset.size, dataset.uri]).to.deep.equal([stranger.address, 16n, "ipfs://data"]);
      expect(await registry.datasetCount()).to.equal(1n);
      await expect(registry.connect(trainer).registerDataset(statement.datasetRoot, 16n, ""))
        .to.be.revertedWithCustomError(registry, "LoraLedger__DatasetAlreadyRegistered")
        .withArgs(statement.datasetRoot, stranger.address);
    });

    it("rejects zero roots, roots >= the field modulus and empty datasets", async function () {
      await use(registered);
      for (const root of [0n, SNARK_SCALAR_FIELD, 2n ** 256n - 1n]) {
        await expect(registry.registerBaseModel(root, ""))
          .to.be.revertedWithCustomError(registry, "LoraLedger__InvalidRoot")
          .withArgs(root);
        await expect(registry.registerDataset(root, 1n, ""))
          .to.be.revertedWithCustomError(registry, "LoraLedger__InvalidRoot")
          .withArgs(root);
      }
      await expect(registry.registerDataset(777n, 0n, ""))
        .to.be.revertedWithCustomError(registry, "LoraLedger__InvalidDatasetSize")
        .withArgs(0n);
      expect([await registry.baseModelCount(), await registry.datasetCount()]).to.deep.equal([1n, 1n]);
    });
  });

  describe("verifier administration", function () {
    it("never replaces a registered circuit id", async function () {
      await use(deployed);
      await expect(registry.registerVerifier(CIRCUIT_ID, verifierAddress))
        .to.be.revertedWithCustomError(registry, "LoraLedger__VerifierAlreadyRegistered")
        .withArgs(CIRCUIT_ID, verifierAddress);
    });

    it("rejects a zero id, a zero address and an address without code", async function () {
      await use(deployed);
      await expect(registry.registerVerifier(ethers.ZeroHash, verifierAddress))
        .to.be.revertedWithCustomError(registry, "LoraLedger__InvalidCircuitId")
        .withArgs(ethers.ZeroHash);
      await expect(registry.registerVerifier(circuitIdOf("x"), ethers.ZeroAddress)).to.be.revertedWithCustomError(
        registry,
        "LoraLedger__ZeroAddress",
      );
      await expect(registry.registerVerifier(circuitIdOf("x"), stranger.address))
        .to.be.revertedWithCustomError(registry, "LoraLedger__VerifierNotAContract")
        .withArgs(stranger.address);
    });

    it("restricts verifier and pause administration to their roles", async function () {
      await use(deployed);
      const verifierRole = await registry.VERIFIER_ADMIN_ROLE();
      const pauserRole = await registry.PAUSER_ROLE();
      const asStranger = registry.connect(stranger);
      await expect(asStranger.registerVerifier(circuitIdOf("x"), verifierAddress))
        .to.be.revertedWithCustomError(registry, "AccessControlUnauthorizedAccount")
        .withArgs(stranger.address, verifierRole);
      await expect(asStranger.retireVerifier(CIRCUIT_ID))
        .to.be.revertedWithCustomError(registry, "AccessControlUnauthorizedAccount")
        .withArgs(stranger.address, verifierRole);
      await expect(asStranger.pause())
        .to.be.revertedWithCustomError(registry, "AccessControlUnauthorizedAccount")
        .withArgs(stranger.address, pauserRole);
      await expect(asStranger.unpause())
        .to.be.revertedWithCustomError(registry, "AccessControlUnauthorizedAccount")
        .withArgs(stranger.address, pauserRole);
      await expect(asStranger.grantRole(verifierRole, stranger.address))
        .to.be.revertedWithCustomError(registry, "AccessControlUnauthorizedAccount")
        .withArgs(stranger.address, await registry.DEFAULT_ADMIN_ROLE());
    });
  });

  describe("starting runs", function () {
    it("rejects an unregistered base model, dataset or circuit id, and commitments >= the field", async function () {
      await use(registered);
      const { baseRoot, datasetRoot, hparamsHash, initialAdapter } = statement;
      const asTrainer = registry.connect(trainer);
      await expect(asTrainer.startRun(baseRoot + 1n, datasetRoot, hparamsHash, CIRCUIT_ID, initialAdapter))
        .to.be.revertedWithCustomError(registry, "LoraLedger__UnknownBaseModel")
        .withArgs(baseRoot + 1n);
      await expect(asTrainer.startRun(baseRoot, datasetRoot + 1n, hparamsHash, CIRCUIT_ID, initialAdapter))
        .to.be.revertedWithCustomError(registry, "LoraLedger__UnknownDataset")
        .withArgs(datasetRoot + 1n);
      await expect(asTrainer.startRun(baseRoot, datasetRoot, hparamsHash, circuitIdOf("nope"), initialAdapter))
        .to.be.revertedWithCustomError(registry, "LoraLedger__UnknownVerifier")
        .withArgs(circuitIdOf("nope"));
      await expect(asTrainer.startRun(baseRoot, datasetRoot, SNARK_SCALAR_FIELD, CIRCUIT_ID, initialAdapter))
        .to.be.revertedWithCustomError(registry, "LoraLedger__NotAFieldElement")
        .withArgs(SNARK_SCALAR_FIELD);
      await expect(asTrainer.startRun(baseRoot, datasetRoot, hparamsHash, CIRCUIT_ID, SNARK_SCALAR_FIELD))
        .to.be.revertedWithCustomError(registry, "LoraLedger__NotAFieldElement")
        .withArgs(SNARK_SCALAR_FIELD);
      expect(await registry.runCount()).to.equal(0n);
    });

    it("starts run 1 owned by the caller and emits RunStarted", async function () {
      await use(registered);
      const { baseRoot, datasetRoot, hparamsHash, initialAdapter } = statement;
      const tx = registry.connect(trainer).startRun(baseRoot, datasetRoot, hparamsHash, CIRCUIT_ID, initialAdapter);
      await expect(tx)
        .to.emit(registry, "RunStarted")
        .withArgs(1n, baseRoot, datasetRoot, trainer.address, CIRCUIT_ID, hparamsHash, initialAdapter);
      runA = 1n;
      const run = await registry.getRun(runA);
      expect(run.trainer).to.equal(trainer.address);
      expect(run.nextStep).to.equal(0n);
      expect(run.circuitId).to.equal(CIRCUIT_ID);
      expect([run.baseRoot, run.datasetRoot, run.hparamsHash]).to.deep.equal([baseRoot, datasetRoot, hparamsHash]);
      expect([run.head, run.initialAdapter]).to.deep.equal([initialAdapter, initialAdapter]);
      expect(run.startBlock).to.equal(BigInt(await ethers.provider.getBlockNumber()));
      expect(await registry.runCount()).to.equal(1n);
      await expect(registry.getRun(2n)).to.be.revertedWithCustomError(registry, "LoraLedger__UnknownRun").withArgs(2n);
      await expect(registry.getRun(0n)).to.be.revertedWithCustomError(registry, "LoraLedger__UnknownRun").withArgs(0n);
    });

    it("lets only the trainer set provers", async function () {
      await use(started);
      await expect(registry.connect(stranger).setProver(runA, stranger.address, true))
        .to.be.revertedWithCustomError(registry, "LoraLedger__NotTrainer")
        .withArgs(runA, stranger.address);
      await expect(registry.connect(trainer).setProver(99n, prover.address, true))
        .to.be.revertedWithCustomError(registry, "LoraLedger__UnknownRun")
        .withArgs(99n);
      await expect(registry.connect(trainer).setProver(runA, ethers.ZeroAddress, true)).to.be.revertedWithCustomError(
        registry,
        "LoraLedger__ZeroAddress",
      );
      for (const account of [prover, otherProver]) {
        await expect(registry.connect(trainer).setProver(runA, account.address, true))
          .to.emit(registry, "ProverSet")
          .withArgs(runA, account.address, true);
      }
      expect(await registry.isProver(runA, prover.address)).to.equal(true);
      expect(await registry.isProver(runA, trainer.address)).to.equal(false);
      expect(await registry.canSubmit(runA, trainer.address)).to.equal(true);
      expect(await registry.canSubmit(runA, prover.address)).to.equal(true);
      expect(await registry.canSubmit(runA, stranger.address)).to.equal(false);
      expect(await registry.canSubmit(99n, trainer.address)).to.equal(false);
    });
  });

  describe("step 0 of run A: rejected submissions leave the run untouched", function () {
    afterEach(async function () {
      const run = await registry.getRun(runA);
      expect([run.nextStep, run.head]).to.deep.equal([0n, statement.initialAdapter]);
    });

    it("rejects a proof with a changed coordinate", async function () {
      await use(withProvers);
      const step0 = at(0);
      const asTrainer = registry.connect(trainer);
      for (const proof of [
        tamper(step0.proof, (p) => (p.c[0] += 1n)),
        tamper(step0.proof, (p) => (p.b[1][0] += 1n)),
        // valid curve points, wrong proof: A of another proof
        tamper(step0.proof, (p) => (p.a = [...at(1).proof.a])),
      ]) {
        await expect(asTrainer.submitStep(runA, step0.adapterAfter, proof))
          .to.be.revertedWithCustomError(registry, "LoraLedger__InvalidStepProof")
          .withArgs(runA, 0n);
      }
    });

    it("rejects a valid proof with a different adapterAfter than proven", async function () {
      await use(withProvers);
      const step0 = at(0);
      for (const claimed of [step0.adapterAfter + 1n, at(1).adapterAfter, 0n]) {
        await expect(registry.connect(trainer).submitStep(runA, claimed, step0.proof))
          .to.be.revertedWithCustomError(registry, "LoraLedger__InvalidStepProof")
          .withArgs(runA, 0n);
      }
    });

    it("rejects adapterAfter at and above the field modulus before verifying", async function () {
      await use(withProvers);
      for (const claimed of [SNARK_SCALAR_FIELD, SNARK_SCALAR_FIELD + at(0).adapterAfter, 2n ** 256n - 1n]) {
        await expect(registry.connect(trainer).submitStep(runA, claimed, at(0).proof))
          .to.be.revertedWithCustomError(registry, "LoraLedger__AdapterNotAFieldElement")
          .withArgs(runA, 0n, claimed);
      }
    });

    it("rejects a proof made for another submitter (front-running by an authorized prover)", async function () {
      await use(withProvers);
      await expect(registry.connect(otherProver).submitStep(runA, at(0).adapterAfter, at(0).proof))
        .to.be.revertedWithCustomError(registry, "LoraLedger__InvalidStepProof")
        .withArgs(runA, 0n);
    });

    it("rejects a submitter who is neither trainer nor authorized prover, and unknown runs", async function () {
      await use(withProvers);
      await expect(registry.connect(stranger).submitStep(runA, at(0).adapterAfter, at(0).proof))
        .to.be.revertedWithCustomError(registry, "LoraLedger__UnauthorizedSubmitter")
        .withArgs(runA, stranger.address);
      await expect(registry.connect(trainer).submitStep(99n, at(0).adapterAfter, at(0).proof))
        .to.be.revertedWithCustomError(registry, "LoraLedger__UnknownRun")
        .withArgs(99n);
      await expect(registry.connect(trainer).submitSteps(runA, []))
        .to.be.revertedWithCustomError(registry, "LoraLedger__EmptyBatch")
        .withArgs(runA);
    });

    it("reports no provenance and no verified step yet", async function () {
      await use(withProvers);
      expect(await registry.provenanceOf(at(0).adapterAfter)).to.deep.equal([false, 0n, 0n, 0n, 0n]);
      await expect(registry.adapterAfterStep(runA, 0n))
        .to.be.revertedWithCustomError(registry, "LoraLedger__StepNotVerified")
        .withArgs(runA, 0n);
    });
  });

  describe("verified steps of run A", function () {
    it("accepts step 0 from the trainer: event, head, nextStep, adapterAfterStep, provenance", async function () {
      await use(withProvers);
      const step0 = at(0);
      const tx = registry.connect(trainer).submitStep(runA, step0.adapterAfter, step0.proof);
      await expect(tx)
        .to.emit(registry, "StepVerified")
        .withArgs(runA, 0n, step0.adapterAfter, statement.initialAdapter, trainer.address);
      gas["single step (trainer, step 0)"] = await gasOf(tx);
      const run = await registry.getRun(runA);
      expect([run.nextStep, run.head, run.initialAdapter]).to.deep.equal([
        1n,
        step0.adapterAfter,
        statement.initialAdapter,
      ]);
      expect(await registry.adapterAfterStep(runA, 0n)).to.equal(step0.adapterAfter);
      const provenance = await registry.provenanceOf(step0.adapterAfter);
      expect(provenance.verified).to.equal(true);
      expect([provenance.runId, provenance.step, provenance.baseRoot, provenance.datasetRoot]).to.deep.equal([
        runA,
        0n,
        statement.baseRoot,
        statement.datasetRoot,
      ]);
      // The initial adapter was not produced by a verified step.
      expect((await registry.provenanceOf(statement.initialAdapter)).verified).to.equal(false);
    });

    it("rejects a replay of the accepted proof", async function () {
      await use(oneStep);
      await expect(registry.connect(trainer).submitStep(runA, at(0).adapterAfter, at(0).proof))
        .to.be.revertedWithCustomError(registry, "LoraLedger__InvalidStepProof")
        .withArgs(runA, 1n);
    });

    it("rejects a valid proof for another step index", async function () {
      await use(oneStep);
      expect(wrongStep.adapterBefore).to.equal(at(0).adapterAfter);
      await expect(registry.connect(trainer).submitStep(runA, wrongStep.adapterAfter, wrongStep.proof))
        .to.be.revertedWithCustomError(registry, "LoraLedger__InvalidStepProof")
        .withArgs(runA, 1n);
    });

    it("rejects a valid proof from another adapterBefore than the run's head", async function () {
      await use(oneStep);
      expect(wrongBefore.adapterBefore).to.equal(statement.initialAdapter);
      await expect(registry.connect(trainer).submitStep(runA, wrongBefore.adapterAfter, wrongBefore.proof))
        .to.be.revertedWithCustomError(registry, "LoraLedger__InvalidStepProof")
        .withArgs(runA, 1n);
    });

    it("rejects a proof for another run (other dataset)", async function () {
      await use(oneStep);
      // Run B differs from run A only in its dataset: run A's step-0 proof is not a proof for it.
      await (await registry.connect(stranger).registerDataset(otherDataset, 16n, "ipfs://reversed")).wait();
      const runB = await startRun(CIRCUIT_ID, otherDataset);
      await expect(registry.connect(trainer).submitStep(runB, at(0).adapterAfter, at(0).proof))
        .to.be.revertedWithCustomError(registry, "LoraLedger__InvalidStepProof")
        .withArgs(runB, 0n);
      expect((await registry.getRun(runB)).nextStep).to.equal(0n);
    });

    it("accepts step 1 from an authorized prover (its own proof)", async function () {
      await use(oneStep);
      const step1 = at(1);
      expect(step1.submitter).to.equal(prover.address);
      const tx = registry.connect(prover).submitStep(runA, step1.adapterAfter, step1.proof);
      await expect(tx)
        .to.emit(registry, "StepVerified")
        .withArgs(runA, 1n, step1.adapterAfter, at(0).adapterAfter, prover.address);
      gas["single step (authorized prover, step 1)"] = await gasOf(tx);
      expect((await registry.getRun(runA)).nextStep).to.equal(2n);
    });

    it("stops accepting a prover's proofs once deauthorized", async function () {
      await use(twoSteps);
      await expect(registry.connect(trainer).setProver(runA, otherProver.address, false))
        .to.emit(registry, "ProverSet")
        .withArgs(runA, otherProver.address, false);
      expect(await registry.isProver(runA, otherProver.address)).to.equal(false);
      await expect(registry.connect(otherProver).submitStep(runA, at(2).adapterAfter, at(2).proof))
        .to.be.revertedWithCustomError(registry, "LoraLedger__UnauthorizedSubmitter")
        .withArgs(runA, otherProver.address);
    });
  });

  describe("batched submission", function () {
    it("accepts steps 2 and 3 in one transaction", async function () {
      await use(twoSteps);
      const batch = [at(2), at(3)];
      const tx = registry.connect(trainer).submitSteps(
        runA,
        batch.map((s) => ({ adapterAfter: s.adapterAfter, proof: s.proof })),
      );
      await expect(tx)
        .to.emit(registry, "StepVerified")
        .withArgs(runA, 2n, at(2).adapterAfter, at(1).adapterAfter, trainer.address);
      await expect(tx)
        .to.emit(registry, "StepVerified")
        .withArgs(runA, 3n, at(3).adapterAfter, at(2).adapterAfter, trainer.address);
      const used = await gasOf(tx);
      gas["batch of 2: total"] = used;
      gas["batch of 2: per step"] = used / 2n;
      const run = await registry.getRun(runA);
      expect([run.nextStep, run.head]).to.deep.equal([4n, at(3).adapterAfter]);
      expect(await registry.adapterAfterStep(runA, 2n)).to.equal(at(2).adapterAfter);
      expect(await registry.adapterAfterStep(runA, 3n)).to.equal(at(3).adapterAfter);
    });

    it("accepts steps 4 to 7 in one transaction", async function () {
      await use(fourSteps);
      const batch = [at(4), at(5), at(6), at(7)];
      const tx = registry.connect(trainer).submitSteps(
        runA,
        batch.map((s) => ({ adapterAfter: s.adapterAfter, proof: s.proof })),
      );
      const used = await gasOf(tx);
      gas["batch of 4: total"] = used;
      gas["batch of 4: per step"] = used / 4n;
      const run = await registry.getRun(runA);
      expect([run.nextStep, run.head]).to.deep.equal([8n, at(7).adapterAfter]);
      for (const s of batch) {
        const provenance = await registry.provenanceOf(s.adapterAfter);
        expect([provenance.verified, provenance.runId, provenance.step]).to.deep.equal([true, runA, s.step]);
      }
    });

    it("rejects a whole batch when one step is invalid (all or nothing)", async function () {
      await use(eightSteps);
      const batch = [at(8), at(0)].map((s) => ({ adapterAfter: s.adapterAfter, proof: s.proof }));
      await expect(registry.connect(trainer).submitSteps(runA, batch))
        .to.be.revertedWithCustomError(registry, "LoraLedger__InvalidStepProof")
        .withArgs(runA, 9n);
      expect((await registry.getRun(runA)).nextStep).to.equal(8n);
      expect((await registry.provenanceOf(at(8).adapterAfter)).verified).to.equal(false);
    });
  });

  describe("provenance: the first verified producer wins", function () {
    it("keeps run A's provenance when an identical run C re-proves the same step", async function () {
      await use(oneStep);
      // Run C has run A's statement (same base, dataset, hyperparameters, initial adapter): run A's
      // step-0 proof is a valid proof for it too, as the training is deterministic.
      const runC = await startRun();
      await (await registry.connect(trainer).submitStep(runC, at(0).adapterAfter, at(0).proof)).wait();
      expect(await registry.adapterAfterStep(runC, 0n)).to.equal(at(0).adapterAfter);
      const provenance = await registry.provenanceOf(at(0).adapterAfter);
      expect([provenance.runId, provenance.step]).to.deep.equal([runA, 0n]);
      expect(await registry.runCount()).to.equal(runC);
    });
  });

  describe("pause", function () {
    it("blocks startRun and step submission while paused; views keep working", async function () {
      await use(eightSteps);
      await expect(registry.connect(admin).pause()).to.emit(registry, "Paused").withArgs(admin.address);
      const { baseRoot, datasetRoot, hparamsHash, initialAdapter } = statement;
      await expect(
        registry.connect(trainer).startRun(baseRoot, datasetRoot, hparamsHash, CIRCUIT_ID, initialAdapter),
      ).to.be.revertedWithCustomError(registry, "EnforcedPause");
      await expect(
        registry.connect(trainer).submitStep(runA, at(8).adapterAfter, at(8).proof),
      ).to.be.revertedWithCustomError(registry, "EnforcedPause");
      await expect(
        registry.connect(trainer).submitSteps(runA, [{ adapterAfter: at(8).adapterAfter, proof: at(8).proof }]),
      ).to.be.revertedWithCustomError(registry, "EnforcedPause");
      expect((await registry.getRun(runA)).nextStep).to.equal(8n);
      expect((await registry.provenanceOf(at(7).adapterAfter)).verified).to.equal(true);
    });

    it("accepts steps again after unpause", async function () {
      await use(paused);
      await expect(registry.connect(admin).unpause()).to.emit(registry, "Unpaused").withArgs(admin.address);
      const tx = registry.connect(trainer).submitStep(runA, at(8).adapterAfter, at(8).proof);
      await expect(tx)
        .to.emit(registry, "StepVerified")
        .withArgs(runA, 8n, at(8).adapterAfter, at(7).adapterAfter, trainer.address);
      gas["single step (trainer, step 8)"] = await gasOf(tx);
      expect((await registry.getRun(runA)).nextStep).to.equal(9n);
    });
  });

  describe("retired verifier", function () {
    it("accepts no new runs and no new steps once retired, and its id is never re-registered", async function () {
      await use(registered);
      await expect(registry.connect(admin).registerVerifier(RETIRED_ID, verifierAddress))
        .to.emit(registry, "VerifierRegistered")
        .withArgs(RETIRED_ID, verifierAddress);
      const runD = await startRun(RETIRED_ID);
      await expect(registry.connect(admin).retireVerifier(RETIRED_ID))
        .to.emit(registry, "VerifierRetired")
        .withArgs(RETIRED_ID, verifierAddress);
      expect((await registry.verifierOf(RETIRED_ID)).retired).to.equal(true);

      // run D's step 0 would be valid (same statement as run A's step 0)
      await expect(registry.connect(trainer).submitStep(runD, at(0).adapterAfter, at(0).proof))
        .to.be.revertedWithCustomError(registry, "LoraLedger__RetiredVerifier")
        .withArgs(RETIRED_ID, verifierAddress);
      const { baseRoot, datasetRoot, hparamsHash, initialAdapter } = statement;
      await expect(registry.connect(trainer).startRun(baseRoot, datasetRoot, hparamsHash, RETIRED_ID, initialAdapter))
        .to.be.revertedWithCustomError(registry, "LoraLedger__RetiredVerifier")
        .withArgs(RETIRED_ID, verifierAddress);
      await expect(registry.connect(admin).retireVerifier(RETIRED_ID))
        .to.be.revertedWithCustomError(registry, "LoraLedger__RetiredVerifier")
        .withArgs(RETIRED_ID, verifierAddress);
      await expect(registry.connect(admin).retireVerifier(circuitIdOf("never")))
        .to.be.revertedWithCustomError(registry, "LoraLedger__UnknownVerifier")
        .withArgs(circuitIdOf("never"));
      await expect(registry.connect(admin).registerVerifier(RETIRED_ID, verifierAddress))
        .to.be.revertedWithCustomError(registry, "LoraLedger__VerifierAlreadyRegistered")
        .withArgs(RETIRED_ID, verifierAddress);
    });
  });

  describe("counts and views after the scenario", function () {
    it("counts runs, base models and datasets; every step of run A is recorded", async function () {
      await use(scenario);
      expect([await registry.runCount(), await registry.baseModelCount(), await registry.datasetCount()]).to.deep.equal(
        [4n, 1n, 2n],
      );
      for (const s of chain) expect(await registry.adapterAfterStep(runA, s.step)).to.equal(s.adapterAfter);
      await expect(registry.adapterAfterStep(runA, 9n))
        .to.be.revertedWithCustomError(registry, "LoraLedger__StepNotVerified")
        .withArgs(runA, 9n);
      await expect(registry.adapterAfterStep(99n, 0n))
        .to.be.revertedWithCustomError(registry, "LoraLedger__UnknownRun")
        .withArgs(99n);
      const events = await registry.queryFilter(registry.filters.StepVerified(runA));
      expect(events.map((event) => event.args.step)).to.deep.equal(chain.map((s) => s.step));
      const byAdapter = await registry.queryFilter(
        registry.filters.StepVerified(undefined, undefined, at(0).adapterAfter),
      );
      expect(byAdapter.map((event) => event.args.runId)).to.deep.equal([runA, 3n]);
    });
  });
});
