// LoraRunStart (PROTOCOL §12) on a --O1 harness at 8x8, r = 2: the canonical start of a seed, or the
// head of an earlier run, bound to the run's configuration; and at the R1CS level, the canonical init's
// bit decomposition of each Poseidon word and its quotient/remainder split.
import { expect } from "chai";
import fc from "fast-check";

import {
  FIELD_MODULUS,
  adapterCommitment,
  canonicalAdapter,
  canonicalInit,
  initBound,
  poseidonHash,
  runConfigHash,
  type RunConfig,
  type StepShape,
  TEMPLATES,
} from "../../src/protocol/index.js";
import { WitnessTester } from "../helpers/witnessTester.js";
import { mod, inverse } from "../helpers/field.js";

const FILE = TEMPLATES.LoraRunStart.file;
const PUBLIC = TEMPLATES.LoraRunStart.publicInputs;
const SHAPE: StepShape = { dIn: 8, dOut: 8, rank: 2, batch: 2, depth: 4, F: 8, FW: 10, xBits: 16, aBits: 16, wBits: 8 };
const p = FIELD_MODULUS;
const TWO_240 = 1n << 240n;
/** p - 1 = P_HIGH 2^240 + P_LOW */
const P_HIGH = (p - 1n) >> 240n;
const BETA = initBound(SHAPE.dIn, SHAPE.F);
const SPAN = 2n * BETA + 1n;
/** entry m = 15 (A[1][7]) is the only one drawn from the second word (q = 1); its other 14 chunks are unused */
const M = 15;

const RUNS = Number(process.env.FUZZ_RUNS ?? 3);
const CONFIG: RunConfig = { baseRoot: 101n, datasetRoot: 202n, projection: 303n, alpha: 256n, lr: 128n };

function startInput(
  seed: bigint,
  fromHead: bigint,
  adapterStart: bigint,
  config: RunConfig = CONFIG,
): Record<string, string> {
  return {
    runConfig: runConfigHash(config).toString(),
    adapterStart: mod(adapterStart).toString(),
    seed: seed.toString(),
    fromHead: mod(fromHead).toString(),
    baseRoot: config.baseRoot.toString(),
    datasetRoot: config.datasetRoot.toString(),
    projectionId: config.projection.toString(),
    alpha: config.alpha.toString(),
    lr: config.lr.toString(),
  };
}

/** The first seed >= 1 whose second init word satisfies `accept`. */
function findSeed(accept: (word: bigint) => boolean): { seed: bigint; word: bigint } {
  for (let seed = 1n; seed < 10_000n; seed++) {
    const word = poseidonHash([15n, seed, 1n]);
    if (accept(word)) return { seed, word };
  }
  throw new Error("no seed found");
}

