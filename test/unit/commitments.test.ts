import { expect } from "chai";
import fc from "fast-check";
import { poseidon2, poseidon3, poseidon14, poseidon16 } from "poseidon-lite";

import {
  FIELD_MODULUS,
  FixedPointRangeError,
  TAGS,
  adapterCommitment,
  baseRoot,
  datasetRoot,
  exampleLeaf,
  hparamsHash,
  packHash,
  packSigned,
  poseidonHash,
  unpackSigned,
  valuesPerWord,
  type StepShape,
} from "../../src/protocol/index.js";
import { signedInt } from "./arbitraries.js";

const SHAPE: StepShape = { dIn: 2, dOut: 3, rank: 1, batch: 1, depth: 2, F: 8, FW: 10, xBits: 16, aBits: 16, wBits: 8 };

describe("packing", () => {
  it("puts k = floor(252 / bits) values in a word", () => {
    expect(valuesPerWord(8)).to.equal(31);
    expect(valuesPerWord(16)).to.equal(15);
    expect(valuesPerWord(4)).to.equal(63);
    expect(valuesPerWord(64)).to.equal(3);
  });

  it("offsets and packs little-endian", () => {
    // u = v + 128: [0, 255, 128] → 0 + 255 * 2^8 + 128 * 2^16
    expect(packSigned([-128n, 127n, 0n], 8)).to.deep.equal([255n * 256n + 128n * 65536n]);
    // 16 values of 16 bits: a full word of 15, then one value alone.
    const values = Array.from({ length: 16 }, () => 32767n);
    const words = packSigned(values, 16);
    expect(words).to.have.length(2);
    expect(words[0]).to.equal((1n << 240n) - 1n);
    expect(words[1]).to.equal(65535n);
  });

  it("packs boundary values into words below 2^252", () => {
    for (const bits of [1, 4, 8, 16, 33, 64]) {
      const k = valuesPerWord(bits);
      const max = (1n << BigInt(bits - 1)) - 1n;
      const words = packSigned(
        Array.from({ length: k }, () => max),
        bits,
      );
      expect(words).to.deep.equal([(1n << BigInt(k * bits)) - 1n]);
      expect((words[0] as bigint) < 1n << 252n).to.equal(true);
      expect(unpackSigned(words, bits, k)).to.deep.equal(Array.from({ length: k }, () => max));
    }
  });

  it("rejects out-of-range values instead of wrapping", () => {
    expect(() => packSigned([0n, 128n], 8, "w0")).to.throw(FixedPointRangeError, /w0\[1\] = 128/);
    expect(() => packSigned([-129n], 8)).to.throw(FixedPointRangeError);
  });

  it("unpacks what it packs", () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 64 })
          .chain((bits) =>
            fc.record({ bits: fc.constant(bits), values: fc.array(signedInt(bits), { maxLength: 80 }) }),
          ),
        ({ bits, values }) => {
          const words = packSigned(values, bits);
          expect(words).to.have.length(Math.ceil(values.length / valuesPerWord(bits)));
          expect(unpackSigned(words, bits, values.length)).to.deep.equal(values);
        },
      ),
    );
  });
});

