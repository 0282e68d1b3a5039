// Test-only tools to look inside a compiled circuit: compute a witness with circom's own calculator,
// tamper with named signals, and check every R1CS constraint with plain BigInt arithmetic. A "fake
// witness" test is only meaningful when the checker is independent of the prover, so nothing here
// uses snarkjs.
import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { circomSourcesDigest, compileCircom, mainComponentSource, PROJECT_ROOT } from "../../src/node/index.js";

type LinearCombination = Map<number, bigint>;

export interface R1cs {
  prime: bigint;
  wireCount: number;
  constraints: [LinearCombination, LinearCombination, LinearCombination][];
}

function readLittleEndian(buffer: Buffer, offset: number, bytes: number): bigint {
  let value = 0n;
  for (let index = bytes - 1; index >= 0; index--) value = (value << 8n) | BigInt(buffer[offset + index] ?? 0);
  return value;
}

/** Parses the iden3 .r1cs binary format (header section 1, constraints section 2). */
export function loadR1cs(file: string): R1cs {
  const buffer = readFileSync(file);
  if (buffer.toString("ascii", 0, 4) !== "r1cs") throw new Error(`${file} is not an r1cs file`);
  const sections = new Map<number, { offset: number; size: number }>();
  let offset = 12;
  for (let index = 0; index < buffer.readUInt32LE(8); index++) {
    const type = buffer.readUInt32LE(offset);
    const size = Number(buffer.readBigUInt64LE(offset + 4));
    sections.set(type, { offset: offset + 12, size });
    offset += 12 + size;
  }
  const header = sections.get(1);
  const body = sections.get(2);
  if (header === undefined || body === undefined) throw new Error(`${file} lacks a header or constraints section`);
  const fieldBytes = buffer.readUInt32LE(header.offset);
  const prime = readLittleEndian(buffer, header.offset + 4, fieldBytes);
  const cursor = header.offset + 4 + fieldBytes;
  const wireCount = buffer.readUInt32LE(cursor);
  // After nWires: nPubOut, nPubIn, nPrvIn (u32 each) and nLabels (u64), then nConstraints.
  const constraintCount = buffer.readUInt32LE(cursor + 4 * 4 + 8);

  let position = body.offset;
  const readCombination = (): LinearCombination => {
    const terms = buffer.readUInt32LE(position);
    position += 4;
    const combination: LinearCombination = new Map();
    for (let term = 0; term < terms; term++) {
      const wire = buffer.readUInt32LE(position);
      combination.set(wire, readLittleEndian(buffer, position + 4, fieldBytes));
      position += 4 + fieldBytes;
    }
    return combination;
  };
  const constraints: R1cs["constraints"] = [];
  for (let index = 0; index < constraintCount; index++) {
    constraints.push([readCombination(), readCombination(), readCombination()]);
  }
  return { prime, wireCount, constraints };
}

export interface R1csHeader {
  wires: number;
  publicOutputs: number;
  publicInputs: number;
  privateInputs: number;
  labels: bigint;
  constraints: number;
}

/** The header of an iden3 .r1cs file (section 1), without reading the constraints. */
export function readR1csHeader(file: string): R1csHeader {
  const buffer = readFileSync(file);
  if (buffer.toString("ascii", 0, 4) !== "r1cs") throw new Error(`${file} is not an r1cs file`);
  let offset = 12;
  for (let index = 0; index < buffer.readUInt32LE(8); index++) {
    const type = buffer.readUInt32LE(offset);
    const size = Number(buffer.readBigUInt64LE(offset + 4));
    if (type === 1) {
      const cursor = offset + 12 + 4 + buffer.readUInt32LE(offset + 12);
      return {
        wires: buffer.readUInt32LE(cursor),
        publicOutputs: buffer.readUInt32LE(cursor + 4),
        publicInputs: buffer.readUInt32LE(cursor + 8),
        privateInputs: buffer.readUInt32LE(cursor + 12),
        labels: buffer.readBigUInt64LE(cursor + 16),
        constraints: buffer.readUInt32LE(cursor + 24),
      };
    }
    offset += 12 + size;
  }
  throw new Error(`${file} has no header section`);
}

