/**
 * circuits/instances.json, the circuit interface as data: each template's circom file, parameter order
 * and public inputs in order (`templates`), every compiled circuit instance (`instances`), and the
 * comparison circuits the benchmark compiles (`comparisons`). The file is imported statically and
 * parsed once here, so every parameter order and public-input order in TypeScript comes from it.
 * Browser-safe: the explorer (bundled by Vite) imports these constants too.
 */
import { z } from "zod";
import data from "../../circuits/instances.json" with { type: "json" };
import type { FullShape, FullStepStatement } from "./baseline/fullStep.js";
import { LoraLedgerError } from "./errors.js";
import type { MergeStatement } from "./merge.js";
import type { StepShape } from "./shape.js";
import type { StepStatement } from "./types.js";
import type { CheckpointShape, CheckpointStatement } from "./checkpoint.js";
import type { RunStartStatement } from "./run.js";
import type { ProjectionBlockStatement } from "./baseModel.js";
import type { MergeBlockStatement } from "./mergeBlocks.js";

/**
 * The names a list must hold, each once, in any order: `exactly<T>()("a", "b")` compiles only when the
 * names are exactly the keys of T. These are SETS; their order is the data's.
 */
function exactly<T>() {
  type Missing<K extends readonly unknown[]> = [Exclude<keyof T, K[number]>] extends [never]
    ? unknown
    : ["missing", Exclude<keyof T, K[number]>];
  return <const K extends readonly [keyof T & string, ...(keyof T & string)[]]>(...names: K & Missing<K>): K => names;
}

const STEP_PARAM_NAMES = exactly<StepShape>()(
  "F",
  "FW",
  "aBits",
  "batch",
  "dIn",
  "dOut",
  "depth",
  "rank",
  "wBits",
  "xBits",
);
const FULL_PARAM_NAMES = exactly<FullShape>()("F", "batch", "dIn", "dOut", "depth", "wBits", "xBits");
const CHECKPOINT_PARAM_NAMES = exactly<CheckpointShape>()(
  "F",
  "FW",
  "aBits",
  "batch",
  "dIn",
  "dOut",
  "depth",
  "rank",
  "steps",
  "wBits",
  "xBits",
);
const RUN_START_PARAM_NAMES = exactly<Pick<StepShape, "dIn" | "dOut" | "rank" | "F" | "aBits">>()(
  "F",
  "aBits",
  "dIn",
  "dOut",
  "rank",
);
const PROJECTION_PARAM_NAMES = exactly<Pick<StepShape, "dIn" | "dOut" | "wBits">>()("dIn", "dOut", "wBits");
const MERGE_BLOCK_PARAM_NAMES = exactly<Pick<StepShape, "dIn" | "dOut" | "rank" | "F" | "FW" | "aBits" | "wBits">>()(
  "F",
  "FW",
  "aBits",
  "dIn",
  "dOut",
  "rank",
  "wBits",
);
const CHECKPOINT_PUBLIC_NAMES = exactly<CheckpointStatement>()(
  "adapterAfter",
  "adapterBefore",
  "loss",
  "runConfig",
  "stepSubmitter",
);
const RUN_START_PUBLIC_NAMES = exactly<RunStartStatement>()(
  "adapterStart",
  "alpha",
  "baseRoot",
  "datasetRoot",
  "fromHead",
  "lr",
  "projectionId",
  "runConfig",
  "seed",
);
const PROJECTION_PUBLIC_NAMES = exactly<ProjectionBlockStatement>()(
  "accIn",
  "accOut",
  "baseRoot",
  "blockIndex",
  "datasetRoot",
);
const MERGE_BLOCK_PUBLIC_NAMES = exactly<MergeBlockStatement>()(
  "accIn",
  "accOut",
  "adapter",
  "alpha",
  "baseRoot",
  "blockIndex",
);
const STEP_PUBLIC_NAMES = exactly<StepStatement>()(
  "adapterAfter",
  "adapterBefore",
  "baseRoot",
  "datasetRoot",
  "hparamsHash",
  "step",
  "submitter",
);
const MERGE_PUBLIC_NAMES = exactly<MergeStatement>()("adapter", "baseRoot", "hparamsHash", "mergedRoot");
const FULL_PUBLIC_NAMES = exactly<FullStepStatement>()(
  "datasetRoot",
  "hparamsHash",
  "step",
  "submitter",
  "weightsAfter",
  "weightsBefore",
);

const positive = z.number().int().positive();
const shapeSchema = z.strictObject({
  dIn: positive,
  dOut: positive,
  rank: positive,
  batch: positive,
  depth: positive.max(32),
  F: positive,
  FW: z.number().int().nonnegative(),
  xBits: positive,
  aBits: positive,
  wBits: positive,
}) satisfies z.ZodType<StepShape>;
const fullShapeSchema = z.strictObject({
  dIn: positive,
  dOut: positive,
  batch: positive,
  depth: positive.max(32),
  F: positive,
  xBits: positive,
  wBits: positive,
}) satisfies z.ZodType<FullShape>;

