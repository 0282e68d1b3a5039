import { expect } from "chai";
import fc from "fast-check";

import { FIELD_MODULUS, assertFieldElement, fromFieldSigned, toField } from "../../src/protocol/index.js";

describe("field", () => {
  it("maps signed values to [0, p)", () => {
    expect(toField(0n)).to.equal(0n);
    expect(toField(-1n)).to.equal(FIELD_MODULUS - 1n);
    expect(toField(FIELD_MODULUS + 5n)).to.equal(5n);
    expect(toField(-FIELD_MODULUS - 5n)).to.equal(FIELD_MODULUS - 5n);
  });

  it("reads elements above p/2 as negative", () => {
    expect(fromFieldSigned(FIELD_MODULUS - 1n)).to.equal(-1n);
    expect(fromFieldSigned(FIELD_MODULUS / 2n)).to.equal(FIELD_MODULUS / 2n);
    expect(fromFieldSigned(FIELD_MODULUS / 2n + 1n)).to.equal(FIELD_MODULUS / 2n + 1n - FIELD_MODULUS);
  });

  it("rejects values that are not field elements", () => {
    expect(() => assertFieldElement("root", FIELD_MODULUS)).to.throw(RangeError, /root = .* is not a field element/);
    expect(() => assertFieldElement("root", -1n)).to.throw(RangeError);
    expect(() => fromFieldSigned(FIELD_MODULUS)).to.throw(RangeError);
    assertFieldElement("root", FIELD_MODULUS - 1n);
  });

  it("round-trips signed values of magnitude below p/2", () => {
    const half = FIELD_MODULUS / 2n;
    fc.assert(
      fc.property(fc.bigInt({ min: -half, max: half }), (v) => {
        const f = toField(v);
        expect(f >= 0n && f < FIELD_MODULUS).to.equal(true);
        expect(fromFieldSigned(f)).to.equal(v);
      }),
    );
  });
});
