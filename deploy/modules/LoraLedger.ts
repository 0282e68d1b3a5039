/**
 * Hardhat Ignition module: deploys the generated Groth16 verifier of every circuit instance built by
 * default (circuits/instances.json), the LoraLedgerRegistry (admin = account 0, the deployer) and
 * registers each verifier under keccak256(instance name).
 *
 *   npx hardhat ignition deploy deploy/modules/LoraLedger.ts --network localhost
 *
 * In tests: `const { ignition } = await network.create(); await ignition.deploy(LoraLedgerModule)`.
 * The verifiers are development keys (PROTOCOL §8): never deploy them to a production network.
 */
import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import { verifierContractName } from "../../src/protocol/index.js";
import type { NamedArtifactContractDeploymentFuture } from "@nomicfoundation/ignition-core";
import { circuitIdOf } from "../../src/chain/index.js";
import { loadInstances } from "../../src/node/index.js";

/** The instances the module deploys a verifier for: those built by default. */
export function deployedInstances(): string[] {
  return loadInstances()
    .instances.filter((instance) => instance.buildByDefault)
    .map((instance) => instance.name);
}

/** The module's results: the registry, and each verifier under its contract name (verifierContractName). */
export type LoraLedgerModuleResult = { registry: NamedArtifactContractDeploymentFuture<"LoraLedgerRegistry"> } & Record<
  string,
  NamedArtifactContractDeploymentFuture<string>
>;

// Ignition future ids must be alphanumeric/underscore: instance names are (instances.json's schema).
const LoraLedgerModule = buildModule("LoraLedger", (m): LoraLedgerModuleResult => {
  const deployer = m.getAccount(0);
  const registry = m.contract("LoraLedgerRegistry", [deployer], { from: deployer });
  const verifiers: Record<string, NamedArtifactContractDeploymentFuture<string>> = {};
  for (const name of deployedInstances()) {
    const contractName = verifierContractName(name);
    const verifier = m.contract(contractName, [], { from: deployer });
    m.call(registry, "registerVerifier", [circuitIdOf(name), verifier], {
      id: `registerVerifier_${name}`,
      from: deployer,
    });
    verifiers[contractName] = verifier;
  }
  return { ...verifiers, registry };
});

export default LoraLedgerModule;
