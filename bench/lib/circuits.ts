/**
 * Every circuit the benchmark measures, all declared in circuits/instances.json: the instances (LoraStep and
 * LoraMerge) and the comparison circuits (`comparisons`), which are not instances (nothing deploys or
 * tests them): the full fine-tuning baseline FullStep (docs/PROTOCOL.md §10) next to LoRA at the same
 * shapes, LoRA at shapes no instance has, and the randomized merge LoraMergeFreivalds (§9),
 * compile-only, next to LoraMerge. Templates, files, parameter orders and public inputs come from the
 * file's `templates`.
 */
import {
  TEMPLATES,
  templateArguments,
  type CircuitInstance,
  type ComparisonCircuit,
  type FullShape,
} from "../../src/protocol/index.js";
import { loadInstances } from "../../src/node/index.js";
import type { CheckpointShape, StepShape } from "../../src/protocol/index.js";
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
  | (CircuitCommon & {
      template: "LoraStep" | "LoraMerge" | "LoraMergeFreivalds" | "BaseProjectionBlock";
      params: StepShape;
    })
  | (CircuitCommon & { template: "LoraCheckpoint"; params: CheckpointShape })
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

/**
 * The instances the benchmark measures: version 1's step and merge, and version 2's checkpoints and base
 * projection blocks (the run start and merge blocks have their own tests; PROTOCOL §11–§13).
 */
type BenchedInstance = CircuitInstance & {
  template: "LoraStep" | "LoraMerge" | "LoraCheckpoint" | "BaseProjectionBlock";
};
const isBenched = (instance: CircuitInstance): instance is BenchedInstance =>
  instance.template === "LoraStep" ||
  instance.template === "LoraMerge" ||
  instance.template === "LoraCheckpoint" ||
  instance.template === "BaseProjectionBlock";

/** Version 2 instances the benchmark compiles only: the widest square checkpoint within 2^17 (its count and margin are the point). */
export const COMPILE_ONLY_INSTANCES: ReadonlyMap<string, string> = new Map([
  ["lora_checkpoint_128x128_r4_b2_d8_k1", "compile-only: the constraint count and its margin to 2^17"],
]);

function fromInstance(instance: BenchedInstance): BenchCircuit {
  const template = TEMPLATES[instance.template];
  const note = COMPILE_ONLY_INSTANCES.get(instance.name);
  const common = {
    name: instance.name,
    purpose: instance.purpose,
    file: instance.file,
    args: templateArguments(instance),
    publicInputs: template.publicInputs,
    origin: "instances.json" as const,
    mode: note === undefined ? ("prove" as const) : ("compile-only" as const),
    ...(note === undefined ? {} : { note }),
  };
  if (instance.template === "LoraCheckpoint") {
    const { steps } = instance.params;
    if (steps === undefined) throw new Error(`${instance.name}: a LoraCheckpoint instance without steps`);
    return { ...common, template: "LoraCheckpoint", params: { ...instance.params, steps } };
  }
  return { ...common, template: instance.template, params: instance.params };
}

/** The LoRA shape of the comparison: the project's fixed-point format (F = 8, FW = 10, 16-bit x and adapters, int8 W0). */
export function loraShape(d: number, rank: number, batch: number, depth: number): StepShape {
  return { dIn: d, dOut: d, rank, batch, depth, F: 8, FW: 10, xBits: 16, aBits: 16, wBits: 8 };
}

