// Negative tests at the R1CS level for three bugs that every other test lets through, on a --O1 harness of
// the test instance's LoraStep (every signal keeps a wire). Each test fails when its bug is planted and
// passes on the correct circuit (checked by planting each bug; see the comment of each test):
//   1. `path[j].root === path[0].root` silenced in BatchInclusion: an example at slot j >= 1 need not be
//      in the dataset;
//   2. the batch-position equation `step * batch + j === wraps[j] * datasetSize + position[j]` dropped:
//      any batch for any step (the witness calculator still fills the hint honestly, so only a tampered
//      witness shows it);
//   3. aNext / bNext packed without their range check (PackHashBounded for `after`): an entry shifted by
//      D⁻¹ mod p moves the update remainder by exactly 1, so only the range check catches it.
import { expect } from "chai";
import {
  STEP_PUBLIC_INPUTS,
  TAGS,
  chainHash,
  TEMPLATES,
  adapterCommitment,
  buildCircuitInput,
  loraStep,
  makeStep,
  syntheticTask,
  updateDivisors,
  type CircuitInput,
  type MadeStep,
  type SyntheticTask,
} from "../../src/protocol/index.js";
import { defaultInstance } from "../../src/node/index.js";
import { WitnessTester } from "../helpers/witnessTester.js";
import { mod, inverse } from "../helpers/field.js";

const instance = defaultInstance();
const shape = instance.params;
const SUBMITTER = 0x70997970c51812dc3a010c7d01b50e0d17dc79c8n;
/**
 * PackHash (PROTOCOL §5) computed the way the circuit computes it, mod p and without any range check:
 * what PackHashBounded would commit to for field elements that are not `bits`-bit values.
 */
function packHashModP(tag: bigint, values: readonly bigint[], bits: number): bigint {
  const perWord = Math.floor(252 / bits);
  const offset = 1n << BigInt(bits - 1);
  const words: bigint[] = [];
  values.forEach((value, i) => {
    const m = Math.floor(i / perWord);
    words[m] = mod((words[m] ?? 0n) + mod(value + offset) * (1n << BigInt(bits * (i % perWord))));
  });
  return chainHash(tag, values.length, words);
}

