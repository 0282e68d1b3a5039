import { expect } from "chai";

import { bitLength, signedBounds, updateDivisors, validateShape, type StepShape } from "../../src/protocol/index.js";

const TEST_INSTANCE: StepShape = {
  dIn: 8,
  dOut: 8,
  rank: 2,
  batch: 2,
  depth: 4,
  F: 8,
  FW: 10,
  xBits: 16,
  aBits: 16,
  wBits: 8,
};
const REFERENCE_INSTANCE: StepShape = { ...TEST_INSTANCE, dIn: 64, dOut: 64, rank: 4, batch: 4, depth: 8 };

describe("shape", () => {
  it("accepts the shipped instances", () => {
    validateShape(TEST_INSTANCE);
    validateShape(REFERENCE_INSTANCE);
    validateShape({ ...TEST_INSTANCE, wBits: 4, FW: 0 });
  });

  it("rejects what the circuit does not compile", () => {
    expect(() => validateShape({ ...TEST_INSTANCE, FW: 17 })).to.throw(/FW = 17 must be <= 2F = 16/);
    expect(() => validateShape({ ...TEST_INSTANCE, F: 0 })).to.throw(/F = 0 must be a positive integer/);
    expect(() => validateShape({ ...TEST_INSTANCE, dIn: 1.5 })).to.throw(/dIn = 1.5/);
    expect(() => validateShape({ ...TEST_INSTANCE, depth: 33 })).to.throw(/depth = 33/);
    expect(() => validateShape({ ...TEST_INSTANCE, aBits: 65 })).to.throw(/aBits = 65/);
    expect(() => validateShape({ ...TEST_INSTANCE, xBits: 1 })).to.throw(/xBits = 1/);
    // t * batch + j < 2^32 * batch must fit the 40-bit batch-position quotient.
    expect(() => validateShape({ ...TEST_INSTANCE, batch: 256 })).to.throw(/batch = 256/);
    validateShape({ ...TEST_INSTANCE, batch: 255 });
    expect(() => validateShape({ ...TEST_INSTANCE, xBits: 2, aBits: 2, dIn: 1, F: 3, FW: 0 })).to.throw(
      /F = 3 is too large/,
    );
    expect(() => validateShape({ ...TEST_INSTANCE, xBits: 64, aBits: 64, wBits: 64, dIn: 4096, dOut: 4096 })).to.throw(
      /p\/2/,
    );
  });

  it("computes bounds and divisors", () => {
    expect(signedBounds(8)).to.deep.equal({ min: -128n, max: 127n });
    expect(signedBounds(1)).to.deep.equal({ min: -1n, max: 0n });
    expect(updateDivisors(TEST_INSTANCE)).to.deep.equal({ dB: 16n << 40n, dA: 16n << 48n });
    expect([0, 1, 2, 3, 4, 255, 256].map(bitLength)).to.deep.equal([0, 1, 2, 2, 3, 8, 9]);
  });
});
