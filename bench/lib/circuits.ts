/**
 * Every circuit the benchmark measures: the instances declared in circuits/instances.json (LoraStep and
 * LoraMerge) and the comparison circuits declared here, which are not instances (nothing deploys or
 * tests them): the full fine-tuning baseline FullStep (docs/PROTOCOL.md §10) next to LoRA at the same
 * shapes, and the randomized merge LoraMergeFreivalds (§9), compile-only, next to LoraMerge.
 */
import { FULL_STEP_PARAM_ORDER, FULL_STEP_PUBLIC_INPUTS, type FullShape, LORA_STEP_PARAM_ORDER, MERGE_PUBLIC_INPUTS, TEMPLATES, type CircuitInstance } from "../../src/protocol/index.js";
import { loadInstances } from "../../src/node/index.js";
import type { StepShape } from "../../src/protocol/index.js";
import { formulaConstraints } from "./constraints.js";

/** The power of the shipped powers of tau (PTAU=/work/shared/ptau/pot17_final.ptau). */
export const SHIPPED_PTAU_POWER = 17;

interface CircuitCommon {
  name: string;
  purpose: string;
  file: string;
  /** template arguments, in the template's order */
  args: number[];
  publicInputs: readonly string[];
  /** "instances.json": a declared instance; "comparison": declared by the benchmark only */
  origin: "instances.json" | "comparison";
  /** "prove": compile, set up, prove and verify; "compile-only": constraints and compile cost only */
  mode: "prove" | "compile-only";
  /** why a circuit is compile-only */
  note?: string;
}

export type BenchCircuit =
  | (CircuitCommon & { template: "LoraStep" | "LoraMerge" | "LoraMergeFreivalds"; params: StepShape })
  | (CircuitCommon & { template: "FullStep"; params: FullShape });

export type BenchTemplate = BenchCircuit["template"];

/** Powers of tau a circuit of `constraints` constraints and `publicInputs` public inputs needs (as the build computes it). */
export function powerFor(constraints: number, publicInputs: number, outputs = 0): number {
  return Math.max(8, Math.ceil(Math.log2(constraints + publicInputs + outputs + 1)));
}

/** The power the formula predicts, before compiling: what --skip-large and compile-only decide on. */
export function predictedPower(circuit: BenchCircuit): number {
  return powerFor(formulaConstraints(circuit), circuit.publicInputs.length);
}

/** Circuits that need the whole 2^17 ptau (or more): the ones --skip-large leaves out. */
export function isLarge(circuit: BenchCircuit): boolean {
  return predictedPower(circuit) >= SHIPPED_PTAU_POWER;
}

function fromInstance(instance: CircuitInstance): BenchCircuit {
  const template = TEMPLATES[instance.template];
  return {
    name: instance.name,
    purpose: instance.purpose,
    template: instance.template,
    file: instance.file,
    params: instance.params,
    args: template.paramOrder.map((key) => instance.params[key]),
    publicInputs: template.publicInputs,
    origin: "instances.json",
    mode: "prove",
  };
}

/** The LoRA shape of the comparison: the project's fixed-point format (F = 8, FW = 10, 16-bit x and adapters, int8 W0). */
export function loraShape(d: number, rank: number, batch: number, depth: number): StepShape {
  return { dIn: d, dOut: d, rank, batch, depth, F: 8, FW: 10, xBits: 16, aBits: 16, wBits: 8 };
}

/** The full fine-tuning shape of the same layer: W trainable, so 16-bit at scale 2^F like the adapters (PROTOCOL §10). */
export function fullShapeOf(lora: StepShape): FullShape {
  return { dIn: lora.dIn, dOut: lora.dOut, batch: lora.batch, depth: lora.depth, F: lora.F, xBits: lora.xBits, wBits: lora.aBits };
}

export function loraStepName(s: StepShape): string {
  return `lora_step_${s.dIn}x${s.dOut}_r${s.rank}_b${s.batch}_d${s.depth}`;
}

export function fullStepName(s: FullShape): string {
  return `full_step_${s.dIn}x${s.dOut}_b${s.batch}_d${s.depth}`;
}

export function freivaldsName(s: StepShape): string {
  return `lora_merge_freivalds_${s.dIn}x${s.dOut}_r${s.rank}_b${s.batch}_d${s.depth}`;
}

