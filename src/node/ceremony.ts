/**
 * A multi-party phase-2 (circuit-specific) Groth16 ceremony for one circuit instance, as a folder of
 * state (docs/CEREMONY.md): `0000.zkey` set up from the r1cs and a prepared powers of tau, one zkey per
 * contribution, `transcript.json` listing every contribution in order with the hash its participant
 * publishes. The key is sound when at least one participant destroyed their entropy; `verify` checks
 * the whole chain with snarkjs and against the transcript, so a dropped, reordered or replaced
 * contribution is refused by name.
 */
import { randomBytes } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import * as snarkjs from "snarkjs";
import { verifierContractName } from "../protocol/index.js";
import { writeFileAtomic } from "./files.js";
import { GENERATED_CONTRACTS_DIR, PROJECT_ROOT, instanceArtifacts } from "./instances.js";
import type { Progress } from "./progress.js";
import { identifyPtau, describePtau, type PtauIdentity } from "./build/ptau.js";
import { sha256File, verifyKeyAgainstCircuit, verifyAndStampKey, type KeyContribution } from "./build/keys.js";
import { exportVerifierSolidity, type BuildManifest } from "./build/circuits.js";

/** Where `npm run ceremony` keeps an instance's ceremony unless told otherwise. */
export const CEREMONY_ROOT = path.join(PROJECT_ROOT, "ceremony");

export function ceremonyDir(instanceName: string): string {
  return path.join(CEREMONY_ROOT, instanceName);
}

export interface TranscriptEntry {
  /** 1-based, the position in the key's chain */
  index: number;
  kind: "participant" | "beacon";
  name: string;
  /** blake2b-512 of the contribution's public key, as snarkjs prints it: what the participant publishes */
  contributionHash: string;
  /** the zkey after this contribution, in the ceremony folder */
  zkey: string;
  zkeySha256: string;
  time: string;
  beaconHash?: string;
  iterationsExp?: number;
}

export interface CeremonyTranscript {
  instance: string;
  r1cs: { file: string; sha256: string };
  ptau: { name: string; blake2b: string; power: number; kind: PtauIdentity["kind"]; knownAs?: string };
  initial: { zkey: string; sha256: string; time: string };
  contributions: TranscriptEntry[];
}

const TRANSCRIPT = "transcript.json";

function transcriptFile(dir: string): string {
  return path.join(dir, TRANSCRIPT);
}

export function readTranscript(dir: string): CeremonyTranscript {
  const file = transcriptFile(dir);
  if (!existsSync(file)) throw new Error(`no ceremony in ${dir} (no ${TRANSCRIPT}); start one with \`init\``);
  return JSON.parse(readFileSync(file, "utf8")) as CeremonyTranscript;
}

function writeTranscript(dir: string, transcript: CeremonyTranscript): void {
  writeFileAtomic(transcriptFile(dir), `${JSON.stringify(transcript, null, 2)}\n`);
}

function zkeyName(index: number): string {
  return `${String(index).padStart(4, "0")}.zkey`;
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("hex");
}

/** The zkey the next contribution starts from, checked against the hash the transcript recorded for it. */
async function latestZkey(dir: string, transcript: CeremonyTranscript): Promise<string> {
  const last = transcript.contributions.at(-1);
  const [file, sha256, what] =
    last === undefined
      ? [transcript.initial.zkey, transcript.initial.sha256, "the initial key"]
      : [last.zkey, last.zkeySha256, `contribution #${last.index} (${last.name})`];
  const actual = await sha256File(path.join(dir, file));
  if (actual !== sha256)
    throw new Error(`${file}, ${what}, is not the file the transcript recorded: refusing to build on it`);
  return path.join(dir, file);
}

export interface CeremonyInit {
  dir: string;
  instance: string;
  r1cs: string;
  ptau: string;
  progress: Progress;
}

