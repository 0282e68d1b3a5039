// Protocol version 2 (PROTOCOL §11–§13) in the TypeScript reference alone: activations, the projection
// and its accumulators, the column-block layout, the canonical initialization, the run configuration,
// the packed step/submitter, checkpoints and merged blocks.
import { expect } from "chai";
import fc from "fast-check";
import { poseidon3 } from "poseidon-lite";

import {
  FIELD_MODULUS,
  TAGS,
  activateExamples,
  activationBits,
  activations,
  adapterCommitment,
  baseBlockValues,
  baseLayout,
  baseProjection,
  canonicalAdapter,
  canonicalInit,
  challengePowers,
  commitActivatedDataset,
  commitBase,
  initBound,
  loraStep,
  loraStepFromActivations,
  makeRunCheckpoint,
  mergeInBlocks,
  mergedBits,
  mergedWeights,
  packHash,
  packStepSubmitter,
  poseidonHash,
  projectBase,
  projectionAccumulators,
  runConfigHash,
  signedBounds,
  syntheticTask,
  unpackStepSubmitter,
  type RunConfig,
  type StepShape,
  setUpRun,
} from "../../src/protocol/index.js";
import { matrixOf, signedInt, stepCase } from "./arbitraries.js";

const p = FIELD_MODULUS;
const SHAPE: StepShape = { dIn: 8, dOut: 8, rank: 2, batch: 2, depth: 4, F: 8, FW: 10, xBits: 16, aBits: 16, wBits: 8 };
const SUBMITTER = 0x70997970c51812dc3a010c7d01b50e0d17dc79c8n;

function dotMod(u: readonly bigint[], v: readonly bigint[]): bigint {
  let sum = 0n;
  u.forEach((value, i) => (sum += value * (v[i] ?? 0n)));
  return ((sum % p) + p) % p;
}