/** Index of the first constraint A·w × B·w = C·w that the witness breaks, or -1 when it satisfies all. */
export function firstBrokenConstraint(r1cs: R1cs, witness: readonly bigint[]): number {
  const { prime } = r1cs;
  if (witness.length !== r1cs.wireCount)
    throw new Error(`witness has ${witness.length} wires; the r1cs has ${r1cs.wireCount}`);
  const evaluate = (combination: LinearCombination): bigint => {
    let sum = 0n;
    for (const [wire, coefficient] of combination) sum += coefficient * (witness[wire] ?? 0n);
    return sum % prime;
  };
  for (let index = 0; index < r1cs.constraints.length; index++) {
    const [a, b, c] = r1cs.constraints[index] as R1cs["constraints"][number];
    if ((evaluate(a) * evaluate(b) - evaluate(c)) % prime !== 0n) return index;
  }
  return -1;
}

interface WitnessCalculator {
  calculateWitness(input: Record<string, unknown>, sanityCheck: boolean): Promise<bigint[]>;
}

const calculators = new Map<string, Promise<WitnessCalculator>>();

/**
 * circom's generated witness calculator for a compiled wasm (it checks every constraint as it goes). A
 * calculator appends each failure's message to one string it never clears, so one that has failed is
 * dropped: the next call's error then names only its own failure.
 */
export async function calculateWitness(wasmFile: string, input: Record<string, unknown>): Promise<bigint[]> {
  let calculator = calculators.get(wasmFile);
  if (calculator === undefined) {
    const require = createRequire(import.meta.url);
    const builder = require(path.join(path.dirname(wasmFile), "witness_calculator.js")) as (
      code: Buffer,
    ) => Promise<WitnessCalculator>;
    calculator = builder(readFileSync(wasmFile));
    calculators.set(wasmFile, calculator);
  }
  try {
    return await (await calculator).calculateWitness(input, true);
  } catch (error) {
    calculators.delete(wasmFile);
    throw error;
  }
}

/** Signal name (e.g. `main.rem`) → wire index, for signals that survived simplification. */
export function loadSymbols(symFile: string): Map<string, number> {
  const symbols = new Map<string, number>();
  for (const line of readFileSync(symFile, "utf8").split("\n")) {
    const [, wire, , name] = line.split(",");
    if (name !== undefined && wire !== undefined && Number(wire) >= 0) symbols.set(name, Number(wire));
  }
  return symbols;
}

export interface CompiledHarness {
  r1cs: R1cs;
  wasm: string;
  symbols: Map<string, number>;
}

/**
 * Compiles a small main component around one template, with --O1 so that every named signal keeps its
 * own wire and can be tampered with. Cached by source under build/test-circuits/.
 */
export async function compileHarness(
  templateFile: string,
  template: string,
  args: readonly (number | bigint)[],
  publicInputs: readonly string[] = [],
): Promise<CompiledHarness> {
  const id = createHash("sha256")
    .update(JSON.stringify([templateFile, template, args.map(String), publicInputs]))
    .digest("hex")
    .slice(0, 16);
  const dir = path.join(PROJECT_ROOT, "build", "test-circuits", `${template}_${id}`);
  const mainSource = mainComponentSource(dir, templateFile, template, args, publicInputs);
  const baseName = "harness";
  const r1csFile = path.join(dir, `${baseName}.r1cs`);
  const stampFile = path.join(dir, "sources.sha256");
  const stamp = circomSourcesDigest(templateFile, mainSource);
  if (!existsSync(r1csFile) || !existsSync(stampFile) || readFileSync(stampFile, "utf8") !== stamp) {
    await compileCircom({ dir, baseName, mainSource, flags: ["--O1", "--inspect"] });
    writeFileSync(stampFile, stamp);
  }
  return {
    r1cs: loadR1cs(r1csFile),
    wasm: path.join(dir, `${baseName}_js`, `${baseName}.wasm`),
    symbols: loadSymbols(path.join(dir, `${baseName}.sym`)),
  };
}
