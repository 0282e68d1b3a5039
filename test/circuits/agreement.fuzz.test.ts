// [fuzz] The TypeScript reference and the circuit agree bit for bit, on random shapes and values: the
// circuit accepts exactly the reference's next adapter, and rejects it when any one entry is off by one.
import { expect } from "chai";
import fc from "fast-check";
import { LORA_STEP_PARAM_ORDER, STEP_PUBLIC_INPUTS, adapterCommitment, buildCircuitInput, EntryRangeError, makeStep, publicSignals, toField, type StepShape } from "../../src/protocol/index.js";

import { calculateWitness, compileHarness, firstBrokenConstraint } from "../helpers/circuit.js";
import { matrixOf, signedInt, smallShape } from "../unit/arbitraries.js";

const RUNS = Number(process.env.FUZZ_RUNS ?? 12);

const stepCaseWithDataset = smallShape.chain((shape: StepShape) =>
  fc.record({
    shape: fc.constant(shape),
    w0: matrixOf(shape.dOut, shape.dIn, signedInt(shape.wBits)),
    a: matrixOf(shape.rank, shape.dIn, signedInt(shape.aBits)),
    b: matrixOf(shape.dOut, shape.rank, signedInt(shape.aBits)),
    alpha: fc.bigInt({ min: 0n, max: 8n }),
    lr: fc.bigInt({ min: 0n, max: 8n }),
    dataset: fc.array(
      fc.record({ x: fc.array(signedInt(shape.xBits), { minLength: shape.dIn, maxLength: shape.dIn }), t: fc.array(signedInt(shape.xBits), { minLength: shape.dOut, maxLength: shape.dOut }) }),
      { minLength: 1, maxLength: 2 ** shape.depth },
    ),
    step: fc.bigInt({ min: 0n, max: (1n << 32n) - 1n }),
    submitter: fc.bigInt({ min: 0n, max: (1n << 160n) - 1n }),
    flip: fc.record({ inA: fc.boolean(), row: fc.nat(), column: fc.nat(), delta: fc.constantFrom(1n, -1n) }),
  }),
);

describe("[fuzz] reference and circuit agree on random shapes and values", function () {
  it(`holds for ${RUNS} random steps`, async function () {
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(stepCaseWithDataset, async (c) => {
        let made: ReturnType<typeof makeStep>;
        try {
          made = makeStep(c);
        } catch (error) {
          // A step that leaves the adapter range is not a valid step; the reference says so.
          fc.pre(!(error instanceof EntryRangeError));
          throw error;
        }
        const harness = await compileHarness(
          "circuits/lora_step.circom",
          "LoraStep",
          LORA_STEP_PARAM_ORDER.map((key) => c.shape[key]),
          STEP_PUBLIC_INPUTS,
        );
        const witness = await calculateWitness(harness.wasm, made.circuitInput);
        expect(firstBrokenConstraint(harness.r1cs, witness)).to.equal(-1);
        expect(witness.slice(1, 8)).to.deep.equal(publicSignals(made.statement).map(toField));
        accepted++;

        // Off by one in one entry (commitment recomputed): the circuit must refuse it.
        const target = c.flip.inA ? made.witness.aNext : made.witness.bNext;
        const row = c.flip.row % target.length;
        const column = c.flip.column % (target[0]?.length ?? 1);
        const shifted = target.map((entries, i) => entries.map((v, j) => (i === row && j === column ? v + c.flip.delta : v)));
        const aNext = c.flip.inA ? shifted : made.witness.aNext;
        const bNext = c.flip.inA ? made.witness.bNext : shifted;
        let rejected = false;
        try {
          const input = buildCircuitInput(
            c.shape,
            { ...made.statement, adapterAfter: adapterCommitment(aNext, bNext, c.shape) },
            { ...made.witness, aNext, bNext },
          );
          await calculateWitness(harness.wasm, input);
        } catch {
          rejected = true; // by the circuit, or before it when the shifted entry leaves the range
        }
        expect(rejected, "an adapter one unit away from the reference step must be rejected").to.equal(true);
      }),
      { numRuns: RUNS, endOnFailure: true },
    );
    expect(accepted, "most random steps should be valid steps").to.be.greaterThan(RUNS / 2);
  });
});
