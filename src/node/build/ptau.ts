import { createHash, randomBytes } from "node:crypto";
import {
  createReadStream,
  existsSync,
  mkdirSync,
  openSync,
  readSync,
  closeSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import path from "node:path";
import * as snarkjs from "snarkjs";
import { PROJECT_ROOT } from "../instances.js";
import type { Progress } from "../progress.js";

const PTAU_CACHE_DIR = path.join(PROJECT_ROOT, "build", "ptau");
const DOWNLOAD_TIMEOUT_MS = 15_000;

/** circuits/ptau-known.json: the powers-of-tau files the build recognises by hash. */
export interface KnownPtauFiles {
  urlPattern: string;
  public: { name: string; power: number; approxMiB: number; blake2b: string; url: string }[];
  development: { name: string; power: number; bytes: number; blake2b: string; sha256: string; origin: string }[];
}

export const KNOWN_PTAU_FILE = path.join(PROJECT_ROOT, "circuits", "ptau-known.json");

export function knownPtauFiles(): KnownPtauFiles {
  return JSON.parse(readFileSync(KNOWN_PTAU_FILE, "utf8")) as KnownPtauFiles;
}

/** What a ptau file is, by its blake2b-512: a published public file, a known development file, or unknown. */
export interface PtauIdentity {
  file: string;
  blake2b: string;
  power: number;
  /** public: from the Hermez/Perpetual Powers of Tau; development: one party made it; unknown: in no list */
  kind: "public" | "development" | "unknown";
  /** the listed name (public and development files) */
  knownAs?: string;
}

const identities = new Map<string, Promise<PtauIdentity>>();

/** Hashes a ptau (once per process and file) and looks it up in circuits/ptau-known.json. */
export function identifyPtau(file: string): Promise<PtauIdentity> {
  const resolved = path.resolve(file);
  let identity = identities.get(resolved);
  if (identity === undefined) {
    identity = (async () => {
      const hash = await blake2b(resolved);
      const power = ptauPower(resolved);
      const known = knownPtauFiles();
      const published = known.public.find((entry) => entry.blake2b === hash);
      if (published !== undefined)
        return { file: resolved, blake2b: hash, power, kind: "public", knownAs: published.name };
      const development = known.development.find((entry) => entry.blake2b === hash);
      if (development !== undefined)
        return { file: resolved, blake2b: hash, power, kind: "development", knownAs: development.name };
      return { file: resolved, blake2b: hash, power, kind: "unknown" };
    })();
    identities.set(resolved, identity);
  }
  return identity;
}

/** One line on where a ptau comes from, loud for anything but a published public file. */
export function describePtau(identity: PtauIdentity): string {
  const name = path.basename(identity.file);
  const hash = `blake2b ${identity.blake2b.slice(0, 16)}…`;
  switch (identity.kind) {
    case "public":
      return `${name} is the published ${identity.knownAs ?? ""} (2^${identity.power}, ${hash}): a public powers of tau`;
    case "development":
      return `DEVELOPMENT PTAU: ${name} is the known development file ${identity.knownAs ?? ""} (${hash}), made by one party; keys from it are for tests only`;
    case "unknown":
      return `UNKNOWN PTAU: ${name} (${hash}) is in no list of circuits/ptau-known.json; treat every key made from it as a development key`;
  }
}

/** Reads the power (log2 of the largest circuit) from a .ptau file's header section. */
export function ptauPower(file: string): number {
  const fd = openSync(file, "r");
  try {
    const header = Buffer.alloc(12);
    readSync(fd, header, 0, 12, 0);
    if (header.toString("ascii", 0, 4) !== "ptau") throw new Error(`${file} is not a .ptau file`);
    const sectionCount = header.readUInt32LE(8);
    let offset = 12;
    for (let index = 0; index < sectionCount; index++) {
      const sectionHeader = Buffer.alloc(12);
      readSync(fd, sectionHeader, 0, 12, offset);
      const type = sectionHeader.readUInt32LE(0);
      const size = Number(sectionHeader.readBigUInt64LE(4));
      if (type === 1) {
        const body = Buffer.alloc(4);
        const fieldBytes = Buffer.alloc(4);
        readSync(fd, fieldBytes, 0, 4, offset + 12);
        readSync(fd, body, 0, 4, offset + 12 + 4 + fieldBytes.readUInt32LE(0));
        return body.readUInt32LE(0);
      }
      offset += 12 + size;
    }
    throw new Error(`${file} has no header section`);
  } finally {
    closeSync(fd);
  }
}

export async function blake2b(file: string): Promise<string> {
  const hash = createHash("blake2b512");
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

async function tryDownloadHermez(power: number, progress: Progress): Promise<string | undefined> {
  const table = knownPtauFiles();
  const expected = table.public.find((entry) => entry.power === power)?.blake2b;
  if (expected === undefined) return undefined;
  const target = path.join(PTAU_CACHE_DIR, `hermez_${power}.ptau`);
  if (existsSync(target)) return target;
  const url = table.urlPattern.replace("{power}", String(power).padStart(2, "0"));
  progress.step(`PTAU is not set: downloading the Hermez powers of tau 2^${power} from ${url}`);
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS * 20) });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const partial = `${target}.partial`;
    writeFileSync(partial, Buffer.from(await response.arrayBuffer()));
    const actual = await blake2b(partial);
    if (actual !== expected) {
      rmSync(partial);
      throw new Error(`blake2b mismatch: got ${actual.slice(0, 16)}…, published ${expected.slice(0, 16)}…`);
    }
    renameSync(partial, target);
    progress.done(`downloaded and checked ${path.relative(PROJECT_ROOT, target)}`);
    return target;
  } catch (error) {
    progress.warn(`could not download the Hermez ptau (${(error as Error).message})`);
    return undefined;
  }
}