/** Starts a ceremony: the Groth16 setup of the r1cs from the ptau, with no contribution yet (0000.zkey). */
export async function initCeremony({ dir, instance, r1cs, ptau, progress }: CeremonyInit): Promise<CeremonyTranscript> {
  if (existsSync(transcriptFile(dir))) throw new Error(`a ceremony already exists in ${dir}`);
  mkdirSync(dir, { recursive: true });
  const identity = await identifyPtau(ptau);
  if (identity.kind === "public") progress.step(describePtau(identity));
  else progress.warn(describePtau(identity));
  progress.step(`setting up ${instance} from ${path.basename(ptau)} (snarkjs zkey new)`);
  const initial = path.join(dir, zkeyName(0));
  await snarkjs.zKey.newZKey(r1cs, ptau, initial, progress.snarkjsLogger());
  const transcript: CeremonyTranscript = {
    instance,
    r1cs: { file: path.basename(r1cs), sha256: await sha256File(r1cs) },
    ptau: {
      name: path.basename(ptau),
      blake2b: identity.blake2b,
      power: identity.power,
      kind: identity.kind,
      ...(identity.knownAs === undefined ? {} : { knownAs: identity.knownAs }),
    },
    initial: { zkey: zkeyName(0), sha256: await sha256File(initial), time: new Date().toISOString() },
    contributions: [],
  };
  writeTranscript(dir, transcript);
  return transcript;
}

/**
 * One participant's contribution. Their entropy is mixed with 32 bytes from the operating system (so a
 * weak passphrase does not weaken the key) and never written anywhere; the returned hash is what they
 * publish, so that anyone can check that the final key includes their contribution.
 */
export async function contributeToCeremony(
  dir: string,
  name: string,
  entropy: string,
  progress: Progress,
): Promise<TranscriptEntry> {
  const transcript = readTranscript(dir);
  if (transcript.contributions.some((entry) => entry.kind === "beacon"))
    throw new Error("the beacon has been applied: the ceremony is closed to contributions");
  if (name.trim() === "") throw new Error("a contribution needs the participant's name");
  if (entropy.length < 8) throw new Error("give at least 8 characters of entropy");
  const previous = await latestZkey(dir, transcript);
  const index = transcript.contributions.length + 1;
  const next = path.join(dir, zkeyName(index));
  progress.step(`contribution #${index} by ${name}`);
  const hash = await snarkjs.zKey.contribute(
    previous,
    next,
    name,
    `${entropy}:${randomBytes(32).toString("hex")}`,
    progress.snarkjsLogger(),
  );
  const entry: TranscriptEntry = {
    index,
    kind: "participant",
    name,
    contributionHash: hex(hash),
    zkey: zkeyName(index),
    zkeySha256: await sha256File(next),
    time: new Date().toISOString(),
  };
  transcript.contributions.push(entry);
  writeTranscript(dir, transcript);
  return entry;
}

/**
 * Closes the ceremony with a public random beacon: a value nobody could know when the last participant
 * contributed (a future block hash announced in advance), iterated 2^iterationsExp times.
 */
export async function applyCeremonyBeacon(
  dir: string,
  beaconHash: string,
  iterationsExp: number,
  progress: Progress,
): Promise<TranscriptEntry> {
  const transcript = readTranscript(dir);
  if (!/^([0-9a-f]{2})+$/i.test(beaconHash)) throw new Error("the beacon is a hex string (e.g. a block hash, no 0x)");
  if (transcript.contributions.some((entry) => entry.kind === "beacon"))
    throw new Error("the beacon has already been applied");
  if (transcript.contributions.length === 0) throw new Error("no participant has contributed yet");
  if (!Number.isInteger(iterationsExp) || iterationsExp < 10 || iterationsExp > 63)
    throw new Error("the beacon's iterations are 2^10 to 2^63 (snarkjs's bounds)");
  const previous = await latestZkey(dir, transcript);
  const index = transcript.contributions.length + 1;
  const next = path.join(dir, zkeyName(index));
  const name = "lora-ledger ceremony beacon";
  progress.step(`applying the beacon ${beaconHash} (2^${iterationsExp} iterations)`);
  const hash = await snarkjs.zKey.beacon(previous, next, name, beaconHash, iterationsExp, progress.snarkjsLogger());
  if (!(hash instanceof Uint8Array)) throw new Error("snarkjs refused the beacon");
  const entry: TranscriptEntry = {
    index,
    kind: "beacon",
    name,
    contributionHash: hex(hash),
    zkey: zkeyName(index),
    zkeySha256: await sha256File(next),
    time: new Date().toISOString(),
    beaconHash: beaconHash.toLowerCase(),
    iterationsExp,
  };
  transcript.contributions.push(entry);
  writeTranscript(dir, transcript);
  return entry;
}

