// The FullStep circuit (the full fine-tuning baseline, PROTOCOL §10) at 8x8, batch 2, depth 4: an honest
// step satisfies every constraint, each family of constraints rejects an input that breaks it, and on
// random small shapes the circuit accepts exactly what the TypeScript reference computes.
import { expect } from "chai";
import fc from "fast-check";
import {
  FIELD_MODULUS,
  TEMPLATES,
  StepRangeError,
  commitDataset,
  signedBounds,
  toField,
  type Example,
  FULL_STEP_PARAM_ORDER,
  FULL_STEP_PUBLIC_INPUTS,
  buildFullCircuitInput,
  fullPublicSignals,
  fullStep,
  fullUpdateDivisor,
  makeFullStep,
  weightsCommitment,
  type FullShape,
  type FullStepStatement,
  type FullStepWitness,
  type MadeFullStep,
  syntheticTask,
} from "../../src/protocol/index.js";
import { calculateWitness, compileHarness, firstBrokenConstraint, type CompiledHarness } from "../helpers/circuit.js";
import { matrixOf, signedInt } from "../unit/arbitraries.js";

const TEMPLATE_FILE = TEMPLATES.FullStep.file;
const SUBMITTER = 0x70997970c51812dc3a010c7d01b50e0d17dc79c8n;
const shape: FullShape = { dIn: 8, dOut: 8, batch: 2, depth: 4, F: 8, xBits: 16, wBits: 16 };

type Input = Record<string, unknown>;

function compile(s: FullShape): Promise<CompiledHarness> {
  return compileHarness(
    TEMPLATE_FILE,
    "FullStep",
    FULL_STEP_PARAM_ORDER.map((key) => s[key]),
    FULL_STEP_PUBLIC_INPUTS,
  );
}

/** A task full fine-tuning can learn: syntheticTask's base layer, read at scale 2^F and wBits, as W. */
function fullTask(s: FullShape, seed: number, datasetSize: number): { w: bigint[][]; lr: bigint; dataset: Example[] } {
  const task = syntheticTask({ ...s, rank: 2, FW: s.F, aBits: s.wBits }, { seed, datasetSize });
  return { w: task.w0.map((row) => [...row]), lr: task.lr, dataset: task.dataset };
}

function withEntry(matrix: readonly (readonly bigint[])[], row: number, column: number, value: bigint): bigint[][] {
  return matrix.map((entries, i) => entries.map((entry, j) => (i === row && j === column ? value : entry)));
}

async function rejection(wasm: string, input: Input): Promise<string | undefined> {
  try {
    await calculateWitness(wasm, input);
    return undefined;
  } catch (error) {
    return String(error);
  }
}

async function expectRejected(wasm: string, input: Input, reason: string, template?: RegExp): Promise<void> {
  const error = await rejection(wasm, input);
  expect(error, `the circuit should reject: ${reason}`).to.be.a("string");
  expect(error).to.match(/Assert Failed/);
  if (template !== undefined) expect(error, `${reason} should fail in the right template`).to.match(template);
}