describe("protocol v2: activations", () => {
  it("z = W0 x exactly, and z fits activationBits", () => {
    fc.assert(
      fc.property(
        stepCase(1n << 15n).chain((c) =>
          fc.tuple(fc.constant(c), matrixOf(c.shape.batch, c.shape.dIn, signedInt(c.shape.xBits))),
        ),
        ([c, xs]) => {
          const { min, max } = signedBounds(activationBits(c.shape));
          for (const x of xs) {
            const z = activations(c.w0, x);
            expect(z).to.have.length(c.shape.dOut);
            z.forEach((value, i) => {
              let expected = 0n;
              for (let l = 0; l < c.shape.dIn; l++) expected += (c.w0[i]?.[l] ?? 0n) * (x[l] ?? 0n);
              expect(value).to.equal(expected);
              expect(
                value >= min && value <= max,
                `z[${i}] = ${value} within ${activationBits(c.shape)} bits`,
              ).to.equal(true);
            });
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it("the extreme z (every weight and input at its most negative value) still fits activationBits", () => {
    const shape = { ...SHAPE, dIn: 9 };
    const w0 = [Array.from({ length: 9 }, () => signedBounds(shape.wBits).min)];
    const x = Array.from({ length: 9 }, () => signedBounds(shape.xBits).min);
    const [z] = activations(w0, x);
    const { max } = signedBounds(activationBits(shape));
    expect(z).to.equal(9n * 2n ** 7n * 2n ** 15n);
    expect((z ?? 0n) <= max).to.equal(true);
  });

  it("activateExamples attaches z = W0 x to each example", () => {
    const task = syntheticTask(SHAPE, { seed: 3, datasetSize: 5 });
    const activated = activateExamples(task.dataset, task.w0, SHAPE);
    activated.forEach((example, m) => {
      expect(example.x).to.deep.equal(task.dataset[m]?.x);
      expect(example.z).to.deep.equal(activations(task.w0, example.x));
    });
  });

  it("loraStepFromActivations equals loraStep on the same data (random small shapes)", () => {
    fc.assert(
      fc.property(stepCase(1n << 15n), (c) => {
        let expected;
        try {
          expected = loraStep(c);
        } catch {
          // A step whose adapter leaves its range is refused by both.
          expect(() => loraStepFromActivations({ ...c, zs: c.xs.map((x) => activations(c.w0, x)) })).to.throw();
          return;
        }
        const actual = loraStepFromActivations({ ...c, zs: c.xs.map((x) => activations(c.w0, x)) });
        expect(actual).to.deep.equal(expected);
      }),
      { numRuns: 300 },
    );
  });
});

describe("protocol v2: the projection", () => {
  const task = syntheticTask(SHAPE, { seed: 5, datasetSize: 6 });
  const base = commitBase(task.w0, SHAPE);
  const dataset = activateExamples(task.dataset, task.w0, SHAPE);
  const commitment = commitActivatedDataset(dataset, SHAPE);
  const projection = baseProjection(task.w0, base, commitment.datasetRoot);
  const rho = challengePowers(projection.challenge, SHAPE.dOut);

  it("the challenge is Poseidon([12, baseRoot, datasetRoot]) and w = ρᵀ W0 mod p", () => {
    expect(projection.challenge).to.equal(poseidon3([TAGS.challenge, base.root, commitment.datasetRoot]));
    expect(rho[0]).to.equal(1n);
    expect(rho[2]).to.equal((projection.challenge * projection.challenge) % p);
    projection.w.forEach((wl, l) => {
      expect(wl).to.equal(
        dotMod(
          rho,
          task.w0.map((row) => row[l] ?? 0n),
        ),
      );
    });
  });

  it("Σ ρ_i z_i = Σ w_l x_l for every honest example", () => {
    for (const example of dataset) expect(dotMod(rho, example.z)).to.equal(dotMod(projection.w, example.x));
  });

  it("fails for a z with one entry ±1", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: dataset.length - 1 }),
        fc.integer({ min: 0, max: SHAPE.dOut - 1 }),
        fc.constantFrom(-1n, 1n),
        (m, i, delta) => {
          const example = dataset[m];
          if (example === undefined) throw new Error("no example");
          const z = example.z.map((v, k) => (k === i ? v + delta : v));
          expect(dotMod(rho, z)).to.not.equal(dotMod(projection.w, example.x));
        },
      ),
      { numRuns: 50 },
    );
  });

  it("the accumulators chain: acc_0 = 0, acc_(b+1) = Poseidon([14, acc_b, ChainHash(13, C, w slice)]), id = acc_blocks", () => {
    const shape = { dIn: 16, dOut: 512, wBits: 8 };
    const layout = baseLayout(shape.dIn, shape.dOut);
    expect(layout).to.deep.equal({ columns: 8, blocks: 2, treeDepth: 1 });
    const w = Array.from({ length: 16 }, (_, l) => BigInt(l * 1000 + 7));
    const accumulators = projectionAccumulators(w, layout);
    expect(accumulators).to.have.length(3);
    expect(accumulators[0]).to.equal(0n);
    let acc = 0n;
    for (let b = 0; b < 2; b++) {
      const slice = w.slice(8 * b, 8 * b + 8);
      let state = (TAGS.projectionSlice << 64n) + 8n;
      state = poseidonHash([state, ...slice]);
      acc = poseidon3([TAGS.projection, acc, state]);
      expect(accumulators[b + 1]).to.equal(acc);
    }
    // Changing the first slice changes every later accumulator; the id is the last one.
    const other = projectionAccumulators(
      w.map((v, l) => (l === 0 ? v + 1n : v)),
      layout,
    );
    expect(other[1]).to.not.equal(accumulators[1]);
    expect(other[2]).to.not.equal(accumulators[2]);
    expect(projection.id).to.equal(projection.accumulators[base.layout.blocks]);
    expect(projection.accumulators).to.deep.equal(projectionAccumulators(projection.w, base.layout));
    expect(() => projectionAccumulators(w.slice(1), layout)).to.throw(RangeError);
  });

  it("the projection of several blocks is the projection of the whole W0 (columns cut, not rows)", () => {
    const shape: StepShape = { ...SHAPE, dIn: 16, dOut: 512 };
    const big = syntheticTask(shape, { seed: 9, datasetSize: 2 });
    const bigBase = commitBase(big.w0, shape);
    expect(bigBase.layout.blocks).to.equal(2);
    const c = 123456789n;
    const w = projectBase(big.w0, c);
    const rhoBig = challengePowers(c, shape.dOut);
    for (let b = 0; b < 2; b++) {
      const block = baseBlockValues(big.w0, bigBase.layout, b);
      expect(block).to.have.length(512 * 8);
      for (let col = 0; col < 8; col++) {
        const column = Array.from({ length: 512 }, (_, i) => block[i * 8 + col] ?? 0n);
        expect(w[b * 8 + col]).to.equal(dotMod(rhoBig, column));
      }
    }
  });
});

describe("protocol v2: baseLayout", () => {
  const cases: [number, number, number, number][] = [
    // dIn, dOut, C, blocks
    [8, 8, 8, 1],
    [64, 64, 64, 1],
    [128, 128, 32, 4],
    [768, 768, 4, 192],
    [64, 10, 64, 1],
    [7, 3, 1, 7],
  ];
  for (const [dIn, dOut, columns, blocks] of cases) {
    it(`${dIn}x${dOut}: C = ${columns}, ${blocks} block(s); C | d_in, d_out C <= 4096, C the largest such power of two`, () => {
      const layout = baseLayout(dIn, dOut);
      expect(layout.columns).to.equal(columns);
      expect(layout.blocks).to.equal(blocks);
      expect(dIn % layout.columns).to.equal(0);
      expect(dOut * layout.columns <= 4096).to.equal(true);
      expect(layout.columns & (layout.columns - 1), "a power of two").to.equal(0);
      // maximal: doubling breaks one of the two conditions
      const doubled = 2 * layout.columns;
      expect(dIn % doubled !== 0 || dOut * doubled > 4096).to.equal(true);
      expect(layout.treeDepth).to.equal(Math.max(1, Math.ceil(Math.log2(layout.blocks))));
    });
  }
});

describe("protocol v2: canonical initialization", () => {
  const shape = SHAPE;
  const beta = initBound(shape.dIn, shape.F);

  it("β = floor(2^F / sqrt(d_in)), at least 1", () => {
    expect(beta).to.equal(90n); // 256 / sqrt(8) = 90.5
    expect(initBound(64, 8)).to.equal(32n);
    expect(initBound(1 << 20, 2)).to.equal(1n);
  });

  it("B = 0, every |A| <= β, deterministic per seed, different seeds differ", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: p - 1n }), (seed) => {
        const { a, b } = canonicalInit(seed, shape);
        expect(b).to.deep.equal(Array.from({ length: shape.dOut }, () => Array.from({ length: shape.rank }, () => 0n)));
        expect(a).to.have.length(shape.rank);
        for (const row of a) {
          expect(row).to.have.length(shape.dIn);
          for (const v of row) expect(v >= -beta && v <= beta, `${v} within ±${beta}`).to.equal(true);
        }
        expect(canonicalInit(seed, shape)).to.deep.equal({ a, b });
        const other = canonicalInit((seed + 1n) % p, shape);
        expect(other.a).to.not.deep.equal(a);
        expect(canonicalAdapter(seed, shape)).to.equal(adapterCommitment(a, b, shape));
        expect(canonicalAdapter((seed + 1n) % p, shape)).to.not.equal(canonicalAdapter(seed, shape));
      }),
      { numRuns: 40 },
    );
  });

  it("entry m = k d_in + l is floor(u_m (2β + 1) / 2^16) - β, u_m chunk m mod 15 of Poseidon([15, seed, floor(m / 15)])", () => {
    const seed = 0xabcdefn;
    const { a } = canonicalInit(seed, shape);
    // m = 1 * 8 + 7 = 15: the first chunk of the second hash.
    for (const [k, l] of [
      [0, 0],
      [0, 3],
      [1, 6],
      [1, 7],
    ] as const) {
      const m = k * shape.dIn + l;
      const word = poseidon3([15n, seed, BigInt(Math.floor(m / 15))]);
      const u = (word >> BigInt(16 * (m % 15))) % 65536n;
      expect(a[k]?.[l]).to.equal((u * (2n * beta + 1n)) / 65536n - beta);
    }
  });

  it("uses the whole range: over many seeds both -β and β appear and the mean is near 0", () => {
    const counts = new Map<bigint, number>();
    let sum = 0n;
    let n = 0;
    for (let seed = 0n; seed < 200n; seed++) {
      for (const v of canonicalInit(seed, shape).a.flat()) {
        counts.set(v, (counts.get(v) ?? 0) + 1);
        sum += v;
        n++;
      }
    }
    expect(counts.has(-beta)).to.equal(true);
    expect(counts.has(beta)).to.equal(true);
    expect(Math.abs(Number(sum) / n)).to.be.below(5);
  });

  it("rejects a seed that is not a field element", () => {
    expect(() => canonicalInit(p, shape)).to.throw();
    expect(() => canonicalInit(-1n, shape)).to.throw();
  });
});

