// Negative tests of the building blocks, on small --O1 harnesses where every signal can be tampered
// with: each tampered witness keeps the block's main equation true and breaks only the range check
// under test, so removing that check would make the test fail.
import { expect } from "chai";
import { FIELD_MODULUS } from "../../src/protocol/index.js";
import { calculateWitness, compileHarness, firstBrokenConstraint, type CompiledHarness } from "../helpers/circuit.js";
import { mod } from "../helpers/field.js";

const RANGE_FILE = "circuits/lib/range.circom";

function wire(harness: CompiledHarness, name: string): number {
  const index = harness.symbols.get(name);
  if (index === undefined) throw new Error(`no wire for ${name}`);
  return index;
}

async function expectWitnessRejected(harness: CompiledHarness, input: Record<string, unknown>): Promise<void> {
  let error: unknown;
  try {
    await calculateWitness(harness.wasm, input);
  } catch (caught) {
    error = caught;
  }
  expect(error, `witness for ${JSON.stringify(input)} should be rejected`).to.be.instanceOf(Error);
  expect(String(error)).to.match(/Assert Failed/);
}

describe("circuit building blocks", function () {
  describe("SignedRange(16)", function () {
    let harness: CompiledHarness;
    before(async function () {
      harness = await compileHarness(RANGE_FILE, "SignedRange", [16]);
    });

    for (const value of [-32768n, -1n, 0n, 32767n]) {
      it(`accepts ${value}`, async function () {
        const witness = await calculateWitness(harness.wasm, { in: mod(value).toString() });
        expect(firstBrokenConstraint(harness.r1cs, witness)).to.equal(-1);
      });
    }
    for (const value of [32768n, -32769n, FIELD_MODULUS / 2n, FIELD_MODULUS - 32769n]) {
      it(`rejects ${value} (just outside the range, or at the field's middle and boundary)`, async function () {
        await expectWitnessRejected(harness, { in: mod(value).toString() });
      });
    }

    it("rejects a fake witness whose bits recompose to a wrapped-around value", async function () {
      const witness = await calculateWitness(harness.wasm, { in: "5" });
      // in = 2^16 + 5 - 2^15 … would need bit 16: the best a cheater can do is keep the 16 bits.
      witness[wire(harness, "main.in")] = 5n + 65536n;
      expect(firstBrokenConstraint(harness.r1cs, witness)).to.not.equal(-1);
    });
  });

  for (const bound of [256n, 24n * 256n]) {
    describe(`BelowConstant(${bound})`, function () {
      let harness: CompiledHarness;
      before(async function () {
        harness = await compileHarness(RANGE_FILE, "BelowConstant", [bound]);
      });

      it("accepts 0 and bound - 1", async function () {
        for (const value of [0n, bound - 1n]) {
          const witness = await calculateWitness(harness.wasm, { in: value.toString() });
          expect(firstBrokenConstraint(harness.r1cs, witness)).to.equal(-1);
        }
      });
      it("rejects bound, 2^width and -1", async function () {
        const width = (bound - 1n).toString(2).length;
        for (const value of [bound, 1n << BigInt(width), FIELD_MODULUS - 1n]) {
          await expectWitnessRejected(harness, { in: value.toString() });
        }
      });
    });
  }

  describe("RoundShift(8, 12): q = round(in / 256), q in 12 signed bits", function () {
    let harness: CompiledHarness;
    before(async function () {
      harness = await compileHarness(RANGE_FILE, "RoundShift", [8, 12]);
    });

    const cases: [bigint, bigint][] = [
      [0n, 0n],
      [127n, 0n],
      [128n, 1n], // half rounds up
      [-128n, 0n], // -0.5 rounds up to 0
      [-129n, -1n],
      [1000n, 4n],
      [-1000n, -4n],
      [2047n * 256n + 127n, 2047n],
    ];
    for (const [input, expected] of cases) {
      it(`round(${input} / 256) = ${expected}`, async function () {
        const witness = await calculateWitness(harness.wasm, { in: mod(input).toString() });
        expect(witness[wire(harness, "main.q")]).to.equal(mod(expected));
        expect(firstBrokenConstraint(harness.r1cs, witness)).to.equal(-1);
      });
    }

    it("rejects a quotient outside its 12 signed bits", async function () {
      await expectWitnessRejected(harness, { in: (2048n * 256n).toString() });
    });

    for (const shift of [1n, -1n]) {
      it(`rejects a wrong remainder (q ${shift > 0 ? "+" : "-"} 1 with rem adjusted so the equation still holds)`, async function () {
        const witness = await calculateWitness(harness.wasm, { in: "1000" });
        const q = witness[wire(harness, "main.q")] as bigint;
        const rem = witness[wire(harness, "main.rem")] as bigint;
        witness[wire(harness, "main.q")] = mod(q + shift);
        witness[wire(harness, "main.rem")] = mod(rem - shift * 256n);
        // The quotient's own range check is redone honestly for the new q, so only the remainder's fails.
        const offsetQ = mod(q + shift) + 2048n;
        for (let bit = 0; bit < 12; bit++) {
          witness[wire(harness, `main.qRange.offsetRange.bit[${bit}]`)] = (offsetQ >> BigInt(bit)) & 1n;
        }
        const broken = firstBrokenConstraint(harness.r1cs, witness);
        expect(broken).to.not.equal(-1);
        // Control: the same edit without the shift satisfies every constraint.
        const honest = await calculateWitness(harness.wasm, { in: "1000" });
        expect(firstBrokenConstraint(harness.r1cs, honest)).to.equal(-1);
      });
    }
  });

  it("an all-ones fake witness fails", async function () {
    const harness = await compileHarness(RANGE_FILE, "RoundShift", [8, 12]);
    const witness = new Array<bigint>(harness.r1cs.wireCount).fill(1n);
    expect(firstBrokenConstraint(harness.r1cs, witness)).to.not.equal(-1);
  });
});
