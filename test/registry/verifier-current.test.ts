// The generated Solidity verifiers under contracts/generated/ must be exactly what the current zkeys
// export: a verifier left over from an older setup would accept no proof of the current circuit (or,
// worse, proofs of an old one).
import { expect } from "chai";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import {
  exportVerifierSolidity,
  PROJECT_ROOT,
  defaultInstance,
  instanceArtifacts,
  loadInstances,
  releaseProverThreads,
} from "../../src/node/index.js";

const built = loadInstances().instances.filter((instance) => existsSync(instanceArtifacts(instance.name).zkey));

describe("generated verifiers match the current zkeys", function () {
  after(async function () {
    await releaseProverThreads();
  });

  it("the default (test) instance is built", function () {
    const zkey = instanceArtifacts(defaultInstance().name).zkey;
    expect(existsSync(zkey), `${path.relative(PROJECT_ROOT, zkey)} is missing: run npm run build:circuits`).to.equal(
      true,
    );
  });

  for (const instance of built) {
    it(`contracts/generated verifier of ${instance.name} is current`, async function () {
      const file = instanceArtifacts(instance.name).verifierSolidity;
      const relative = path.relative(PROJECT_ROOT, file);
      expect(existsSync(file), `${relative} is missing: run npm run build:circuits`).to.equal(true);
      const expected = await exportVerifierSolidity(instance.name);
      expect(
        readFileSync(file, "utf8") === expected,
        `${relative} differs from the zkey's verifier: run npm run build:circuits`,
      ).to.equal(true);
    });
  }
});
