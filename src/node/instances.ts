/** The circuit instances of this checkout: circuits/instances.json loaded once, and where each one's artifacts live. */
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import {
  findInstance,
  findMergeInstance,
  firstInstanceOf,
  parseInstancesFile,
  verifierContractName,
  type CircuitInstance,
  type InstancesFile,
  type TemplateName,
} from "../protocol/index.js";

export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
export const INSTANCES_FILE = path.join(PROJECT_ROOT, "circuits", "instances.json");
export const BUILD_DIR = path.join(PROJECT_ROOT, "build", "circuits");
/** Generated verifiers: written by the build, compiled by Hardhat, never edited by hand. */
export const GENERATED_CONTRACTS_DIR = path.join(PROJECT_ROOT, "contracts", "generated");

let cached: InstancesFile | undefined;

export function loadInstances(): InstancesFile {
  cached ??= parseInstancesFile(JSON.parse(readFileSync(INSTANCES_FILE, "utf8")));
  return cached;
}

export function getInstance(name: string): CircuitInstance {
  return findInstance(loadInstances(), name);
}

/** The first instance declared of `template`: the test suite and the demo default to it. */
export function defaultInstance(template: TemplateName = "LoraStep"): CircuitInstance {
  return firstInstanceOf(loadInstances(), template);
}

/** The merge instance for a step instance: the LoraMerge instance with the same parameters. */
export function mergeInstanceFor(step: CircuitInstance): CircuitInstance | undefined {
  return findMergeInstance(loadInstances(), step);
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