export interface CeremonyVerification {
  valid: boolean;
  /** why the ceremony is refused, each naming the contribution at fault */
  problems: string[];
  /** the chain the last key holds, as snarkjs reports it */
  chain: KeyContribution[];
  seconds: number;
}

function describeEntry(entry: { index: number; name: string }): string {
  return `contribution #${entry.index} (${entry.name})`;
}

/**
 * Compares the chain the key holds with the transcript, by the hashes participants published: a published
 * contribution the key lacks (dropped, or replaced by another), a contribution in the key nobody
 * published, and the same contributions in another order.
 */
export function compareChain(transcript: readonly TranscriptEntry[], chain: readonly KeyContribution[]): string[] {
  const problems: string[] = [];
  const published = new Set(transcript.map((entry) => entry.contributionHash));
  const held = new Set(chain.map((entry) => entry.contributionHash));
  for (const entry of transcript) {
    if (!held.has(entry.contributionHash))
      problems.push(
        `${describeEntry(entry)}: its published hash ${entry.contributionHash.slice(0, 16)}… is not in the key (dropped or replaced)`,
      );
  }
  for (const entry of chain) {
    if (!published.has(entry.contributionHash))
      problems.push(
        `the key's contribution #${entry.index} (${entry.name}, ${entry.contributionHash.slice(0, 16)}…) is not the one the transcript published at #${entry.index}`,
      );
  }
  if (problems.length === 0) {
    for (const [position, entry] of transcript.entries()) {
      const at = chain.findIndex((contribution) => contribution.contributionHash === entry.contributionHash);
      if (at !== position)
        problems.push(`${describeEntry(entry)} is contribution #${at + 1} of the key, not #${position + 1}: reordered`);
    }
  }
  return problems;
}

/**
 * Verifies a ceremony: every recorded file is the one recorded; the r1cs and the ptau are the ones the
 * ceremony started from; the last key verifies against them (`snarkjs zkey verify`: setup from this
 * circuit and ptau, each contribution following from the previous); and the chain it holds is the
 * transcript's, contribution by contribution.
 */
export async function verifyCeremony(
  dir: string,
  r1cs: string,
  ptau: string,
  zkey?: string,
): Promise<CeremonyVerification> {
  const started = Date.now();
  const transcript = readTranscript(dir);
  const problems: string[] = [];
  const r1csSha256 = await sha256File(r1cs);
  if (r1csSha256 !== transcript.r1cs.sha256)
    problems.push(`the r1cs ${path.basename(r1cs)} is not the one the ceremony started from (sha256 differs)`);
  const identity = await identifyPtau(ptau);
  if (identity.blake2b !== transcript.ptau.blake2b)
    problems.push(`the ptau ${path.basename(ptau)} is not ${transcript.ptau.name}, the one the ceremony started from`);
  const files = [
    { file: transcript.initial.zkey, sha256: transcript.initial.sha256, what: "the initial key" },
    ...transcript.contributions.map((entry) => ({
      file: entry.zkey,
      sha256: entry.zkeySha256,
      what: describeEntry(entry),
    })),
  ];
  for (const { file, sha256, what } of files) {
    const full = path.join(dir, file);
    if (!existsSync(full)) problems.push(`${what}: ${file} is missing`);
    else if ((await sha256File(full)) !== sha256)
      problems.push(`${what}: ${file} is not the file recorded (sha256 differs)`);
  }
  const last = zkey ?? path.join(dir, files.at(-1)?.file ?? transcript.initial.zkey);
  let chain: KeyContribution[] = [];
  if (existsSync(last)) {
    const result = await verifyKeyAgainstCircuit(r1cs, ptau, last);
    if (!result.valid) {
      problems.push(
        `${path.basename(last)} does not verify against ${path.basename(r1cs)} and ${path.basename(ptau)}: ${result.problems.join("; ") || "snarkjs refused it"}`,
      );
    } else {
      chain = result.contributions;
      problems.push(...compareChain(transcript.contributions, chain));
    }
  }
  return { valid: problems.length === 0, problems, chain, seconds: (Date.now() - started) / 1000 };
}

