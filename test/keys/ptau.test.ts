// The build knows its powers of tau by blake2b-512 (circuits/ptau-known.json): the shipped development
// file or a published one is recognised as such, and a file named like a published one
// whose hash is not the published one is refused.
import { expect } from "chai";
import { copyFileSync, linkSync, mkdirSync, rmSync } from "node:fs";
import path from "node:path";
import { identifyPtau, knownPtauFiles, noProgress, PROJECT_ROOT, resolvePtau } from "../../src/node/index.js";
import { testPtau } from "../helpers/ptau.js";

const PTAU = testPtau();
const SCRATCH = path.join(PROJECT_ROOT, "build", "test-keys", "ptau");

describe("powers of tau: known by their published hashes", function () {
  this.timeout(60_000);
  const previous = process.env.PTAU;

  before(function () {
    if (PTAU === undefined) this.skip();
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

  it("recognises the suite's ptau: the shipped development file or a published one", async function () {
    const identity = await identifyPtau(PTAU ?? "");
    expect(identity.kind).to.be.oneOf(["public", "development"]);
    if (identity.kind === "development") expect(identity).to.include({ knownAs: "pot17_final.ptau", power: 17 });
  });

  it("refuses a file named like a published one whose hash is not the published one", async function () {
    const identity = await identifyPtau(PTAU ?? "");
    // a published name that is not this file's own
    const name = knownPtauFiles().public.find((entry) => entry.name !== identity.knownAs)?.name ?? "";
    const impostor = path.join(SCRATCH, name);
    rmSync(impostor, { force: true });
    try {
      linkSync(PTAU ?? "", impostor); // the same bytes under another name, without copying them
    } catch {
      copyFileSync(PTAU ?? "", impostor);
    }
    process.env.PTAU = impostor;
    let refused: Error | undefined;
    try {
      await resolvePtau(8, noProgress);
    } catch (error) {
      refused = error as Error;
    }
    expect(refused?.message).to.include(
      `is named like the published ${name} but its blake2b is ${identity.blake2b.slice(0, 16)}…`,
    );
  });
});