describe("FullStep circuit (full fine-tuning baseline, 8x8 b2 d4, wBits 16)", function () {
  let harness: CompiledHarness;
  let task: ReturnType<typeof fullTask>;
  let made: MadeFullStep;
  let statement: FullStepStatement;
  let witness: FullStepWitness;

  /** The honest step with some statement and witness fields replaced, commitments left as they were. */
  const tampered = (statementChanges: Partial<FullStepStatement>, witnessChanges: Partial<FullStepWitness>): Input =>
    buildFullCircuitInput(shape, { ...statement, ...statementChanges }, { ...witness, ...witnessChanges });

  before(async function () {
    harness = await compile(shape);
    task = fullTask(shape, 7, 13);
    made = makeFullStep({ shape, ...task, step: 5n, submitter: SUBMITTER });
    ({ statement, witness } = made);
  });

  it("the reference step is a gradient step: within one rounding of the real-valued update", function () {
    const scale = 2 ** shape.F;
    const real = (v: bigint): number => Number(v) / scale;
    const { examples } = witness;
    const n = shape.batch * shape.dOut;
    let changed = 0;
    for (let i = 0; i < shape.dOut; i++) {
      for (let l = 0; l < shape.dIn; l++) {
        // dL/dW[i][l] = 2/(n d_out) Σ_j (y_ji - t_ji) x_jl, with y = W x in reals.
        let gradient = 0;
        for (const { x, t } of examples) {
          const y = (task.w[i] ?? []).reduce((sum, wil, k) => sum + real(wil) * real(x[k] ?? 0n), 0);
          gradient += (2 / n) * (y - real(t[i] ?? 0n)) * real(x[l] ?? 0n);
        }
        const expected = real(task.w[i]?.[l] ?? 0n) - real(task.lr) * gradient;
        const got = real(witness.wNext[i]?.[l] ?? 0n);
        expect(Math.abs(got - expected), `wNext[${i}][${l}]`).to.be.at.most(0.5 / scale + 1e-9);
        if (witness.wNext[i]?.[l] !== task.w[i]?.[l]) changed++;
      }
    }
    expect(changed, "the step should move some weights").to.be.greaterThan(0);
    expect(fullUpdateDivisor(shape)).to.equal(16n << 24n);
  });

  it("accepts the reference step, satisfies every constraint, and exposes the public inputs in order", async function () {
    const values = await calculateWitness(harness.wasm, made.circuitInput);
    expect(firstBrokenConstraint(harness.r1cs, values)).to.equal(-1);
    // Wires 1..6 are the public inputs, in PROTOCOL §10 order.
    expect(values.slice(1, 7)).to.deep.equal(fullPublicSignals(statement).map(toField));
    expect(FULL_STEP_PUBLIC_INPUTS.map((name) => values[harness.symbols.get(`main.${name}`) ?? -1])).to.deep.equal(
      fullPublicSignals(statement).map(toField),
    );
  });

  it("accepts four consecutive reference steps, and the loss falls", async function () {
    let w = task.w;
    const losses: number[] = [];
    for (let step = 0n; step < 4n; step++) {
      const next = makeFullStep({ shape, ...task, w, step, submitter: SUBMITTER });
      const values = await calculateWitness(harness.wasm, next.circuitInput);
      expect(firstBrokenConstraint(harness.r1cs, values)).to.equal(-1);
      // The loss of the same batch after the step is lower than before it.
      const xs = next.witness.examples.map((e) => e.x);
      const ts = next.witness.examples.map((e) => e.t);
      losses.push(next.loss, fullStep({ shape, w: next.witness.wNext, lr: 0n, xs, ts }).loss);
      w = next.witness.wNext.map((row) => [...row]);
    }
    for (let k = 0; k < losses.length; k += 2) expect(losses[k + 1]).to.be.lessThan(losses[k] ?? 0);
  });

  it("rejects an all-ones fake witness", function () {
    expect(firstBrokenConstraint(harness.r1cs, new Array<bigint>(harness.r1cs.wireCount).fill(1n))).to.not.equal(-1);
  });

  it("rejects a public input changed after the witness was computed", async function () {
    const values = await calculateWitness(harness.wasm, made.circuitInput);
    values[4] = ((values[4] as bigint) + 1n) % FIELD_MODULUS; // weightsAfter
    expect(firstBrokenConstraint(harness.r1cs, values)).to.not.equal(-1);
  });

  describe("the update", function () {
    for (const [row, column] of [
      [0, 0],
      [3, 5],
      [7, 7],
    ] as const) {
      for (const delta of [1n, -1n]) {
        it(`rejects wNext[${row}][${column}] off by ${delta} (weightsAfter recomputed to match)`, async function () {
          const wNext = withEntry(witness.wNext, row, column, (witness.wNext[row]?.[column] ?? 0n) + delta);
          await expectRejected(
            harness.wasm,
            tampered({ weightsAfter: weightsCommitment(wNext, shape) }, { wNext }),
            `wNext[${row}][${column}] off by ${delta}`,
            /BelowConstant/,
          );
        });
      }
    }

    it("rejects weights after that equal the weights before (no step taken)", async function () {
      await expectRejected(
        harness.wasm,
        tampered({ weightsAfter: statement.weightsBefore }, { wNext: witness.w }),
        "wNext = w",
      );
    });

    it("rejects another learning rate (hparamsHash unchanged)", async function () {
      await expectRejected(harness.wasm, tampered({}, { lr: witness.lr + 1n }), "lr + 1");
    });
  });

  describe("dataset inclusion and batch selection", function () {
    it("rejects an example that is not in the dataset tree", async function () {
      const examples = witness.examples.map((example, j) =>
        j === 0 ? { x: [example.x[0] === 0n ? 1n : 0n, ...example.x.slice(1)], t: example.t } : example,
      );
      // The step is recomputed on the changed batch, so only the inclusion proof can fail.
      const honest = fullStep({
        shape,
        w: task.w,
        lr: task.lr,
        xs: examples.map((e) => e.x),
        ts: examples.map((e) => e.t),
      });
      await expectRejected(
        harness.wasm,
        tampered({ weightsAfter: weightsCommitment(honest.wNext, shape) }, { examples, wNext: honest.wNext }),
        "example 0 changed",
      );
    });

    it("rejects an example of the dataset taken from the wrong position, with its valid Merkle path", async function () {
      const committed = commitDataset(task.dataset, { ...shape, rank: 1, FW: 0, aBits: shape.wBits });
      const wrongPosition = 0; // step 5 with batch 2 reads positions 10 and 11
      expect(made.positions).to.deep.equal([10, 11]);
      const examples = [task.dataset[wrongPosition], ...witness.examples.slice(1)] as Example[];
      const siblings = [committed.tree.proof(wrongPosition).siblings, ...witness.siblings.slice(1)];
      const honest = fullStep({
        shape,
        w: task.w,
        lr: task.lr,
        xs: examples.map((e) => e.x),
        ts: examples.map((e) => e.t),
      });
      await expectRejected(
        harness.wasm,
        tampered({ weightsAfter: weightsCommitment(honest.wNext, shape) }, { examples, siblings, wNext: honest.wNext }),
        "example from position 0",
      );
    });

    it("rejects the honest witness under another step index", async function () {
      await expectRejected(harness.wasm, tampered({ step: statement.step + 1n }, {}), "step + 1");
    });
  });

  describe("ranges", function () {
    it("rejects a weight just outside 16 bits, and one at the field boundary, in the range check", async function () {
      const { min, max } = signedBounds(shape.wBits);
      for (const value of [max + 1n, min - 1n, FIELD_MODULUS - (1n << 15n) - 1n]) {
        const w = withEntry(witness.w, 0, 0, value).map((row) => row.map((entry) => toField(entry).toString()));
        await expectRejected(
          harness.wasm,
          { ...made.circuitInput, w },
          `w[0][0] = ${value}`,
          /SignedRange|UnsignedRange/,
        );
      }
    });

    it("rejects an updated weight outside 16 bits", async function () {
      const wNext = withEntry(witness.wNext, 2, 3, 1n << 15n).map((row) =>
        row.map((entry) => toField(entry).toString()),
      );
      await expectRejected(
        harness.wasm,
        { ...made.circuitInput, wNext },
        "wNext[2][3] = 2^15",
        /SignedRange|UnsignedRange/,
      );
    });

    it("rejects lr at 2^16 and a step at 2^32", async function () {
      await expectRejected(harness.wasm, { ...made.circuitInput, lr: (1n << 16n).toString() }, "lr = 2^16");
      await expectRejected(harness.wasm, { ...made.circuitInput, step: (1n << 32n).toString() }, "step = 2^32");
    });

    it("the reference refuses a step that leaves the weight range, naming the entry", function () {
      const { max } = signedBounds(shape.wBits);
      // y_0 = W[0][0] + W[0][1] = 0 below t_0 = 64: the gradient pushes W[0][0] (at the top) up.
      const w = withEntry(withEntry(task.w, 0, 0, max), 0, 1, -max);
      const x = [1n << 8n, 1n << 8n, ...new Array<bigint>(6).fill(0n)];
      const xs = [x, x];
      const ts = [new Array<bigint>(8).fill(1n << 14n), new Array<bigint>(8).fill(1n << 14n)];
      expect(() => fullStep({ shape, w, lr: 1n << 8n, xs, ts })).to.throw(StepRangeError, /wNext\[0\]\[0\]/);
    });
  });
});

