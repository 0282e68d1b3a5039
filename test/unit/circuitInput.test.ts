import { expect } from "chai";

import {
  FIELD_MODULUS,
  PUBLIC_SIGNAL_NAMES,
  adapterCommitment,
  baseRoot,
  batchPositions,
  buildCircuitInput,
  checkWitness,
  commitDataset,
  exampleLeaf,
  hparamsHash,
  makeStep,
  publicSignals,
  toFixedMatrix,
  verifyProof,
  type Example,
  type MakeStepParams,
  type StepShape,
} from "../../src/protocol/index.js";

// The shipped test instance, with small real-valued data converted to fixed point.
const SHAPE: StepShape = { dIn: 8, dOut: 8, rank: 2, batch: 2, depth: 4, F: 8, FW: 10, xBits: 16, aBits: 16, wBits: 8 };
const real = (rows: number, cols: number, seed: number, scale: number): number[][] =>
  Array.from({ length: rows }, (_, i) =>
    Array.from({ length: cols }, (_, j) => Math.sin(seed + 7 * i + 3 * j) * scale),
  );

const dataset: Example[] = Array.from({ length: 5 }, (_, m) => ({
  x: toFixedMatrix(real(1, 8, m, 1), 8, 16, `dataset[${m}].x`)[0] ?? [],
  t: toFixedMatrix(real(1, 8, 100 + m, 1), 8, 16, `dataset[${m}].t`)[0] ?? [],
}));
const PARAMS: MakeStepParams = {
  shape: SHAPE,
  w0: toFixedMatrix(real(8, 8, 1, 0.1), 10, 8, "w0"),
  a: toFixedMatrix(real(2, 8, 2, 0.5), 8, 16, "a"),
  b: toFixedMatrix(real(8, 2, 3, 0.5), 8, 16, "b"),
  alpha: 256n,
  lr: 26n,
  dataset,
  step: 2n,
  submitter: 0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266n,
};

describe("batch positions", () => {
  it("takes (step * batch + j) mod datasetSize", () => {
    expect(batchPositions(0n, SHAPE, 5n)).to.deep.equal([0, 1]);
    expect(batchPositions(2n, SHAPE, 5n)).to.deep.equal([4, 0]);
    expect(batchPositions(4294967295n, SHAPE, 16n)).to.deep.equal([14, 15]);
    expect(batchPositions(7n, { ...SHAPE, batch: 3 }, 1n)).to.deep.equal([0, 0, 0]);
  });

  it("refuses steps and sizes out of range", () => {
    expect(() => batchPositions(1n << 32n, SHAPE, 5n)).to.throw(RangeError, /step/);
    expect(() => batchPositions(-1n, SHAPE, 5n)).to.throw(RangeError, /step/);
    expect(() => batchPositions(0n, SHAPE, 17n)).to.throw(RangeError, /datasetSize = 17/);
    expect(() => batchPositions(0n, SHAPE, 0n)).to.throw(RangeError, /datasetSize = 0/);
  });

  it("commits the dataset with its size", () => {
    const committed = commitDataset(dataset, SHAPE);
    expect(committed.size).to.equal(5n);
    const leaf = exampleLeaf(dataset[3]?.x ?? [], dataset[3]?.t ?? [], SHAPE);
    expect(verifyProof(leaf, 3, committed.tree.proof(3).siblings, committed.treeRoot)).to.equal(true);
    expect(() => commitDataset([], SHAPE)).to.throw(RangeError, /datasetSize = 0/);
  });
});

