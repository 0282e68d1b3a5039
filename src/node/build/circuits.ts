import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import * as snarkjs from "snarkjs";
import { TEMPLATES, templateArguments, verifierContractName, type CircuitInstance } from "../../protocol/index.js";
import { GENERATED_CONTRACTS_DIR, PROJECT_ROOT, instanceArtifacts, loadInstances } from "../instances.js";
import type { Progress } from "../progress.js";
import { writeFileAtomic } from "../files.js";
import { identifyPtau, resolvePtau } from "./ptau.js";
import { keyStampProblem, verifyAndStampKey } from "./keys.js";

/** The phase-2 beacon: public and fixed, so the same r1cs and ptau always give the same key. */
export const ZKEY_BEACON = "4c6f52412d6c6564676572206465762062656163f36e2c206e6f7420736563726574";
export const DEVELOPMENT_KEY_WARNING =
  "DEVELOPMENT KEY: made from a single-party powers of tau with a public beacon. Anyone may forge proofs for it. Never use it in production.";

export interface BuildManifest {
  instance: string;
  compileHash: string;
  setupHash: string;
  constraints: number;
  publicInputs: number;
  privateInputs: number;
  wires: number;
  power: number;
  ptau: string;
  compileSeconds: number;
  setupSeconds: number;
  verifierContract: string;
  warning: string;
  /** set by `npm run ceremony -- export --install`: the transcript the key came from */
  ceremony?: string;
}

function sha256(parts: readonly string[]): string {
  const hash = createHash("sha256");
  for (const part of parts) hash.update(part).update("\0");
  return hash.digest("hex");
}

/**
 * The project's circom files a template file depends on: itself and everything it includes,
 * transitively. circomlib's files are covered by its pinned version instead.
 */
function includedSources(templateFile: string): string[] {
  const seen = new Set<string>();
  const pending = [path.resolve(PROJECT_ROOT, templateFile)];
  while (pending.length > 0) {
    const file = pending.pop() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const match of readFileSync(file, "utf8").matchAll(/^\s*include\s+"([^"]+)"/gm)) {
      const included = match[1] ?? "";
      if (!included.startsWith("circomlib/")) pending.push(path.resolve(path.dirname(file), included));
    }
  }
  return [...seen].sort();
}

function packageVersion(name: string): string {
  const file = path.join(PROJECT_ROOT, "node_modules", name, "package.json");
  return (JSON.parse(readFileSync(file, "utf8")) as { version: string }).version;
}

/** A digest of a template file and what it includes, the compiler, and `extra` (what is compiled from them). */
export function circomSourcesDigest(templateFile: string, extra: string): string {
  return sha256([
    extra,
    JSON.stringify(loadInstances().compiler),
    packageVersion("circom2"),
    packageVersion("circomlib"),
    ...includedSources(templateFile).flatMap((file) => [path.relative(PROJECT_ROOT, file), readFileSync(file, "utf8")]),
  ]);
}

/** What the compiled circuit depends on: every circom source, the instance, the compiler and its flags. */
export function compileHash(instance: CircuitInstance): string {
  return circomSourcesDigest(instance.file, JSON.stringify(instance));
}

function readManifest(file: string): BuildManifest | undefined {
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, "utf8")) as BuildManifest;
}

