/**
 * Hardhat Ignition module: deploys LoraLedgerRegistryV2 (admin = account 0, the deployer) and the
 * generated Groth16 verifier of every version-2 circuit instance built by default (circuits/instances.json),
 * and registers each under keccak256(instance name) with its kind, count and shape id (src/chain
 * verifierRegistration). Version 1's LoraStep and LoraMerge verifiers are not deployed: no registry
 * accepts version-1 statements (PROTOCOL, header).
 *
 *   npx hardhat ignition deploy deploy/modules/LoraLedger.ts --network localhost
 *
 * In tests: `const { ignition } = await network.create(); await ignition.deploy(LoraLedgerModule)`.
 * The verifiers are development keys (PROTOCOL §8): never deploy them to a production network.
 */
import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import { verifierContractName } from "../../src/protocol/index.js";
import type { NamedArtifactContractDeploymentFuture } from "@nomicfoundation/ignition-core";
import { verifierRegistration, type VerifierRegistration } from "../../src/chain/index.js";
import { loadInstances } from "../../src/node/index.js";

/** The instances the module deploys a verifier for: the version-2 instances built by default. */
export function deployedInstances(): string[] {
  return deployedRegistrations().map(({ name }) => name);
}

function deployedRegistrations(): (VerifierRegistration & { name: string })[] {
  return loadInstances().instances.flatMap((instance) => {
    const registration = instance.buildByDefault ? verifierRegistration(instance) : undefined;
    return registration === undefined ? [] : [{ ...registration, name: instance.name }];
  });
}

/** The module's results: the registry, and each verifier under its contract name (verifierContractName). */
export type LoraLedgerModuleResult = {
  registryV2: NamedArtifactContractDeploymentFuture<"LoraLedgerRegistryV2">;
} & Record<string, NamedArtifactContractDeploymentFuture<string>>;

// Ignition future ids must be alphanumeric/underscore: instance names are (instances.json's schema).
const LoraLedgerModule = buildModule("LoraLedger", (m): LoraLedgerModuleResult => {
  const deployer = m.getAccount(0);
  // The registry computes registered roots with Poseidon (poseidon-solidity's linked PoseidonT4).
  const poseidon = m.library("PoseidonT4", { from: deployer });
  const registryV2 = m.contract("LoraLedgerRegistryV2", [deployer], {
    from: deployer,
    libraries: { PoseidonT4: poseidon },
  });
  const verifiers: Record<string, NamedArtifactContractDeploymentFuture<string>> = {};
  for (const { name, circuitId, kind, count, shapeId } of deployedRegistrations()) {
    const contractName = verifierContractName(name);
    const verifier = m.contract(contractName, [], { from: deployer });
    m.call(registryV2, "registerVerifier", [circuitId, verifier, kind, count, shapeId], {
      id: `registerVerifier_${name}`,
      from: deployer,
    });
    verifiers[contractName] = verifier;
  }
  return { ...verifiers, registryV2 };
});

export default LoraLedgerModule;
