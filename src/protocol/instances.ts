/**
 * The schema of circuits/instances.json: every compiled circuit instance as data (template, parameters,
 * compiler pinned). Browser-safe: the Node loader (src/node/instances.ts) and the explorer both parse
 * the file with it.
 */
import { z } from "zod";
import { LoraLedgerError } from "./errors.js";
import type { StepShape } from "./shape.js";
import { PUBLIC_SIGNAL_NAMES } from "./statement.js";

/** Public inputs of the LoraStep circuit, in the order of docs/PROTOCOL.md §7. */
export const STEP_PUBLIC_INPUTS = PUBLIC_SIGNAL_NAMES;

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
});

const instanceSchema = z.strictObject({
  name: z.string().regex(/^[a-z][a-z0-9_]*$/),
  purpose: z.string(),
  template: z.enum(["LoraStep", "LoraMerge"]),
  file: z.string(),
  params: shapeSchema,
  buildByDefault: z.boolean().default(true),
});

export const instancesFileSchema = z.object({
  compiler: z.strictObject({
    package: z.literal("circom2"),
    version: z.string(),
    circom: z.string(),
    flags: z.array(z.string()),
    prime: z.literal("bn128"),
  }),
  instances: z.array(instanceSchema).min(1),
});

export type CircuitInstance = z.infer<typeof instanceSchema> & { params: StepShape };
export type InstancesFile = z.infer<typeof instancesFileSchema>;

/** Template parameters in the order the circom template takes them. */
export const LORA_STEP_PARAM_ORDER = ["dIn", "dOut", "rank", "batch", "depth", "F", "FW", "xBits", "aBits", "wBits"] as const;

/** Public inputs of the LoraMerge circuit, in the order of docs/PROTOCOL.md §9. */
export const MERGE_PUBLIC_INPUTS = ["baseRoot", "adapter", "hparamsHash", "mergedRoot"] as const;

/** What the build needs to know of each template: its parameter order and public inputs. */
export const TEMPLATES = {
  LoraStep: { paramOrder: LORA_STEP_PARAM_ORDER, publicInputs: STEP_PUBLIC_INPUTS },
  LoraMerge: { paramOrder: LORA_STEP_PARAM_ORDER, publicInputs: MERGE_PUBLIC_INPUTS },
} as const;
export type TemplateName = keyof typeof TEMPLATES;

/** Parses and checks the contents of circuits/instances.json (`source` names it in messages). */
export function parseInstancesFile(json: unknown, source = "circuits/instances.json"): InstancesFile {
  const parsed = instancesFileSchema.safeParse(json);
  if (!parsed.success) throw new Error(`${source} is invalid: ${z.prettifyError(parsed.error)}`);
  const names = new Set<string>();
  for (const instance of parsed.data.instances) {
    if (names.has(instance.name)) throw new Error(`${source} names ${instance.name} twice`);
    names.add(instance.name);
  }
  return parsed.data;
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

/** The first instance declared of `template`: the test suite and the demo default to it. */
export function firstInstanceOf(file: InstancesFile, template: TemplateName = "LoraStep"): CircuitInstance {
  const first = file.instances.find((instance) => instance.template === template);
  if (first === undefined) throw new Error(`circuits/instances.json declares no ${template} instance`);
  return first;
}

/** The merge instance for a step instance: the LoraMerge instance with the same parameters. */
export function findMergeInstance(file: InstancesFile, step: CircuitInstance): CircuitInstance | undefined {
  return file.instances.find(
    (instance) => instance.template === "LoraMerge" && JSON.stringify(instance.params) === JSON.stringify(step.params),
  );
}

/** `lora_step_8x8_r2_b2_d4` → `LoraStep8x8R2B2D4Verifier`: a Solidity name per instance. */
export function verifierContractName(instanceName: string): string {
  const pascal = instanceName
    .split("_")
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join("");
  return `${pascal}Verifier`;
}
