// A typed witness tester in the style of circomkit's WitnessTester, on top of ./circuit.ts: compile a
// harness (or load a built instance), compute witnesses with circom's own calculator, expect them to
// pass or fail, tamper with named signals and re-check every R1CS constraint with plain BigInt
// arithmetic (independent of snarkjs), read named signals and outputs, pin the constraint count.
//
// circom's witness_calculator.js takes `calculateWitness(input, sanityCheck)`; sanityCheck = false does
// NOT skip the `===` (and `<==`) asserts of a circuit (checked: SignedRange(16) of 2^15 throws "Assert
// Failed" either way), so an assignment that breaks a constraint can only be built by tampering with a
// witness, which is what tamper() and expectConstraintFail() are for.
import { expect } from "chai";
import { existsSync } from "node:fs";
import { instanceArtifacts } from "../../src/node/index.js";
import {
  calculateWitness,
  compileHarness,
  firstBrokenConstraint,
  loadR1cs,
  loadSymbols,
  type R1cs,
} from "./circuit.js";

/** The inputs of a circuit: signal name → decimal string(s), numbers or bigints, nested for arrays. */
export type CircuitInputs = Record<string, unknown>;

export class WitnessTester<Inputs extends CircuitInputs = CircuitInputs, Outputs extends string = never> {
  private constructor(
    /** what the tester wraps, for messages */
    readonly name: string,
    readonly r1cs: R1cs,
    readonly wasm: string,
    /** signal name (`main.x[0]`) → wire, for signals that kept a wire */
    readonly symbols: Map<string, number>,
  ) {}

  /**
   * A --O1 harness around `template` (every named signal keeps a wire and can be tampered with), compiled
   * once and cached by source under build/test-circuits/ (compileHarness).
   */
  static async harness<I extends CircuitInputs = CircuitInputs, O extends string = never>(
    templateFile: string,
    template: string,
    args: readonly (number | bigint)[],
    publicInputs: readonly string[] = [],
  ): Promise<WitnessTester<I, O>> {
    const compiled = await compileHarness(templateFile, template, args, publicInputs);
    return new WitnessTester<I, O>(
      `${template}(${args.join(", ")}) --O1 harness`,
      compiled.r1cs,
      compiled.wasm,
      compiled.symbols,
    );
  }

  /** A built instance (npm run build:circuits), compiled with the instance's flags (--O2: few named wires). */
  static instance<I extends CircuitInputs = CircuitInputs, O extends string = never>(
    instanceName: string,
  ): WitnessTester<I, O> {
    const artifacts = instanceArtifacts(instanceName);
    for (const file of [artifacts.r1cs, artifacts.sym, artifacts.wasm]) {
      if (!existsSync(file)) throw new Error(`${file} is missing: run npm run build:circuits`);
    }
    return new WitnessTester<I, O>(instanceName, loadR1cs(artifacts.r1cs), artifacts.wasm, loadSymbols(artifacts.sym));
  }

  get constraintCount(): number {
    return this.r1cs.constraints.length;
  }

  /** Like circomkit's expectConstraintCount: the exact number of R1CS constraints. */
  expectConstraintCount(expected: number): void {
    expect(this.constraintCount, `constraints of ${this.name}`).to.equal(expected);
  }

  /** circom's witness calculator; it throws ("Assert Failed") on any failing assert or constraint. */
  calculateWitness(input: Inputs): Promise<bigint[]> {
    return calculateWitness(this.wasm, input);
  }

  /** The witness of `input`, which must satisfy every constraint; `outputs` (if given) must match too. */
  async expectPass(input: Inputs, outputs?: Partial<Record<Outputs, bigint>>): Promise<bigint[]> {
    const witness = await this.calculateWitness(input);
    this.expectConstraintPass(witness);
    if (outputs !== undefined) {
      const names = Object.keys(outputs) as Outputs[];
      expect(this.readOutputs(witness, names)).to.deep.equal(outputs);
    }
    return witness;
  }

  /** The calculator must reject `input`; returns its message. */
  async expectFail(input: Inputs, reason: string, pattern: RegExp = /Assert Failed/): Promise<string> {
    let error: unknown;
    try {
      await this.calculateWitness(input);
    } catch (caught) {
      error = caught;
    }
    expect(error, `${this.name} should reject: ${reason}`).to.be.instanceOf(Error);
    const message = String(error);
    expect(message).to.match(pattern);
    return message;
  }

  /**
   * The calculator must reject `input`; returns the failure's trace: one "Error in template … line: n"
   * per template, innermost first (a calculator that failed is dropped, so the trace is this failure's).
   */
  async expectRejection(input: Inputs, reason: string): Promise<string> {
    const message = await this.expectFail(input, reason);
    return message
      .split("\n")
      .slice(1)
      .filter((line) => line !== "")
      .join("\n");
  }

  /** Every constraint holds for `witness`. */
  expectConstraintPass(witness: readonly bigint[]): void {
    expect(firstBrokenConstraint(this.r1cs, witness), `first constraint of ${this.name} the witness breaks`).to.equal(
      -1,
    );
  }

  /** Some constraint breaks; returns the indices of all that do. */
  expectConstraintFail(witness: readonly bigint[], reason: string): number[] {
    expect(
      firstBrokenConstraint(this.r1cs, witness),
      `${this.name} should have a broken constraint: ${reason}`,
    ).to.not.equal(-1);
    return this.brokenConstraints(witness);
  }

  /** Indices of every constraint A·w × B·w = C·w that `witness` breaks. */
  brokenConstraints(witness: readonly bigint[]): number[] {
    const { prime } = this.r1cs;
    const evaluate = (combination: Map<number, bigint>): bigint => {
      let sum = 0n;
      for (const [wire, coefficient] of combination) sum += coefficient * (witness[wire] ?? 0n);
      return sum % prime;
    };
    const broken: number[] = [];
    this.r1cs.constraints.forEach(([a, b, c], index) => {
      if ((evaluate(a) * evaluate(b) - evaluate(c)) % prime !== 0n) broken.push(index);
    });
    return broken;
  }

  /** The wires constraint `index` reads (A, B and C together). */
  constraintWires(index: number): Set<number> {
    const constraint = this.r1cs.constraints[index];
    if (constraint === undefined) throw new Error(`${this.name} has no constraint ${index}`);
    return new Set(constraint.flatMap((combination) => [...combination.keys()]));
  }

  /** The wire of a signal: `main.` may be omitted. */
  wire(signal: string): number {
    const name = signal.startsWith("main.") ? signal : `main.${signal}`;
    const index = this.symbols.get(name);
    if (index === undefined)
      throw new Error(`${this.name} has no wire for ${name} (a --O2 build removes most; use a harness)`);
    return index;
  }

  /** A copy of `witness` with the named signals set to the given values (reduced mod p). */
  tamper(witness: readonly bigint[], changes: Readonly<Record<string, bigint>>): bigint[] {
    const { prime } = this.r1cs;
    const copy = [...witness];
    for (const [signal, value] of Object.entries(changes)) copy[this.wire(signal)] = ((value % prime) + prime) % prime;
    return copy;
  }

  /** The values of named signals. */
  readSignals<N extends string>(witness: readonly bigint[], names: readonly N[]): Record<N, bigint> {
    const values = {} as Record<N, bigint>;
    for (const name of names) values[name] = witness[this.wire(name)] as bigint;
    return values;
  }

  /** The values of the main component's outputs. */
  readOutputs(witness: readonly bigint[], names: readonly Outputs[]): Record<Outputs, bigint> {
    return this.readSignals(witness, names);
  }
}
