// check-deployment on the in-process chain: the Ignition deployment holds the keys this checkout holds;
// a registry whose run-start circuit is served by a verifier of another key (the projection block's) is
// refused, naming the instance, the network and the coordinates that differ.
import { expect } from "chai";
import { network } from "hardhat";
import LoraLedgerModule from "../../deploy/modules/LoraLedger.js";
import {
  assertPublishedKeyMatches,
  circuitIdOf,
  deployedVerificationKey,
  decodeVerificationKey,
  verifierRegistration,
  VERIFIER_KIND,
  VerifierCodeError,
} from "../../src/chain/index.js";
import { checkDeployment, heldVerificationKey } from "../../src/hardhat/index.js";
import {
  companionInstance,
  defaultInstance,
  instanceArtifacts,
  noProgress,
  releaseProverThreads,
} from "../../src/node/index.js";
import { LoraLedgerError, verifierContractName } from "../../src/protocol/index.js";
import { exampleRunDocument, proveDocument, verifyDocument } from "../../src/cli/index.js";
import { existsSync } from "node:fs";

const connection = await network.create();
const { ethers, ignition } = connection;

describe("check-deployment: deployed verifiers hold the keys this checkout holds", function () {
  this.timeout(120_000);
  const checkpoint = defaultInstance("LoraCheckpoint");
  const runStart = companionInstance(checkpoint, "LoraRunStart");
  const projection = companionInstance(checkpoint, "BaseProjectionBlock");

  after(async function () {
    await releaseProverThreads();
  });

  before(function () {
    for (const instance of [runStart, projection]) {
      if (instance === undefined || !existsSync(instanceArtifacts(instance.name).verificationKey)) this.skip();
    }
  });

  it("decodes from each deployed verifier's code exactly the key its instance's build holds", async function () {
    const { registryV2 } = await ignition.deploy(LoraLedgerModule);
    const registry = await ethers.getContractAt("LoraLedgerRegistryV2", await registryV2.getAddress());
    const checks = await checkDeployment(connection, registry);
    expect(checks.length).to.be.greaterThan(0);
    for (const check of checks) expect(check.status, check.message).to.equal("ok");
    const record = await registry.verifierOf(circuitIdOf(runStart?.name ?? ""));
    const decoded = decodeVerificationKey(await ethers.provider.getCode(record.verifier));
    const held = heldVerificationKey(runStart?.name ?? "");
    expect(decoded.IC).to.deep.equal(held?.IC);
    expect(decoded.vk_delta_2).to.deep.equal(held?.vk_delta_2);
  });

  it("names the instance, the network and what differs when a verifier of another key is registered", async function () {
    if (runStart === undefined || projection === undefined) this.skip();
    const [admin] = await ethers.getSigners();
    const poseidon = await ethers.deployContract("PoseidonT4");
    const registry = await ethers.deployContract("LoraLedgerRegistryV2", [admin?.address], {
      libraries: { PoseidonT4: await poseidon.getAddress() },
    });
    const wrongVerifier = await ethers.deployContract(verifierContractName(projection.name));
    const registration = verifierRegistration(runStart);
    if (registration === undefined) throw new Error(`${runStart.name} is not a version-2 instance`);
    await registry.registerVerifier(
      registration.circuitId,
      await wrongVerifier.getAddress(),
      VERIFIER_KIND.RunStart,
      1,
      registration.shapeId,
    );
    const [check] = await checkDeployment(connection, registry);
    expect(check?.status).to.equal("key_mismatch");
    expect(check?.instance).to.equal(runStart.name);
    expect(check?.message).to.include(connection.networkName);
    expect(check?.message).to.include(runStart.name);
    expect(check?.differences[0]?.field).to.equal("nPublic");
    // alpha, beta, gamma come from the ptau and delta from the shared development beacon: only the IC points differ
    expect(check?.differences.map((difference) => difference.field)).to.include.members(["IC[0][0]", "IC[9][1]"]);
    expect(check?.message).to.match(/KEY MISMATCH: .*nPublic \(held 9, deployed 5\)/);

    // the SDK's chain-only key: the deployed one, and a published key that is not it is a key mismatch
    const deployed = await deployedVerificationKey(registry, ethers.provider, registration.circuitId);
    expect(deployed.key.IC).to.deep.equal(heldVerificationKey(projection.name)?.IC);
    const published = heldVerificationKey(runStart.name);
    if (published === undefined) throw new Error("no held key");
    expect(() => assertPublishedKeyMatches(deployed, published, "the run start's key file"))
      .to.throw(LoraLedgerError, /the run start's key file is not the key of the deployed verifier/)
      .with.property("code", "key_mismatch");
  });

  it("verify with the key from the chain: the deployed verifier's, the local one only compared with it", async function () {
    if (runStart === undefined || projection === undefined) this.skip();
    const document = exampleRunDocument({ kind: "projection", seed: 5 });
    const proved = await proveDocument(document);
    const { registryV2 } = await ignition.deploy(LoraLedgerModule);
    const registry = await ethers.getContractAt("LoraLedgerRegistryV2", await registryV2.getAddress());
    const fromChain = (instanceName: string) =>
      deployedVerificationKey(registry, ethers.provider, circuitIdOf(instanceName));
    const answer = await verifyDocument(proved, noProgress, fromChain);
    expect(answer.valid, answer.reason).to.equal(true);
    expect(answer.key?.source).to.equal("chain");
    expect(answer.key?.local).to.equal("matches");
    expect(answer.reason).to.include(answer.key?.verifier ?? "?");

    // a registry whose projection verifier holds another key (the run start's): the proof is checked
    // against what the chain would check it with, and the local key is reported as a key mismatch
    const [admin] = await ethers.getSigners();
    const poseidon = await ethers.deployContract("PoseidonT4");
    const other = await ethers.deployContract("LoraLedgerRegistryV2", [admin?.address], {
      libraries: { PoseidonT4: await poseidon.getAddress() },
    });
    const registration = verifierRegistration(projection);
    if (registration === undefined) throw new Error(`${projection.name} is not a version-2 instance`);
    const wrongVerifier = await ethers.deployContract(verifierContractName(runStart.name));
    await other.registerVerifier(
      registration.circuitId,
      await wrongVerifier.getAddress(),
      registration.kind,
      registration.count,
      registration.shapeId,
    );
    const mismatched = await verifyDocument(proved, noProgress, (instanceName) =>
      deployedVerificationKey(other, ethers.provider, circuitIdOf(instanceName)),
    );
    expect(mismatched.valid).to.equal(false);
    expect(mismatched.key?.local).to.match(/^key mismatch: nPublic \(held 5, deployed 9\)/);
  });

  it("refuses to decode a key from code that is not a snarkjs verifier", async function () {
    const poseidon = await ethers.deployContract("PoseidonT4");
    expect(() => decodeVerificationKey("0x6080604052")).to.throw(VerifierCodeError);
    const code = await ethers.provider.getCode(await poseidon.getAddress());
    expect(() => decodeVerificationKey(code)).to.throw(VerifierCodeError);
  });
});