describe("makeStep and the circuit input", () => {
  const made = makeStep(PARAMS);

  it("commits to everything the statement names", () => {
    const { statement, witness } = made;
    expect(made.positions).to.deep.equal([4, 0]);
    expect(statement.baseRoot).to.equal(baseRoot(PARAMS.w0, SHAPE));
    expect(statement.adapterBefore).to.equal(adapterCommitment(PARAMS.a, PARAMS.b, SHAPE));
    expect(statement.adapterAfter).to.equal(adapterCommitment(witness.aNext, witness.bNext, SHAPE));
    expect(statement.hparamsHash).to.equal(hparamsHash(SHAPE, 256n, 26n, 5n));
    expect(statement.datasetRoot).to.equal(commitDataset(dataset, SHAPE).datasetRoot);
    expect(witness.examples).to.deep.equal([dataset[4], dataset[0]]);
    expect(statement.adapterAfter).to.not.equal(statement.adapterBefore);
    expect(made.loss).to.be.greaterThan(0);
    expect(checkWitness(SHAPE, statement, witness)).to.deep.equal([]);
  });

  it("lists the public signals in the order of PROTOCOL §7", () => {
    const { statement } = made;
    expect(publicSignals(statement)).to.deep.equal(PUBLIC_SIGNAL_NAMES.map((name) => statement[name]));
    expect(PUBLIC_SIGNAL_NAMES).to.deep.equal([
      "baseRoot",
      "datasetRoot",
      "hparamsHash",
      "adapterBefore",
      "adapterAfter",
      "step",
      "submitter",
    ]);
  });

  it("has exactly the template's signals, as decimal field elements", () => {
    const input = made.circuitInput;
    expect(Object.keys(input).sort()).to.deep.equal(
      [
        ...PUBLIC_SIGNAL_NAMES,
        "w0",
        "a",
        "b",
        "aNext",
        "bNext",
        "alpha",
        "lr",
        "datasetSize",
        "x",
        "t",
        "siblings",
      ].sort(),
    );
    const dims = (m: string[][]): [number, number] => [m.length, m[0]?.length ?? 0];
    expect(dims(input.w0)).to.deep.equal([8, 8]);
    expect(dims(input.a)).to.deep.equal([2, 8]);
    expect(dims(input.b)).to.deep.equal([8, 2]);
    expect(dims(input.aNext)).to.deep.equal([2, 8]);
    expect(dims(input.bNext)).to.deep.equal([8, 2]);
    expect(dims(input.x)).to.deep.equal([2, 8]);
    expect(dims(input.t)).to.deep.equal([2, 8]);
    expect(dims(input.siblings)).to.deep.equal([2, 4]);
    expect(input.step).to.equal("2");
    expect(input.datasetSize).to.equal("5");
    expect(input.submitter).to.equal(PARAMS.submitter.toString());
    const all = [input.w0, input.a, input.b, input.aNext, input.bNext, input.x, input.t, input.siblings].flat(2);
    for (const value of all) {
      expect(value).to.match(/^(0|[1-9][0-9]*)$/);
      expect(BigInt(value) < FIELD_MODULUS).to.equal(true);
    }
    // Negative entries are p - |v|.
    const negative = PARAMS.w0.flatMap((row, i) => row.map((v, l) => ({ v, i, l }))).find(({ v }) => v < 0n);
    expect(negative).to.not.equal(undefined);
    if (negative !== undefined) {
      expect(input.w0[negative.i]?.[negative.l]).to.equal((FIELD_MODULUS + negative.v).toString());
    }
  });

  it("explains a witness that does not prove the statement", () => {
    const { statement, witness } = made;
    const aNext = witness.aNext.map((row) => [...row]);
    const row = aNext[1] ?? [];
    row[5] = (row[5] ?? 0n) + 3n;
    const problems = checkWitness(SHAPE, statement, { ...witness, aNext });
    expect(problems).to.have.length(2);
    expect(problems[0]).to.match(/^adapterAfter: the witness gives/);
    expect(problems[1]).to.match(
      /^adapters after are not one step from those before: aNext\[1\]\[5\] is .* \(off by \+3\)$/,
    );

    const swapped = checkWitness(SHAPE, statement, {
      ...witness,
      examples: [dataset[1] as Example, dataset[0] as Example],
    });
    expect(swapped.some((p) => p.startsWith("datasetRoot through batch example 0 (position 4)"))).to.equal(true);
    expect(checkWitness(SHAPE, { ...statement, step: 3n }, witness).length).to.be.greaterThan(0);
  });

  it("refuses inputs that would wrap around the field", () => {
    const { statement, witness } = made;
    expect(() => buildCircuitInput(SHAPE, { ...statement, submitter: 1n << 160n }, witness)).to.throw(
      RangeError,
      /submitter/,
    );
    expect(() => buildCircuitInput(SHAPE, { ...statement, baseRoot: FIELD_MODULUS }, witness)).to.throw(
      RangeError,
      /baseRoot/,
    );
    const aNext = witness.aNext.map((row) => row.map(() => 1n << 15n));
    expect(() => buildCircuitInput(SHAPE, statement, { ...witness, aNext })).to.throw(RangeError, /aNext\[0\]\[0\]/);
    expect(() => buildCircuitInput(SHAPE, statement, { ...witness, siblings: [] })).to.throw(/siblings has 0 rows/);
  });
});
