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

interface HermezTable {
  urlPattern: string;
  blake2b: Record<string, string>;
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

async function blake2b(file: string): Promise<string> {
  const hash = createHash("blake2b512");
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

async function tryDownloadHermez(power: number, progress: Progress): Promise<string | undefined> {
  const table = JSON.parse(
    readFileSync(path.join(PROJECT_ROOT, "circuits", "ptau-hermez.json"), "utf8"),
  ) as HermezTable;
  const expected = table.blake2b[String(power)];
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
    return file;
  }
  mkdirSync(PTAU_CACHE_DIR, { recursive: true });
  return (await tryDownloadHermez(power, progress)) ?? (await generateLocalPtau(power, progress));
}