/** The full fine-tuning shape of the same layer: W trainable, so 16-bit at scale 2^F like the adapters (PROTOCOL §10). */
export function fullShapeOf(lora: StepShape): FullShape {
  return {
    dIn: lora.dIn,
    dOut: lora.dOut,
    batch: lora.batch,
    depth: lora.depth,
    F: lora.F,
    xBits: lora.xBits,
    wBits: lora.aBits,
  };
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

/** Template arguments in `order` from a parameter record (version 2's templates name a subset of the shape's parameters). */
export function orderedArgs(order: readonly string[], params: object): number[] {
  const values = new Map<string, unknown>(Object.entries(params));
  return order.map((key) => {
    const value = values.get(key);
    if (typeof value !== "number") throw new Error(`no template parameter ${key} in ${JSON.stringify(params)}`);
    return value;
  });
}

function fromComparison(comparison: ComparisonCircuit): BenchCircuit {
  const common = {
    name: comparison.name,
    purpose: comparison.purpose,
    file: comparison.file,
    origin: "comparison" as const,
  };
  switch (comparison.template) {
    case "LoraStep":
    case "LoraMergeFreivalds": {
      const template = TEMPLATES[comparison.template];
      const circuit: BenchCircuit = {
        ...common,
        template: comparison.template,
        params: comparison.params,
        args: template.paramOrder.map((key) => comparison.params[key]),
        publicInputs: template.publicInputs,
        mode: "prove",
      };
      if (comparison.template === "LoraMergeFreivalds") {
        circuit.mode = "compile-only";
        circuit.note = "compile-only comparison with LoraMerge";
      }
      return withinShippedPtau(circuit);
    }
    case "LoraCheckpoint": {
      const circuit: BenchCircuit = {
        ...common,
        template: "LoraCheckpoint",
        params: comparison.params,
        args: orderedArgs(TEMPLATES.LoraCheckpoint.paramOrder, comparison.params),
        publicInputs: TEMPLATES.LoraCheckpoint.publicInputs,
        mode: comparison.mode,
      };
      if (comparison.mode === "compile-only") circuit.note = "compile-only: constraints and compile cost";
      return withinShippedPtau(circuit);
    }
    case "BaseProjectionBlock":
      return withinShippedPtau({
        ...common,
        template: "BaseProjectionBlock",
        params: comparison.params,
        args: orderedArgs(TEMPLATES.BaseProjectionBlock.paramOrder, comparison.params),
        publicInputs: TEMPLATES.BaseProjectionBlock.publicInputs,
        mode: "prove",
      });
    case "FullStep":
      return withinShippedPtau({
        ...common,
        template: "FullStep",
        params: comparison.params,
        args: TEMPLATES.FullStep.paramOrder.map((key) => comparison.params[key]),
        publicInputs: TEMPLATES.FullStep.publicInputs,
        mode: "prove",
      });
  }
}

/** A comparison circuit that does not fit the shipped powers of tau is compiled only. */
function withinShippedPtau(circuit: BenchCircuit): BenchCircuit {
  const power = predictedPower(circuit);
  if (circuit.mode === "prove" && power > SHIPPED_PTAU_POWER) {
    circuit.mode = "compile-only";
    circuit.note = `does not fit 2^${SHIPPED_PTAU_POWER}; needs 2^${power}`;
  }
  return circuit;
}

/** The declared instances, in file order. */
export function declaredCircuits(): BenchCircuit[] {
  return loadInstances().instances.filter(isBenched).map(fromInstance);
}

/** The comparison circuits of circuits/instances.json, in file order. */
export function comparisonCircuits(): BenchCircuit[] {
  return loadInstances().comparisons.map(fromComparison);
}

export function allBenchCircuits(): BenchCircuit[] {
  return [...declaredCircuits(), ...comparisonCircuits()];
}

export function benchCircuit(name: string): BenchCircuit {
  const all = allBenchCircuits();
  const found = all.find((c) => c.name === name);
  if (found === undefined)
    throw new Error(`unknown benchmark circuit "${name}"; known: ${all.map((c) => c.name).join(", ")}`);
  return found;
}

/** The LoRA step circuit (instance or comparison) called `name`, for the `beside` of a comparison. */
function loraStepParams(name: string): StepShape {
  const found = allBenchCircuits().find((c) => c.name === name);
  if (found === undefined || found.template !== "LoraStep")
    throw new Error(`circuits/instances.json: ${name} is not a LoraStep circuit`);
  return found.params;
}

/** The LoRA shapes compared with full fine-tuning: those the FullStep comparisons stand beside. */
export function comparisonLoraShapes(): StepShape[] {
  return comparisonPairs().map((pair) => pair.shape);
}

/** One row of the LoRA-vs-full table: the LoRA step circuit and the full step circuit of the same layer. */
export interface ComparisonPair {
  lora: string;
  full: string;
  shape: StepShape;
}

export function comparisonPairs(): ComparisonPair[] {
  return loadInstances().comparisons.flatMap((c) =>
    c.template === "FullStep" ? [{ lora: c.beside, full: c.name, shape: loraStepParams(c.beside) }] : [],
  );
}

/** Merge instances and their Freivalds counterparts. */
export function mergePairs(): { merge: string; freivalds: string; shape: StepShape }[] {
  return loadInstances().comparisons.flatMap((c) =>
    c.template === "LoraMergeFreivalds" ? [{ merge: c.beside, freivalds: c.name, shape: c.params }] : [],
  );
}