describe("LoraRunStart (--O1 harness, 8x8, r 2)", function () {
  this.timeout(600_000);
  let tester: WitnessTester;

  before(async function () {
    tester = await WitnessTester.harness(
      FILE,
      "LoraRunStart",
      [SHAPE.dIn, SHAPE.dOut, SHAPE.rank, SHAPE.F, SHAPE.aBits],
      PUBLIC,
    );
  });

  it("accepts the canonical start of a seed (adapterStart = canonicalAdapter(seed), fromHead = 0)", async function () {
    for (const seed of [0n, 1n, 123456789n, p - 1n]) {
      const witness = await tester.expectPass(startInput(seed, 0n, canonicalAdapter(seed, SHAPE)));
      expect(witness[tester.wire("canonical.out")]).to.equal(canonicalAdapter(seed, SHAPE));
    }
  });

  it("[fuzz] reference and circuit agree over seeds and configurations (the canonical start is accepted)", async function () {
    const hparam = fc.bigInt({ min: 1n, max: (1n << 16n) - 1n });
    const element = fc.bigInt({ min: 0n, max: p - 1n });
    await fc.assert(
      fc.asyncProperty(
        element,
        element,
        element,
        element,
        hparam,
        hparam,
        async (seed, baseRoot, datasetRoot, projection, alpha, lr) => {
          const config: RunConfig = { baseRoot, datasetRoot, projection, alpha, lr };
          const { a, b } = canonicalInit(seed, SHAPE);
          await tester.expectPass(startInput(seed, 0n, adapterCommitment(a, b, SHAPE), config));
        },
      ),
      { numRuns: RUNS, endOnFailure: true },
    );
  });

  it("rejects another adapter with fromHead = 0 (the canonical start of seed + 1, and A[0][0] + 1)", async function () {
    const seed = 42n;
    const { a, b } = canonicalInit(seed, SHAPE);
    const nudged = adapterCommitment(
      a.map((row, k) => row.map((v, l) => (k === 0 && l === 0 ? v + 1n : v))),
      b,
      SHAPE,
    );
    for (const adapter of [canonicalAdapter(seed + 1n, SHAPE), nudged]) {
      const message = await tester.expectRejection(
        startInput(seed, 0n, adapter),
        "not the canonical start of the seed",
      );
      expect(message).to.match(/Error in template LoraRunStart_\d+ line/);
      expect(message).to.not.match(/CanonicalInit|RunConfigHash/);
    }
  });

  it("rejects fromHead = 1 with seed != 0", async function () {
    const message = await tester.expectRejection(startInput(7n, 1n, 12345n), "fromHead = 1, seed = 7");
    expect(message).to.match(/Error in template LoraRunStart_\d+ line/);
  });

  it("rejects fromHead = 2 (and fromHead = -1), even with the canonical adapter", async function () {
    for (const fromHead of [2n, -1n]) {
      const message = await tester.expectRejection(
        startInput(0n, fromHead, canonicalAdapter(0n, SHAPE)),
        `fromHead = ${fromHead}`,
      );
      expect(message).to.match(/Error in template LoraRunStart_\d+ line/);
    }
  });

  it("accepts fromHead = 1, seed = 0 with any adapterStart (the registry checks it is a verified head)", async function () {
    for (const adapter of [0n, 12345n, canonicalAdapter(9n, SHAPE), p - 1n]) {
      await tester.expectPass(startInput(0n, 1n, adapter));
    }
  });

  it("rejects a runConfig that is not the hash of the configuration (α̂ + 1 in the hash, and the public value + 1)", async function () {
    const input = startInput(3n, 0n, canonicalAdapter(3n, SHAPE));
    const other = { ...input, runConfig: runConfigHash({ ...CONFIG, alpha: CONFIG.alpha + 1n }).toString() };
    const shifted = { ...input, runConfig: (runConfigHash(CONFIG) + 1n).toString() };
    for (const tampered of [other, shifted]) {
      const message = await tester.expectRejection(tampered, "runConfig mismatch");
      expect(message).to.match(/Error in template LoraRunStart_\d+ line/);
    }
  });

  it("rejects α = 0 and lr = 0 even with runConfig hashed over them", async function () {
    for (const change of [{ alpha: 0n }, { lr: 0n }]) {
      const config = { ...CONFIG, ...change };
      const input = {
        ...startInput(3n, 0n, canonicalAdapter(3n, SHAPE)),
        runConfig: poseidonHash([
          16n,
          config.baseRoot,
          config.datasetRoot,
          config.projection,
          config.alpha,
          config.lr,
        ]).toString(),
        alpha: config.alpha.toString(),
        lr: config.lr.toString(),
      };
      const message = await tester.expectRejection(
        input,
        JSON.stringify(change, (_, v: unknown) => (typeof v === "bigint" ? v.toString() : v)),
      );
      expect(message).to.match(
        /Error in template UnsignedRange_\d+ line[\s\S]*Error in template RunConfigHash_\d+ line/,
      );
    }
  });

  /**
   * The honest witness of seed's canonical start, with word 1's decomposition replaced by (low, high) (any
   * field elements with low + high 2^240 = word mod p) and entry 15's remainder moved by `remainderShift`
   * (its quotient, hence A and the commitment, unchanged). Returns the tampered witness.
   */
  async function realias(seed: bigint, low: bigint, high: bigint, remainderShift: bigint): Promise<bigint[]> {
    const witness = await tester.expectPass(startInput(seed, 0n, canonicalAdapter(seed, SHAPE)));
    const prefix = "canonical.bits[1]";
    const changes: Record<string, bigint> = { [`${prefix}.high`]: high };
    for (let i = 0; i < 240; i++) changes[`${prefix}.bits[${i}]`] = (low >> BigInt(i)) & 1n;
    const highIn = mod(P_HIGH - high);
    if (tester.symbols.has(`main.${prefix}.highRange.in`)) changes[`${prefix}.highRange.in`] = highIn;
    for (let i = 0; i < 14; i++) changes[`${prefix}.highRange.bit[${i}]`] = (highIn >> BigInt(i)) & 1n;
    changes[`${prefix}.atTop.in`] = highIn;
    changes[`${prefix}.atTop.out`] = highIn === 0n ? 1n : 0n;
    changes[`${prefix}.atTop.inv`] = highIn === 0n ? 0n : inverse(highIn);
    const P_LOW = p - 1n - P_HIGH * TWO_240;
    const lowIn = highIn === 0n ? mod(P_LOW - low) : 0n;
    if (tester.symbols.has(`main.${prefix}.lowRange.in`)) changes[`${prefix}.lowRange.in`] = lowIn;
    for (let i = 0; i < 240; i++) changes[`${prefix}.lowRange.bit[${i}]`] = (lowIn >> BigInt(i)) & 1n;
    const remainder = (witness[tester.wire(`canonical.remainder[${M}]`)] ?? 0n) + remainderShift;
    changes[`canonical.remainder[${M}]`] = remainder;
    if (tester.symbols.has(`main.canonical.remainderRange[${M}].in`))
      changes[`canonical.remainderRange[${M}].in`] = remainder;
    for (let i = 0; i < 16; i++) changes[`canonical.remainderRange[${M}].bit[${i}]`] = (remainder >> BigInt(i)) & 1n;
    const tampered = tester.tamper(witness, changes);
    // the decomposition still recomposes the word mod p
    expect(mod(low + high * TWO_240)).to.equal(witness[tester.wire(`${prefix}.in`)]);
    return tampered;
  }

  it("R1CS: rejects the alias word + p of a Poseidon word (word + p < 2^254): only the canonicity bound breaks", async function () {
    // word + p moves chunk 15 (the low 16 bits, p = 1 mod 2^16) by +1: remainder + span keeps its quotient.
    const { seed, word } = findSeed((w) => {
      const u = w & 0xffffn;
      return w + p < 1n << 254n && u !== 0xffffn && ((u * SPAN) % 65536n) + SPAN < 65536n;
    });
    const alias = word + p;
    const tampered = await realias(seed, alias % TWO_240, alias >> 240n, SPAN);
    expect(alias >> 240n > P_HIGH).to.equal(true);
    const broken = tester.expectConstraintFail(tampered, "word + p decomposed");
    const highWire = tester.wire("canonical.bits[1].high");
    expect(broken.length, `broken: ${broken.join(", ")}`).to.be.at.least(1);
    for (const index of broken) {
      const wires = tester.constraintWires(index);
      const bits = Array.from({ length: 14 }, (_, i) => tester.wire(`canonical.bits[1].highRange.bit[${i}]`));
      expect(
        wires.has(highWire) || bits.some((w) => wires.has(w)),
        `constraint ${index} is the high part's range`,
      ).to.equal(true);
    }
  });

  // Found by this test (fixed in CanonicalLowBits): `UnsignedRange(14)` of P_HIGH - high alone allows
  // high = p - j for 1 <= j <= 2^14 - 1 - P_HIGH = 3995 (P_HIGH - high = P_HIGH + j < 2^14), and atTop is
  // then 0, so the low bits are unchecked: every word >= p - 3995 2^240 (about a third of them) has a
  // second decomposition, low = word + j 2^240 - p, whose chunks are those of word - p. Fix: also
  // range-check high itself (`UnsignedRange(14)` of high, as the circuit now does), so 0 <= high <= P_HIGH.
  it("R1CS: rejects the alias (word + j 2^240 - p, high = -j) of a Poseidon word near p", async function () {
    // low = word - p mod 2^240 moves chunk 15 by -1 (p = 1 mod 2^16): remainder - span keeps its quotient.
    const { seed, word } = findSeed((w) => {
      const u = w & 0xffffn;
      return w >= p - 3995n * TWO_240 && u !== 0n && (u * SPAN) % 65536n >= SPAN;
    });
    const j = (p - word + TWO_240 - 1n) / TWO_240;
    const low = word + j * TWO_240 - p;
    expect(low >= 0n && low < TWO_240 && j >= 1n && P_HIGH + j < 1n << 14n).to.equal(true);
    expect(low % 65536n).to.equal((word % 65536n) - 1n);
    const tampered = await realias(seed, low, p - j, -SPAN);
    tester.expectConstraintFail(tampered, `word decomposed with high = -${j}`);
  });

  for (const shift of [1n, -1n]) {
    it(`R1CS: rejects entry 0's quotient ${shift > 0n ? "+" : "-"} 1 with the remainder moved by ∓2^16: the remainder's range`, async function () {
      const seed = 5n;
      const witness = await tester.expectPass(startInput(seed, 0n, canonicalAdapter(seed, SHAPE)));
      const quotient = (witness[tester.wire("canonical.quotient[0]")] ?? 0n) + shift;
      const remainder = mod((witness[tester.wire("canonical.remainder[0]")] ?? 0n) - shift * 65536n);
      const changes: Record<string, bigint> = {
        "canonical.quotient[0]": quotient,
        "canonical.remainder[0]": remainder,
      };
      if (tester.symbols.has("main.canonical.remainderRange[0].in"))
        changes["canonical.remainderRange[0].in"] = remainder;
      for (let i = 0; i < 16; i++) changes[`canonical.remainderRange[0].bit[${i}]`] = (remainder >> BigInt(i)) & 1n;
      const broken = tester.expectConstraintFail(tester.tamper(witness, changes), `quotient ${shift}`);
      // the remainder's recomposition (its 16 bits against remainder[0]) is among the broken constraints
      const remainderWire = tester.wire(
        tester.symbols.has("main.canonical.remainderRange[0].in")
          ? "canonical.remainderRange[0].in"
          : "canonical.remainder[0]",
      );
      const bit0 = tester.wire("canonical.remainderRange[0].bit[0]");
      const rangeBroken = broken.filter((index) => {
        const wires = tester.constraintWires(index);
        return wires.has(bit0) && wires.has(remainderWire);
      });
      expect(rangeBroken, `broken: ${broken.join(", ")}`).to.have.length(1);
    });
  }
});
