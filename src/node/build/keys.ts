/**
 * Checking a Groth16 key against its circuit and powers of tau (`snarkjs zkey verify`), and the stamp the
 * build leaves beside a key it has checked: the check takes seconds to minutes, so it runs once per
 * (r1cs, ptau, zkey) and the test suite only compares the stamp's hashes with the files.
 */
import { createHash } from "node:crypto";
import { createReadStream, existsSync, readFileSync } from "node:fs";
import path from "node:path";
import * as snarkjs from "snarkjs";
import type { Logger } from "snarkjs";
import { instanceArtifacts } from "../instances.js";
import { writeFileAtomic } from "../files.js";
import type { PtauIdentity } from "./ptau.js";

export async function sha256File(file: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

/** One entry of a zkey's phase-2 chain, as `snarkjs zkey verify` reports it. */
export interface KeyContribution {
  /** 1-based position in the chain */
  index: number;
  name: string;
  /** blake2b-512 of the contributor's public key: what a participant publishes */
  contributionHash: string;
  /** set for a beacon: its public seed */
  beaconHash?: string;
}

export interface KeyVerification {
  valid: boolean;
  /** the chain in order, first contribution first (empty when the key did not verify) */
  contributions: KeyContribution[];
  /** snarkjs's reasons for refusing, as it printed them */
  problems: string[];
  seconds: number;
}

/** snarkjs prints a contribution as `contribution #N name:` followed by its hash in four tab-indented lines. */
const CONTRIBUTION_LINE = /^contribution #(\d+) ?(.*):\n([\s0-9a-f]+)$/;

/**
 * `snarkjs zkey verify r1cs ptau zkey`: the key was set up from this circuit and powers of tau, and each
 * phase-2 contribution follows from the previous one. snarkjs reports some refusals on console.log rather
 * than its logger, so both are captured while it runs.
 *
 * `snarkjs zkey verify` is `zkey new` of the r1cs and ptau into memory, then the check of the key against
 * that initial key. A caller that has just made the initial key itself from the same r1cs and ptau passes
 * it as `initialZkey`: the same check without setting the circuit up twice (1.4 s of CPU instead of 19 s
 * for a 2^12 key, measured).
 */
export async function verifyKeyAgainstCircuit(
  r1cs: string,
  ptau: string,
  zkey: string,
  initialZkey?: string,
): Promise<KeyVerification> {
  const started = Date.now();
  const contributions: KeyContribution[] = [];
  const problems: string[] = [];
  const logger: Logger = {
    debug() {},
    info(message: string) {
      const match = CONTRIBUTION_LINE.exec(message);
      if (match !== null) {
        contributions.push({
          index: Number(match[1]),
          name: match[2] ?? "",
          contributionHash: (match[3] ?? "").replace(/\s+/g, ""),
        });
      } else if (message.startsWith("Beacon generator: ")) {
        const last = contributions.at(-1);
        if (last !== undefined) last.beaconHash = message.slice("Beacon generator: ".length).trim();
      }
    },
    warn(message: string) {
      problems.push(message);
    },
    error(message: string) {
      problems.push(message);
    },
  };
  const consoleLog = console.log;
  console.log = (...args: unknown[]) => {
    problems.push(args.map(String).join(" "));
  };
  let valid: boolean;
  try {
    valid =
      initialZkey === undefined
        ? await snarkjs.zKey.verifyFromR1cs(r1cs, ptau, zkey, logger)
        : await snarkjs.zKey.verifyFromInit(initialZkey, ptau, zkey, logger);
  } catch (error) {
    valid = false;
    problems.push((error as Error).message);
  } finally {
    console.log = consoleLog;
  }
  contributions.sort((left, right) => left.index - right.index);
  return {
    valid,
    contributions: valid ? contributions : [],
    problems: problems.map((problem) => problem.trim()),
    seconds: (Date.now() - started) / 1000,
  };
}

/** Written beside a key the build has verified against its r1cs and ptau (build/circuits/<name>/key-verified.json). */
export interface KeyStamp {
  instance: string;
  r1csSha256: string;
  zkeySha256: string;
  ptau: { name: string; blake2b: string; kind: PtauIdentity["kind"]; knownAs?: string };
  snarkjs: string;
  contributions: KeyContribution[];
  /** "r1cs": snarkjs zkey verify; "initial key made here": against the initial key the build had just set up from the r1cs and ptau */
  method: "r1cs" | "initial key made here";
  verifiedAt: string;
  seconds: number;
}

export function keyStampFile(instanceName: string): string {
  return path.join(instanceArtifacts(instanceName).dir, "key-verified.json");
}

export function readKeyStamp(instanceName: string): KeyStamp | undefined {
  const file = keyStampFile(instanceName);
  return existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as KeyStamp) : undefined;
}

/**
 * Why the stamp does not vouch for the instance's current files (undefined when it does): missing, or made
 * for another r1cs or zkey than the ones on disk. `zkey` defaults to the instance's key.
 */
export async function keyStampProblem(instanceName: string, zkey?: string): Promise<string | undefined> {
  const stamp = readKeyStamp(instanceName);
  if (stamp === undefined)
    return `${instanceName}: no key-verified.json (the key was never checked against its circuit)`;
  const artifacts = instanceArtifacts(instanceName);
  const r1csSha256 = await sha256File(artifacts.r1cs);
  if (r1csSha256 !== stamp.r1csSha256)
    return `${instanceName}: the r1cs changed since the key was verified (sha256 ${r1csSha256.slice(0, 12)}…, stamp ${stamp.r1csSha256.slice(0, 12)}…)`;
  const zkeySha256 = await sha256File(zkey ?? artifacts.zkey);
  if (zkeySha256 !== stamp.zkeySha256)
    return `${instanceName}: the zkey is not the one verified (sha256 ${zkeySha256.slice(0, 12)}…, stamp ${stamp.zkeySha256.slice(0, 12)}…)`;
  return undefined;
}

/**
 * Verifies an instance's key against its r1cs and `ptau` (or against `initialZkey`, the build's own setup
 * of them) and writes the stamp; throws, naming why, if the key is refused.
 */
export async function verifyAndStampKey(
  instanceName: string,
  ptau: PtauIdentity,
  snarkjsVersion: string,
  initialZkey?: string,
): Promise<KeyStamp> {
  const artifacts = instanceArtifacts(instanceName);
  const result = await verifyKeyAgainstCircuit(artifacts.r1cs, ptau.file, artifacts.zkey, initialZkey);
  if (!result.valid) {
    throw new Error(
      `the key of ${instanceName} does not verify against its r1cs and ${path.basename(ptau.file)}: ${result.problems.join("; ") || "snarkjs refused it"}`,
    );
  }
  const stamp: KeyStamp = {
    instance: instanceName,
    r1csSha256: await sha256File(artifacts.r1cs),
    zkeySha256: await sha256File(artifacts.zkey),
    ptau: {
      name: path.basename(ptau.file),
      blake2b: ptau.blake2b,
      kind: ptau.kind,
      ...(ptau.knownAs === undefined ? {} : { knownAs: ptau.knownAs }),
    },
    snarkjs: snarkjsVersion,
    contributions: result.contributions,
    method: initialZkey === undefined ? "r1cs" : "initial key made here",
    verifiedAt: new Date().toISOString(),
    seconds: result.seconds,
  };
  writeFileAtomic(keyStampFile(instanceName), `${JSON.stringify(stamp, null, 2)}\n`);
  return stamp;
}
