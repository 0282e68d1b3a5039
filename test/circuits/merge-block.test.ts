// LoraMergeBlock (PROTOCOL §13) on --O1 harnesses at 8x8 (one block) and 16x512 (C = 8, two blocks): the
// merged blocks of mergeInBlocks are accepted and chain to its root; a wrong adapter, a wrong α, a wrong
// block index and (at the R1CS level) a changed merged value are rejected.
import { expect } from "chai";
import fc from "fast-check";

import {
  FIELD_MODULUS,
  adapterCommitment,
  commitBase,
  mergeInBlocks,
  seededRandom,
  signedBounds,
  syntheticTask,
  type BaseCommitment,
  type MergedBlocks,
  type Matrix,
  type StepShape,
  TEMPLATES,
  mergeBlockInput,
} from "../../src/protocol/index.js";
import { WitnessTester } from "../helpers/witnessTester.js";

const FILE = TEMPLATES.LoraMergeBlock.file;
const PUBLIC = TEMPLATES.LoraMergeBlock.publicInputs;
const SHAPE: StepShape = { dIn: 8, dOut: 8, rank: 2, batch: 2, depth: 4, F: 8, FW: 10, xBits: 16, aBits: 16, wBits: 8 };
const ALPHA = 300n;
const RUNS = Number(process.env.FUZZ_RUNS ?? 3);
const p = FIELD_MODULUS;

interface Case {
  readonly shape: StepShape;
  readonly w0: Matrix;
  readonly a: bigint[][];
  readonly b: bigint[][];
  readonly base: BaseCommitment;
  readonly alpha: bigint;
  readonly merged: MergedBlocks;
  tester: WitnessTester;
}

function makeCase(dims: { dIn: number; dOut: number }, seed: number, alpha = ALPHA): Omit<Case, "tester"> {
  const shape = { ...SHAPE, ...dims };
  const task = syntheticTask(shape, { seed, datasetSize: 2 });
  // A trained-looking adapter: B nonzero, entries anywhere in the 16-bit range.
  const random = seededRandom(seed);
  const { min, max } = signedBounds(shape.aBits);
  const entry = (): bigint => min + BigInt(Math.floor(random() * Number(max - min + 1n)));
  const a = Array.from({ length: shape.rank }, () => Array.from({ length: shape.dIn }, entry));
  const b = Array.from({ length: shape.dOut }, () => Array.from({ length: shape.rank }, entry));
  return {
    shape,
    w0: task.w0,
    a,
    b,
    base: commitBase(task.w0, shape),
    alpha,
    merged: mergeInBlocks(shape, task.w0, a, b, alpha),
  };
}

/** The circuit input of block `index` of `c`, as the library builds it, with `overrides` on top. */
function blockInput(
  c: Omit<Case, "tester">,
  index: number,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  const { shape, w0, a, b, alpha, base, merged } = c;
  return { ...mergeBlockInput(shape, { w0, a, b, alpha, base, merged }, index).circuitInput, ...overrides };
}