export interface CeremonyExport {
  zkey: string;
  verificationKey: string;
  verifierSolidity: string;
  installed: boolean;
}

/**
 * Exports a verified, closed ceremony's key: final.zkey, verification_key.json and the Solidity verifier
 * in the ceremony folder; with `install`, also as the instance's key in build/circuits/<instance>/ and
 * contracts/generated/ (stamped as verified), so that provers and deployments use it.
 */
export async function exportCeremony(
  dir: string,
  r1cs: string,
  ptau: string,
  install: boolean,
  progress: Progress,
): Promise<CeremonyExport> {
  const transcript = readTranscript(dir);
  if (transcript.contributions.at(-1)?.kind !== "beacon")
    throw new Error("apply the beacon first: the ceremony is still open");
  if (!transcript.contributions.some((entry) => entry.kind === "participant"))
    throw new Error("no participant contributed: the key would be a development key");
  const verification = await verifyCeremony(dir, r1cs, ptau);
  if (!verification.valid) throw new Error(`the ceremony does not verify:\n  ${verification.problems.join("\n  ")}`);
  const last = path.join(dir, transcript.contributions.at(-1)?.zkey ?? "");
  const finalZkey = path.join(dir, "final.zkey");
  copyFileSync(last, finalZkey);
  const verificationKey = await snarkjs.zKey.exportVerificationKey(finalZkey);
  const vkeyFile = path.join(dir, "verification_key.json");
  writeFileAtomic(vkeyFile, `${JSON.stringify(verificationKey, null, 2)}\n`);
  const contract = verifierContractName(transcript.instance);
  const solidity = await exportVerifierSolidity(transcript.instance, finalZkey, ceremonyKeyNote(transcript, dir));
  const solidityFile = path.join(dir, `${contract}.sol`);
  writeFileAtomic(solidityFile, solidity);
  progress.done(`exported ${path.relative(PROJECT_ROOT, finalZkey)}, its verification key and ${contract}.sol`);
  if (install) {
    const artifacts = instanceArtifacts(transcript.instance);
    copyFileSync(finalZkey, artifacts.zkey);
    copyFileSync(vkeyFile, artifacts.verificationKey);
    mkdirSync(GENERATED_CONTRACTS_DIR, { recursive: true });
    copyFileSync(solidityFile, artifacts.verifierSolidity);
    const manifestFile = artifacts.manifest;
    if (existsSync(manifestFile)) {
      const manifest = JSON.parse(readFileSync(manifestFile, "utf8")) as BuildManifest;
      manifest.warning = ceremonyKeyNote(transcript, dir);
      manifest.ceremony = path.relative(PROJECT_ROOT, transcriptFile(dir));
      writeFileAtomic(manifestFile, `${JSON.stringify(manifest, null, 2)}\n`);
    }
    await verifyAndStampKey(transcript.instance, await identifyPtau(ptau), snarkjsVersion());
    progress.done(`installed as ${transcript.instance}'s key (build/circuits/, contracts/generated/)`);
  }
  return { zkey: finalZkey, verificationKey: vkeyFile, verifierSolidity: solidityFile, installed: install };
}

/** What the key's provenance is, in one line: put in the generated verifier and the manifest. */
export function ceremonyKeyNote(transcript: CeremonyTranscript, dir: string): string {
  const participants = transcript.contributions.filter((entry) => entry.kind === "participant").length;
  const ptau =
    transcript.ptau.kind === "public"
      ? `the public ${transcript.ptau.knownAs ?? transcript.ptau.name}`
      : `the ${transcript.ptau.kind.toUpperCase()} ptau ${transcript.ptau.name} (not a public ceremony: development only)`;
  return `Key from a phase-2 ceremony of ${participants} participant(s) and a public beacon on ${ptau}; transcript: ${path.relative(PROJECT_ROOT, transcriptFile(dir))}`;
}

function snarkjsVersion(): string {
  const file = path.join(PROJECT_ROOT, "node_modules", "snarkjs", "package.json");
  return (JSON.parse(readFileSync(file, "utf8")) as { version: string }).version;
}
