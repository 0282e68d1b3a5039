// One measured phase of the benchmark, in its own process so that its peak memory is its own.
// Started by bench/run.ts (npm run bench); not meant to be run by hand:
//   node --import tsx bench/phase.ts compile <circuit> <dir>     fresh circom2 compile into <dir>
//   node --import tsx bench/phase.ts setup <circuit> <dir>       fresh Groth16 dev setup of <dir>
//   node --import tsx bench/phase.ts build <instance>            buildInstance (reuses what is up to date)
//   node --import tsx bench/phase.ts prove <circuit> <dir> <N>   N × (witness, prove, verify)
// <circuit> is a declared instance (circuits/instances.json) or a comparison circuit of bench/lib/circuits.ts.
// The result goes as JSON to the file named by $BENCH_RESULT_FILE; progress goes to stderr.
import { existsSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import * as snarkjs from "snarkjs";
import type { Groth16Proof, VerificationKey } from "snarkjs";
import { benchCircuit, powerFor, type BenchCircuit } from "./lib/circuits.js";
import { benchInput } from "./lib/inputs.js";
import {
  ZKEY_BEACON,
  buildInstance,
  compileCircom,
  mainComponentSource,
  resolvePtau,
  PROJECT_ROOT,
  getInstance,
  instanceArtifacts,
  loadInstances,
  stderrProgress,
  type Progress,
  releaseProverThreads,
} from "../src/node/index.js";
import type { BuildResult, CompileResult, ProveResult, SetupResult } from "./lib/phases.js";
import { RESULT_FILE_ENV } from "./lib/phases.js";

/** Artifact paths of a build directory laid out as build/circuits/<name>/ is. */
function artifactsIn(dir: string, name: string) {
  return {
    r1cs: path.join(dir, `${name}.r1cs`),
    sym: path.join(dir, `${name}.sym`),
    wasm: path.join(dir, `${name}_js`, `${name}.wasm`),
    zkey: path.join(dir, `${name}.zkey`),
    verificationKey: path.join(dir, "verification_key.json"),
    verifierSolidity: path.join(dir, "verifier.sol"),
  };
}

function fileSizes(files: Record<string, string>): Record<string, number> {
  const sizes: Record<string, number> = {};
  for (const [key, file] of Object.entries(files)) if (existsSync(file)) sizes[key] = statSync(file).size;
  return sizes;
}

function selfMaxRssKiB(): number {
  // Node reports maxRSS in KiB; it covers the whole process, worker threads included.
  return process.resourceUsage().maxRSS;
}

function requireDir(dir: string | undefined): string {
  if (dir === undefined) throw new Error("missing <dir> argument");
  return path.resolve(dir);
}

async function compilePhase(instance: BenchCircuit, dir: string, progress: Progress): Promise<CompileResult> {
  const { compiler } = loadInstances();
  if (path.relative(PROJECT_ROOT, dir).startsWith(".."))
    throw new Error(`${dir}: circom2 (WASI) needs a directory below the project root`);
  progress.step(
    `compiling ${instance.name} into ${path.relative(PROJECT_ROOT, dir)} (circom ${compiler.circom}, ${compiler.flags.join(" ")})`,
  );
  const started = performance.now();
  await compileCircom({
    dir,
    baseName: instance.name,
    mainSource: mainComponentSource(dir, instance.file, instance.template, instance.args, instance.publicInputs),
    flags: compiler.flags,
  });
  const seconds = (performance.now() - started) / 1000;
  const files = artifactsIn(dir, instance.name);
  const info = await snarkjs.r1cs.info(files.r1cs);
  const power = powerFor(info.nConstraints, info.nPubInputs, info.nOutputs);
  progress.done(`compiled in ${seconds.toFixed(1)} s: ${info.nConstraints} constraints, ${info.nVars} wires`);
  return {
    phase: "compile",
    seconds,
    circuit: {
      constraints: info.nConstraints,
      wires: info.nVars,
      publicInputs: info.nPubInputs,
      privateInputs: info.nPrvInputs,
      outputs: info.nOutputs,
      power,
    },
    files: fileSizes({ r1cs: files.r1cs, sym: files.sym, wasm: files.wasm }),
    selfMaxRssKiB: selfMaxRssKiB(),
  };
}

/** The Groth16 development setup exactly as src/node/build/circuits.ts buildInstance runs it, into `dir`. */
async function setupPhase(instance: BenchCircuit, dir: string, progress: Progress): Promise<SetupResult> {
  const files = artifactsIn(dir, instance.name);
  const info = await snarkjs.r1cs.info(files.r1cs);
  const power = powerFor(info.nConstraints, info.nPubInputs, info.nOutputs);
  const ptau = await resolvePtau(power, progress);
  const logger = progress.snarkjsLogger();
  const initialZkey = `${files.zkey}.initial`;
  progress.step(`Groth16 setup of ${instance.name} (2^${power}) from ${ptau}`);
  const started = performance.now();
  await snarkjs.zKey.newZKey(files.r1cs, ptau, initialZkey, logger);
  const afterNewZkey = performance.now();
  progress.step("applying the phase-2 beacon");
  await snarkjs.zKey.beacon(
    initialZkey,
    `${files.zkey}.partial`,
    "lora-ledger development beacon",
    ZKEY_BEACON,
    10,
    logger,
  );
  rmSync(initialZkey);
  renameSync(`${files.zkey}.partial`, files.zkey);
  const afterBeacon = performance.now();
  const verificationKey = await snarkjs.zKey.exportVerificationKey(files.zkey);
  writeFileSync(files.verificationKey, `${JSON.stringify(verificationKey, null, 2)}\n`);
  const template = readFileSync(
    path.join(PROJECT_ROOT, "node_modules", "snarkjs", "templates", "verifier_groth16.sol.ejs"),
    "utf8",
  );
  writeFileSync(files.verifierSolidity, await snarkjs.zKey.exportSolidityVerifier(files.zkey, { groth16: template }));
  const ended = performance.now();
  progress.done(`setup in ${((ended - started) / 1000).toFixed(1)} s`);
  return {
    phase: "setup",
    seconds: (ended - started) / 1000,
    newZkeySeconds: (afterNewZkey - started) / 1000,
    beaconSeconds: (afterBeacon - afterNewZkey) / 1000,
    exportSeconds: (ended - afterBeacon) / 1000,
    ptau: path.basename(ptau),
    power,
    files: fileSizes({
      zkey: files.zkey,
      verificationKey: files.verificationKey,
      verifierSolidity: files.verifierSolidity,
    }),
    selfMaxRssKiB: selfMaxRssKiB(),
  };
}

async function buildPhase(name: string, progress: Progress): Promise<BuildResult> {
  const instance = getInstance(name);
  const artifacts = instanceArtifacts(instance.name);
  const manifestTime = (): number => (existsSync(artifacts.manifest) ? statSync(artifacts.manifest).mtimeMs : 0);
  const before = manifestTime();
  const started = performance.now();
  const manifest = await buildInstance(instance, progress, false);
  const seconds = (performance.now() - started) / 1000;
  return {
    phase: "build",
    rebuilt: manifestTime() !== before,
    seconds,
    manifest: {
      constraints: manifest.constraints,
      wires: manifest.wires,
      publicInputs: manifest.publicInputs,
      privateInputs: manifest.privateInputs,
      power: manifest.power,
      ptau: manifest.ptau,
      compileSeconds: manifest.compileSeconds,
      setupSeconds: manifest.setupSeconds,
    },
    files: fileSizes({
      r1cs: artifacts.r1cs,
      sym: artifacts.sym,
      wasm: artifacts.wasm,
      zkey: artifacts.zkey,
      verificationKey: artifacts.verificationKey,
    }),
    selfMaxRssKiB: selfMaxRssKiB(),
  };
}

/** The witness and proof exactly as src/prover.ts proveWithInstance makes them, from the artifacts in `dir`. */
async function provePhase(instance: BenchCircuit, dir: string, runs: number, progress: Progress): Promise<ProveResult> {
  if (instance.mode !== "prove") throw new Error(`${instance.name} is compile-only (${instance.note ?? ""})`);
  const files = artifactsIn(dir, instance.name);
  const made = benchInput(instance);
  progress.step(
    `${made.reference} of ${instance.name} in ${made.referenceSeconds.toFixed(2)} s${made.loss === null ? "" : ` (loss ${made.loss.toFixed(4)})`}`,
  );
  const verificationKey = JSON.parse(readFileSync(files.verificationKey, "utf8")) as VerificationKey;

  const witnessSeconds: number[] = [];
  const provingSeconds: number[] = [];
  const verifySeconds: number[] = [];
  let verified = true;
  let lastProof: Groth16Proof | undefined;
  let publicSignalCount = 0;
  for (let run = 1; run <= runs; run++) {
    const witness: { type: "mem"; data?: Uint8Array } = { type: "mem" };
    const witnessStarted = performance.now();
    await snarkjs.wtns.calculate(made.circuitInput, files.wasm, witness);
    const provingStarted = performance.now();
    const { proof, publicSignals } = await snarkjs.groth16.prove(files.zkey, witness);
    const provingEnded = performance.now();
    const ok = await snarkjs.groth16.verify(verificationKey, publicSignals, proof);
    const verifyEnded = performance.now();
    verified &&= ok;
    lastProof = proof;
    publicSignalCount = publicSignals.length;
    witnessSeconds.push((provingStarted - witnessStarted) / 1000);
    provingSeconds.push((provingEnded - provingStarted) / 1000);
    verifySeconds.push((verifyEnded - provingEnded) / 1000);
    progress.step(
      `run ${run}/${runs}: witness ${witnessSeconds.at(-1)?.toFixed(2)} s, prove ${provingSeconds.at(-1)?.toFixed(2)} s, verify ${verifySeconds.at(-1)?.toFixed(3)} s, ${ok ? "valid" : "INVALID"}`,
    );
  }
  if (lastProof === undefined) throw new Error("no run");
  // Affine coordinates as calldata: pi_a and pi_c are G1 (x, y), pi_b is G2 ((x0, x1), (y0, y1)).
  const g1 = 2;
  const g2 = 1;
  return {
    phase: "prove",
    reference: made.reference,
    referenceSeconds: made.referenceSeconds,
    witnessSeconds,
    provingSeconds,
    verifySeconds,
    verified,
    proofCoordinates: { g1, g2 },
    publicSignals: publicSignalCount,
    loss: made.loss,
    selfMaxRssKiB: selfMaxRssKiB(),
  };
}

async function main(): Promise<void> {
  const [phase, name, dirArgument, runsArgument] = process.argv.slice(2);
  if (name === undefined) throw new Error("usage: phase.ts <compile|setup|build|prove> <circuit> [dir] [runs]");
  const instance = benchCircuit(name);
  const progress = stderrProgress(`bench ${phase} ${name}`);
  let result: CompileResult | SetupResult | BuildResult | ProveResult;
  switch (phase) {
    case "compile":
      result = await compilePhase(instance, requireDir(dirArgument), progress);
      break;
    case "setup":
      result = await setupPhase(instance, requireDir(dirArgument), progress);
      break;
    case "build":
      result = await buildPhase(name, progress);
      break;
    case "prove": {
      const runs = Number(runsArgument ?? "3");
      if (!Number.isInteger(runs) || runs < 1) throw new Error(`runs must be a positive integer, not ${runsArgument}`);
      result = await provePhase(instance, requireDir(dirArgument), runs, progress);
      break;
    }
    default:
      throw new Error(`unknown phase ${phase}`);
  }
  await releaseProverThreads();
  // Measured again after the threads are gone, so that the figure is the peak of the whole phase.
  result.selfMaxRssKiB = selfMaxRssKiB();
  const resultFile = process.env[RESULT_FILE_ENV];
  if (resultFile === undefined) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  else writeFileSync(resultFile, JSON.stringify(result));
}

try {
  await main();
} catch (error) {
  process.stderr.write(
    `benchmark phase failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  await releaseProverThreads();
  process.exitCode = 1;
}