describe("protocol v2: run configuration and the packed step/submitter", () => {
  const config: RunConfig = { baseRoot: 11n, datasetRoot: 22n, projection: 33n, alpha: 256n, lr: 128n };

  it("runConfigHash is Poseidon([16, baseRoot, datasetRoot, projection, α̂, l̂])", () => {
    expect(runConfigHash(config)).to.equal(poseidonHash([16n, 11n, 22n, 33n, 256n, 128n]));
    expect(runConfigHash({ ...config, lr: 129n })).to.not.equal(runConfigHash(config));
    expect(runConfigHash({ ...config, alpha: 1n, lr: 65535n })).to.equal(
      poseidonHash([16n, 11n, 22n, 33n, 1n, 65535n]),
    );
  });

  for (const [name, change] of [
    ["α = 0", { alpha: 0n }],
    ["lr = 0", { lr: 0n }],
    ["α = 2^16", { alpha: 1n << 16n }],
    ["lr = 2^16", { lr: 1n << 16n }],
    ["α < 0", { alpha: -1n }],
    ["baseRoot = p", { baseRoot: p }],
  ] as const) {
    it(`runConfigHash rejects ${name}`, () => {
      expect(() => runConfigHash({ ...config, ...change })).to.throw(RangeError);
    });
  }

  it("packStepSubmitter round-trips step * 2^160 + submitter", () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: (1n << 32n) - 1n }),
        fc.bigInt({ min: 0n, max: (1n << 160n) - 1n }),
        (step, submitter) => {
          const packed = packStepSubmitter(step, submitter);
          expect(packed).to.equal(step * 2n ** 160n + submitter);
          expect(packed < 1n << 192n).to.equal(true);
          expect(unpackStepSubmitter(packed)).to.deep.equal({ step, submitter });
        },
      ),
      { numRuns: 200 },
    );
  });

  it("packStepSubmitter rejects step 2^32, submitter 2^160 and negatives", () => {
    expect(() => packStepSubmitter(1n << 32n, 0n)).to.throw(RangeError);
    expect(() => packStepSubmitter(0n, 1n << 160n)).to.throw(RangeError);
    expect(() => packStepSubmitter(-1n, 0n)).to.throw(RangeError);
    expect(() => packStepSubmitter(0n, -1n)).to.throw(RangeError);
    expect(packStepSubmitter((1n << 32n) - 1n, (1n << 160n) - 1n)).to.equal((1n << 192n) - 1n);
  });
});