describe("LoraMergeBlock (--O1 harnesses, 8x8 with one block, 16x512 with two)", function () {
  this.timeout(600_000);
  const cases: Case[] = [];

  before(async function () {
    for (const [dims, seed] of [
      [{ dIn: 8, dOut: 8 }, 31],
      [{ dIn: 16, dOut: 512 }, 32],
    ] as const) {
      const c = makeCase(dims, seed);
      const tester = await WitnessTester.harness(
        FILE,
        "LoraMergeBlock",
        [dims.dIn, dims.dOut, SHAPE.rank, SHAPE.F, SHAPE.FW, SHAPE.aBits, SHAPE.wBits],
        PUBLIC,
      );
      cases.push({ ...c, tester });
    }
  });

  it("accepts every block of mergeInBlocks in order; the accumulators chain from 0 to its root", async function () {
    expect(cases.map((c) => c.merged.layout.blocks)).to.deep.equal([1, 2]);
    for (const c of cases) {
      let acc = 0n;
      for (let index = 0; index < c.merged.layout.blocks; index++) {
        const input = blockInput(c, index);
        expect(input.accIn).to.equal(acc.toString());
        const witness = await c.tester.expectPass(input);
        acc = witness[c.tester.wire("accOut")] ?? -1n;
        // the circuit's merged values are the reference's block, row-major
        const { columns } = c.merged.layout;
        const values = Array.from(
          { length: c.shape.dOut * columns },
          (_, m) => witness[c.tester.wire(`merged.values[${m}]`)],
        );
        const expected = c.merged.merged
          .flatMap((row) => row.slice(index * columns, (index + 1) * columns))
          .map((v) => ((v % p) + p) % p);
        expect(values).to.deep.equal(expected);
      }
      expect(acc).to.equal(c.merged.root);
    }
  });

  it("[fuzz] reference and circuit agree over base models, adapters and α (8x8: accOut is the merged root)", async function () {
    const [single] = cases;
    if (single === undefined) throw new Error("no 8x8 case");
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 100_000 }),
        fc.bigInt({ min: 1n, max: (1n << 16n) - 1n }),
        async (seed, alpha) => {
          const c = makeCase({ dIn: 8, dOut: 8 }, seed, alpha);
          const witness = await single.tester.expectPass(blockInput(c, 0));
          expect(witness[single.tester.wire("accOut")]).to.equal(c.merged.root);
        },
      ),
      { numRuns: RUNS, endOnFailure: true },
    );
  });

  it("rejects a wrong adapter: A[0][0] + 1 against the committed adapter, and another adapter's commitment", async function () {
    for (const c of cases) {
      const input = blockInput(c, 0);
      const a = (input.a as string[][]).map((row, k) =>
        row.map((v, l) => (k === 0 && l === 0 ? (BigInt(v) + 1n).toString() : v)),
      );
      expect(await c.tester.expectRejection({ ...input, a }, "a[0][0] + 1")).to.match(
        /^Error in template LoraMergeBlock_\d+ line: \d+$/,
      );
      const b = c.b.map((row) => row.map((v) => -v));
      const other = adapterCommitment(c.a, b, c.shape).toString();
      expect(await c.tester.expectRejection({ ...input, adapter: other }, "another adapter's commitment")).to.match(
        /^Error in template LoraMergeBlock_\d+ line: \d+$/,
      );
    }
  });

  it("rejects a wrong α (α + 1 and α = 2^16)", async function () {
    for (const c of cases) {
      const input = blockInput(c, 0);
      expect(await c.tester.expectRejection({ ...input, alpha: (ALPHA + 1n).toString() }, "alpha + 1")).to.match(
        /^Error in template LoraMergeBlock_\d+ line: \d+$/,
      );
      expect(await c.tester.expectRejection({ ...input, alpha: (1n << 16n).toString() }, "alpha = 2^16")).to.match(
        /Error in template UnsignedRange_\d+ line/,
      );
    }
  });

  it("rejects a wrong block index (block 1's data at index 0, block 0's at index 1, index 1 of a single block)", async function () {
    const [single, two] = cases;
    if (single === undefined || two === undefined) throw new Error("no cases");
    for (const [from, claimed] of [
      [1, 0],
      [0, 1],
    ] as const) {
      const message = await two.tester.expectRejection(
        blockInput(two, from, { blockIndex: claimed.toString() }),
        `block ${from} at index ${claimed}`,
      );
      expect(message).to.match(/Error in template BaseBlockInclusion_\d+ line/);
    }
    expect(
      await single.tester.expectRejection(blockInput(single, 0, { blockIndex: "1" }), "index 1 of one block"),
    ).to.match(/Error in template BaseBlockInclusion_\d+ line/);
  });

  it("R1CS: rejects a merged value changed by +1 after the witness (its defining constraint breaks)", async function () {
    for (const c of cases) {
      const witness = await c.tester.expectPass(blockInput(c, c.merged.layout.blocks - 1));
      const name = "merged.values[3]";
      const tampered = c.tester.tamper(witness, { [name]: (witness[c.tester.wire(name)] ?? 0n) + 1n });
      const broken = c.tester.expectConstraintFail(tampered, "merged value + 1");
      const valueWire = c.tester.wire(name);
      const scaledWire = c.tester.wire("scaled[0][3]");
      const defining = broken.filter((index) => {
        const wires = c.tester.constraintWires(index);
        return wires.has(valueWire) && wires.has(scaledWire);
      });
      expect(defining, `broken: ${broken.join(", ")}`).to.have.length(1);
    }
  });
});