function runCompiler(args: string[]): Promise<{ code: number; output: string }> {
  const cli = path.join(PROJECT_ROOT, "node_modules", "circom2", "cli.js");
  return new Promise((resolve, reject) => {
    // circom2 (WASI) only sees files below its working directory: run it from the project root.
    const child = spawn(process.execPath, [cli, ...args], { cwd: PROJECT_ROOT });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("error", reject);
    // eslint-disable-next-line no-control-regex -- strips the ANSI colours of circom's output
    child.on("close", (code) => resolve({ code: code ?? 1, output: output.replace(/\x1b\[[0-9;]*m/g, "") }));
  });
}

/** Where a compiled circuit's files go: `<dir>/<baseName>.r1cs`, `.sym`, `<baseName>_js/<baseName>.wasm`. */
export interface CompileTarget {
  dir: string;
  baseName: string;
  /** The main component's source; it includes templates by paths relative to `dir`. */
  mainSource: string;
  flags: readonly string[];
}

/** Runs circom2 on a generated main component; fails on any compiler error or `--inspect` warning. */
export async function compileCircom(target: CompileTarget): Promise<void> {
  rmSync(target.dir, { recursive: true, force: true });
  mkdirSync(target.dir, { recursive: true });
  const mainFile = path.join(target.dir, `${target.baseName}.circom`);
  writeFileSync(mainFile, target.mainSource);
  const relative = (file: string): string => path.relative(PROJECT_ROOT, file);
  const { code, output } = await runCompiler([
    relative(mainFile),
    "--r1cs",
    "--wasm",
    "--sym",
    ...target.flags,
    "--prime",
    loadInstances().compiler.prime,
    "-l",
    "node_modules",
    "-o",
    relative(target.dir),
  ]);
  const warnings = output.split("\n").filter((line) => /^\s*warning/i.test(line));
  if (code !== 0 || !output.includes("Everything went okay")) {
    rmSync(target.dir, { recursive: true, force: true });
    throw new Error(`circom could not compile ${relative(mainFile)}:\n${output.trim()}`);
  }
  if (warnings.length > 0) {
    rmSync(target.dir, { recursive: true, force: true });
    throw new Error(
      `circom --inspect reported ${warnings.length} warning(s) for ${relative(mainFile)}; fix them or justify them in the circuit:\n${output.trim()}`,
    );
  }
  // circom writes a CommonJS witness calculator; this project's package.json says "type": "module".
  writeFileSync(path.join(target.dir, `${target.baseName}_js`, "package.json"), '{ "type": "commonjs" }\n');
}

/** A generated main component: `include`s the template file and instantiates it with `args`. */
export function mainComponentSource(
  dir: string,
  templateFile: string,
  template: string,
  args: readonly (number | bigint)[],
  publicInputs: readonly string[],
): string {
  const include = path.relative(dir, path.join(PROJECT_ROOT, templateFile)).split(path.sep).join("/");
  const publicList = publicInputs.length > 0 ? ` {public [${publicInputs.join(", ")}]}` : "";
  return [
    "// GENERATED by src/build/circuits.ts: do not edit.",
    "pragma circom 2.1.0;",
    `include "${include}";`,
    `component main${publicList} = ${template}(${args.join(", ")});`,
    "",
  ].join("\n");
}

async function compile(instance: CircuitInstance, progress: Progress): Promise<void> {
  const { compiler } = loadInstances();
  const artifacts = instanceArtifacts(instance.name);
  progress.step(`compiling ${instance.name} with circom ${compiler.circom} (${compiler.flags.join(" ")})`);
  await compileCircom({
    dir: artifacts.dir,
    baseName: instance.name,
    mainSource: mainComponentSource(
      artifacts.dir,
      instance.file,
      instance.template,
      templateArguments(instance),
      TEMPLATES[instance.template].publicInputs,
    ),
    flags: compiler.flags,
  });
}

/**
 * Compiles an instance and runs its Groth16 development setup, unless the artifacts on disk were made
 * from the same sources (circom files, instance, compiler, snarkjs). Returns the manifest describing the artifacts.
 */
export async function buildInstance(
  instance: CircuitInstance,
  progress: Progress,
  force = false,
): Promise<BuildManifest> {
  const artifacts = instanceArtifacts(instance.name);
  const previous = readManifest(artifacts.manifest);
  const sourceHash = compileHash(instance);
  const compiled =
    !force && previous?.compileHash === sourceHash && existsSync(artifacts.r1cs) && existsSync(artifacts.wasm);

  let compileSeconds = previous?.compileSeconds ?? 0;
  if (!compiled) {
    const started = Date.now();
    await compile(instance, progress);
    compileSeconds = (Date.now() - started) / 1000;
  }
  const info = await snarkjs.r1cs.info(artifacts.r1cs);
  const power = Math.max(8, Math.ceil(Math.log2(info.nConstraints + info.nPubInputs + info.nOutputs + 1)));
  progress.step(`${instance.name}: ${info.nConstraints} constraints, needs powers of tau 2^${power}`);

  // The key depends on the circuit, snarkjs and the beacon; which prepared ptau it came from is recorded,
  // but a different PTAU alone does not throw away a key (that would silently orphan deployed verifiers).
  const setupHash = sha256([sourceHash, packageVersion("snarkjs"), ZKEY_BEACON]);
  const contractName = verifierContractName(instance.name);
  const upToDate =
    compiled &&
    previous.setupHash === setupHash &&
    existsSync(artifacts.zkey) &&
    existsSync(artifacts.verificationKey) &&
    existsSync(artifacts.verifierSolidity);
  if (upToDate) {
    const requested = process.env.PTAU;
    if (requested !== undefined && requested !== "" && path.basename(requested) !== previous.ptau) {
      progress.step(
        `${instance.name}: keeping the key made from ${previous.ptau}; use --force to redo the setup from ${requested}`,
      );
    }
    // A key built before keys were stamped, or changed since, is checked now (once): see keys.ts.
    const stampProblem = await keyStampProblem(instance.name);
    if (stampProblem !== undefined) {
      progress.step(`${stampProblem}: verifying it against its r1cs and the ptau (snarkjs zkey verify)`);
      await verifyKeyOf(instance.name, await resolvePtau(power, progress), progress);
    }
    progress.done(`${instance.name} is up to date`);
    return previous;
  }
  if (previous?.ceremony !== undefined) {
    progress.warn(
      `${instance.name}: replacing the key installed from ${previous.ceremony} by a DEVELOPMENT key (the circuit, snarkjs or --force changed it); run the ceremony again for the new circuit`,
    );
  }
  const ptau = await resolvePtau(power, progress);

  const started = Date.now();
  const logger = progress.snarkjsLogger();
  const initialZkey = `${artifacts.zkey}.initial`;
  progress.step(`Groth16 setup of ${instance.name} from ${ptau} (minutes for large circuits)`);
  await snarkjs.zKey.newZKey(artifacts.r1cs, ptau, initialZkey, logger);
  progress.step("applying the phase-2 beacon");
  await snarkjs.zKey.beacon(
    initialZkey,
    `${artifacts.zkey}.partial`,
    "lora-ledger development beacon",
    ZKEY_BEACON,
    10,
    logger,
  );
  renameSync(`${artifacts.zkey}.partial`, artifacts.zkey);

  const verificationKey = await snarkjs.zKey.exportVerificationKey(artifacts.zkey);
  writeFileAtomic(artifacts.verificationKey, `${JSON.stringify(verificationKey, null, 2)}\n`);
  mkdirSync(GENERATED_CONTRACTS_DIR, { recursive: true });
  writeFileAtomic(artifacts.verifierSolidity, await exportVerifierSolidity(instance.name));
  const setupSeconds = (Date.now() - started) / 1000;

  const manifest: BuildManifest = {
    instance: instance.name,
    compileHash: sourceHash,
    setupHash,
    constraints: info.nConstraints,
    publicInputs: info.nPubInputs,
    privateInputs: info.nPrvInputs,
    wires: info.nVars,
    power,
    ptau: path.basename(ptau),
    compileSeconds,
    setupSeconds,
    verifierContract: contractName,
    warning: DEVELOPMENT_KEY_WARNING,
  };
  writeFileAtomic(artifacts.manifest, `${JSON.stringify(manifest, null, 2)}\n`);
  try {
    await verifyKeyOf(instance.name, ptau, progress, initialZkey);
  } finally {
    rmSync(initialZkey, { force: true });
  }
  progress.warn(`${instance.name}: ${DEVELOPMENT_KEY_WARNING}`);
  progress.done(`${instance.name} built in ${(compileSeconds + setupSeconds).toFixed(1)} s`);
  return manifest;
}

/**
 * `snarkjs zkey verify` of the instance's key against its r1cs and `ptau`, stamped beside the key; a key
 * the build has just set up passes its initial key, the same check without a second setup (keys.ts).
 */
async function verifyKeyOf(
  instanceName: string,
  ptau: string,
  progress: Progress,
  initialZkey?: string,
): Promise<void> {
  const stamp = await verifyAndStampKey(instanceName, await identifyPtau(ptau), packageVersion("snarkjs"), initialZkey);
  progress.step(
    `${instanceName}: key verified against its r1cs and ${stamp.ptau.name} in ${stamp.seconds.toFixed(1)} s (${stamp.contributions.length} contribution(s))`,
  );
}

/**
 * The Solidity verifier of an instance's current zkey: snarkjs's template, with the contract renamed per
 * instance so that several verifiers can live in one Hardhat project. The test suite compares the file
 * under contracts/generated/ with this, so a stale verifier cannot go unnoticed.
 */
export async function exportVerifierSolidity(
  instanceName: string,
  zkey: string = instanceArtifacts(instanceName).zkey,
  // a key installed from a ceremony says so in its manifest (src/node/ceremony.ts)
  keyNote: string = readManifest(instanceArtifacts(instanceName).manifest)?.warning ?? DEVELOPMENT_KEY_WARNING,
): Promise<string> {
  const template = readFileSync(
    path.join(PROJECT_ROOT, "node_modules", "snarkjs", "templates", "verifier_groth16.sol.ejs"),
    "utf8",
  );
  const source = await snarkjs.zKey.exportSolidityVerifier(zkey, { groth16: template });
  const renamed = source.replace(/contract Groth16Verifier\b/, `contract ${verifierContractName(instanceName)}`);
  if (renamed === source)
    throw new Error("the snarkjs verifier template no longer declares `contract Groth16Verifier`");
  return [
    `// GENERATED by npm run build:circuits from build/circuits/${instanceName}/${instanceName}.zkey: do not edit.`,
    `// ${keyNote}`,
    renamed,
  ].join("\n");
}