describe("protocol v2: checkpoints", () => {
  const shape = SHAPE;
  const task = syntheticTask(shape, { seed: 17, datasetSize: 13 });
  const run = setUpRun(task);
  const { commitment, config } = run;

  it("k = 3 equals three chained loraStep calls on the batches steps 5, 6, 7 select, and loss = Σ E² of them", () => {
    const made = makeRunCheckpoint(run, {
      shape: { ...shape, steps: 3 },
      adapter: { a: task.a, b: task.b },
      firstStep: 5n,
      submitter: SUBMITTER,
    });
    let a = task.a;
    let b = task.b;
    let loss = 0n;
    // n = 2, 13 examples: step s reads positions 2s, 2s + 1 mod 13.
    const expectedPositions = [
      [10, 11],
      [12, 0],
      [1, 2],
    ];
    for (let s = 0; s < 3; s++) {
      const positions = expectedPositions[s] ?? [];
      expect(made.witness.batches[s]?.positions).to.deep.equal(positions);
      const result = loraStep({
        shape,
        w0: task.w0,
        a,
        b,
        alpha: task.alpha,
        lr: task.lr,
        xs: positions.map((m) => task.dataset[m]?.x ?? []),
        ts: positions.map((m) => task.dataset[m]?.t ?? []),
      });
      expect(made.steps[s]).to.deep.equal(result);
      expect(made.witness.adapters[s + 1]).to.deep.equal({ a: result.aNext, b: result.bNext });
      for (const e of result.e.flat()) loss += e * e;
      a = result.aNext;
      b = result.bNext;
    }
    expect(made.statement.loss).to.equal(loss);
    expect(loss > 0n).to.equal(true);
    expect(made.statement.adapterBefore).to.equal(adapterCommitment(task.a, task.b, shape));
    expect(made.statement.adapterAfter).to.equal(adapterCommitment(a, b, shape));
    expect(made.statement.adapterAfter).to.not.equal(made.statement.adapterBefore);
    expect(made.statement.runConfig).to.equal(runConfigHash(config));
    expect(made.statement.stepSubmitter).to.equal((5n << 160n) + SUBMITTER);
    // the siblings open each batch's examples in the activated dataset
    made.witness.batches.forEach((batch) => {
      batch.positions.forEach((position, j) =>
        expect(batch.siblings[j]).to.deep.equal(commitment.tree.proof(position).siblings),
      );
    });
  });

  it("refuses a dataset commitment that is not the run's", () => {
    expect(() =>
      makeRunCheckpoint(run, {
        shape: { ...shape, steps: 1 },
        config: { ...config, datasetRoot: config.datasetRoot + 1n },
        adapter: { a: task.a, b: task.b },
        firstStep: 0n,
        submitter: SUBMITTER,
      }),
    ).to.throw(RangeError);
  });
});

