// BaseProjectionBlock (PROTOCOL §11) on --O1 harnesses at 8x8 (one block) and 16x512 (C = 8, two blocks):
// each honest block is accepted and the accumulators chain to baseProjection(...).id; a block from another
// position, a changed weight, a wrong accIn or accOut, a different dataset root are rejected.
import { expect } from "chai";
import fc from "fast-check";

import {
  activateExamples,
  baseLayout,
  baseProjection,
  commitActivatedDataset,
  commitBase,
  syntheticTask,
  type BaseCommitment,
  type BaseProjection,
  type Matrix,
  type StepShape,
  TEMPLATES,
  projectionBlockInput,
  fromFieldSigned,
} from "../../src/protocol/index.js";
import { WitnessTester } from "../helpers/witnessTester.js";

const FILE = TEMPLATES.BaseProjectionBlock.file;
const PUBLIC = TEMPLATES.BaseProjectionBlock.publicInputs;
const SHAPE: StepShape = { dIn: 8, dOut: 8, rank: 2, batch: 2, depth: 4, F: 8, FW: 10, xBits: 16, aBits: 16, wBits: 8 };
const RUNS = Number(process.env.FUZZ_RUNS ?? 3);

interface Case {
  readonly shape: StepShape;
  readonly w0: Matrix;
  readonly base: BaseCommitment;
  readonly datasetRoot: bigint;
  readonly projection: BaseProjection;
  tester: WitnessTester;
}

function makeCase(dims: { dIn: number; dOut: number }, seed: number): Omit<Case, "tester"> {
  const shape = { ...SHAPE, ...dims };
  const task = syntheticTask(shape, { seed, datasetSize: 3 });
  const base = commitBase(task.w0, shape);
  const datasetRoot = commitActivatedDataset(activateExamples(task.dataset, task.w0, shape), shape).datasetRoot;
  return { shape, w0: task.w0, base, datasetRoot, projection: baseProjection(task.w0, base, datasetRoot) };
}

/** The circuit input of block `index` of `c`, as the library builds it, with `overrides` on top. */
function blockInput(
  c: Omit<Case, "tester">,
  index: number,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  return { ...projectionBlockInput(c.w0, c.base, c.projection, c.datasetRoot, index).circuitInput, ...overrides };
}