/** The LoRA shapes compared with full fine-tuning: two declared instances and two in between. */
export const COMPARISON_LORA_SHAPES: readonly StepShape[] = [
  loraShape(8, 2, 2, 4),
  loraShape(16, 4, 4, 8),
  loraShape(32, 4, 4, 8),
  loraShape(64, 4, 4, 8),
];

function loraComparison(shape: StepShape): BenchCircuit {
  const name = loraStepName(shape);
  return {
    name,
    purpose: `comparison: LoRA step of the ${shape.dIn}x${shape.dOut} layer, beside full fine-tuning of it`,
    template: "LoraStep",
    file: "circuits/lora_step.circom",
    params: shape,
    args: LORA_STEP_PARAM_ORDER.map((key) => shape[key]),
    publicInputs: TEMPLATES.LoraStep.publicInputs,
    origin: "comparison",
    mode: "prove",
  };
}

function fullComparison(lora: StepShape): BenchCircuit {
  const shape = fullShapeOf(lora);
  const circuit: BenchCircuit = {
    name: fullStepName(shape),
    purpose: `comparison: full fine-tuning step of the ${shape.dIn}x${shape.dOut} layer (FullStep, PROTOCOL §10)`,
    template: "FullStep",
    file: "circuits/full_step.circom",
    params: shape,
    args: FULL_STEP_PARAM_ORDER.map((key) => shape[key]),
    publicInputs: FULL_STEP_PUBLIC_INPUTS,
    origin: "comparison",
    mode: "prove",
  };
  const power = predictedPower(circuit);
  if (power > SHIPPED_PTAU_POWER) {
    circuit.mode = "compile-only";
    circuit.note = `does not fit 2^${SHIPPED_PTAU_POWER}; needs 2^${power}`;
  }
  return circuit;
}

function freivaldsComparison(merge: StepShape): BenchCircuit {
  return {
    name: freivaldsName(merge),
    purpose: "comparison: the randomized (Freivalds) merge of PROTOCOL §9, compiled only",
    template: "LoraMergeFreivalds",
    file: "circuits/lora_merge_freivalds.circom",
    params: merge,
    args: LORA_STEP_PARAM_ORDER.map((key) => merge[key]),
    publicInputs: MERGE_PUBLIC_INPUTS,
    origin: "comparison",
    mode: "compile-only",
    note: "compile-only comparison with LoraMerge",
  };
}

/** The declared instances, in file order. */
export function declaredCircuits(): BenchCircuit[] {
  return loadInstances().instances.map(fromInstance);
}

/** The comparison circuits: LoRA at shapes no instance has, full fine-tuning at every shape, Freivalds merges. */
export function comparisonCircuits(): BenchCircuit[] {
  const declared = new Set(declaredCircuits().map((c) => c.name));
  const lora = COMPARISON_LORA_SHAPES.filter((s) => !declared.has(loraStepName(s))).map(loraComparison);
  const full = COMPARISON_LORA_SHAPES.map(fullComparison);
  const freivalds = loadInstances()
    .instances.filter((instance) => instance.template === "LoraMerge")
    .map((instance) => freivaldsComparison(instance.params));
  return [...lora, ...full, ...freivalds];
}

export function allBenchCircuits(): BenchCircuit[] {
  return [...declaredCircuits(), ...comparisonCircuits()];
}

export function benchCircuit(name: string): BenchCircuit {
  const all = allBenchCircuits();
  const found = all.find((c) => c.name === name);
  if (found === undefined) throw new Error(`unknown benchmark circuit "${name}"; known: ${all.map((c) => c.name).join(", ")}`);
  return found;
}

/** One row of the LoRA-vs-full table: the LoRA step circuit and the full step circuit of the same layer. */
export interface ComparisonPair {
  lora: string;
  full: string;
  shape: StepShape;
}

export function comparisonPairs(): ComparisonPair[] {
  return COMPARISON_LORA_SHAPES.map((shape) => ({ lora: loraStepName(shape), full: fullStepName(fullShapeOf(shape)), shape }));
}

/** Merge instances and their Freivalds counterparts. */
export function mergePairs(): { merge: string; freivalds: string; shape: StepShape }[] {
  return loadInstances()
    .instances.filter((instance) => instance.template === "LoraMerge")
    .map((instance) => ({ merge: instance.name, freivalds: freivaldsName(instance.params), shape: instance.params }));
}
