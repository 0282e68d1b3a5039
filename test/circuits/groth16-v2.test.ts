// Protocol version 2 with real Groth16 proofs on the built 8x8 instances (development keys): the base
// projection, the run's canonical start, a checkpoint of k = 2 steps and the merge, each proven with its
// instance's wasm and zkey and verified with its key; each statement's public signals are the
// reference's, in the order of circuits/instances.json, and a changed public signal does not verify.
import { expect } from "chai";
import {
  orderedPublicSignals,
  adapterCommitment,
  buildCheckpointCircuitInput,
  canonicalInit,
  checkpointPublicSignals,
  decimalRecord,
  makeRunCheckpoint,
  mergeBlockInput,
  mergeInBlocks,
  projectionBlockInput,
  runStartStatement,
  syntheticTask,
  type CheckpointShape,
  setUpRun,
} from "../../src/protocol/index.js";
import {
  defaultInstance,
  proveWithInstance,
  releaseProverThreads,
  verifyWithInstance,
  type ProofResult,
} from "../../src/node/index.js";
import { WitnessTester } from "../helpers/witnessTester.js";

const SUBMITTER = 0x3c44cdddb6a900fa2b585dd299e03d12fa4293bcn;

const checkpointInstance = defaultInstance("LoraCheckpoint");
const shape = checkpointInstance.params as CheckpointShape;
const instances = {
  projection: defaultInstance("BaseProjectionBlock"),
  start: defaultInstance("LoraRunStart"),
  checkpoint: checkpointInstance,
  merge: defaultInstance("LoraMergeBlock"),
};

/** One run of version 2 from scratch: the reference's statements and circuit inputs of every proof. */
function run() {
  const task = syntheticTask(shape, { seed: 11, datasetSize: 9 });
  const run = setUpRun({ ...task, shape });
  const { base, commitment, projection, config } = run;
  const seed = 20261201n;
  const start = canonicalInit(seed, shape);
  const startStatement = runStartStatement(config, { seed, adapterStart: adapterCommitment(start.a, start.b, shape) });
  const checkpoint = makeRunCheckpoint(run, { shape, adapter: start, firstStep: 0n, submitter: SUBMITTER });
  const head = checkpoint.witness.adapters[shape.steps];
  if (head === undefined) throw new Error("no adapter after the checkpoint");
  const merged = mergeInBlocks(shape, task.w0, head.a, head.b, task.alpha);
  return {
    projectionBlock: projectionBlockInput(task.w0, base, projection, commitment.datasetRoot, 0),
    start: { statement: startStatement, circuitInput: decimalRecord(startStatement) },
    checkpoint: {
      statement: checkpoint.statement,
      circuitInput: buildCheckpointCircuitInput(checkpoint.statement, checkpoint.witness),
    },
    mergeBlock: mergeBlockInput(shape, { w0: task.w0, a: head.a, b: head.b, alpha: task.alpha, base, merged }, 0),
    projection,
    merged,
  };
}

describe("protocol v2: Groth16 proofs of a whole run on the built 8x8 instances", function () {
  const made = run();
  const proofs = {
    projection: {
      instance: instances.projection,
      expected: orderedPublicSignals("BaseProjectionBlock", made.projectionBlock.statement),
      input: made.projectionBlock.circuitInput,
    },
    start: {
      instance: instances.start,
      expected: orderedPublicSignals("LoraRunStart", made.start.statement),
      input: made.start.circuitInput,
    },
    checkpoint: {
      instance: instances.checkpoint,
      expected: checkpointPublicSignals(made.checkpoint.statement),
      input: made.checkpoint.circuitInput,
    },
    merge: {
      instance: instances.merge,
      expected: orderedPublicSignals("LoraMergeBlock", made.mergeBlock.statement),
      input: made.mergeBlock.circuitInput,
    },
  };

  after(releaseProverThreads);

  it("the single block's link ends the projection, and the merge's link is the merged model", function () {
    expect(made.projectionBlock.statement.accOut).to.equal(made.projection.id);
    expect(made.mergeBlock.statement.accOut).to.equal(made.merged.root);
  });

  it("pins each instance's constraint count", function () {
    const counts = Object.fromEntries(
      Object.values(instances).map((instance) => [
        instance.name,
        WitnessTester.instance(instance.name).constraintCount,
      ]),
    );
    expect(counts).to.deep.equal({
      [instances.projection.name]: PINNED.projection,
      [instances.start.name]: PINNED.start,
      [instances.checkpoint.name]: PINNED.checkpoint,
      [instances.merge.name]: PINNED.merge,
    });
  });

  for (const [what, proof] of Object.entries(proofs)) {
    describe(`${what} (${proof.instance.name})`, function () {
      let proven: ProofResult;
      before(async function () {
        proven = await proveWithInstance(proof.instance.name, proof.input);
      });

      it("proves, with the reference's public signals in the template's order, and verifies", async function () {
        expect(proven.publicSignals).to.deep.equal(proof.expected.map(String));
        expect(await verifyWithInstance(proof.instance.name, proven.publicSignals, proven.proof)).to.equal(true);
      });

      it("does not verify with any one public signal changed", async function () {
        for (let index = 0; index < proven.publicSignals.length; index++) {
          const signals = [...proven.publicSignals];
          signals[index] = (BigInt(signals[index] ?? "0") + 1n).toString();
          expect(
            await verifyWithInstance(proof.instance.name, signals, proven.proof),
            `signal ${index} changed`,
          ).to.equal(false);
        }
      });
    });
  }
});

/** The constraint counts of the built v2 test instances (--O2), pinned: a change to a circuit shows here. */
const PINNED = { projection: 2295, start: 2753, checkpoint: 15230, merge: 3109 };
