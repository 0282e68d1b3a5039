/**
 * `check-deployment`: for a network, each verifier the registry has registered, its deployed code decoded
 * into a verification key (src/chain/verifierKeys.ts) and compared with the key this project holds for the
 * instance (build/circuits/<instance>/verification_key.json). A deployment made from another key, or a
 * key rebuilt since the deployment, is named: instance, network, verifier, and the coordinates that differ.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import type { VerificationKey } from "snarkjs";
import type { NetworkConnection } from "hardhat/types/network";
import type { LoraLedgerRegistryV2 } from "../../types/ethers-contracts/index.js";
import {
  compareVerificationKeys,
  decodeVerificationKey,
  describeKeyDifferences,
  instanceOfCircuitId,
  VerifierCodeError,
  type KeyDifference,
} from "../chain/index.js";
import { instanceArtifacts, PROJECT_ROOT } from "../node/index.js";

export type VerifierCheckStatus =
  "ok" | "key_mismatch" | "not_a_verifier" | "no_code" | "unknown_instance" | "no_local_key";

export interface VerifierCheck {
  network: string;
  circuitId: string;
  /** the instance of circuits/instances.json the circuit id names, if any */
  instance?: string;
  verifier: string;
  retired: boolean;
  status: VerifierCheckStatus;
  differences: KeyDifference[];
  /** one line for people: what was compared and what differs */
  message: string;
}

/** The verification key the project holds for an instance, if built. */
export function heldVerificationKey(instanceName: string): VerificationKey | undefined {
  const file = instanceArtifacts(instanceName).verificationKey;
  return existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as VerificationKey) : undefined;
}

/** Checks one verifier's code against the key held for `instanceName` (or says why it cannot). */
export function checkVerifierCode(
  network: string,
  circuitId: string,
  verifier: string,
  retired: boolean,
  code: string,
): VerifierCheck {
  const instance = instanceOfCircuitId(circuitId)?.name;
  const base = {
    network,
    circuitId,
    verifier,
    retired,
    differences: [] as KeyDifference[],
    ...(instance === undefined ? {} : { instance }),
  };
  const where = `${network}: ${instance ?? circuitId}, verifier ${verifier}${retired ? " (retired)" : ""}`;
  if (instance === undefined)
    return {
      ...base,
      status: "unknown_instance",
      message: `${where}: the circuit id names no instance of circuits/instances.json`,
    };
  if (code === "0x") return { ...base, status: "no_code", message: `${where}: no code at the verifier's address` };
  const held = heldVerificationKey(instance);
  if (held === undefined) {
    const file = path.relative(PROJECT_ROOT, instanceArtifacts(instance).verificationKey);
    return {
      ...base,
      status: "no_local_key",
      message: `${where}: this checkout holds no key to compare (${file}); build it or fetch the published key`,
    };
  }
  let deployed: VerificationKey;
  try {
    deployed = decodeVerificationKey(code);
  } catch (error) {
    if (!(error instanceof VerifierCodeError)) throw error;
    return { ...base, status: "not_a_verifier", message: `${where}: ${error.message}` };
  }
  const differences = compareVerificationKeys(held, deployed);
  if (differences.length === 0)
    return {
      ...base,
      status: "ok",
      message: `${where}: the deployed key is the one held (${held.nPublic} public inputs)`,
    };
  return {
    ...base,
    status: "key_mismatch",
    differences,
    message: `${where}: KEY MISMATCH: the deployed verifier holds another key than build/circuits/${instance}/verification_key.json: ${describeKeyDifferences(differences)}`,
  };
}

/** Every circuit id the registry registered a verifier for (its VerifierRegistered events), with the current record. */
export async function checkDeployment(
  connection: NetworkConnection,
  registry: LoraLedgerRegistryV2,
): Promise<VerifierCheck[]> {
  const fromBlock = Number(await registry.deploymentBlock());
  const events = await registry.queryFilter(registry.filters.VerifierRegistered(), fromBlock);
  const circuitIds = [...new Set(events.map((event) => event.args.circuitId))];
  const checks: VerifierCheck[] = [];
  for (const circuitId of circuitIds) {
    const record = await registry.verifierOf(circuitId);
    const code = await connection.ethers.provider.getCode(record.verifier);
    checks.push(checkVerifierCode(connection.networkName, circuitId, record.verifier, record.retired, code));
  }
  return checks;
}