/** A permutation of `names`: every one of them exactly once, in the order the data gives. */
function orderOf<const N extends readonly [string, ...string[]]>(names: N, what: string) {
  return z
    .array(z.enum(names))
    .refine((list) => list.length === names.length && new Set(list).size === names.length, {
      message: `${what} must name each of ${[...names].sort().join(", ")} exactly once`,
    })
    .readonly();
}

/** `instance` (deployed, built by npm run build:circuits) or `comparison: <what it is compared as>`. */
const roleSchema = z.string().regex(/^(instance|comparison: .+)$/, 'a role is "instance" or "comparison: <why>"');

function templateSchema<const P extends readonly [string, ...string[]], const Q extends readonly [string, ...string[]]>(
  params: P,
  pubs: Q,
) {
  return z.strictObject({
    /** the circom file that declares the template, from the project root */
    file: z.string().regex(/^circuits\/.+\.circom$/),
    role: roleSchema,
    /** the template's parameters, in the order the circom template takes them */
    params: orderOf(params, "params"),
    /** the public inputs, in the order of the main component's public list (and of the proof's signals) */
    pubs: orderOf(pubs, "pubs"),
  });
}

const templatesSchema = z.strictObject({
  LoraStep: templateSchema(STEP_PARAM_NAMES, STEP_PUBLIC_NAMES),
  LoraMerge: templateSchema(STEP_PARAM_NAMES, MERGE_PUBLIC_NAMES),
  LoraMergeFreivalds: templateSchema(STEP_PARAM_NAMES, MERGE_PUBLIC_NAMES),
  FullStep: templateSchema(FULL_PARAM_NAMES, FULL_PUBLIC_NAMES),
  LoraCheckpoint: templateSchema(CHECKPOINT_PARAM_NAMES, CHECKPOINT_PUBLIC_NAMES),
  LoraRunStart: templateSchema(RUN_START_PARAM_NAMES, RUN_START_PUBLIC_NAMES),
  BaseProjectionBlock: templateSchema(PROJECTION_PARAM_NAMES, PROJECTION_PUBLIC_NAMES),
  LoraMergeBlock: templateSchema(MERGE_BLOCK_PARAM_NAMES, MERGE_BLOCK_PUBLIC_NAMES),
});

const circuitName = z.string().regex(/^[a-z][a-z0-9_]*$/);

/**
 * A deployed circuit. Every instance has the parameters of the training-step shape it serves (a merge,
 * start or projection instance those of the step instance whose runs use it), `steps` for version 2's
 * checkpoints; its template takes the subset its `params` list names.
 */
const instanceSchema = z
  .strictObject({
    name: circuitName,
    purpose: z.string(),
    template: z.enum([
      "LoraStep",
      "LoraMerge",
      "LoraCheckpoint",
      "LoraRunStart",
      "BaseProjectionBlock",
      "LoraMergeBlock",
    ]),
    params: shapeSchema.extend({ steps: positive.optional() }),
    buildByDefault: z.boolean().default(true),
  })
  .refine((instance) => (instance.template === "LoraCheckpoint") === (instance.params.steps !== undefined), {
    message: "params.steps is given exactly for LoraCheckpoint instances",
  });

/**
 * `beside`: the circuit it is compared with (a LoRA step for FullStep, a LoraMerge for LoraMergeFreivalds).
 * Version 2's comparisons (PROTOCOL §11–§12): LoraCheckpoint at other shapes or step counts (`steps`), the
 * compile-only ones (`"mode": "compile-only"`: constraints and compile cost, no setup) measuring growth;
 * BaseProjectionBlock at other layers, with the parameters of the step shape it serves as its instances.
 */
const comparisonSchema = z.discriminatedUnion("template", [
  z.strictObject({ name: circuitName, purpose: z.string(), template: z.literal("LoraStep"), params: shapeSchema }),
  z.strictObject({
    name: circuitName,
    purpose: z.string(),
    template: z.literal("LoraCheckpoint"),
    params: shapeSchema.extend({ steps: positive }),
    mode: z.enum(["prove", "compile-only"]).default("prove"),
  }),
  z.strictObject({
    name: circuitName,
    purpose: z.string(),
    template: z.literal("BaseProjectionBlock"),
    params: shapeSchema,
  }),
  z.strictObject({
    name: circuitName,
    purpose: z.string(),
    template: z.literal("LoraMergeFreivalds"),
    params: shapeSchema,
    beside: circuitName,
  }),
  z.strictObject({
    name: circuitName,
    purpose: z.string(),
    template: z.literal("FullStep"),
    params: fullShapeSchema,
    beside: circuitName,
  }),
]);

