// [fuzz] The TypeScript reference and the circuit agree bit for bit, on random shapes and values: the
// circuit accepts exactly the reference's next adapter, and rejects it when any one entry is off by one.
import { expect } from "chai";
import fc from "fast-check";
import {
  LORA_STEP_PARAM_ORDER,
  TEMPLATES,
  STEP_PUBLIC_INPUTS,
  adapterCommitment,
  buildCircuitInput,
  EntryRangeError,
  makeStep,
  publicSignals,
  toField,
  updateDivisors,
  type Matrix,
  type StepShape,
} from "../../src/protocol/index.js";

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
      fc.record({
        x: fc.array(signedInt(shape.xBits), { minLength: shape.dIn, maxLength: shape.dIn }),
        t: fc.array(signedInt(shape.xBits), { minLength: shape.dOut, maxLength: shape.dOut }),
      }),
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
          TEMPLATES.LoraStep.file,
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
        const shifted = target.map((entries, i) =>
          entries.map((v, j) => (i === row && j === column ? v + c.flip.delta : v)),
        );
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

// Exact ties: round half up (PROTOCOL §2) decides only when the remainder is exactly D/2, which random
// values almost never hit. These steps are built by hand so that every rounding of the step is a tie:
// h = round(A x / 2^F) and both updates round(2 α̂ l̂ G / D), with a positive tie (x.5 → x + 1) in one
// step and a negative one (-x.5 → -x) in the other. The test asserts that each is a tie, that the
// reference rounded it up, and that the circuit computes the same and refuses the rounding down.
describe("exact rounding ties: reference and circuit both round half up", function () {
  // d_in 2, d_out 1, rank 1, batch 1, F = 2: D_h = 4, D_B = 2^5F = 1024, D_A = 2^6F = 4096.
  const shape: StepShape = { dIn: 2, dOut: 1, rank: 1, batch: 1, depth: 2, F: 2, FW: 2, xBits: 8, aBits: 12, wBits: 4 };
  const alpha = 4n; // 1.0
  const lr = 2n; // 0.5, so c = 2 α̂ l̂ = 16
  interface TieCase {
    name: string;
    a: Matrix;
    b: Matrix;
    w0: Matrix;
    x: bigint[];
    t: bigint[];
  }
  // H = a·x = 2 (0.5 → h = 1), E = 32: c GB = 16 · 32 = 512 = D_B / 2, c GA[0][0] = 16 · 32 · 4 = 2048 = D_A / 2.
  const positive: TieCase = { name: "positive ties", a: [[0n, 2n]], b: [[1n]], w0: [[0n, 3n]], x: [4n, 1n], t: [-1n] };
  // H = -6 (-1.5 → h = -1), E = 32: c GB = -512 = -D_B / 2, c GA[0][0] = -2048 = -D_A / 2.
  const negative: TieCase = { name: "negative ties", a: [[2n, 2n]], b: [[1n]], w0: [[0n, 1n]], x: [-4n, 1n], t: [-2n] };

  const mod = (n: bigint, d: bigint): bigint => ((n % d) + d) % d;
  const entry = (m: Matrix, i: number, j: number): bigint => {
    const v = m[i]?.[j];
    if (v === undefined) throw new Error(`no entry [${i}][${j}]`);
    return v;
  };

  for (const tie of [positive, negative]) {
    it(`${tie.name}: h, the B update and the A update are exact ties, rounded up by the reference and the circuit`, async function () {
      const made = makeStep({
        shape,
        w0: tie.w0,
        a: tie.a,
        b: tie.b,
        alpha,
        lr,
        dataset: [{ x: tie.x, t: tie.t }],
        step: 0n,
        submitter: 1n,
      });
      const { result } = made;
      const sign = tie === positive ? 1n : -1n;
      const c = 2n * alpha * lr;
      const { dA, dB } = updateDivisors(shape);
      const dH = 1n << BigInt(shape.F);

      // h: H = Σ_l A[0][l] x[l] is an odd multiple of D_h / 2, of the case's sign; h = (H + D_h/2) / D_h exactly.
      const H = tie.x.reduce((sum, xl, l) => sum + entry(tie.a, 0, l) * xl, 0n);
      expect(mod(H, dH), `H = ${H} is a tie`).to.equal(dH / 2n);
      expect(H * sign > 0n).to.equal(true);
      const h = entry(result.h, 0, 0);
      expect(h * dH - H, "h rounded up").to.equal(dH / 2n);

      // B update: c GB is an odd multiple of D_B / 2; b - b' = (c GB + D_B/2) / D_B exactly.
      const scaledB = c * entry(result.gradients.GB, 0, 0);
      expect(mod(scaledB, dB), `c GB = ${scaledB} is a tie`).to.equal(dB / 2n);
      expect(scaledB * sign > 0n).to.equal(true);
      const stepB = entry(tie.b, 0, 0) - entry(result.bNext, 0, 0);
      expect(stepB * dB - scaledB, "the B update rounded up").to.equal(dB / 2n);

      // A update, entry [0][0]: the same with D_A.
      const scaledA = c * entry(result.gradients.GA, 0, 0);
      expect(mod(scaledA, dA), `c GA[0][0] = ${scaledA} is a tie`).to.equal(dA / 2n);
      expect(scaledA * sign > 0n).to.equal(true);
      const stepA = entry(tie.a, 0, 0) - entry(result.aNext, 0, 0);
      expect(stepA * dA - scaledA, "the A update rounded up").to.equal(dA / 2n);

      // The circuit accepts exactly this step, and its own h and remainders say it rounded up (remainder 0).
      const harness = await compileHarness(
        TEMPLATES.LoraStep.file,
        "LoraStep",
        LORA_STEP_PARAM_ORDER.map((key) => shape[key]),
        STEP_PUBLIC_INPUTS,
      );
      const witness = await calculateWitness(harness.wasm, made.circuitInput);
      expect(firstBrokenConstraint(harness.r1cs, witness)).to.equal(-1);
      expect(witness.slice(1, 8)).to.deep.equal(publicSignals(made.statement).map(toField));
      const signal = (name: string): bigint => {
        const wire = harness.symbols.get(name);
        if (wire === undefined) throw new Error(`no signal ${name} in the harness`);
        const value = witness[wire];
        if (value === undefined) throw new Error(`no wire ${wire}`);
        return value;
      };
      expect(signal("main.update.h[0][0].q"), "the circuit's h").to.equal(toField(h));
      expect(signal("main.update.h[0][0].rem"), "h remainder of a tie rounded up").to.equal(0n);
      expect(signal("main.update.remainderB[0][0].in"), "B update remainder of a tie rounded up").to.equal(0n);
      expect(signal("main.update.remainderA[0][0].in"), "A update remainder of a tie rounded up").to.equal(0n);

      // Rounding the tie down instead (one unit less of update) is not a valid step for the circuit.
      for (const down of ["a", "b"] as const) {
        const aNext =
          down === "a"
            ? made.witness.aNext.map((row, i) => row.map((v, j) => (i === 0 && j === 0 ? v + 1n : v)))
            : made.witness.aNext;
        const bNext = down === "b" ? made.witness.bNext.map((row) => row.map((v) => v + 1n)) : made.witness.bNext;
        const input = buildCircuitInput(
          shape,
          { ...made.statement, adapterAfter: adapterCommitment(aNext, bNext, shape) },
          { ...made.witness, aNext, bNext },
        );
        let rejected = false;
        try {
          await calculateWitness(harness.wasm, input);
        } catch {
          rejected = true;
        }
        expect(rejected, `the ${down.toUpperCase()} update rounded down must be rejected`).to.equal(true);
      }
    });
  }
});
