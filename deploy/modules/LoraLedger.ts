/**
 * Hardhat Ignition module: deploys the generated Groth16 verifier of every circuit instance built by
 * default (circuits/instances.json), the version-1 LoraLedgerRegistry and the version-2
 * LoraLedgerRegistryV2 (admin = account 0, the deployer), and registers each verifier under
 * keccak256(instance name) with the registry of its protocol version (a version-2 verifier with its kind,
 * count and shape id, src/chain verifierRegistration).
 *
 *   npx hardhat ignition deploy deploy/modules/LoraLedger.ts --network localhost
 *
 * In tests: `const { ignition } = await network.create(); await ignition.deploy(LoraLedgerModule)`.
 * The verifiers are development keys (PROTOCOL §8): never deploy them to a production network.
 */
import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import { verifierContractName } from "../../src/protocol/index.js";
import type { NamedArtifactContractDeploymentFuture } from "@nomicfoundation/ignition-core";
import { circuitIdOf, verifierRegistration } from "../../src/chain/index.js";
import { loadInstances } from "../../src/node/index.js";

/** The instances the module deploys a verifier for: those built by default. */
export function deployedInstances(): string[] {
  return defaultInstances().map((instance) => instance.name);
}

function defaultInstances() {
  return loadInstances().instances.filter((instance) => instance.buildByDefault);
}

/** The module's results: the registries, and each verifier under its contract name (verifierContractName). */
export type LoraLedgerModuleResult = {
  registry: NamedArtifactContractDeploymentFuture<"LoraLedgerRegistry">;
  registryV2: NamedArtifactContractDeploymentFuture<"LoraLedgerRegistryV2">;
} & Record<string, NamedArtifactContractDeploymentFuture<string>>;

// Ignition future ids must be alphanumeric/underscore: instance names are (instances.json's schema).
const LoraLedgerModule = buildModule("LoraLedger", (m): LoraLedgerModuleResult => {
  const deployer = m.getAccount(0);
  const registry = m.contract("LoraLedgerRegistry", [deployer], { from: deployer });
  const registryV2 = m.contract("LoraLedgerRegistryV2", [deployer], { from: deployer });
  const verifiers: Record<string, NamedArtifactContractDeploymentFuture<string>> = {};
  for (const instance of defaultInstances()) {
    const { name } = instance;
    const contractName = verifierContractName(name);
    const verifier = m.contract(contractName, [], { from: deployer });
    const registration = verifierRegistration(instance);
    if (registration === undefined) {
      m.call(registry, "registerVerifier", [circuitIdOf(name), verifier], {
        id: `registerVerifier_${name}`,
        from: deployer,
      });
    } else {
      const { circuitId, kind, count, shapeId } = registration;
      m.call(registryV2, "registerVerifier", [circuitId, verifier, kind, count, shapeId], {
        id: `registerVerifier_${name}`,
        from: deployer,
      });
    }
    verifiers[contractName] = verifier;
  }
  return { ...verifiers, registry, registryV2 };
});

export default LoraLedgerModule;
