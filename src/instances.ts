import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { PUBLIC_SIGNAL_NAMES } from "./circuitInput.js";
import type { StepShape } from "./shape.js";
import { LoraLedgerError, ExitCode } from "./errors.js";

export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const INSTANCES_FILE = path.join(PROJECT_ROOT, "circuits", "instances.json");
export const BUILD_DIR = path.join(PROJECT_ROOT, "build", "circuits");
/** Generated verifiers: written by the build, compiled by Hardhat, never edited by hand. */
export const GENERATED_CONTRACTS_DIR = path.join(PROJECT_ROOT, "contracts", "generated");

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

const instancesFileSchema = z.object({
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

let cached: InstancesFile | undefined;

export function loadInstances(): InstancesFile {
  if (cached === undefined) {
    const parsed = instancesFileSchema.safeParse(JSON.parse(readFileSync(INSTANCES_FILE, "utf8")));
    if (!parsed.success) {
      throw new Error(`circuits/instances.json is invalid: ${z.prettifyError(parsed.error)}`);
    }
    const names = new Set<string>();
    for (const instance of parsed.data.instances) {
      if (names.has(instance.name)) throw new Error(`circuits/instances.json names ${instance.name} twice`);
      names.add(instance.name);
    }
    cached = parsed.data;
  }
  return cached;
}

export function getInstance(name: string): CircuitInstance {
  const instances = loadInstances().instances;
  const found = instances.find((instance) => instance.name === name);
  if (found === undefined) {
    throw new LoraLedgerError(
      ExitCode.UnknownInstance,
      `unknown circuit instance "${name}"; known instances: ${instances.map((i) => i.name).join(", ")}`,
      "instance",
    );
  }
  return found;
}

/** The first instance declared of `template`: the test suite and the demo default to it. */
export function defaultInstance(template: TemplateName = "LoraStep"): CircuitInstance {
  const first = loadInstances().instances.find((instance) => instance.template === template);
  if (first === undefined) throw new Error(`circuits/instances.json declares no ${template} instance`);
  return first;
}

/** The merge instance for a step instance: the LoraMerge instance with the same parameters. */
export function mergeInstanceFor(step: CircuitInstance): CircuitInstance | undefined {
  return loadInstances().instances.find(
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

export interface InstanceArtifacts {
  dir: string;
  mainCircom: string;
  r1cs: string;
  sym: string;
  wasm: string;
  zkey: string;
  verificationKey: string;
  manifest: string;
  verifierSolidity: string;
}

export function instanceArtifacts(name: string): InstanceArtifacts {
  const dir = path.join(BUILD_DIR, name);
  return {
    dir,
    mainCircom: path.join(dir, `${name}.circom`),
    r1cs: path.join(dir, `${name}.r1cs`),
    sym: path.join(dir, `${name}.sym`),
    wasm: path.join(dir, `${name}_js`, `${name}.wasm`),
    zkey: path.join(dir, `${name}.zkey`),
    verificationKey: path.join(dir, "verification_key.json"),
    manifest: path.join(dir, "manifest.json"),
    verifierSolidity: path.join(GENERATED_CONTRACTS_DIR, `${verifierContractName(name)}.sol`),
  };
}
