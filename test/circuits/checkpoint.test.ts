// LoraCheckpoint (PROTOCOL §12) on --O1 harnesses at 8x8, r = 2, n = 2, depth 4 with k = 1 and k = 2:
// the circuit accepts makeCheckpoint's input with the reference's public signals, and rejects each
// tampering below at the level where its bug would live (the input built consistently with the TS
// functions so that only the check under test can catch it, or a tampered witness at the R1CS level).
import { expect } from "chai";
import fc from "fast-check";

import {
  FIELD_MODULUS,
  activateExamples,
  adapterCommitment,
  baseProjection,
  batchPositions,
  buildCheckpointCircuitInput,
  checkpointPublicSignals,
  commitActivatedDataset,
  commitBase,
  loraStepFromActivations,
  makeCheckpoint,
  poseidonHash,
  projectionAccumulators,
  squaredErrorSum,
  syntheticTask,
  updateDivisors,
  type ActivatedExample,
  type Example,
  type MadeCheckpoint,
  type RunConfig,
  type Matrix,
  type StepShape,
  TEMPLATES,
} from "../../src/protocol/index.js";
import { WitnessTester } from "../helpers/witnessTester.js";
import { mod, inverse } from "../helpers/field.js";

const FILE = TEMPLATES.LoraCheckpoint.file;
const PUBLIC = TEMPLATES.LoraCheckpoint.publicInputs;
const SHAPE: StepShape = { dIn: 8, dOut: 8, rank: 2, batch: 2, depth: 4, F: 8, FW: 10, xBits: 16, aBits: 16, wBits: 8 };
const PARAMS = (steps: number): number[] => [
  SHAPE.dIn,
  SHAPE.dOut,
  SHAPE.rank,
  SHAPE.batch,
  SHAPE.depth,
  SHAPE.F,
  SHAPE.FW,
  SHAPE.xBits,
  SHAPE.aBits,
  SHAPE.wBits,
  steps,
];
const SUBMITTER = 0x70997970c51812dc3a010c7d01b50e0d17dc79c8n;
const RUNS = Number(process.env.FUZZ_RUNS ?? 3);
const p = FIELD_MODULUS;

type Input = Record<string, unknown>;

interface Fixture {
  readonly made: MadeCheckpoint;
  readonly input: Input;
  readonly config: RunConfig;
  readonly dataset: ActivatedExample[];
  readonly w0: Matrix;
}

interface FixtureOptions {
  readonly seed?: number;
  readonly steps: number;
  readonly firstStep?: bigint;
  /** edits the plain examples before they are activated and committed */
  readonly examples?: (examples: Example[]) => Example[];
  /** edits the activated examples before they are committed (z no longer W0 x) */
  readonly activated?: (examples: ActivatedExample[]) => ActivatedExample[];
  /** edits the projection w (its id and the run configuration are recomputed for it) */
  readonly projection?: (w: bigint[]) => bigint[];
}

/** Everything from scratch with the TS functions: base, activated dataset, projection, run, checkpoint. */
function fixture(options: FixtureOptions): Fixture {
  const task = syntheticTask(SHAPE, { seed: options.seed ?? 7, datasetSize: 13 });
  const examples = options.examples === undefined ? task.dataset : options.examples(task.dataset);
  const honest = activateExamples(examples, task.w0, SHAPE);
  const dataset = options.activated === undefined ? honest : options.activated(honest);
  const base = commitBase(task.w0, SHAPE);
  const commitment = commitActivatedDataset(dataset, SHAPE);
  const projection = baseProjection(task.w0, base, commitment.datasetRoot);
  const w = options.projection === undefined ? projection.w : options.projection(projection.w);
  const id = projectionAccumulators(w, base.layout)[base.layout.blocks] ?? 0n;
  const config: RunConfig = {
    baseRoot: base.root,
    datasetRoot: commitment.datasetRoot,
    projection: id,
    alpha: task.alpha,
    lr: task.lr,
  };
  const made = makeCheckpoint({
    shape: { ...SHAPE, steps: options.steps },
    config,
    projection: w,
    dataset,
    commitment,
    adapter: { a: task.a, b: task.b },
    firstStep: options.firstStep ?? 5n,
    submitter: SUBMITTER,
  });
  return { made, input: buildCheckpointCircuitInput(made.statement, made.witness), config, dataset, w0: task.w0 };
}

