// Benchmarks of every circuit: the declared instances (LoraStep, LoraMerge; version 2's LoraCheckpoint and
// BaseProjectionBlock; circuits/instances.json) and
// the comparison circuits of bench/lib/circuits.ts (full fine-tuning FullStep beside LoRA at the same
// shapes, the Freivalds merge beside LoraMerge). Measures constraints, compile / setup / witness /
// proving / verification time, peak memory of each phase, proof size, where the constraints go, version 2's
// gas per verified step on LoraLedgerRegistryV2 on Hardhat's in-process network (bench/gasV2.ts, with the
// instances built by default and the test shape at k = 4, whichever circuits are benchmarked), and the LoRA
// parameter ratio.
// Writes bench/results.json and BENCHMARKS.md; progress goes to stderr.
//   npm run bench                                  every declared instance and every comparison circuit
//   npm run bench -- NAME [NAME...]                those circuits (instances or comparison circuits)
//   npm run bench -- --quick                       only the test instances (the first LoraStep and its LoraMerge)
//   npm run bench -- --skip-large                  leave out the circuits that need 2^17 or more (the 64x64 ones, full 32x32)
//   npm run bench -- --no-comparisons              only the declared instances
//   npm run bench -- --no-gas                      skip the gas measurement (npx hardhat run bench/gasV2.ts)
//   npm run bench -- --only v2                     only protocol version 2's circuits (bench/lib/v2.ts) and its gas, merged
//                                                  into the existing bench/results.json: its other records are kept
//   npm run bench -- --only gas                    only version 2's gas (about 2 minutes, plus a few to build the k = 4
//                                                  checkpoint instance when missing: PTAU), merged likewise as `v2Gas`
//   npm run bench -- --only queue                  only proving at scale (bench/queue.ts): a 32-step run with the in-process
//                                                  pool and with 1 and 2 workers over a local redis-server, and the queue's
//                                                  overhead per job (about 10 minutes), merged likewise as `queue`
//   npm run bench -- --fresh                       compile and set up instances from scratch (in a scratch copy)
//   npm run bench -- --runs N                      N proving runs (median reported; default 5)
//   npm run bench -- --keep-scratch                keep build/bench-scratch/ afterwards
//   npm run bench -- --render                      only rewrite BENCHMARKS.md from bench/results.json (= npm run bench:render)
// The setup reads the powers of tau from PTAU (see src/node/build/ptau.ts), a path absolute or relative to the repository, e.g.
//   PTAU=../shared/ptau/pot17_final.ptau npm run bench -- --fresh
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  SHIPPED_PTAU_POWER,
  allBenchCircuits,
  benchCircuit,
  comparisonPairs,
  declaredCircuits,
  isLarge,
  mergePairs,
  predictedPower,
  type BenchCircuit,
} from "./lib/circuits.js";
import { breakdownFor } from "./lib/constraints.js";
import { v2Circuits, v2Roles } from "./lib/v2.js";
import { measureQueue } from "./queue.js";
import { measureGas } from "./lib/gas.js";
import { machineInfo } from "./lib/machine.js";
import { gridPointsWithRatio, parameterRatio, parameterRatioGrid } from "./lib/params.js";
import {
  buildResultSchema,
  compileResultSchema,
  gnuTimeAvailable,
  median,
  proveResultSchema,
  runPhase,
  setupResultSchema,
} from "./lib/phases.js";
import type { BenchResults, CircuitRecord } from "./lib/results.js";
import { MARKDOWN_FILE, RESULTS_FILE, readResults, writeMarkdown } from "./render/document.js";
import {
  PROJECT_ROOT,
  defaultInstance,
  instanceArtifacts,
  mergeInstanceFor,
  stderrProgress,
} from "../src/node/index.js";

const SCRATCH_DIR = path.join(PROJECT_ROOT, "build", "bench-scratch");
const FIELD_BYTES = 32;