const RUNS = Number(process.env.FUZZ_RUNS ?? 6);

const smallFullShape: fc.Arbitrary<FullShape> = fc.record({
  dIn: fc.integer({ min: 1, max: 3 }),
  dOut: fc.integer({ min: 1, max: 3 }),
  batch: fc.integer({ min: 1, max: 3 }),
  depth: fc.integer({ min: 2, max: 3 }),
  F: fc.integer({ min: 1, max: 6 }),
  xBits: fc.integer({ min: 4, max: 10 }),
  wBits: fc.integer({ min: 8, max: 16 }),
});

const fullStepCase = smallFullShape.chain((s) =>
  fc.record({
    shape: fc.constant(s),
    w: matrixOf(s.dOut, s.dIn, signedInt(s.wBits)),
    lr: fc.bigInt({ min: 0n, max: 8n }),
    dataset: fc.array(
      fc.record({
        x: fc.array(signedInt(s.xBits), { minLength: s.dIn, maxLength: s.dIn }),
        t: fc.array(signedInt(s.xBits), { minLength: s.dOut, maxLength: s.dOut }),
      }),
      { minLength: 1, maxLength: 2 ** s.depth },
    ),
    step: fc.bigInt({ min: 0n, max: (1n << 32n) - 1n }),
    submitter: fc.bigInt({ min: 0n, max: (1n << 160n) - 1n }),
    flip: fc.record({ row: fc.nat(), column: fc.nat(), delta: fc.constantFrom(1n, -1n) }),
  }),
);