describe("LoraCheckpoint (--O1 harnesses, 8x8, r 2, n 2, depth 4, k = 1 and 2)", function () {
  this.timeout(600_000);
  let one: WitnessTester;
  let two: WitnessTester;
  let honest1: Fixture;
  let honest2: Fixture;

  before(async function () {
    one = await WitnessTester.harness(FILE, "LoraCheckpoint", PARAMS(1), PUBLIC);
    two = await WitnessTester.harness(FILE, "LoraCheckpoint", PARAMS(2), PUBLIC);
    honest1 = fixture({ steps: 1 });
    honest2 = fixture({ steps: 2 });
  });

  const publicOf = (tester: WitnessTester, witness: readonly bigint[]): bigint[] =>
    PUBLIC.map((name) => witness[tester.wire(name)] ?? -1n);

  it("accepts makeCheckpoint's input (k = 1, 2): every constraint holds, public signals = checkpointPublicSignals", async function () {
    for (const [tester, f] of [
      [one, honest1],
      [two, honest2],
    ] as const) {
      const witness = await tester.expectPass(f.input);
      expect(publicOf(tester, witness)).to.deep.equal(checkpointPublicSignals(f.made.statement));
      // public inputs are wires 1..5 in this order
      expect(witness.slice(1, 6)).to.deep.equal(checkpointPublicSignals(f.made.statement));
    }
    expect(honest2.made.statement.adapterAfter).to.not.equal(honest2.made.statement.adapterBefore);
    expect(honest2.made.statement.loss > honest1.made.statement.loss).to.equal(true);
  });

  it("[fuzz] reference and circuit agree over seeds and first steps (k = 1, 2)", async function () {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 1000 }),
        fc.bigInt({ min: 0n, max: (1n << 32n) - 3n }),
        fc.boolean(),
        async (seed, firstStep, useTwo) => {
          const f = fixture({ seed, steps: useTwo ? 2 : 1, firstStep });
          const tester = useTwo ? two : one;
          const witness = await tester.expectPass(f.input);
          expect(publicOf(tester, witness)).to.deep.equal(checkpointPublicSignals(f.made.statement));
        },
      ),
      { numRuns: RUNS, endOnFailure: true },
    );
  });

  it("(a) rejects z with one entry +1 (leaf, dataset root, challenge, projection, run config recomputed): the projection check", async function () {
    const position = batchPositions(5n, SHAPE, 13n)[1] ?? 0;
    const f = fixture({
      steps: 1,
      activated: (examples) =>
        examples.map((e, m) => (m === position ? { ...e, z: e.z.map((v, i) => (i === 3 ? v + 1n : v)) } : e)),
    });
    // The input is consistent everywhere else: the trained step used the wrong z, the roots are honest for it.
    expect(f.made.witness.batches[0]?.examples[1]?.z).to.not.deep.equal(
      honest1.made.witness.batches[0]?.examples[1]?.z,
    );
    expect(f.config.datasetRoot).to.not.equal(honest1.config.datasetRoot);
    const message = await one.expectRejection(f.input, "z[0][1][3] = (W0 x)[3] + 1");
    expect(message).to.match(/Error in template ProjectionCheck_\d+ line/);
  });

  it("(b) rejects a wrong projection w (w[l] + 1, projectionId and runConfig recomputed): the projection check", async function () {
    // an l where the batch's first x is nonzero, so that w·x moves
    const x = honest1.made.witness.batches[0]?.examples[0]?.x ?? [];
    const l = x.findIndex((v) => v !== 0n);
    expect(l).to.be.at.least(0);
    const f = fixture({ steps: 1, projection: (w) => w.map((v, k) => (k === l ? (v + 1n) % p : v)) });
    expect(f.config.projection).to.not.equal(honest1.config.projection);
    const message = await one.expectRejection(f.input, `w[${l}] + 1`);
    expect(message).to.match(/Error in template ProjectionCheck_\d+ line/);
  });

  it("(c) rejects k = 2 with the intermediate adapter replaced by another valid-range adapter (another start's first step)", async function () {
    const other = fixture({ seed: 8, steps: 1 });
    const [, middle] = other.made.witness.adapters;
    if (middle === undefined) throw new Error("no adapter after");
    const input = {
      ...honest2.input,
      a: (honest2.input.a as string[][][]).map((m, s) =>
        s === 1 ? middle.a.map((row) => row.map((v) => mod(v).toString())) : m,
      ),
      b: (honest2.input.b as string[][][]).map((m, s) =>
        s === 1 ? middle.b.map((row) => row.map((v) => mod(v).toString())) : m,
      ),
    };
    expect(input.a[1]).to.not.deep.equal((honest2.input.a as unknown[])[1]);
    const message = await two.expectRejection(input, "the intermediate adapter is not the first step's result");
    expect(message).to.match(/Error in template BelowConstant_\d+ line[\s\S]*Error in template LoraUpdate_\d+ line/);
  });

  for (const delta of [1n, -1n]) {
    it(`(d) rejects the public loss ${delta > 0n ? "+" : "-"} 1`, async function () {
      const loss = honest2.made.statement.loss + delta;
      expect(loss).to.not.equal(squaredErrorSum(honest2.made.steps));
      const message = await two.expectRejection({ ...honest2.input, loss: mod(loss).toString() }, `loss ${delta}`);
      expect(message).to.match(/Error in template LoraCheckpoint_\d+ line/);
      expect(message, message).to.not.match(/LoraUpdate|Range/);
    });
  }

  it("(e) rejects stepSubmitter changed after the witness (another submitter; step 2^32): only its decomposition breaks", async function () {
    const witness = await one.expectPass(honest1.input);
    const wire = one.wire("stepSubmitter");
    for (const [reason, value] of [
      ["another submitter", honest1.made.statement.stepSubmitter + 1n],
      ["firstStep + 1", honest1.made.statement.stepSubmitter + (1n << 160n)],
      ["a step >= 2^32", honest1.made.statement.stepSubmitter + (1n << 192n)],
    ] as const) {
      const broken = one.expectConstraintFail(one.tamper(witness, { stepSubmitter: value }), reason);
      expect(broken, reason).to.have.length(1);
      expect(
        one.constraintWires(broken[0] ?? -1).has(wire),
        `${reason}: the broken constraint reads stepSubmitter`,
      ).to.equal(true);
    }
    // and the calculator refuses a packed value of 2^192 or more (its 192-bit decomposition)
    const tooLarge = {
      ...honest1.input,
      stepSubmitter: (honest1.made.statement.stepSubmitter + (1n << 192n)).toString(),
    };
    await one.expectRejection(tooLarge, "stepSubmitter >= 2^192");
  });

  it("(f) rejects α = 0 in the run configuration (runConfig, the step, adapterAfter and loss recomputed for it)", async function () {
    const { made, config } = honest1;
    const batch = made.witness.batches[0];
    const start = made.witness.adapters[0];
    if (batch === undefined || start === undefined) throw new Error("no batch");
    const result = loraStepFromActivations({
      shape: SHAPE,
      zs: batch.examples.map((e) => e.z),
      a: start.a,
      b: start.b,
      alpha: 0n,
      lr: config.lr,
      xs: batch.examples.map((e) => e.x),
      ts: batch.examples.map((e) => e.t),
    });
    const runConfig = poseidonHash([16n, config.baseRoot, config.datasetRoot, config.projection, 0n, config.lr]);
    const input = buildCheckpointCircuitInput(
      {
        ...made.statement,
        runConfig,
        adapterAfter: adapterCommitment(result.aNext, result.bNext, SHAPE),
        loss: squaredErrorSum([result]),
      },
      { ...made.witness, config: { ...config, alpha: 0n }, adapters: [start, { a: result.aNext, b: result.bNext }] },
    );
    const message = await one.expectRejection(input, "alpha = 0");
    expect(message).to.match(/Error in template UnsignedRange_\d+ line[\s\S]*Error in template RunConfigHash_\d+ line/);
  });

  it("(g) rejects an intermediate adapter entry a[1][0][0] + D_A⁻¹ mod p (both update remainders still in range): its range check", async function () {
    // Step 2's batch has x[.][0] = 0, so a[1][0][0] enters step 2 only through its update remainder.
    const second = batchPositions(6n, SHAPE, 13n);
    const f = fixture({
      steps: 2,
      examples: (examples) =>
        examples.map((e, m) => (second.includes(m) ? { ...e, x: e.x.map((v, l) => (l === 0 ? 0n : v)) } : e)),
    });
    await two.expectPass(f.input); // control
    const { dA } = updateDivisors(SHAPE);
    const { adapters } = f.made.witness;
    const [a0, a1, a2] = adapters.map((adapter) => adapter.a[0]?.[0] ?? 0n);
    const c = 2n * f.config.alpha * f.config.lr;
    const ga1 = f.made.steps[0]?.gradients.GA[0]?.[0] ?? 0n;
    const ga2 = f.made.steps[1]?.gradients.GA[0]?.[0] ?? 0n;
    expect(ga2).to.equal(0n);
    const rem1 = c * ga1 + dA / 2n - ((a0 ?? 0n) - (a1 ?? 0n)) * dA;
    const rem2 = c * ga2 + dA / 2n - ((a1 ?? 0n) - (a2 ?? 0n)) * dA;
    // a1' = a1 + D⁻¹: step 1's remainder becomes rem1 + 1, step 2's rem2 - 1, both still in [0, D).
    expect(rem1 >= 0n && rem1 + 1n < dA, `rem1 = ${rem1}`).to.equal(true);
    expect(rem2 >= 1n && rem2 < dA, `rem2 = ${rem2}`).to.equal(true);
    const shifted = mod((a1 ?? 0n) + inverse(dA));
    const a = (f.input.a as string[][][]).map((m, s) =>
      s === 1 ? m.map((row, k) => row.map((v, l) => (k === 0 && l === 0 ? shifted.toString() : v))) : m,
    );
    const message = await two.expectRejection({ ...f.input, a }, "a[1][0][0] is not a 16-bit value");
    expect(message).to.match(
      /Error in template UnsignedRange_\d+ line[\s\S]*Error in template SignedRange_\d+ line[\s\S]*Error in template LoraCheckpoint_\d+ line/,
    );
    expect(message, message).to.not.match(/LoraUpdate/);
  });
});