describe("BaseProjectionBlock (--O1 harnesses, 8x8 with one block, 16x512 with two)", function () {
  this.timeout(600_000);
  const cases: Case[] = [];

  before(async function () {
    for (const [dims, seed] of [
      [{ dIn: 8, dOut: 8 }, 3],
      [{ dIn: 16, dOut: 512 }, 4],
    ] as const) {
      const c = makeCase(dims, seed);
      const tester = await WitnessTester.harness(
        FILE,
        "BaseProjectionBlock",
        [dims.dIn, dims.dOut, SHAPE.wBits],
        PUBLIC,
      );
      cases.push({ ...c, tester });
    }
  });

  it("cuts the shapes as baseLayout says (8x8: C = 8, 1 block; 16x512: C = 8, 2 blocks)", function () {
    expect(baseLayout(8, 8)).to.deep.equal({ columns: 8, blocks: 1, treeDepth: 1 });
    expect(baseLayout(16, 512)).to.deep.equal({ columns: 8, blocks: 2, treeDepth: 1 });
    expect(cases.map((c) => c.base.layout.blocks)).to.deep.equal([1, 2]);
  });

  it("accepts every honest block in order; the accumulators chain from 0 to baseProjection(...).id", async function () {
    for (const c of cases) {
      let acc = 0n;
      for (let index = 0; index < c.base.layout.blocks; index++) {
        const input = blockInput(c, index);
        expect(input.accIn).to.equal(acc.toString());
        const witness = await c.tester.expectPass(input);
        acc = witness[c.tester.wire("accOut")] ?? -1n;
      }
      expect(acc).to.equal(c.projection.id);
      expect(acc).to.not.equal(0n);
    }
  });

  it("[fuzz] reference and circuit agree over base models and datasets (8x8: the block's accOut is the projection id)", async function () {
    const [single] = cases;
    if (single === undefined) throw new Error("no 8x8 case");
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 100_000 }), async (seed) => {
        const c = makeCase({ dIn: 8, dOut: 8 }, seed);
        const witness = await single.tester.expectPass(blockInput(c, 0));
        expect(witness[single.tester.wire("accOut")]).to.equal(c.projection.id);
      }),
      { numRuns: RUNS, endOnFailure: true },
    );
  });

  it("rejects a block from another position (block 1 claimed as block 0 and vice versa; block index 1 of a single block)", async function () {
    const [single, two] = cases;
    if (single === undefined || two === undefined) throw new Error("no cases");
    for (const [from, claimed] of [
      [1, 0],
      [0, 1],
    ] as const) {
      // the weights and accumulators of block `from`, the path and index of block `claimed`
      const input = blockInput(two, from, {
        blockIndex: claimed.toString(),
        siblings: two.base.tree.proof(claimed).siblings.map(String),
      });
      expect(await two.tester.expectRejection(input, `block ${from} as block ${claimed}`)).to.match(
        /Error in template BaseBlockInclusion_\d+ line/,
      );
      // with the path of block `from` too: only the index is wrong
      const indexOnly = blockInput(two, from, { blockIndex: claimed.toString() });
      expect(await two.tester.expectRejection(indexOnly, `block ${from} at index ${claimed}`)).to.match(
        /Error in template BaseBlockInclusion_\d+ line/,
      );
    }
    expect(
      await single.tester.expectRejection(blockInput(single, 0, { blockIndex: "1" }), "index 1 of one block"),
    ).to.match(/Error in template BaseBlockInclusion_\d+ line/);
  });

  it("rejects a weight changed by +1 (the block no longer opens to baseRoot)", async function () {
    for (const c of cases) {
      const last = c.base.layout.blocks - 1;
      const input = blockInput(c, last);
      const w0 = (input.w0 as string[][]).map((row, i) =>
        row.map((v, col) => (i === 5 && col === 2 ? (BigInt(v) + 1n).toString() : v)),
      );
      expect(fromFieldSigned(BigInt(w0[5]?.[2] ?? "0")) < 128n).to.equal(true);
      expect(await c.tester.expectRejection({ ...input, w0 }, "w0[5][2] + 1")).to.match(
        /Error in template BaseBlockInclusion_\d+ line/,
      );
    }
  });

  it("rejects a wrong accIn and a wrong accOut (block 1's accIn = 0: blocks out of order)", async function () {
    for (const c of cases) {
      const last = c.base.layout.blocks - 1;
      const input = blockInput(c, last);
      const wrongs = [
        { accIn: ((c.projection.accumulators[last] ?? 0n) + 1n).toString() },
        { accOut: ((c.projection.accumulators[last + 1] ?? 0n) + 1n).toString() },
        { accOut: (c.projection.accumulators[last] ?? 0n).toString() },
      ];
      if (last > 0) wrongs.push({ accIn: "0" });
      for (const wrong of wrongs) {
        const message = await c.tester.expectRejection({ ...input, ...wrong }, JSON.stringify(wrong));
        expect(message).to.match(/^Error in template BaseProjectionBlock_\d+ line: \d+$/);
      }
    }
  });

  it("rejects the accumulators of another dataset root (the challenge, so w, depends on it)", async function () {
    for (const c of cases) {
      const message = await c.tester.expectRejection(
        blockInput(c, 0, { datasetRoot: (c.datasetRoot + 1n).toString() }),
        "datasetRoot + 1",
      );
      expect(message).to.match(/^Error in template BaseProjectionBlock_\d+ line: \d+$/);
    }
  });
});