interface Options {
  fresh: boolean;
  runs: number;
  keepScratch: boolean;
  skipLarge: boolean;
  gas: boolean;
  /** --only v2: version 2's circuits (and its gas) only, merged into the existing record */
  onlyV2: boolean;
  /** --only gas: version 2's gas only, merged into the existing record */
  onlyGas: boolean;
  /** --only queue: proving at scale (bench/queue.ts) only, merged into the existing record */
  onlyQueue: boolean;
  circuits: BenchCircuit[];
  skipped: { name: string; reason: string }[];
}

function parseOptions(args: readonly string[]): Options {
  let runs = 5;
  let quick = false;
  let fresh = false;
  let keepScratch = false;
  let skipLarge = false;
  let comparisons = true;
  let gas = true;
  let only: string | undefined;
  const names: string[] = [];
  for (let index = 0; index < args.length; index++) {
    const arg = args[index] ?? "";
    if (arg === "--fresh") fresh = true;
    else if (arg === "--quick") quick = true;
    else if (arg === "--keep-scratch") keepScratch = true;
    else if (arg === "--skip-large") skipLarge = true;
    else if (arg === "--no-comparisons") comparisons = false;
    else if (arg === "--no-gas") gas = false;
    else if (arg === "--only" || arg.startsWith("--only=")) {
      only = arg === "--only" ? args[++index] : arg.slice("--only=".length);
      if (only !== "v2" && only !== "gas" && only !== "queue")
        throw new Error(`--only takes v2, gas or queue, not ${only}`);
    } else if (arg === "--runs" || arg.startsWith("--runs=")) {
      const value = arg === "--runs" ? args[++index] : arg.slice("--runs=".length);
      runs = Number(value);
      if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs takes a positive integer, not ${value}`);
    } else if (arg.startsWith("--")) throw new Error(`unknown option ${arg}`);
    else names.push(arg);
  }
  if (quick && names.length > 0)
    throw new Error("--quick benchmarks the test instances only; do not name circuits with it");
  const onlyV2 = only === "v2";
  const onlyGas = only === "gas";
  if (onlyV2 && (quick || names.length > 0))
    throw new Error("--only v2 names its circuits itself: no --quick, no names");
  if (onlyGas && args.length !== (args.includes("--only=gas") ? 1 : 2))
    throw new Error("--only gas takes no other option");
  const onlyQueue = only === "queue";
  if (onlyQueue && args.length !== (args.includes("--only=queue") ? 1 : 2))
    throw new Error("--only queue takes no other option");
  let circuits: BenchCircuit[];
  if (onlyGas || onlyQueue) circuits = [];
  else if (onlyV2) circuits = v2Circuits().map(benchCircuit);
  else if (quick) {
    const step = defaultInstance();
    const merge = mergeInstanceFor(step);
    circuits = [step.name, ...(merge === undefined ? [] : [merge.name])].map(benchCircuit);
  } else if (names.length > 0) circuits = names.map(benchCircuit);
  else circuits = comparisons ? allBenchCircuits() : declaredCircuits();
  const skipped: Options["skipped"] = [];
  if (skipLarge) {
    for (const circuit of circuits.filter(isLarge)) {
      skipped.push({ name: circuit.name, reason: `--skip-large: needs 2^${predictedPower(circuit)} (formula)` });
    }
    circuits = circuits.filter((circuit) => !isLarge(circuit));
  }
  // By layer size, and at each size LoRA step, full step, merge, Freivalds merge: a LoRA circuit and the full
  // circuit it is compared with run back to back, under the same machine load, and a long run leaves
  // the small circuits' results behind first.
  const templateOrder = [
    "LoraStep",
    "LoraCheckpoint",
    "FullStep",
    "LoraMerge",
    "LoraMergeFreivalds",
    "BaseProjectionBlock",
  ];
  const size = (c: BenchCircuit): number => c.params.dIn * c.params.dOut;
  circuits = circuits
    .map((circuit, index) => ({ circuit, index }))
    .sort(
      (a, b) =>
        size(a.circuit) - size(b.circuit) ||
        templateOrder.indexOf(a.circuit.template) - templateOrder.indexOf(b.circuit.template) ||
        a.index - b.index,
    )
    .map(({ circuit }) => circuit);
  return { fresh, runs, keepScratch, skipLarge, gas, onlyV2, onlyGas, onlyQueue, circuits, skipped };
}

/** The command that reproduces this run, as one would type it at the repository's root (PTAU relative to it: no machine's absolute path). */
function reproduceCommand(args: readonly string[]): string {
  const ptau = process.env.PTAU;
  const prefix = ptau === undefined || ptau === "" ? "" : `PTAU=${path.relative(PROJECT_ROOT, path.resolve(ptau))} `;
  return `${prefix}npm run bench${args.length > 0 ? ` -- ${args.join(" ")}` : ""}`;
}

function sameVerificationKey(a: string, b: string): boolean | null {
  if (!existsSync(a) || !existsSync(b)) return null;
  return JSON.stringify(JSON.parse(readFileSync(a, "utf8"))) === JSON.stringify(JSON.parse(readFileSync(b, "utf8")));
}

function scratchDir(name: string): string {
  return path.join(SCRATCH_DIR, name);
}

async function benchCircuitRecord(circuit: BenchCircuit, options: Options): Promise<CircuitRecord> {
  const progress = stderrProgress(`bench ${circuit.name}`);
  // Comparison circuits have no shared build: they are always compiled and set up in the scratch copy; nor
  // do the compile-only instances need one.
  const fresh = options.fresh || circuit.origin === "comparison" || circuit.mode === "compile-only";
  let partial: Pick<CircuitRecord, "circuit" | "build" | "compile" | "setup" | "files">;
  let artifactsDir: string;

  if (fresh) {
    // A scratch copy: the shared build/circuits/<name> (which tests may be using right now) is never touched.
    artifactsDir = scratchDir(circuit.name);
    progress.step(`fresh compile of ${circuit.name} into ${path.relative(PROJECT_ROOT, artifactsDir)}`);
    const compile = await runPhase(compileResultSchema, ["compile", circuit.name, artifactsDir]);
    progress.done(
      `compile: ${compile.result.seconds.toFixed(1)} s, ${compile.result.circuit.constraints} constraints, peak ${(compile.memory.peakKiB / 1024).toFixed(0)} MiB`,
    );
    const compileRecord = { seconds: compile.result.seconds, source: "measured" as const, peakMemory: compile.memory };
    const circuitInfo = { ...compile.result.circuit, ptau: null as string | null };
    if (circuit.mode === "compile-only" || compile.result.circuit.power > SHIPPED_PTAU_POWER) {
      const note = circuit.note ?? `does not fit 2^${SHIPPED_PTAU_POWER}; needs 2^${compile.result.circuit.power}`;
      progress.step(`${circuit.name}: compile only (${note})`);
      partial = {
        circuit: circuitInfo,
        build: { mode: "fresh", note: `compiled only (${note})`, matchesSharedBuild: null },
        compile: compileRecord,
        setup: null,
        files: compile.result.files,
      };
      return finish(circuit, partial, null, progress);
    }
    progress.step(
      `fresh Groth16 setup of ${circuit.name} (2^${compile.result.circuit.power}; minutes for the large circuits)`,
    );
    const setup = await runPhase(setupResultSchema, ["setup", circuit.name, artifactsDir]);
    progress.done(`setup: ${setup.result.seconds.toFixed(1)} s, peak ${(setup.memory.peakKiB / 1024).toFixed(0)} MiB`);
    const matches =
      circuit.origin === "instances.json"
        ? sameVerificationKey(
            path.join(artifactsDir, "verification_key.json"),
            instanceArtifacts(circuit.name).verificationKey,
          )
        : null;
    partial = {
      circuit: { ...circuitInfo, ptau: setup.result.ptau },
      build: {
        mode: "fresh",
        note: `compiled and set up from scratch in ${path.relative(PROJECT_ROOT, artifactsDir)}; build/circuits/ untouched`,
        matchesSharedBuild: matches,
      },
      compile: compileRecord,
      setup: {
        seconds: setup.result.seconds,
        source: "measured",
        peakMemory: setup.memory,
        detail: {
          newZkeySeconds: setup.result.newZkeySeconds,
          beaconSeconds: setup.result.beaconSeconds,
          exportSeconds: setup.result.exportSeconds,
        },
      },
      files: { ...compile.result.files, ...setup.result.files },
    };
  } else {
    artifactsDir = instanceArtifacts(circuit.name).dir;
    progress.step(`building ${circuit.name} unless up to date (times come from its manifest)`);
    const build = await runPhase(buildResultSchema, ["build", circuit.name]);
    const { manifest } = build.result;
    const note = build.result.rebuilt
      ? "built now by buildInstance: times measured now; compile and setup ran in one process, so their peak memory is one figure"
      : "reused the up-to-date build: compile and setup times are those recorded in its manifest when it was built (run with --fresh to measure them)";
    progress.warn(`${circuit.name}: ${note}`);
    const buildMemory = build.result.rebuilt ? build.memory : null;
    partial = {
      circuit: {
        constraints: manifest.constraints,
        wires: manifest.wires,
        publicInputs: manifest.publicInputs,
        privateInputs: manifest.privateInputs,
        outputs: 0,
        power: manifest.power,
        ptau: manifest.ptau,
      },
      build: { mode: "reused", note, matchesSharedBuild: null },
      compile: {
        seconds: manifest.compileSeconds,
        source: build.result.rebuilt ? "measured" : "manifest",
        peakMemory: buildMemory,
      },
      setup: {
        seconds: manifest.setupSeconds,
        source: build.result.rebuilt ? "measured" : "manifest",
        peakMemory: buildMemory,
      },
      files: build.result.files,
    };
  }
  progress.step(`${options.runs} × (witness, prove, verify) of ${circuit.name}`);
  const prove = await runPhase(proveResultSchema, ["prove", circuit.name, artifactsDir, String(options.runs)]);
  if (!prove.result.verified) throw new Error(`${circuit.name}: a proof did not verify`);
  const { g1, g2 } = prove.result.proofCoordinates;
  const calldataBytes = (2 * g1 + 4 * g2) * FIELD_BYTES;
  // Compressed: an x coordinate and a sign bit per point, 32 bytes per G1 and 64 per G2.
  const compressedBytes = g1 * FIELD_BYTES + g2 * 2 * FIELD_BYTES;
  const verifyRuns = prove.result.verifySeconds;
  return finish(
    circuit,
    partial,
    {
      reference: prove.result.reference,
      referenceSeconds: prove.result.referenceSeconds,
      loss: prove.result.loss,
      witness: { medianSeconds: median(prove.result.witnessSeconds), runs: prove.result.witnessSeconds },
      proving: {
        medianSeconds: median(prove.result.provingSeconds),
        runs: prove.result.provingSeconds,
        peakMemory: prove.memory,
      },
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
    },
    progress,
  );
}

function finish(
  circuit: BenchCircuit,
  partial: Pick<CircuitRecord, "circuit" | "build" | "compile" | "setup" | "files">,
  prove: CircuitRecord["prove"],
  progress: ReturnType<typeof stderrProgress>,
): CircuitRecord {
  const breakdown = breakdownFor(circuit);
  const compiled = partial.circuit.constraints;
  if (breakdown.total !== compiled) {
    progress.warn(
      `${circuit.name}: the formula breakdown sums to ${breakdown.total}, the r1cs has ${compiled} (residual ${compiled - breakdown.total})`,
    );
  }
  const params = circuit.params;
  return {
    instance: circuit.name,
    purpose: circuit.purpose,
    template: circuit.template,
    origin: circuit.origin,
    mode: circuit.mode,
    note: circuit.note ?? null,
    params: { ...params },
    ...partial,
    prove,
    constraintBreakdown: {
      rows: breakdown.rows,
      byFamily: breakdown.byFamily,
      formulaTotal: breakdown.total,
      compiled,
      residual: compiled - breakdown.total,
    },
    parameterRatio:
      "rank" in params && circuit.template !== "BaseProjectionBlock"
        ? parameterRatio(params.dIn, params.dOut, params.rank)
        : null,
  };
}

/**
 * Measures version 2's gas into `results.v2Gas`; false when it failed. A fresh record keeps the failure as
 * `{ error }`; a record merged into an earlier one (--only v2, --only gas) keeps that one's measurement.
 */
async function recordGas(results: BenchResults, command: string, merged: boolean): Promise<boolean> {
  const progress = stderrProgress("bench");
  progress.step("version 2's gas on LoraLedgerRegistryV2, in-process network (npx hardhat run bench/gasV2.ts)");
  const measuredAt = new Date().toISOString();
  try {
    results.v2Gas = { measuredAt, command, ...(await measureGas()) };
    return true;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    progress.warn(`gas: ${message}${merged ? " (the record keeps its earlier gas measurement)" : ""}`);
    if (!merged) results.v2Gas = { error: message };
    return false;
  }
}

function write(results: BenchResults): void {
  mkdirSync(path.dirname(RESULTS_FILE), { recursive: true });
  writeFileSync(RESULTS_FILE, `${JSON.stringify(results, null, 2)}\n`);
  writeMarkdown(results);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args.includes("--render")) {
    if (args.length > 1) throw new Error("--render takes no other option");
    writeMarkdown(readResults());
    stderrProgress("bench").done(
      `rendered ${path.relative(PROJECT_ROOT, MARKDOWN_FILE)} from ${path.relative(PROJECT_ROOT, RESULTS_FILE)}`,
    );
    return;
  }
  const started = performance.now();
  const options = parseOptions(args);
  const progress = stderrProgress("bench");
  if (options.onlyQueue) {
    if (!existsSync(RESULTS_FILE))
      throw new Error(
        `--only queue merges into ${path.relative(PROJECT_ROOT, RESULTS_FILE)}, which is missing: run npm run bench`,
      );
    const queue = await measureQueue(reproduceCommand(args), progress);
    const results = readResults();
    results.queue = queue;
    write(results);
    progress.done(
      `merged proving at scale into ${path.relative(PROJECT_ROOT, RESULTS_FILE)} (queue) and rendered ${path.relative(PROJECT_ROOT, MARKDOWN_FILE)}`,
    );
    return;
  }
  if (options.onlyGas) {
    if (!existsSync(RESULTS_FILE))
      throw new Error(
        `--only gas merges into ${path.relative(PROJECT_ROOT, RESULTS_FILE)}, which is missing: run npm run bench`,
      );
    const results = readResults();
    if (!(await recordGas(results, reproduceCommand(args), true))) {
      process.exitCode = 1;
      return;
    }
    write(results);
    progress.done(
      `merged version 2's gas into ${path.relative(PROJECT_ROOT, RESULTS_FILE)} (v2Gas) and rendered ${path.relative(PROJECT_ROOT, MARKDOWN_FILE)}`,
    );
    return;
  }
  const gnuTime = gnuTimeAvailable();
  if (!gnuTime)
    progress.warn(
      "/usr/bin/time is missing: peak memory is each phase's own node process; the circom2 child of compile is not included",
    );
  progress.step(
    `benchmarking ${options.circuits.map((c) => c.name).join(", ")} (${options.fresh ? "fresh builds" : "reusing instance builds"}, ${options.runs} run(s))`,
  );
  for (const skipped of options.skipped) progress.warn(`skipping ${skipped.name}: ${skipped.reason}`);
  const generatedAt = new Date().toISOString();
  const v2Templates = new Set(["LoraCheckpoint", "BaseProjectionBlock"]);
  const measuresV2 = options.circuits.some((c) => v2Templates.has(c.template));
  // --only v2 keeps the earlier record's other circuits and its header (command, machine, load).
  const previous = options.onlyV2 && existsSync(RESULTS_FILE) ? readResults() : null;
  // Version 1's registry is retired: a fresh record carries its last gas figures, which no run can measure again.
  const retiredV1Gas = previous === null && existsSync(RESULTS_FILE) ? readResults().v1Gas : undefined;
  const rerun = new Set(options.circuits.map((c) => c.name));
  const fresh: BenchResults = {
    generatedAt,
    command: reproduceCommand(args),
    options: {
      fresh: options.fresh,
      runs: options.runs,
      skipLarge: options.skipLarge,
      gas: options.gas,
      circuits: options.circuits.map((c) => c.name),
      skipped: options.skipped,
    },
    machine: machineInfo(gnuTime),
    loadAverage: { start: os.loadavg(), end: os.loadavg(), max1min: os.loadavg()[0] ?? 0 },
    circuits: [],
    failures: [],
    comparisonPairs: comparisonPairs().map(({ lora, full, shape }) => ({
      lora,
      full,
      parameterRatio: parameterRatio(shape.dIn, shape.dOut, shape.rank),
    })),
    mergePairs: mergePairs().map(({ merge, freivalds }) => ({ merge, freivalds })),
    // Until the gas phase (after the circuits) records it: absent, or null when it will not run.
    ...(options.gas ? {} : { v2Gas: null }),
    ...(retiredV1Gas === undefined ? {} : { v1Gas: retiredV1Gas }),
    parameterRatios: { grid: parameterRatioGrid(), ratio24: gridPointsWithRatio(24), ratio96: gridPointsWithRatio(96) },
  };
  const results: BenchResults =
    previous === null
      ? fresh
      : {
          ...previous,
          circuits: previous.circuits.filter((r) => !rerun.has(r.instance)),
          failures: previous.failures.filter((f) => !rerun.has(f.name)),
        };
  if (measuresV2) {
    results.v2 = {
      ...v2Roles(),
      run:
        previous === null
          ? null
          : { generatedAt, command: fresh.command, durationSeconds: 0, maxLoad1min: os.loadavg()[0] ?? 0 },
    };
  }
  const sampleLoad = (): void => {
    const seconds = (performance.now() - started) / 1000;
    const load = os.loadavg();
    const run = results.v2?.run;
    if (previous !== null && run !== undefined && run !== null) {
      run.durationSeconds = seconds;
      run.maxLoad1min = Math.max(run.maxLoad1min, load[0] ?? 0);
      return;
    }
    results.durationSeconds = seconds;
    results.loadAverage.end = load;
    results.loadAverage.max1min = Math.max(results.loadAverage.max1min, results.loadAverage.end[0] ?? 0);
  };
  const loadTimer = setInterval(sampleLoad, 15_000);
  try {
    for (const circuit of options.circuits) {
      try {
        results.circuits.push(await benchCircuitRecord(circuit, options));
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        progress.warn(`${circuit.name} failed: ${message}`);
        results.failures.push({ name: circuit.name, error: message });
      }
      sampleLoad();
      if (!options.keepScratch) rmSync(scratchDir(circuit.name), { recursive: true, force: true });
      // Written after every circuit, so a long run leaves its finished part behind.
      write(results);
      progress.done(
        `${circuit.name} benchmarked; wrote ${path.relative(PROJECT_ROOT, RESULTS_FILE)} and ${path.relative(PROJECT_ROOT, MARKDOWN_FILE)}`,
      );
    }
    if (options.gas) {
      if (!(await recordGas(results, fresh.command, previous !== null))) process.exitCode = 1;
      sampleLoad();
      write(results);
    }
  } finally {
    clearInterval(loadTimer);
    if (!options.keepScratch) {
      for (const circuit of options.circuits) rmSync(scratchDir(circuit.name), { recursive: true, force: true });
    }
  }
  progress.done(`wrote ${path.relative(PROJECT_ROOT, RESULTS_FILE)} and ${path.relative(PROJECT_ROOT, MARKDOWN_FILE)}`);
  if (results.failures.length > 0) {
    process.stderr.write(
      `${results.failures.length} circuit(s) failed: ${results.failures.map((f) => f.name).join(", ")}\n`,
    );
    process.exitCode = 1;
  }
}

try {
  await main();
} catch (error) {
  process.stderr.write(`benchmark failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