/** Makes a local development ptau: one random contribution and a beacon. ~10 min at 2^14 on 2 cores (measured). */
async function generateLocalPtau(power: number, progress: Progress): Promise<string> {
  const target = path.join(PTAU_CACHE_DIR, `local_dev_${power}.ptau`);
  if (existsSync(target)) return target;
  const minutes = Math.max(1, Math.round(10 * 2 ** (power - 14)));
  progress.warn(
    `generating a LOCAL DEVELOPMENT powers of tau 2^${power} (about ${minutes} min on a 2-core machine). ` +
      "Set PTAU to a prepared file to skip this; keys from it are for development only.",
  );
  const curve = await snarkjs.curves.getCurveFromName("bn128");
  const logger = progress.snarkjsLogger();
  const stage = (name: string): string => path.join(PTAU_CACHE_DIR, `local_dev_${power}.${name}.ptau`);
  await snarkjs.powersOfTau.newAccumulator(curve, power, stage("0"), logger);
  await snarkjs.powersOfTau.contribute(
    stage("0"),
    stage("1"),
    "lora-ledger local dev",
    randomBytes(32).toString("hex"),
    logger,
  );
  await snarkjs.powersOfTau.beacon(
    stage("1"),
    stage("2"),
    "lora-ledger local dev beacon",
    "0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
    10,
    logger,
  );
  await snarkjs.powersOfTau.preparePhase2(stage("2"), `${target}.partial`, logger);
  renameSync(`${target}.partial`, target);
  for (const name of ["0", "1", "2"]) rmSync(stage(name), { force: true });
  return target;
}

/**
 * A prepared powers-of-tau file of at least 2^power: $PTAU if set, else the Hermez file (downloaded,
 * hash-checked), else a locally generated development file.
 */
export async function resolvePtau(power: number, progress: Progress): Promise<string> {
  const fromEnvironment = process.env.PTAU;
  if (fromEnvironment !== undefined && fromEnvironment !== "") {
    const file = path.resolve(fromEnvironment);
    if (!existsSync(file)) throw new Error(`PTAU names ${file}, which does not exist`);
    const available = ptauPower(file);
    if (available < power) {
      throw new Error(
        `PTAU file ${file} holds 2^${available} powers; this circuit needs 2^${power} (a larger ptau, or a smaller instance)`,
      );
    }
    const identity = await identifyPtau(file);
    const impostor = knownPtauFiles().public.find((entry) => entry.name === path.basename(file));
    if (identity.kind !== "public" && impostor !== undefined) {
      throw new Error(
        `PTAU ${file} is named like the published ${impostor.name} but its blake2b is ${identity.blake2b.slice(0, 16)}…, not the published ${impostor.blake2b.slice(0, 16)}…: a corrupt or substituted file`,
      );
    }
    if (identity.kind === "public") progress.step(describePtau(identity));
    else progress.warn(describePtau(identity));
    return file;
  }
  mkdirSync(PTAU_CACHE_DIR, { recursive: true });
  return (await tryDownloadHermez(power, progress)) ?? (await generateLocalPtau(power, progress));
}

/** The table of known powers-of-tau files in docs/CEREMONY.md, rendered from circuits/ptau-known.json (npm run docs). */
export function renderKnownPtauTable(): string {
  const known = knownPtauFiles();
  return [
    "| file | power (max constraints) | size | blake2b-512 | kind |",
    "| --- | --- | --- | --- | --- |",
    ...known.public.map(
      (entry) =>
        `| [${entry.name}](${entry.url}) | 2^${entry.power} | ≈ ${entry.approxMiB} MiB | \`${entry.blake2b}\` | public (Hermez / Perpetual Powers of Tau) |`,
    ),
    ...known.development.map(
      (entry) =>
        `| ${entry.name} | 2^${entry.power} | ${entry.bytes.toLocaleString("en-US")} bytes | \`${entry.blake2b}\` | development: ${entry.origin} |`,
    ),
  ].join("\n");
}
