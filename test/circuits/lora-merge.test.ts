// The LoraMerge circuit on its test instance: the merged weights of the reference are accepted, a
// proof verifies, and a commitment to anything else is rejected.
import { expect } from "chai";
import {
  FIELD_MODULUS,
  makeMerge,
  makeStep,
  mergedRoot,
  mergePublicSignals,
  toField,
  syntheticTask,
} from "../../src/protocol/index.js";
import {
  defaultInstance,
  instanceArtifacts,
  mergeInstanceFor,
  proveWithInstance,
  releaseProverThreads,
  verifyWithInstance,
} from "../../src/node/index.js";
import { calculateWitness, firstBrokenConstraint, loadR1cs } from "../helpers/circuit.js";
import { WitnessTester } from "../helpers/witnessTester.js";

const stepInstance = defaultInstance();
const mergeInstance = mergeInstanceFor(stepInstance);
const shape = stepInstance.params;

describe("LoraMerge circuit", function () {
  if (mergeInstance === undefined)
    throw new Error(`circuits/instances.json has no LoraMerge instance for ${stepInstance.name}`);
  const artifacts = instanceArtifacts(mergeInstance.name);
  const task = syntheticTask(shape, { seed: 11, datasetSize: 9 });
  // Two steps, so that both A and B differ from their initial values (B starts at zero).
  const first = makeStep({ ...task, step: 0n, submitter: 1n });
  const second = makeStep({ ...task, a: first.witness.aNext, b: first.witness.bNext, step: 1n, submitter: 1n });
  const params = { ...task, a: second.witness.aNext, b: second.witness.bNext, datasetSize: 9n };
  const made = makeMerge(params);

  after(releaseProverThreads);

  it("has exactly 2,858 constraints (--O2, pinned)", function () {
    if (mergeInstance.name !== "lora_merge_8x8_r2_b2_d4") this.skip();
    WitnessTester.instance(mergeInstance.name).expectConstraintCount(2858);
  });

  it("accepts the exact merged weights of a trained adapter and satisfies every constraint", async function () {
    const witness = await calculateWitness(artifacts.wasm, made.circuitInput);
    expect(firstBrokenConstraint(loadR1cs(artifacts.r1cs), witness)).to.equal(-1);
    expect(witness.slice(1, 5)).to.deep.equal(mergePublicSignals(made.statement).map(toField));
    expect(made.statement.adapter).to.equal(second.statement.adapterAfter);
  });

  it("proves and verifies with the development key, and the proof is bound to the merged root", async function () {
    const proven = await proveWithInstance(mergeInstance.name, made.circuitInput);
    expect(await verifyWithInstance(mergeInstance.name, proven.publicSignals, proven.proof)).to.equal(true);
    const signals = [...proven.publicSignals];
    signals[3] = ((BigInt(signals[3] ?? "0") + 1n) % FIELD_MODULUS).toString();
    expect(await verifyWithInstance(mergeInstance.name, signals, proven.proof)).to.equal(false);
  });

  const rejects = async (input: Record<string, unknown>): Promise<void> => {
    let error: unknown;
    try {
      await calculateWitness(artifacts.wasm, input);
    } catch (caught) {
      error = caught;
    }
    expect(String(error)).to.match(/Assert Failed/);
  };

  it("rejects a merged root of weights off by one unit in one entry", async function () {
    const merged = made.merged.map((row, i) => row.map((value, l) => (i === 3 && l === 5 ? value + 1n : value)));
    await rejects({ ...made.circuitInput, mergedRoot: mergedRoot(shape, merged).toString() });
  });

  it("rejects the merged root of another adapter (the initial one)", async function () {
    const other = makeMerge({ ...params, a: task.a, b: task.b });
    await rejects({ ...made.circuitInput, mergedRoot: other.statement.mergedRoot.toString() });
  });

  it("rejects another alpha than the hyperparameters commit to", async function () {
    await rejects({ ...made.circuitInput, alpha: (params.alpha + 1n).toString() });
  });

  it("rejects base weights that are not the committed base model", async function () {
    const w0 = made.circuitInput.w0 as string[][];
    await rejects({
      ...made.circuitInput,
      w0: w0.map((row, i) =>
        row.map((value, l) => (i === 0 && l === 0 ? String((BigInt(value) + 1n) % FIELD_MODULUS) : value)),
      ),
    });
  });

  it("rejects an all-ones fake witness", function () {
    const r1cs = loadR1cs(artifacts.r1cs);
    expect(firstBrokenConstraint(r1cs, new Array<bigint>(r1cs.wireCount).fill(1n))).to.not.equal(-1);
  });
});
