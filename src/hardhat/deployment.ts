import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { ZeroAddress } from "ethers";
import type { NetworkConnection } from "hardhat/types/network";
import type { LoraLedgerRegistryV2 } from "../../types/ethers-contracts/index.js";
import LoraLedgerModule from "../../deploy/modules/LoraLedger.js";
import { LoraLedgerError, verifierContractName, type CircuitInstance } from "../protocol/index.js";
import { circuitIdOf, REGISTRY_V2_FUTURE_ID, verifierRegistration } from "../chain/index.js";
import { PROJECT_ROOT } from "../node/index.js";
import type { Progress } from "../node/index.js";

/** Ignition's record of a chain's deployment (deploy/deployments/chain-<id>/deployed_addresses.json). */
export function deploymentFile(chainId: bigint): string {
  return path.join(PROJECT_ROOT, "deploy", "deployments", `chain-${chainId}`, "deployed_addresses.json");
}

/** The registry's key in Ignition's record (defined in src/chain, browser-safe, for the explorer too). */
export { REGISTRY_V2_FUTURE_ID };

/** The registry's address Ignition recorded for a chain, if any. */
export function recordedRegistryAddress(chainId: bigint): string | undefined {
  const file = deploymentFile(chainId);
  if (!existsSync(file)) return undefined;
  const addresses = JSON.parse(readFileSync(file, "utf8")) as Record<string, string>;
  return addresses[REGISTRY_V2_FUTURE_ID];
}

/**
 * The version-2 registry (LoraLedgerRegistryV2) to talk to: on the in-process network, a fresh deployment through the same Ignition
 * module as real networks; elsewhere, the deployment recorded for the chain (never an implicit deploy
 * to a real network).
 */
export async function resolveRegistry(
  connection: NetworkConnection,
  chainId: bigint,
  progress: Progress,
): Promise<LoraLedgerRegistryV2> {
  const { ethers } = connection;
  if (connection.networkConfig.type === "edr-simulated") {
    progress.step("deploying the verifiers and the registry on the in-process network (Ignition module LoraLedger)");
    const { registryV2 } = await connection.ignition.deploy(LoraLedgerModule);
    return ethers.getContractAt("LoraLedgerRegistryV2", await registryV2.getAddress());
  }
  const address = recordedRegistryAddress(chainId);
  if (address === undefined) {
    throw new LoraLedgerError(
      "usage",
      `no deployment of the version-2 registry (${REGISTRY_V2_FUTURE_ID}) is recorded for chain ${chainId} (${path.relative(PROJECT_ROOT, deploymentFile(chainId))}); deploy first: npx hardhat ignition deploy deploy/modules/LoraLedger.ts --network ${connection.networkName}`,
      "network",
    );
  }
  if ((await ethers.provider.getCode(address)) === "0x") {
    throw new LoraLedgerError(
      "usage",
      `the recorded registry ${address} has no code on chain ${chainId}: the node was restarted? Remove ${path.relative(PROJECT_ROOT, path.dirname(deploymentFile(chainId)))} and deploy again`,
      "network",
    );
  }
  return ethers.getContractAt("LoraLedgerRegistryV2", address);
}

/**
 * Runtime code without solc's CBOR metadata trailer (its last two bytes give its length): the build
 * profile changes the metadata hash (Ignition compiles with the production profile) but not the code.
 */
function withoutMetadata(code: string): string {
  const hex = code.toLowerCase().replace(/^0x/, "");
  const metadataBytes = Number.parseInt(hex.slice(-4), 16);
  const trailer = (metadataBytes + 2) * 2;
  return Number.isNaN(metadataBytes) || trailer > hex.length ? hex : hex.slice(0, hex.length - trailer);
}

/**
 * Fails with an actionable message unless the registry's verifier for `instanceName` is the one
 * compiled from the current zkey: a proof made with a rebuilt key would otherwise revert on-chain as
 * merely "invalid".
 */
export async function assertVerifierCurrent(
  connection: NetworkConnection,
  registry: LoraLedgerRegistryV2,
  instanceName: string,
  compiledDeployedBytecode: string,
): Promise<void> {
  const record = await registry.verifierOf(circuitIdOf(instanceName));
  if (record.verifier === ZeroAddress) {
    throw new LoraLedgerError(
      "artifacts_missing",
      `the registry has no verifier for circuit instance ${instanceName}; an admin registers one with registerVerifier`,
      "instance",
    );
  }
  if (record.retired) {
    throw new LoraLedgerError(
      "artifacts_missing",
      `the registry's verifier for ${instanceName} (${record.verifier}) is retired: no new proofs can be recorded with it`,
      "instance",
    );
  }
  const onChain = await connection.ethers.provider.getCode(record.verifier);
  if (withoutMetadata(onChain) !== withoutMetadata(compiledDeployedBytecode)) {
    throw new LoraLedgerError(
      "statement_mismatch",
      `the verifier registered for ${instanceName} (${record.verifier}) is not the one the local zkey exports (build/circuits/${instanceName}/): proofs made here would be rejected. Use the zkey that deployment was made from, or deploy the current verifier`,
      "instance",
    );
  }
}

/**
 * Deploys and registers the verifier of `instance` when the registry has none and the signer may register
 * one (VERIFIER_ADMIN_ROLE, the deployer's): the Ignition module deploys only the instances built by
 * default, so a run of another instance (the digits task's) on a registry of one's own needs this once.
 * Only on a development chain (the in-process network, or a Hardhat node's chain ids 31337…31399): on any
 * other network a contract is deployed only on purpose, by Ignition. Leaves everything else to
 * assertVerifierCurrent (no verifier: its message says what to do).
 */
export async function registerMissingVerifier(
  connection: NetworkConnection,
  registry: LoraLedgerRegistryV2,
  instance: CircuitInstance,
  progress: Progress,
): Promise<boolean> {
  const registration = verifierRegistration(instance);
  if (registration === undefined) return false;
  if ((await registry.verifierOf(registration.circuitId)).verifier !== ZeroAddress) return false;
  const { chainId } = await connection.ethers.provider.getNetwork();
  const developmentChain =
    connection.networkConfig.type === "edr-simulated" || (chainId >= 31337n && chainId <= 31399n);
  if (!developmentChain) return false;
  const [signer] = await connection.ethers.getSigners();
  if (signer === undefined) return false;
  const role = await registry.VERIFIER_ADMIN_ROLE();
  if (!(await registry.hasRole(role, await signer.getAddress()))) return false;
  progress.step(`deploying and registering the verifier of ${instance.name} (not deployed by default)`);
  const verifier = await connection.ethers.deployContract(verifierContractName(instance.name));
  await verifier.waitForDeployment();
  const { circuitId, kind, count, shapeId } = registration;
  await (await registry.registerVerifier(circuitId, await verifier.getAddress(), kind, count, shapeId)).wait();
  return true;
}
