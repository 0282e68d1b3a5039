/** The circuit instances of this checkout (circuits/instances.json, parsed by the protocol layer) and where each one's artifacts live. */
import path from "node:path";
import { fileURLToPath } from "node:url";
import {
  INSTANCES,
  findInstance,
  findCompanionInstance,
  findMergeInstance,
  firstInstanceOf,
  verifierContractName,
  type CircuitInstance,
  type InstancesFile,
} from "../protocol/index.js";

export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
export const INSTANCES_FILE = path.join(PROJECT_ROOT, "circuits", "instances.json");
export const BUILD_DIR = path.join(PROJECT_ROOT, "build", "circuits");
/** Generated verifiers: written by the build, compiled by Hardhat, never edited by hand. */
export const GENERATED_CONTRACTS_DIR = path.join(PROJECT_ROOT, "contracts", "generated");

/** circuits/instances.json, parsed and checked (the protocol layer imports it statically: src/protocol/instances.ts). */
export function loadInstances(): InstancesFile {
  return INSTANCES;
}

export function getInstance(name: string): CircuitInstance {
  return findInstance(loadInstances(), name);
}

/** The first instance declared of `template`: the test suite and the demo default to it. */
export function defaultInstance(template: CircuitInstance["template"] = "LoraStep"): CircuitInstance {
  return firstInstanceOf(loadInstances(), template);
}

/** The merge instance for a step instance: the LoraMerge instance with the same parameters. */
export function mergeInstanceFor(step: CircuitInstance): CircuitInstance | undefined {
  return findMergeInstance(loadInstances(), step);
}

/** The instance of `template` for the same step shape as `instance` (e.g. the run start of a checkpoint instance). */
export function companionInstance(
  instance: CircuitInstance,
  template: CircuitInstance["template"],
): CircuitInstance | undefined {
  return findCompanionInstance(loadInstances(), instance, template);
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
