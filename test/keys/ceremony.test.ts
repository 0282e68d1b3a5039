// A three-party phase-2 ceremony, end to end, on a tiny circuit (so that each `zkey verify` takes a
// second): init from the shipped ptau, three contributions, beacon, verify, export. Then the ways a
// coordinator could cheat (a contribution dropped, reordered or replaced) are refused, naming it.
import { expect } from "chai";
import { cpSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import * as snarkjs from "snarkjs";
import {
  applyCeremonyBeacon,
  compileCircom,
  contributeToCeremony,
  exportCeremony,
  initCeremony,
  noProgress,
  PROJECT_ROOT,
  readTranscript,
  releaseProverThreads,
  sha256File,
  verifyCeremony,
  verifyKeyAgainstCircuit,
  type CeremonyTranscript,
} from "../../src/node/index.js";
import { testPtau } from "../helpers/ptau.js";

const ROOT = path.join(PROJECT_ROOT, "build", "test-ceremony");
const CIRCUIT_DIR = path.join(ROOT, "circuit");
const CEREMONY = path.join(ROOT, "ceremony");
const R1CS = path.join(CIRCUIT_DIR, "tiny.r1cs");
const BEACON = "0000000000000000000a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60";

function ptau(): string {
  const file = testPtau();
  if (file === undefined) throw new Error("set PTAU to a prepared powers-of-tau file, as for the build");
  return file;
}

/** A copy of the finished ceremony to tamper with. */
function copyCeremony(name: string): string {
  const copy = path.join(ROOT, name);
  rmSync(copy, { recursive: true, force: true });
  cpSync(CEREMONY, copy, { recursive: true });
  return copy;
}

function editTranscript(dir: string, edit: (transcript: CeremonyTranscript) => void): void {
  const transcript = readTranscript(dir);
  edit(transcript);
  writeFileSync(path.join(dir, "transcript.json"), JSON.stringify(transcript, null, 2));
}

describe("phase-2 ceremony (three participants)", function () {
  this.timeout(240_000);

  before(async function () {
    rmSync(ROOT, { recursive: true, force: true });
    // x^9 in eight multiplications: the smallest circuit with a nontrivial key (2^4 powers)
    await compileCircom({
      dir: CIRCUIT_DIR,
      baseName: "tiny",
      mainSource: [
        "pragma circom 2.1.0;",
        "template Power(n) { signal input x; signal output y; signal t[n];",
        "  t[0] <== x * x; for (var i = 1; i < n; i++) { t[i] <== t[i - 1] * x; } y <== t[n - 1]; }",
        "component main = Power(8);",
        "",
      ].join("\n"),
      flags: ["--O2"],
    });
    await initCeremony({ dir: CEREMONY, instance: "tiny_power_8", r1cs: R1CS, ptau: ptau(), progress: noProgress });
    for (const [name, entropy] of [
      ["alice", "alice's dice: 3 1 4 1 5 9 2 6"],
      ["bob", "bob typed this on his own laptop"],
      ["carol", "carol's hardware random number"],
    ] as const) {
      await contributeToCeremony(CEREMONY, name, entropy, noProgress);
    }
    await applyCeremonyBeacon(CEREMONY, BEACON, 10, noProgress);
  });

  after(async function () {
    await releaseProverThreads();
  });

  it("records every contribution in order and verifies the whole chain", async function () {
    const transcript = readTranscript(CEREMONY);
    expect(transcript.contributions.map((entry) => entry.name)).to.deep.equal([
      "alice",
      "bob",
      "carol",
      "lora-ledger ceremony beacon",
    ]);
    expect(transcript.ptau.kind).to.be.oneOf(["public", "development"]);
    const result = await verifyCeremony(CEREMONY, R1CS, ptau());
    expect(result.problems).to.deep.equal([]);
    expect(result.valid).to.equal(true);
    expect(result.chain.map((entry) => entry.contributionHash)).to.deep.equal(
      transcript.contributions.map((entry) => entry.contributionHash),
    );
    expect(result.chain.at(-1)?.beaconHash).to.equal(BEACON);
  });

  it("exports a key that proves and verifies, with its verification key and Solidity verifier", async function () {
    const exported = await exportCeremony(CEREMONY, R1CS, ptau(), false, noProgress);
    expect(readFileSync(exported.verifierSolidity, "utf8")).to.match(/3 participant\(s\)/);
    const { proof, publicSignals } = await snarkjs.groth16.fullProve(
      { x: 3 },
      path.join(CIRCUIT_DIR, "tiny_js", "tiny.wasm"),
      exported.zkey,
    );
    expect(publicSignals).to.deep.equal([String(3 ** 9)]);
    const key = JSON.parse(readFileSync(exported.verificationKey, "utf8")) as snarkjs.VerificationKey;
    expect(await snarkjs.groth16.verify(key, publicSignals, proof)).to.equal(true);
  });

  it("refuses a transcript from which a contribution was dropped", async function () {
    const dir = copyCeremony("dropped");
    editTranscript(dir, (transcript) => {
      transcript.contributions.splice(1, 1);
      transcript.contributions.forEach((entry, position) => (entry.index = position + 1));
    });
    const result = await verifyCeremony(dir, R1CS, ptau());
    expect(result.valid).to.equal(false);
    expect(result.problems.join("\n")).to.match(
      /the key's contribution #2 \(bob, [0-9a-f]+…\) is not the one the transcript published/,
    );
  });

  it("refuses a key that lacks a published contribution", async function () {
    // carol contributes on alice's key, skipping bob's: the key chain is sound, the published bob is missing
    const dir = copyCeremony("skipped");
    const skipping = path.join(dir, "skipping.zkey");
    await snarkjs.zKey.contribute(path.join(dir, "0001.zkey"), skipping, "carol", "carol again");
    const result = await verifyCeremony(dir, R1CS, ptau(), skipping);
    expect(result.valid).to.equal(false);
    expect(result.problems.join("\n")).to.match(
      /contribution #2 \(bob\): its published hash [0-9a-f]+… is not in the key/,
    );
  });

  it("refuses contributions listed in another order than the key holds them", async function () {
    const dir = copyCeremony("reordered");
    editTranscript(dir, (transcript) => {
      const [alice, bob] = transcript.contributions;
      if (alice === undefined || bob === undefined) throw new Error("the ceremony has fewer than two contributions");
      [alice.contributionHash, bob.contributionHash] = [bob.contributionHash, alice.contributionHash];
    });
    const result = await verifyCeremony(dir, R1CS, ptau());
    expect(result.valid).to.equal(false);
    expect(result.problems).to.include.members([
      "contribution #1 (alice) is contribution #2 of the key, not #1: reordered",
      "contribution #2 (bob) is contribution #1 of the key, not #2: reordered",
    ]);
  });

  it("refuses a contribution replaced by another made with different entropy, even with the file hashes updated", async function () {
    const dir = copyCeremony("replaced");
    const chain = ["0002.zkey", "0003.zkey", "0004.zkey"].map((file) => path.join(dir, file));
    await snarkjs.zKey.contribute(path.join(dir, "0001.zkey"), chain[0] as string, "bob", "not bob's entropy");
    await snarkjs.zKey.contribute(chain[0] as string, chain[1] as string, "carol", "carol, redone");
    await snarkjs.zKey.beacon(chain[1] as string, chain[2] as string, "lora-ledger ceremony beacon", BEACON, 10);
    // the file hashes are the coordinator's to rewrite; the contribution hashes were published by the participants
    const hashes = await Promise.all(chain.map((file) => sha256File(file)));
    editTranscript(dir, (transcript) => {
      transcript.contributions.slice(1).forEach((entry, position) => (entry.zkeySha256 = hashes[position] ?? ""));
    });
    const result = await verifyCeremony(dir, R1CS, ptau());
    expect(result.valid).to.equal(false);
    expect(result.problems.join("\n")).to.match(
      /contribution #2 \(bob\): its published hash [0-9a-f]+… is not in the key/,
    );
    expect(result.problems.join("\n")).to.match(/contribution #3 \(carol\): its published hash/);
  });

  it("refuses, through snarkjs, a key whose bytes were changed", async function () {
    const corrupted = path.join(ROOT, "corrupted.zkey");
    const bytes = readFileSync(path.join(CEREMONY, "0004.zkey"));
    const middle = Math.floor(bytes.length / 2); // inside the key's sections of curve points
    bytes[middle] = (bytes[middle] ?? 0) ^ 1;
    writeFileSync(corrupted, bytes);
    const result = await verifyKeyAgainstCircuit(R1CS, ptau(), corrupted);
    expect(result.valid).to.equal(false);
    // the build's shortcut (against the initial key it has just set up) refuses it too, and accepts the real one
    const initial = path.join(CEREMONY, "0000.zkey");
    expect((await verifyKeyAgainstCircuit(R1CS, ptau(), corrupted, initial)).valid).to.equal(false);
    const real = await verifyKeyAgainstCircuit(R1CS, ptau(), path.join(CEREMONY, "0004.zkey"), initial);
    expect(real.valid).to.equal(true);
    expect(real.contributions.map((entry) => entry.name).slice(0, 3)).to.deep.equal(["alice", "bob", "carol"]);
  });

  it("refuses a zkey file swapped behind the transcript's back, and a key from another circuit", async function () {
    const dir = copyCeremony("swapped");
    cpSync(path.join(dir, "0001.zkey"), path.join(dir, "0002.zkey"));
    const swapped = await verifyCeremony(dir, R1CS, ptau());
    expect(swapped.problems).to.include("contribution #2 (bob): 0002.zkey is not the file recorded (sha256 differs)");
    const otherCircuit = path.join(ROOT, "other.r1cs");
    writeFileSync(otherCircuit, readFileSync(R1CS).subarray(0, 100));
    const other = await verifyCeremony(CEREMONY, otherCircuit, ptau());
    expect(other.valid).to.equal(false);
    expect(other.problems[0]).to.match(/not the one the ceremony started from/);
  });
});
