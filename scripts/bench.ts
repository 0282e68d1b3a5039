// Benchmarks of the LoraStep circuit instances: constraints, compile / setup / witness / proving /
// verification time, peak memory of each phase, proof size, where the constraints go, and the LoRA
// parameter ratio. Writes bench/results.json and BENCHMARKS.md; progress goes to stderr.
//   npm run bench                                  every instance in circuits/instances.json
//   npm run bench -- NAME [NAME...]                those instances
//   npm run bench -- --quick                       only the test instance
//   npm run bench -- --fresh                       compile and set up from scratch (in a scratch copy)
//   npm run bench -- --runs N                      N proving runs (median reported; default 3)
//   npm run bench -- --keep-scratch                keep build/bench-scratch/ after a --fresh run
// The setup reads the powers of tau from PTAU (see src/build/ptau.ts), e.g.
//   PTAU=/work/shared/ptau/pot17_final.ptau npm run bench -- --fresh
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { constraintBreakdown } from "../src/bench/constraints.js";
import { gasPerVerifiedStep } from "../src/bench/gas.js";
import { machineInfo } from "../src/bench/machine.js";
import { gridPointsWithRatio, parameterRatio, parameterRatioGrid } from "../src/bench/params.js";
import {
  buildResultSchema,
  compileResultSchema,
  gnuTimeAvailable,
  median,
  proveResultSchema,
  runPhase,
  setupResultSchema,
} from "../src/bench/phases.js";
import { renderMarkdown, type BenchResults, type InstanceRecord } from "../src/bench/results.js";
import { PROJECT_ROOT, defaultInstance, getInstance, instanceArtifacts, loadInstances, type CircuitInstance } from "../src/instances.js";
import { stderrProgress } from "../src/progress.js";

const SCRATCH_DIR = path.join(PROJECT_ROOT, "build", "bench-scratch");
const RESULTS_FILE = path.join(PROJECT_ROOT, "bench", "results.json");
const MARKDOWN_FILE = path.join(PROJECT_ROOT, "BENCHMARKS.md");
const FIELD_BYTES = 32;

interface Options {
  fresh: boolean;
  runs: number;
  keepScratch: boolean;
  instances: CircuitInstance[];
}

