/**
 * What the benchmark measures of protocol version 2 (docs/PROTOCOL.md §11–§13), by role: the reference
 * checkpoint beside version 1's step of the same shape, the compile-only sweep of the checkpoint over
 * square widths, the widest square checkpoint within 2^17, the checkpoint of the test shape at k = 1, 2,
 * 4, and the base projection blocks. The circuits are declared in circuits/instances.json (instances and
 * `comparisons`); the roles are picked from there here, and recorded in bench/results.json (`v2`) for
 * the renderer.
 */
import { defaultInstance } from "../../src/node/index.js";
import { allBenchCircuits, SHIPPED_PTAU_POWER, type BenchCircuit } from "./circuits.js";

/** The version 2 reference: the 64x64, r = 4, n = 4 step, one per proof. */
export const V2_REFERENCE = "lora_checkpoint_64x64_r4_b4_d8_k1";
/** Version 1's step of the same shape, beside it. */
export const V2_REFERENCE_BESIDE = "lora_step_64x64_r4_b4_d8";
/** The widest square k = 1, r = 4 checkpoint within 2^17. */
export const V2_WIDEST = "lora_checkpoint_128x128_r4_b2_d8_k1";
/** The full 4,096-weight base projection block whose proving time gives the cost per MAC of W0. */
export const V2_PROJECTION_FULL_BLOCK = "base_projection_64x64_r4_b4_d8";

/** The targets of version 2's reference checkpoint. */
export const V2_TARGETS = { referenceConstraints: 90_000, referenceProvingSeconds: 5 } as const;

export interface V2Roles {
  reference: string;
  beside: string;
  widest: string;
  /** compile-only LoraCheckpoint comparisons: the sweep over square widths */
  sweep: string[];
  /** the test checkpoint shape at every step count k declared (instance and comparisons), by k */
  steps: string[];
  /** the full-block projection first, then the projection instances */
  projection: string[];
  /** the base model the demo trains: the test checkpoint instance's layer */
  demo: { instance: string; dIn: number; dOut: number };
  targets: { referenceConstraints: number; referenceProvingSeconds: number; ptauPower: number };
}

const sameStepShape = (a: BenchCircuit["params"], b: BenchCircuit["params"]): boolean =>
  ["dIn", "dOut", "rank", "batch", "depth", "F", "FW", "xBits", "aBits", "wBits"].every(
    (key) => (a as unknown as Record<string, number>)[key] === (b as unknown as Record<string, number>)[key],
  );

/** The roles, from the circuits circuits/instances.json declares. */
export function v2Roles(circuits: readonly BenchCircuit[] = allBenchCircuits()): V2Roles {
  const names = new Set(circuits.map((c) => c.name));
  for (const name of [V2_REFERENCE, V2_REFERENCE_BESIDE, V2_WIDEST, V2_PROJECTION_FULL_BLOCK])
    if (!names.has(name)) throw new Error(`circuits/instances.json declares no ${name}`);
  const checkpoints = circuits.filter((c) => c.template === "LoraCheckpoint");
  const test = checkpoints.find((c) => c.origin === "instances.json" && c.name === testCheckpointName());
  if (test === undefined) throw new Error("circuits/instances.json has no LoraCheckpoint test instance");
  const steps = checkpoints
    .filter((c) => c.mode === "prove" && sameStepShape(c.params, test.params))
    .sort((a, b) => a.params.steps - b.params.steps)
    .map((c) => c.name);
  const sweep = checkpoints
    .filter((c) => c.origin === "comparison" && c.mode === "compile-only")
    .sort((a, b) => a.params.dIn * a.params.dOut - b.params.dIn * b.params.dOut)
    .map((c) => c.name);
  const projection = [
    V2_PROJECTION_FULL_BLOCK,
    ...circuits.filter((c) => c.template === "BaseProjectionBlock" && c.origin === "instances.json").map((c) => c.name),
  ];
  return {
    reference: V2_REFERENCE,
    beside: V2_REFERENCE_BESIDE,
    widest: V2_WIDEST,
    sweep,
    steps,
    projection,
    demo: { instance: test.name, dIn: test.params.dIn, dOut: test.params.dOut },
    targets: { ...V2_TARGETS, ptauPower: SHIPPED_PTAU_POWER },
  };
}

/** The LoraCheckpoint instance the test suite and the demo use: the first declared. */
function testCheckpointName(): string {
  return defaultInstance("LoraCheckpoint").name;
}

/**
 * The circuits of `npm run bench -- --only v2`: every role's, with version 1's step beside the reference, so
 * that both are measured in one run on one machine (proving times of different runs are not comparable:
 * the same 8x8 step took 0.9 s on 2026-11-25 and 1.6 s on 2026-12-02 here).
 */
export function v2Circuits(roles: V2Roles = v2Roles()): string[] {
  return [roles.reference, roles.beside, roles.widest, ...roles.sweep, ...roles.steps, ...roles.projection];
}
