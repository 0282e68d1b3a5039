import { expect } from "chai";
import fc from "fast-check";

import {
  FixedPointRangeError,
  checkSignedRange,
  checkSignedVector,
  checkUnsignedRange,
  fromFixed,
  signedBounds,
  toFixed,
  toFixedMatrix,
  toFixedUnsigned,
} from "../../src/protocol/index.js";

describe("fixed point", () => {
  it("rounds half away from zero", () => {
    expect(toFixed(2.5 / 256, 8, 16, "v")).to.equal(3n);
    expect(toFixed(-2.5 / 256, 8, 16, "v")).to.equal(-3n);
    expect(toFixed(1.49 / 256, 8, 16, "v")).to.equal(1n);
    expect(toFixed(-0.5 / 256, 8, 16, "v")).to.equal(-1n);
    expect(toFixed(-0.4 / 256, 8, 16, "v")).to.equal(0n);
    expect(toFixed(0.75, 8, 16, "v")).to.equal(192n);
  });

  it("accepts exactly the bounds", () => {
    expect(toFixed(-128, 8, 16, "v")).to.equal(-32768n);
    expect(toFixed(127.99609375, 8, 16, "v")).to.equal(32767n);
    expect(() => toFixed(128, 8, 16, "v")).to.throw(FixedPointRangeError);
    // 127.999 * 256 = 32767.744 rounds to 32768: out of range after rounding.
    expect(() => toFixed(127.999, 8, 16, "v")).to.throw(FixedPointRangeError);
  });

  it("names field, entry, value and bound when a value does not fit", () => {
    let caught: unknown;
    try {
      toFixedMatrix(
        [
          [0, 0, 0, 0],
          [0, 0, 0, 300.5],
        ],
        8,
        16,
        "adapter.a",
      );
    } catch (error) {
      caught = error;
    }
    expect(caught).to.be.instanceOf(FixedPointRangeError);
    expect(caught).to.be.instanceOf(RangeError);
    const error = caught as FixedPointRangeError;
    expect(error.message).to.equal(
      "adapter.a[1][3] = 300.5 does not fit 16-bit fixed point at scale 2^8 (allowed [-128, 127.99609375])",
    );
    expect(error.field).to.equal("adapter.a");
    expect(error.index).to.deep.equal([1, 3]);
    expect(error.value).to.equal(300.5);
    expect(error.min).to.equal(-128);
    expect(error.max).to.equal(127.99609375);
  });

  it("rejects non-finite numbers", () => {
    expect(() => toFixed(Number.NaN, 8, 16, "x")).to.throw(FixedPointRangeError, /x = NaN/);
    expect(() => toFixed(Number.POSITIVE_INFINITY, 8, 16, "x")).to.throw(FixedPointRangeError);
  });

  it("converts unsigned hyperparameters", () => {
    expect(toFixedUnsigned(0.01, 8, 16, "lr")).to.equal(3n);
    expect(() => toFixedUnsigned(-0.01, 8, 16, "lr")).to.throw(FixedPointRangeError, /lr = -0.01 .* unsigned/);
    expect(() => toFixedUnsigned(256, 8, 16, "alpha")).to.throw(FixedPointRangeError, /allowed \[0, 255.99609375\]/);
  });

  it("range-checks integers and reports the failing index", () => {
    checkSignedRange("w", -128n, 8);
    checkSignedRange("w", 127n, 8);
    expect(() => checkSignedRange("w", 128n, 8)).to.throw(
      FixedPointRangeError,
      "w = 128 does not fit 8-bit signed integer (allowed [-128, 127])",
    );
    expect(() => checkSignedVector("x", [0n, 1n, -129n], 8)).to.throw(FixedPointRangeError, /^x\[2\] = -129/);
    expect(() => checkUnsignedRange("alpha", 65536n, 16)).to.throw(FixedPointRangeError, /alpha = 65536/);
  });

  it("round-trips every in-range integer through a real", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 48 }).chain((bits) =>
          fc.record({
            bits: fc.constant(bits),
            scaleBits: fc.integer({ min: 0, max: 20 }),
            v: fc.bigInt(signedBounds(bits)),
          }),
        ),
        ({ bits, scaleBits, v }) => {
          expect(toFixed(fromFixed(v, scaleBits), scaleBits, bits, "v")).to.equal(v);
        },
      ),
    );
  });

  it("lands within half a unit of the real value", () => {
    fc.assert(
      fc.property(fc.double({ min: -100, max: 100, noNaN: true }), (value) => {
        const fixed = toFixed(value, 8, 16, "v");
        expect(Math.abs(fromFixed(fixed, 8) - value)).to.be.at.most(0.5 / 256);
      }),
    );
  });
});