function parseOptions(args: readonly string[]): Options {
  let runs = 3;
  let quick = false;
  let fresh = false;
  let keepScratch = false;
  const names: string[] = [];
  for (let index = 0; index < args.length; index++) {
    const arg = args[index] ?? "";
    if (arg === "--fresh") fresh = true;
    else if (arg === "--quick") quick = true;
    else if (arg === "--keep-scratch") keepScratch = true;
    else if (arg === "--runs" || arg.startsWith("--runs=")) {
      const value = arg === "--runs" ? args[++index] : arg.slice("--runs=".length);
      runs = Number(value);
      if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs takes a positive integer, not ${value}`);
    } else if (arg.startsWith("--")) throw new Error(`unknown option ${arg}`);
    else names.push(arg);
  }
  if (quick && names.length > 0) throw new Error("--quick benchmarks the test instance only; do not name instances with it");
  const instances = quick ? [defaultInstance()] : names.length > 0 ? names.map(getInstance) : loadInstances().instances;
  return { fresh, runs, keepScratch, instances };
}

/** The command that reproduces this run, as one would type it. */
function reproduceCommand(args: readonly string[]): string {
  const ptau = process.env.PTAU;
  const prefix = ptau === undefined || ptau === "" ? "" : `PTAU=${ptau} `;
  return `${prefix}npm run bench${args.length > 0 ? ` -- ${args.join(" ")}` : ""}`;
}

function sameVerificationKey(a: string, b: string): boolean | null {
  if (!existsSync(a) || !existsSync(b)) return null;
  return JSON.stringify(JSON.parse(readFileSync(a, "utf8"))) === JSON.stringify(JSON.parse(readFileSync(b, "utf8")));
}

async function benchInstance(instance: CircuitInstance, options: Options): Promise<InstanceRecord> {
  const progress = stderrProgress(`bench ${instance.name}`);
  const shared = instanceArtifacts(instance.name);
  let record: Pick<InstanceRecord, "circuit" | "build" | "compile" | "setup" | "files">;
  let artifactsDir: string;

  if (options.fresh) {
    // A scratch copy: the shared build/circuits/<name> (which tests may be using right now) is never touched.
    artifactsDir = path.join(SCRATCH_DIR, instance.name);
    progress.step(`fresh compile of ${instance.name} into ${path.relative(PROJECT_ROOT, artifactsDir)}`);
    const compile = await runPhase(compileResultSchema, ["compile", instance.name, artifactsDir]);
    progress.done(`compile: ${compile.result.seconds.toFixed(1)} s, peak ${(compile.memory.peakKiB / 1024).toFixed(0)} MiB`);
    progress.step(`fresh Groth16 setup of ${instance.name} (minutes for the reference instance)`);
    const setup = await runPhase(setupResultSchema, ["setup", instance.name, artifactsDir]);
    progress.done(`setup: ${setup.result.seconds.toFixed(1)} s, peak ${(setup.memory.peakKiB / 1024).toFixed(0)} MiB`);
    const matches = sameVerificationKey(path.join(artifactsDir, "verification_key.json"), shared.verificationKey);
    record = {
      circuit: { ...compile.result.circuit, ptau: setup.result.ptau },
      build: {
        mode: "fresh",
        note: `compiled and set up from scratch in ${path.relative(PROJECT_ROOT, artifactsDir)}; build/circuits/ untouched`,
        matchesSharedBuild: matches,
      },
      compile: { seconds: compile.result.seconds, source: "measured", peakMemory: compile.memory },
      setup: {
        seconds: setup.result.seconds,
        source: "measured",
        peakMemory: setup.memory,
        detail: { newZkeySeconds: setup.result.newZkeySeconds, beaconSeconds: setup.result.beaconSeconds, exportSeconds: setup.result.exportSeconds },
      },
      files: { ...compile.result.files, ...setup.result.files },
    };
  } else {
    artifactsDir = shared.dir;
    progress.step(`building ${instance.name} unless up to date (times come from its manifest)`);
    const build = await runPhase(buildResultSchema, ["build", instance.name]);
    const { manifest } = build.result;
    // Rebuilt now: the build's own times are fresh, but compile and setup shared one process.
    const note = build.result.rebuilt
      ? "built now by buildInstance: times measured now; compile and setup ran in one process, so their peak memory is one figure"
      : "reused the up-to-date build: compile and setup times are those recorded in its manifest when it was built (run with --fresh to measure them)";
    progress.warn(`${instance.name}: ${note}`);
    const buildMemory = build.result.rebuilt ? build.memory : null;
    record = {
      circuit: {
        constraints: manifest.constraints,
        wires: manifest.wires,
        publicInputs: manifest.publicInputs,
        privateInputs: manifest.privateInputs,
        power: manifest.power,
        ptau: manifest.ptau,
      },
      build: { mode: "reused", note, matchesSharedBuild: null },
      compile: { seconds: manifest.compileSeconds, source: build.result.rebuilt ? "measured" : "manifest", peakMemory: buildMemory },
      setup: { seconds: manifest.setupSeconds, source: build.result.rebuilt ? "measured" : "manifest", peakMemory: buildMemory },
      files: build.result.files,
    };
  }

  progress.step(`${options.runs} × (witness, prove, verify) of ${instance.name}`);
  const prove = await runPhase(proveResultSchema, ["prove", instance.name, artifactsDir, String(options.runs)]);
  if (!prove.result.verified) throw new Error(`${instance.name}: a proof did not verify`);
  const { g1, g2 } = prove.result.proofCoordinates;
  const calldataBytes = (2 * g1 + 4 * g2) * FIELD_BYTES;
  // Compressed: an x coordinate and a sign bit per point, 32 bytes per G1 and 64 per G2.
  const compressedBytes = g1 * FIELD_BYTES + g2 * 2 * FIELD_BYTES;

  const breakdown = constraintBreakdown(instance.params);
  const compiled = record.circuit.constraints;
  if (breakdown.total !== compiled) {
    progress.warn(`${instance.name}: the formula breakdown sums to ${breakdown.total}, the r1cs has ${compiled} (residual ${compiled - breakdown.total})`);
  }
  const gas = await gasPerVerifiedStep({ instanceName: instance.name, artifactsDir });
  const verifyRuns = prove.result.verifySeconds;
  return {
    instance: instance.name,
    purpose: instance.purpose,
    params: instance.params,
    ...record,
    referenceStepSeconds: prove.result.referenceStepSeconds,
    witness: { medianSeconds: median(prove.result.witnessSeconds), runs: prove.result.witnessSeconds },
    proving: { medianSeconds: median(prove.result.provingSeconds), runs: prove.result.provingSeconds, peakMemory: prove.memory },
    verification: {
      medianSeconds: median(verifyRuns),
      runs: verifyRuns,
      valid: prove.result.verified,
      method: "snarkjs.groth16.verify (JavaScript, 4 pairings)",
    },
    proofSize: {
      calldataBytes,
      compressedBytes,
      publicInputs: prove.result.publicSignals,
      publicInputsCalldataBytes: prove.result.publicSignals * FIELD_BYTES,
    },
    constraintBreakdown: {
      rows: breakdown.rows,
      byFamily: breakdown.byFamily,
      formulaTotal: breakdown.total,
      compiled,
      residual: compiled - breakdown.total,
    },
    parameterRatio: parameterRatio(instance.params.dIn, instance.params.dOut, instance.params.rank),
    gasPerVerifiedStep: gas ?? null,
  };
}

function write(results: BenchResults): void {
  mkdirSync(path.dirname(RESULTS_FILE), { recursive: true });
  writeFileSync(RESULTS_FILE, `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(MARKDOWN_FILE, renderMarkdown(results));
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const options = parseOptions(args);
  const progress = stderrProgress("bench");
  const gnuTime = gnuTimeAvailable();
  if (!gnuTime) progress.warn("/usr/bin/time is missing: peak memory is each phase's own node process; the circom2 child of compile is not included");
  progress.step(`benchmarking ${options.instances.map((i) => i.name).join(", ")} (${options.fresh ? "fresh builds" : "reusing builds"}, ${options.runs} run(s))`);
  const results: BenchResults = {
    generatedAt: new Date().toISOString(),
    command: reproduceCommand(args),
    options: { fresh: options.fresh, runs: options.runs, instances: options.instances.map((i) => i.name) },
    machine: machineInfo(gnuTime),
    loadAverage: { start: os.loadavg(), end: os.loadavg() },
    instances: [],
    parameterRatios: { grid: parameterRatioGrid(), ratio24: gridPointsWithRatio(24), ratio96: gridPointsWithRatio(96) },
  };
  try {
    for (const instance of options.instances) {
      results.instances.push(await benchInstance(instance, options));
      results.loadAverage.end = os.loadavg();
      // Written after every instance, so a long run leaves its finished part behind.
      write(results);
      progress.done(`${instance.name} benchmarked; wrote ${path.relative(PROJECT_ROOT, RESULTS_FILE)} and ${path.relative(PROJECT_ROOT, MARKDOWN_FILE)}`);
    }
  } finally {
    if (options.fresh && !options.keepScratch) {
      for (const instance of options.instances) rmSync(path.join(SCRATCH_DIR, instance.name), { recursive: true, force: true });
    }
  }
}

try {
  await main();
} catch (error) {
  process.stderr.write(`benchmark failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
