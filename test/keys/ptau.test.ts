// The build knows its powers of tau by blake2b-512 (circuits/ptau-known.json): the shipped development
// file is recognised as such, a file in no list is unknown, and a file named like a published one
// whose hash is not the published one is refused.
import { expect } from "chai";
import { copyFileSync, existsSync, linkSync, mkdirSync, rmSync } from "node:fs";
import path from "node:path";
import { identifyPtau, knownPtauFiles, noProgress, PROJECT_ROOT, resolvePtau } from "../../src/node/index.js";

const SHIPPED = process.env.PTAU ?? "/work/shared/ptau/pot17_final.ptau";
const SCRATCH = path.join(PROJECT_ROOT, "build", "test-keys", "ptau");

describe("powers of tau: known by their published hashes", function () {
  this.timeout(60_000);
  const previous = process.env.PTAU;

  before(function () {
    if (!existsSync(SHIPPED)) this.skip();
    mkdirSync(SCRATCH, { recursive: true });
  });

  after(function () {
    if (previous === undefined) delete process.env.PTAU;
    else process.env.PTAU = previous;
    rmSync(SCRATCH, { recursive: true, force: true });
  });

  it("lists the Hermez files the snarkjs README publishes, 2^8 to 2^28", function () {
    const powers = knownPtauFiles().public.map((entry) => entry.power);
    expect(powers).to.deep.equal([...Array(21).keys()].map((index) => index + 8));
  });

  it("recognises the shipped development file", async function () {
    const identity = await identifyPtau(SHIPPED);
    expect(identity).to.include({ kind: "development", knownAs: "pot17_final.ptau", power: 17 });
  });

  it("refuses a file named like a published one whose hash is not the published one", async function () {
    // a hard link: the same bytes under the published 2^17 file's name, no copy of 150 MB
    const impostor = path.join(SCRATCH, "powersOfTau28_hez_final_17.ptau");
    rmSync(impostor, { force: true });
    try {
      linkSync(SHIPPED, impostor);
    } catch {
      copyFileSync(SHIPPED, impostor);
    }
    process.env.PTAU = impostor;
    let refused: Error | undefined;
    try {
      await resolvePtau(12, noProgress);
    } catch (error) {
      refused = error as Error;
    }
    expect(refused?.message).to.match(
      /named like the published powersOfTau28_hez_final_17\.ptau but its blake2b is 8486a4f972f03c8a…/,
    );
  });
});
