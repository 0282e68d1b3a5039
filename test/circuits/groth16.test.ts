// A real Groth16 proof with the test instance's wasm and development zkey, verified with its key; a
// proof does not carry over to any other statement, the submitter's address included.
import { expect } from "chai";
import { FIELD_MODULUS, makeStep, publicSignals, syntheticTask } from "../../src/protocol/index.js";
import {
  defaultInstance,
  proveWithInstance,
  releaseProverThreads,
  verifyWithInstance,
  type ProofResult,
} from "../../src/node/index.js";

const instance = defaultInstance();

describe(`Groth16 proof of a training step (${instance.name})`, function () {
  let proven: ProofResult;
  let expectedSignals: string[];

  before(async function () {
    const task = syntheticTask(instance.params, { seed: 3 });
    const made = makeStep({ ...task, step: 0n, submitter: 0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266n });
    expectedSignals = publicSignals(made.statement).map(String);
    proven = await proveWithInstance(instance.name, made.circuitInput);
  });

  after(releaseProverThreads);

  it("proves, and the public signals are the statement's in PROTOCOL order", async function () {
    expect(proven.publicSignals).to.deep.equal(expectedSignals);
    expect(await verifyWithInstance(instance.name, proven.publicSignals, proven.proof)).to.equal(true);
  });

  const changes: [string, number][] = [
    ["another submitter (a proof copied from the mempool)", 6],
    ["another step index", 5],
    ["another adapter after", 4],
    ["another adapter before", 3],
    ["other hyperparameters", 2],
    ["another dataset", 1],
    ["another base model", 0],
  ];
  for (const [what, index] of changes) {
    it(`does not verify for ${what}`, async function () {
      const signals = [...proven.publicSignals];
      signals[index] = (BigInt(signals[index] ?? "0") + 1n).toString();
      expect(await verifyWithInstance(instance.name, signals, proven.proof)).to.equal(false);
    });
  }

  it("does not verify a tampered proof", async function () {
    const proof = { ...proven.proof, pi_a: [...proven.proof.pi_a] };
    proof.pi_a[0] = (BigInt(proof.pi_a[0] ?? "0") + 1n).toString();
    let verified: boolean;
    try {
      verified = await verifyWithInstance(instance.name, proven.publicSignals, proof);
    } catch {
      verified = false; // a point off the curve may also throw
    }
    expect(verified).to.equal(false);
  });

  it("does not verify a public signal given as itself + p (a non-canonical field element)", async function () {
    const signals = [...proven.publicSignals];
    signals[6] = (BigInt(signals[6] ?? "0") + FIELD_MODULUS).toString();
    expect(await verifyWithInstance(instance.name, signals, proven.proof)).to.equal(false);
  });
});