export const instancesFileSchema = z.object({
  $comment: z.string().optional(),
  compiler: z.strictObject({
    package: z.literal("circom2"),
    version: z.string(),
    circom: z.string(),
    flags: z.array(z.string()),
    prime: z.literal("bn128"),
  }),
  templates: templatesSchema,
  instances: z.array(instanceSchema).min(1),
  comparisons: z.array(comparisonSchema).default([]),
});

export type Templates = z.infer<typeof templatesSchema>;
export type TemplateName = keyof Templates;
/** An instance, with its template's file filled in from `templates`. */
export type CircuitInstance = z.infer<typeof instanceSchema> & { params: StepShape & { steps?: number }; file: string };
export type ComparisonCircuit = z.infer<typeof comparisonSchema> & { file: string };
export type InstancesFile = Omit<z.infer<typeof instancesFileSchema>, "instances" | "comparisons"> & {
  instances: CircuitInstance[];
  comparisons: ComparisonCircuit[];
};

/** Parses and checks the contents of circuits/instances.json (`source` names it in messages). */
export function parseInstancesFile(json: unknown, source = "circuits/instances.json"): InstancesFile {
  const parsed = instancesFileSchema.safeParse(json);
  if (!parsed.success) throw new Error(`${source} is invalid: ${z.prettifyError(parsed.error)}`);
  const { templates } = parsed.data;
  const names = new Set<string>();
  for (const circuit of [...parsed.data.instances, ...parsed.data.comparisons]) {
    if (names.has(circuit.name)) throw new Error(`${source} names ${circuit.name} twice`);
    names.add(circuit.name);
  }
  for (const instance of parsed.data.instances) {
    if (templates[instance.template].role !== "instance") {
      throw new Error(`${source}: instance ${instance.name} uses ${instance.template}, whose role is not "instance"`);
    }
  }
  for (const comparison of parsed.data.comparisons) {
    if ("beside" in comparison && !names.has(comparison.beside)) {
      throw new Error(
        `${source}: comparison ${comparison.name} is beside ${comparison.beside}, which it does not declare`,
      );
    }
  }
  return {
    ...parsed.data,
    instances: parsed.data.instances.map((instance) => ({ ...instance, file: templates[instance.template].file })),
    comparisons: parsed.data.comparisons.map((comparison) => ({
      ...comparison,
      file: templates[comparison.template].file,
    })),
  };
}

/** circuits/instances.json of this checkout, parsed (at import: an invalid file fails every user loudly). */
export const INSTANCES: InstancesFile = parseInstancesFile(data);

function withOrders<T extends { params: readonly string[]; pubs: readonly string[] }>(template: T) {
  return { ...template, paramOrder: template.params, publicInputs: template.pubs };
}

/** What the build, the tests and the benchmark need of each template: file, role, parameter order, public inputs. */
export const TEMPLATES = {
  LoraStep: {
    ...INSTANCES.templates.LoraStep,
    paramOrder: INSTANCES.templates.LoraStep.params,
    publicInputs: INSTANCES.templates.LoraStep.pubs,
  },
  LoraMerge: {
    ...INSTANCES.templates.LoraMerge,
    paramOrder: INSTANCES.templates.LoraMerge.params,
    publicInputs: INSTANCES.templates.LoraMerge.pubs,
  },
  LoraMergeFreivalds: {
    ...INSTANCES.templates.LoraMergeFreivalds,
    paramOrder: INSTANCES.templates.LoraMergeFreivalds.params,
    publicInputs: INSTANCES.templates.LoraMergeFreivalds.pubs,
  },
  FullStep: {
    ...INSTANCES.templates.FullStep,
    paramOrder: INSTANCES.templates.FullStep.params,
    publicInputs: INSTANCES.templates.FullStep.pubs,
  },
  LoraCheckpoint: withOrders(INSTANCES.templates.LoraCheckpoint),
  LoraRunStart: withOrders(INSTANCES.templates.LoraRunStart),
  BaseProjectionBlock: withOrders(INSTANCES.templates.BaseProjectionBlock),
  LoraMergeBlock: withOrders(INSTANCES.templates.LoraMergeBlock),
} as const;

/** Public inputs of version 2's checkpoint (PROTOCOL §12), run start (§12), projection block (§11), merge block (§13). */
export const CHECKPOINT_PUBLIC_INPUTS = TEMPLATES.LoraCheckpoint.publicInputs;
export const RUN_START_PUBLIC_INPUTS = TEMPLATES.LoraRunStart.publicInputs;
export const PROJECTION_BLOCK_PUBLIC_INPUTS = TEMPLATES.BaseProjectionBlock.publicInputs;
export const MERGE_BLOCK_PUBLIC_INPUTS = TEMPLATES.LoraMergeBlock.publicInputs;