describe("[fuzz] FullStep: reference and circuit agree on random small shapes", function () {
  it(`holds for ${RUNS} random steps`, async function () {
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(fullStepCase, async (c) => {
        let step: MadeFullStep;
        try {
          step = makeFullStep(c);
        } catch (error) {
          // A step that leaves the weight range is not a valid step; the reference says so.
          fc.pre(!(error instanceof StepRangeError));
          throw error;
        }
        const compiled = await compile(c.shape);
        const values = await calculateWitness(compiled.wasm, step.circuitInput);
        expect(firstBrokenConstraint(compiled.r1cs, values)).to.equal(-1);
        expect(values.slice(1, 7)).to.deep.equal(fullPublicSignals(step.statement).map(toField));
        accepted++;

        // Off by one in one entry (commitment recomputed): the circuit must refuse it.
        const row = c.flip.row % c.shape.dOut;
        const column = c.flip.column % c.shape.dIn;
        const wNext = withEntry(
          step.witness.wNext,
          row,
          column,
          (step.witness.wNext[row]?.[column] ?? 0n) + c.flip.delta,
        );
        let rejected = false;
        try {
          const input = buildFullCircuitInput(
            c.shape,
            { ...step.statement, weightsAfter: weightsCommitment(wNext, c.shape) },
            { ...step.witness, wNext },
          );
          await calculateWitness(compiled.wasm, input);
        } catch {
          rejected = true; // by the circuit, or before it when the shifted entry leaves the range
        }
        expect(rejected, "weights one unit away from the reference step must be rejected").to.equal(true);
      }),
      { numRuns: RUNS, endOnFailure: true },
    );
    expect(accepted, "most random steps should be valid steps").to.be.greaterThan(RUNS / 2);
  });
});