describe("protocol v2: merged weights in blocks", () => {
  for (const dims of [
    { dIn: 8, dOut: 8 },
    { dIn: 16, dOut: 512 },
    { dIn: 7, dOut: 3 },
  ]) {
    it(`${dims.dIn}x${dims.dOut}: the merged weights equal mergedWeights and each block commits its columns`, () => {
      const shape: StepShape = { ...SHAPE, ...dims };
      const task = syntheticTask(shape, { seed: 21, datasetSize: 2 });
      const random =
        fc.sample(matrixOf(shape.rank + shape.dOut, shape.dIn, signedInt(shape.aBits)), { seed: 4, numRuns: 1 })[0] ??
        [];
      const a = random.slice(0, shape.rank);
      const b = random.slice(shape.rank).map((row) => row.slice(0, shape.rank));
      const merged = mergeInBlocks(shape, task.w0, a, b, 300n);
      expect(merged.merged).to.deep.equal(mergedWeights(shape, task.w0, a, b, 300n));
      expect(merged.layout).to.deep.equal(baseLayout(shape.dIn, shape.dOut));
      expect(merged.accumulators).to.have.length(merged.layout.blocks + 1);
      expect(merged.root).to.equal(merged.accumulators[merged.layout.blocks]);
      expect(merged.accumulators[1]).to.equal(poseidon3([TAGS.mergedModel, 0n, merged.blockCommitments[0] ?? 0n]));
      // a different α changes the commitment
      expect(mergeInBlocks(shape, task.w0, a, b, 301n).root).to.not.equal(merged.root);
      // the chain's first block hashes the first C columns row-major
      const firstBlock = merged.merged.flatMap((row) => row.slice(0, merged.layout.columns));
      expect(firstBlock).to.deep.equal(baseBlockValues(merged.merged, merged.layout, 0));
      expect(merged.blockCommitments[0]).to.equal(packHash(17n, firstBlock, mergedBits(shape)));
    });
  }
});