/** LoraStep's (and LoraMerge's) template parameters, in the order the circom template takes them. */
export const LORA_STEP_PARAM_ORDER = TEMPLATES.LoraStep.paramOrder;
/** Public inputs of the LoraStep circuit, in the order of docs/PROTOCOL.md §7. */
export const STEP_PUBLIC_INPUTS = TEMPLATES.LoraStep.publicInputs;
/** Public inputs of the LoraMerge circuit, in the order of docs/PROTOCOL.md §9. */
export const MERGE_PUBLIC_INPUTS = TEMPLATES.LoraMerge.publicInputs;
/** FullStep's template parameters, in the order the circom template takes them (PROTOCOL §10). */
export const FULL_STEP_PARAM_ORDER = TEMPLATES.FullStep.paramOrder;
/** Public inputs of the FullStep circuit, in the order of PROTOCOL §10. */
export const FULL_STEP_PUBLIC_INPUTS = TEMPLATES.FullStep.publicInputs;

/** A statement's public signals in the order `template`'s `pubs` give (circuits/instances.json). */
export function orderedPublicSignals(template: TemplateName, statement: object): bigint[] {
  const values = new Map<string, unknown>(Object.entries(statement));
  return TEMPLATES[template].publicInputs.map((name: string) => {
    const value = values.get(name);
    if (typeof value !== "bigint") throw new Error(`the ${template} statement has no public input ${name}`);
    return value;
  });
}

/** An instance's template arguments, in the order its template takes them. */
export function templateArguments(instance: CircuitInstance): number[] {
  const params = new Map<string, number | undefined>(Object.entries(instance.params));
  return TEMPLATES[instance.template].paramOrder.map((key: string) => {
    const value = params.get(key);
    if (value === undefined) throw new Error(`circuits/instances.json: ${instance.name} lacks params.${key}`);
    return value;
  });
}

/** The instance called `name`; an unknown name is a LoraLedgerError listing the known ones. */
export function findInstance(file: InstancesFile, name: string): CircuitInstance {
  const found = file.instances.find((instance) => instance.name === name);
  if (found === undefined) {
    throw new LoraLedgerError(
      "unknown_instance",
      `unknown circuit instance "${name}"; known instances: ${file.instances.map((i) => i.name).join(", ")}`,
      "instance",
    );
  }
  return found;
}

/**
 * The first instance of `template` built by default: the test suite and the demo default to it, so it is
 * one `npm run build:circuits` builds.
 */
export function firstInstanceOf(
  file: InstancesFile,
  template: CircuitInstance["template"] = "LoraStep",
): CircuitInstance {
  const first = file.instances.find((instance) => instance.template === template && instance.buildByDefault);
  if (first === undefined) {
    throw new Error(`circuits/instances.json declares no ${template} instance built by default`);
  }
  return first;
}

/** The merge instance for a step instance: the LoraMerge instance with the same parameters. */
export function findMergeInstance(file: InstancesFile, step: CircuitInstance): CircuitInstance | undefined {
  return file.instances.find(
    (instance) => instance.template === "LoraMerge" && JSON.stringify(instance.params) === JSON.stringify(step.params),
  );
}

/**
 * The instance of `template` that serves the same step shape as `instance` (equal parameters but the
 * checkpoint's `steps`): the start, projection and merge-block instances of a checkpoint instance's runs.
 */
export function findCompanionInstance(
  file: InstancesFile,
  instance: CircuitInstance,
  template: CircuitInstance["template"],
): CircuitInstance | undefined {
  const shapeKey = (candidate: CircuitInstance): string =>
    JSON.stringify(Object.entries(candidate.params).filter(([name]) => name !== "steps"));
  return file.instances.find(
    (candidate) => candidate.template === template && shapeKey(candidate) === shapeKey(instance),
  );
}

/** A LoraCheckpoint instance's shape: its step shape and k, the steps each proof covers. */
export function checkpointShapeOf(instance: CircuitInstance): CheckpointShape {
  const { steps } = instance.params;
  if (instance.template !== "LoraCheckpoint" || steps === undefined) {
    throw new LoraLedgerError(
      "unknown_instance",
      `${instance.name} is a ${instance.template} instance; a version-2 run is proven with a LoraCheckpoint instance`,
      "instance",
    );
  }
  return { ...instance.params, steps };
}

/** `lora_step_8x8_r2_b2_d4` → `LoraStep8x8R2B2D4Verifier`: a Solidity name per instance. */
export function verifierContractName(instanceName: string): string {
  const pascal = instanceName
    .split("_")
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join("");
  return `${pascal}Verifier`;
}