describe("PackHash", () => {
  it("hashes tag * 2^64 + length, then the packed words", () => {
    const word = packSigned([5n], 8)[0] as bigint;
    expect(packHash(1n, [5n], 8)).to.equal(poseidon2([(1n << 64n) + 1n, word]));
  });

  it("chunks at 15 words", () => {
    const values = Array.from({ length: 16 * 15 + 1 }, (_, i) => BigInt((i % 200) - 100));
    const words = packSigned(values, 16);
    expect(words).to.have.length(17);
    const first = poseidon16([(3n << 64n) + BigInt(values.length), ...words.slice(0, 15)]);
    const second = poseidon3([first, words[15] as bigint, words[16] as bigint]);
    expect(packHash(3n, values, 16)).to.equal(second);
  });

  it("differs when the tag differs", () => {
    expect(packHash(1n, [1n, 2n], 8)).to.not.equal(packHash(2n, [1n, 2n], 8));
  });

  it("differs when only the length differs", () => {
    // -128 packs to u = 0: both vectors give the same single word 0.
    expect(packSigned([-128n], 8)).to.deep.equal(packSigned([-128n, -128n], 8));
    expect(packHash(2n, [-128n], 8)).to.not.equal(packHash(2n, [-128n, -128n], 8));
  });

  it("rejects Poseidon inputs that are not field elements", () => {
    expect(() => poseidonHash([FIELD_MODULUS])).to.throw(RangeError);
    expect(() => poseidonHash([])).to.throw(RangeError);
    expect(() => poseidonHash(Array.from({ length: 17 }, () => 0n))).to.throw(RangeError);
  });

  it("matches circomlib's Poseidon([1, 2])", () => {
    expect(poseidonHash([1n, 2n])).to.equal(
      7853200120776062878684798364095072458815029376092732009249414926327459813530n,
    );
  });
});

describe("commitments", () => {
  const w0 = [
    [1n, -2n],
    [127n, -128n],
    [0n, 3n],
  ];

  it("commits W0 row-major with tag 1 and wBits", () => {
    expect(baseRoot(w0, SHAPE)).to.equal(packHash(TAGS.base, [1n, -2n, 127n, -128n, 0n, 3n], 8));
    expect(() =>
      baseRoot(
        [
          [1n, 2n],
          [3n, 128n],
          [0n, 0n],
        ],
        SHAPE,
      ),
    ).to.throw(FixedPointRangeError, /w0\[1\]\[1\]/);
    expect(() => baseRoot([[1n, 2n]], SHAPE)).to.throw(/w0 has 1 rows, expected 3/);
  });

  it("commits an example as x ++ t with tag 2 and xBits", () => {
    expect(exampleLeaf([1n, 2n], [3n, 4n, -5n], SHAPE)).to.equal(packHash(TAGS.example, [1n, 2n, 3n, 4n, -5n], 16));
    expect(() => exampleLeaf([1n], [3n, 4n, 5n], SHAPE)).to.throw(/x has length 1, expected 2/);
    expect(() => exampleLeaf([1n, 2n], [3n, 4n, 1n << 15n], SHAPE, "dataset[7]")).to.throw(
      FixedPointRangeError,
      /^dataset\[7\]\.t\[2\] = 32768/,
    );
  });

  it("commits A row-major then B row-major with tag 3 and aBits", () => {
    const a = [[10n, -20n]];
    const b = [[1n], [2n], [-3n]];
    expect(adapterCommitment(a, b, SHAPE)).to.equal(packHash(TAGS.adapter, [10n, -20n, 1n, 2n, -3n], 16));
    expect(adapterCommitment(a, b, SHAPE)).to.not.equal(adapterCommitment([[-20n, 10n]], b, SHAPE));
  });

  it("binds the dataset size in datasetRoot", () => {
    expect(datasetRoot(123n, 3n)).to.equal(poseidon3([4n, 123n, 3n]));
    expect(datasetRoot(123n, 3n)).to.not.equal(datasetRoot(123n, 4n));
  });

  it("hashes the hyperparameters in the order of PROTOCOL §5", () => {
    expect(hparamsHash(SHAPE, 256n, 3n, 4n)).to.equal(
      poseidon14([5n, 2n, 3n, 1n, 1n, 2n, 8n, 10n, 16n, 16n, 8n, 256n, 3n, 4n]),
    );
    expect(() => hparamsHash(SHAPE, 65536n, 3n, 4n)).to.throw(FixedPointRangeError, /alpha/);
    expect(() => hparamsHash(SHAPE, 1n, 3n, 5n)).to.throw(RangeError, /datasetSize = 5/);
    expect(() => hparamsHash(SHAPE, 1n, 3n, 0n)).to.throw(RangeError, /datasetSize = 0/);
  });
});