describe(`planted bugs: R1CS-level negative tests on a --O1 harness of ${instance.name}`, function () {
  let tester: WitnessTester<CircuitInput>;
  let task: SyntheticTask;
  let honest: MadeStep;

  before(async function () {
    tester = await WitnessTester.harness<CircuitInput>(
      TEMPLATES.LoraStep.file,
      "LoraStep",
      TEMPLATES.LoraStep.paramOrder.map((key) => shape[key]),
      STEP_PUBLIC_INPUTS,
    );
    task = syntheticTask(shape, { seed: 7, datasetSize: 13 });
    honest = makeStep({ ...task, step: 5n, submitter: SUBMITTER });
  });

  it("accepts the honest step (control)", async function () {
    await tester.expectPass(honest.circuitInput);
  });

  // Planted as `_ <== path[j].root;` in place of `path[j].root === path[0].root;` (circuits/lib/batch.circom):
  // the calculator accepts this input and every constraint holds, so this test fails.
  it("1. rejects a batch whose example at slot 1 is not in the dataset, adapters after recomputed for it", async function () {
    const { statement, witness } = honest;
    const forged = witness.examples.map((example, j) =>
      j === 1
        ? { x: example.x.map((v, l) => (l === 0 ? v + 1n : v)), t: example.t.map((v, i) => (i === 0 ? v - 1n : v)) }
        : example,
    );
    // The step the trainer would prove on the forged batch, by the TS reference, with the commitment to its result.
    const result = loraStep({ ...task, xs: forged.map((e) => e.x), ts: forged.map((e) => e.t) });
    const input = buildCircuitInput(
      shape,
      { ...statement, adapterAfter: adapterCommitment(result.aNext, result.bNext, shape) },
      { ...witness, examples: forged, aNext: result.aNext, bNext: result.bNext },
    );
    expect(input.x[1]).to.not.deep.equal(honest.circuitInput.x[1]);
    expect(input.siblings).to.deep.equal(honest.circuitInput.siblings);
    const message = await tester.expectFail(
      input,
      "example at slot 1 not in the dataset (its Merkle path does not reach the root)",
    );
    expect(message, "rejected by BatchInclusion's root equality").to.match(/Error in template BatchInclusion_\d+ line/);
  });

  // Planted as `position[j] <-- ...;` with the equation line deleted (circuits/lib/batch.circom): the tampered
  // witness satisfies every constraint, so this test fails.
  it("2. rejects the honest witness of step 6 with the public step set to 5 (only the position equation breaks)", async function () {
    const other = makeStep({ ...task, step: 6n, submitter: SUBMITTER });
    expect(other.positions).to.not.deep.equal(honest.positions); // step 6 reads [12, 0], step 5 [10, 11]
    const witness = await tester.expectPass(other.circuitInput); // control: untampered, every constraint holds

    const step = 5n;
    const changes: Record<string, bigint> = { step };
    // Every wire that carries the step (the public input and BatchInclusion's copy), and its 32-bit range
    // check redone honestly for the new value.
    for (const copy of ["inclusion.step", "inclusion.positions.step", "inclusion.positions.stepRange.in"]) {
      if (tester.symbols.has(`main.${copy}`)) changes[copy] = step;
    }
    for (let bit = 0; bit < 32; bit++)
      changes[`inclusion.positions.stepRange.bit[${bit}]`] = (step >> BigInt(bit)) & 1n;
    const tampered = tester.tamper(witness, changes);

    const broken = tester.expectConstraintFail(tampered, "step 5 claimed for the batch of step 6");
    // Every broken constraint is a batch-position equation: it reads the step and a position.
    const stepWire = tester.wire("step");
    const positionWires = [0, 1].map((j) => tester.wire(`inclusion.positions.position[${j}]`));
    expect(broken.length).to.be.within(1, 2);
    for (const index of broken) {
      const wires = tester.constraintWires(index);
      expect(wires.has(stepWire), `constraint ${index} reads the step`).to.equal(true);
      expect(
        positionWires.some((w) => wires.has(w)),
        `constraint ${index} reads a position`,
      ).to.equal(true);
    }
  });

  // Planted as `after = PackHashBounded(...)` instead of the range-checking PackHash (the AdapterCommitment
  // of aNext, bNext): the calculator accepts this input and every constraint holds, so this test fails.
  it("3. rejects an adapter entry aNext + D_A⁻¹ mod p (the remainder moves by 1, only the range check sees it)", async function () {
    const { dA } = updateDivisors(shape);
    const { witness } = honest;
    // The update remainder of entry (0, 0): rem = 2 alpha lr GA + D/2 - (a - aNext) D, in [0, D).
    const ga = honest.result.gradients.GA[0]?.[0] ?? 0n;
    const a00 = witness.a[0]?.[0] ?? 0n;
    const aNext00 = witness.aNext[0]?.[0] ?? 0n;
    const rem = 2n * witness.alpha * witness.lr * ga + dA / 2n - (a00 - aNext00) * dA;
    expect(rem >= 0n && rem < dA - 1n, "rem + 1 stays a valid remainder").to.equal(true);

    // aNext' = aNext + D⁻¹ (mod p): (a - aNext') D = (a - aNext) D - 1, so the remainder is rem + 1.
    const shifted = mod(aNext00 + inverse(dA));
    expect(mod((a00 - shifted) * dA)).to.equal(mod((a00 - aNext00) * dA - 1n));
    const aNext = witness.aNext.map((row, k) => row.map((v, l) => (k === 0 && l === 0 ? shifted : mod(v))));
    const adapterAfter = packHashModP(TAGS.adapter, [...aNext.flat(), ...witness.bNext.flat().map(mod)], shape.aBits);
    // The replica of the packing agrees with the reference on in-range values.
    expect(packHashModP(TAGS.adapter, [...witness.aNext.flat(), ...witness.bNext.flat()], shape.aBits)).to.equal(
      honest.statement.adapterAfter,
    );

    const input: CircuitInput = {
      ...honest.circuitInput,
      aNext: aNext.map((row) => row.map(String)),
      adapterAfter: adapterAfter.toString(),
    };
    const message = await tester.expectFail(input, "aNext[0][0] = aNext + D_A⁻¹ mod p is not a 16-bit value");
    expect(message, "rejected by a range check inside the commitment to the adapters after").to.match(
      /Error in template UnsignedRange_\d+ line[\s\S]*Error in template PackHash_\d+ line/,
    );
  });
});
