/** The benchmark's machine-readable record (bench/results.json) and its Markdown rendering (BENCHMARKS.md). */
import { bitLength, updateDivisors, type StepShape } from "../../src/protocol/index.js";
import type { BenchTemplate } from "./circuits.js";
import { CONSTRAINT_FAMILIES, belowConstantConstraints, type BreakdownRow, type ConstraintFamily } from "./constraints.js";
import type { GasPairResult, GasResult } from "./gas.js";
import type { MachineInfo } from "./machine.js";
import type { ParameterRatio } from "./params.js";
import type { PeakMemory } from "./phases.js";

export interface TimedPhase {
  seconds: number;
  /** "measured" in this run, or "manifest": the time recorded in build/circuits/<name>/manifest.json when it was built */
  source: "measured" | "manifest";
  /** null when the phase did not run in this benchmark (source "manifest") */
  peakMemory: PeakMemory | null;
  detail?: Record<string, number>;
}

export interface RepeatedPhase {
  medianSeconds: number;
  runs: number[];
}

export interface ProveRecord {
  /** what the TypeScript reference computation that made the input covers */
  reference: string;
  referenceSeconds: number;
  loss: number | null;
  witness: RepeatedPhase;
  proving: RepeatedPhase & { peakMemory: PeakMemory };
  verification: RepeatedPhase & { valid: boolean; method: string };
  proofSize: { calldataBytes: number; compressedBytes: number; publicInputs: number; publicInputsCalldataBytes: number };
}

export interface CircuitRecord {
  instance: string;
  purpose: string;
  template: BenchTemplate;
  /** "instances.json": a declared instance; "comparison": a circuit declared by the benchmark only */
  origin: "instances.json" | "comparison";
  mode: "prove" | "compile-only";
  note: string | null;
  /** template parameters by name (StepShape or FullShape) */
  params: Record<string, number>;
  circuit: { constraints: number; wires: number; publicInputs: number; privateInputs: number; outputs: number; power: number; ptau: string | null };
  build: {
    mode: "fresh" | "reused";
    note: string;
    /** fresh builds of instances only: whether the scratch build's verification key equals build/circuits/<name>'s (null: none there) */
    matchesSharedBuild: boolean | null;
  };
  compile: TimedPhase;
  /** null for compile-only circuits */
  setup: TimedPhase | null;
  files: Record<string, number>;
  /** null for compile-only circuits */
  prove: ProveRecord | null;
  constraintBreakdown: {
    rows: BreakdownRow[];
    byFamily: Record<ConstraintFamily, number>;
    formulaTotal: number;
    compiled: number;
    residual: number;
  };
  /** LoRA templates only: trainable parameters of the layer, full vs LoRA */
  parameterRatio: ParameterRatio | null;
}

export interface BenchResults {
  generatedAt: string;
  /** wall time of the whole run so far (absent in results written before it was recorded) */
  durationSeconds?: number;
  command: string;
  options: {
    fresh: boolean;
    runs: number;
    skipLarge: boolean;
    gas: boolean;
    circuits: string[];
    skipped: { name: string; reason: string }[];
  };
  machine: MachineInfo;
  /** os.loadavg() at start and end, and the largest 1-minute figure seen (sampled every 15 s) */
  loadAverage: { start: number[]; end: number[]; max1min: number };
  circuits: CircuitRecord[];
  failures: { name: string; error: string }[];
  /** LoRA step and full step of the same layer */
  comparisonPairs: { lora: string; full: string; parameterRatio: ParameterRatio }[];
  mergePairs: { merge: string; freivalds: string }[];
  /** null: not measured (--no-gas); { error }: the measurement failed */
  gas: GasResult | { error: string } | null;
  parameterRatios: { grid: ParameterRatio[]; ratio24: ParameterRatio[]; ratio96: ParameterRatio[] };
}

// ---------------------------------------------------------------------------------------------------
// Formatting
// ---------------------------------------------------------------------------------------------------

const seconds = (value: number): string =>
  value >= 100 ? `${value.toFixed(0)} s` : value >= 10 ? `${value.toFixed(1)} s` : value >= 1 ? `${value.toFixed(2)} s` : `${(value * 1000).toFixed(0)} ms`;
const mib = (kib: number): string => `${(kib / 1024).toFixed(0)} MiB`;
const bytes = (value: number | undefined): string =>
  value === undefined ? "–" : value >= 1 << 20 ? `${(value / (1 << 20)).toFixed(1)} MiB` : value >= 1024 ? `${(value / 1024).toFixed(1)} KiB` : `${value} B`;
const count = (value: number): string => Math.round(value).toLocaleString("en-US");
const ratio = (value: number): string => (Number.isInteger(value) ? `${value}×` : `${value.toFixed(2)}×`);
const DASH = "–";

function timed(phase: TimedPhase | null): string {
  if (phase === null) return DASH;
  return phase.source === "manifest" ? `${seconds(phase.seconds)} (manifest)` : seconds(phase.seconds);
}

function memory(peak: PeakMemory | null | undefined): string {
  if (peak === undefined) return DASH;
  if (peak === null) return "not measured (reused build)";
  return mib(peak.peakKiB);
}

function row(cells: readonly string[]): string {
  return `| ${cells.join(" | ")} |`;
}

function table(header: readonly string[], rows: readonly (readonly string[])[], align?: readonly ("l" | "r")[]): string {
  const rule = header.map((_, index) => ((align?.[index] ?? "l") === "r" ? "---:" : "---"));
  return [row(header), row(rule), ...rows.map(row)].join("\n");
}

function percent(part: number, whole: number): string {
  return whole === 0 ? DASH : `${((100 * part) / whole).toFixed(1)} %`;
}

function code(name: string): string {
  return `\`${name}\``;
}

function shapeText(r: CircuitRecord): string {
  const p = r.params;
  const base = `${p.dIn}×${p.dOut}`;
  return "rank" in p ? `${base}, r=${p.rank}, n=${p.batch}, depth ${p.depth}` : `${base}, n=${p.batch}, depth ${p.depth}, W ${p.wBits}-bit`;
}

function family(r: CircuitRecord, f: ConstraintFamily): number {
  return r.constraintBreakdown.byFamily[f];
}

function item(r: CircuitRecord, name: string): number {
  return r.constraintBreakdown.rows.filter((b) => b.item === name).reduce((sum, b) => sum + b.constraints, 0);
}

function isGasResult(gas: BenchResults["gas"]): gas is GasResult {
  return gas !== null && !("error" in gas);
}

function gasPairFor(results: BenchResults, name: string): GasPairResult | undefined {
  return isGasResult(results.gas) ? results.gas.pairs.find((p) => p.step === name || p.merge === name) : undefined;
}

function gasCell(results: BenchResults, r: CircuitRecord): string {
  if (r.template !== "LoraStep" && r.template !== "LoraMerge") return DASH;
  if (results.gas === null) return "not measured (--no-gas)";
  if (!isGasResult(results.gas)) return "not measured (the gas run failed, see Gas)";
  const pair = gasPairFor(results, r.instance);
  if (pair === undefined) {
    const error = results.gas.errors.find((e) => e.step === r.instance);
    return error === undefined ? "not measured" : "not measured (error, see Gas)";
  }
  if (r.template === "LoraStep") return `${count(pair.submitStep)} (submitStep); ${count(pair.submitSteps4.perStep)} per step in submitSteps of 4`;
  return pair.recordMerge === null ? (pair.mergeNote ?? "not measured") : `${count(pair.recordMerge)} (recordMerge)`;
}

function loadDetail(peak: PeakMemory | null | undefined): string {
  return peak === null || peak === undefined ? DASH : `${peak.loadAverage.start.toFixed(2)} → ${peak.loadAverage.end.toFixed(2)}`;
}

function peakDetail(peak: PeakMemory | null | undefined): string {
  if (peak === null || peak === undefined) return DASH;
  return peak.peakProcess === "phase node process"
    ? `${mib(peak.peakKiB)} (node process)`
    : `${mib(peak.peakKiB)} (circom2 child; the node driver ${mib(peak.selfMaxRssKiB)})`;
}

function phaseLoads(record: CircuitRecord): number[] {
  return [record.compile.peakMemory, record.setup?.peakMemory ?? null, record.prove?.proving.peakMemory ?? null].flatMap((peak) =>
    peak === null ? [] : [peak.loadAverage.start, peak.loadAverage.end],
  );
}

function inRange(points: readonly ParameterRatio[]): number {
  return points.filter((p) => p.ratio >= 24 && p.ratio <= 96).length;
}

// ---------------------------------------------------------------------------------------------------
// Sections
// ---------------------------------------------------------------------------------------------------

function metricsTable(results: BenchResults, records: readonly CircuitRecord[]): string {
  const per = (cell: (record: CircuitRecord) => string): string[] => records.map(cell);
  return table(
    ["metric", ...records.map((r) => code(r.instance))],
    [
      ["template", ...per((r) => r.template)],
      ["parameters", ...per(shapeText)],
      ["constraints", ...per((r) => count(r.circuit.constraints))],
      ["wires", ...per((r) => count(r.circuit.wires))],
      ["powers of tau needed", ...per((r) => `2^${r.circuit.power}`)],
      ["compile time (circom2, WASM)", ...per((r) => timed(r.compile))],
      ["setup time (Groth16 dev: new zkey + beacon + export)", ...per((r) => (r.setup === null ? (r.note ?? DASH) : timed(r.setup)))],
      ["witness time (median)", ...per((r) => (r.prove === null ? DASH : seconds(r.prove.witness.medianSeconds)))],
      ["proving time (median)", ...per((r) => (r.prove === null ? DASH : seconds(r.prove.proving.medianSeconds)))],
      ["verification time (snarkjs JS, median)", ...per((r) => (r.prove === null ? DASH : seconds(r.prove.verification.medianSeconds)))],
      [
        "proof size",
        ...per((r) => (r.prove === null ? DASH : `${r.prove.proofSize.calldataBytes} B calldata (${r.prove.proofSize.compressedBytes} B compressed)`)),
      ],
      ["public inputs", ...per((r) => `${r.circuit.publicInputs} (${r.circuit.publicInputs * 32} B calldata)`)],
      ["peak memory: compile", ...per((r) => memory(r.compile.peakMemory))],
      ["peak memory: setup", ...per((r) => (r.setup === null ? DASH : memory(r.setup.peakMemory)))],
      ["peak memory: witness + proving", ...per((r) => (r.prove === null ? DASH : memory(r.prove.proving.peakMemory)))],
      ["zkey size", ...per((r) => bytes(r.files.zkey))],
      ["witness calculator (wasm) size", ...per((r) => bytes(r.files.wasm))],
      [
        "LoRA vs full fine-tuning parameters",
        ...per((r) => (r.parameterRatio === null ? DASH : `${ratio(r.parameterRatio.ratio)} (${count(r.parameterRatio.lora)} vs ${count(r.parameterRatio.full)})`)),
      ],
      ["gas (in-process network)", ...per((r) => gasCell(results, r))],
    ],
  );
}

function gasSection(results: BenchResults, out: string[]): void {
  out.push("## Gas per verified step and per merge (in-process network)");
  out.push("");
  if (results.gas === null) {
    out.push("Not measured in this run (`--no-gas`).");
    out.push("");
    return;
  }
  if (!isGasResult(results.gas)) {
    out.push(`**Not measured**: the gas run failed: ${results.gas.error}`);
    out.push("");
    return;
  }
  const gas = results.gas;
  out.push(
    `\`npx hardhat run bench/gas.ts\` (spawned by the benchmark) on ${gas.network}, ${gas.solidity}: the registry is deployed through the Ignition module ` +
      "(deploy/modules/LoraLedger.ts), a base model and a dataset are registered, a run is started, and steps 0-7 are proven (real Groth16 proofs of the instance, made for exactly the public inputs the registry assembles) " +
      "and submitted: step 0 with `submitStep`, steps 1-2 with `submitSteps` (2), steps 3-6 with `submitSteps` (4), step 7 with `submitStep`; then the adapter after step 7 is merged " +
      "(`makeMerge`, a LoraMerge proof) and recorded with `recordMerge`. Figures are receipts' `gasUsed` (the bare verifier rows: `estimateGas` of a transaction calling `verifyProof` directly).",
  );
  out.push("");
  if (gas.pairs.length > 0) {
    const pairs = gas.pairs;
    const perPair = (cell: (p: GasPairResult) => string): string[] => pairs.map(cell);
    out.push(
      table(
        ["case", ...pairs.map((p) => code(p.step))],
        [
          ["step verifier", ...perPair((p) => (p.verifierDeployment === "ignition" ? "deployed by the Ignition module" : "compiled with solc-js and registered by the script"))],
          ["bare step verifier transaction (reference)", ...perPair((p) => count(p.bareStepVerifier))],
          ["`submitStep` (step 0, trainer)", ...perPair((p) => count(p.submitStep))],
          ["`submitStep` (step 7, trainer)", ...perPair((p) => count(p.submitStepLater))],
          ["`submitSteps`, 2 steps: per step (total)", ...perPair((p) => `${count(p.submitSteps2.perStep)} (${count(p.submitSteps2.total)})`)],
          ["`submitSteps`, 4 steps: per step (total)", ...perPair((p) => `${count(p.submitSteps4.perStep)} (${count(p.submitSteps4.total)})`)],
          ["registry overhead of `submitStep` over the bare verifier", ...perPair((p) => count(p.submitStep - p.bareStepVerifier))],
          ["merge instance", ...perPair((p) => (p.merge === null ? DASH : code(p.merge)))],
          ["bare merge verifier transaction (reference)", ...perPair((p) => (p.bareMergeVerifier === null ? DASH : count(p.bareMergeVerifier)))],
          ["registry overhead of `recordMerge` over the bare verifier", ...perPair((p) => (p.recordMerge === null || p.bareMergeVerifier === null ? DASH : count(p.recordMerge - p.bareMergeVerifier)))],
          ["**`recordMerge`** (adapter after step 7)", ...perPair((p) => (p.recordMerge === null ? (p.mergeNote ?? "not measured") : `**${count(p.recordMerge)}**`))],
          ["proofs made for the measurement", ...perPair((p) => `${p.proofs.steps} steps + ${p.proofs.merges} merge, ${seconds(p.proofs.provingSeconds)}`)],
        ],
      ),
    );
    out.push("");
    const figures = (p: GasPairResult): number[] => [p.bareStepVerifier, p.submitStep, p.submitStepLater, p.submitSteps2.perStep, p.submitSteps4.perStep];
    const spread = Math.max(
      ...figures(pairs[0] as GasPairResult).map((_, i) => Math.max(...pairs.map((p) => figures(p)[i] ?? 0)) - Math.min(...pairs.map((p) => figures(p)[i] ?? 0))),
    );
    const sizes = pairs.map((p) => constraintsOf(results, p.step));
    out.push(
      "A Groth16 verifier's gas depends on the number of public inputs (one scalar multiplication and one 32-byte word each), not on the circuit's size" +
        (pairs.length > 1
          ? `: the step instances' figures above agree within ${count(spread)} gas (calldata zero bytes and storage values differ) while their circuits differ ${ratio(
              Math.round((Math.max(...sizes) / Math.min(...sizes)) * 10) / 10,
            )} in constraints. `
          : ", so this figure holds for every step instance (7 public inputs). ") +
        "A merge proof has 4 public inputs against a step's 7, so its verifier is cheaper; `recordMerge` then writes three fresh slots (the merge record, two slots, and merged root → adapter) and reads the run and the step's adapter, so its registry overhead is larger than a step's. It never touches the run's head. " +
        "docs/REGISTRY.md explains where a step's gas goes and what would bring it below 250k.",
    );
    out.push("");
  }
  if (!gas.registryHasRecordMerge) {
    out.push("**Merge gas not measured**: the registry deployed in this run has no `recordMerge`.");
    out.push("");
  }
  for (const error of gas.errors) {
    out.push(`**${code(error.step)}: not measured**: ${error.error}`);
    out.push("");
  }
}

function constraintsOf(results: BenchResults, name: string): number {
  return results.circuits.find((r) => r.instance === name)?.circuit.constraints ?? 1;
}

function comparisonSection(results: BenchResults, out: string[]): void {
  const byName = new Map(results.circuits.map((r) => [r.instance, r]));
  const pairs = results.comparisonPairs.filter((p) => byName.has(p.lora) || byName.has(p.full));
  if (pairs.length === 0) return;
  out.push("## LoRA vs full fine-tuning of the same layer");
  out.push("");
  out.push(
    "The same training step (fixed point, rounding, dataset tree and batch selection) of one `d × d` linear layer, proven two ways in the same run: " +
      "LoRA trains the rank-r adapters with the int8 base weights frozen (`LoraStep`, circuits/lora_step.circom), full fine-tuning trains W itself, " +
      "16-bit since it is updated (`FullStep`, circuits/full_step.circom, PROTOCOL §10). The 16x16 and 32x32 LoRA circuits and every FullStep circuit are comparison circuits of the benchmark (bench/lib/circuits.ts), not instances. " +
      "Peak memory is that of the witness + proving process. Ratios are full / LoRA; the last column is the trainable-parameter ratio `d_out·d_in / (r·(d_in + d_out))`. " +
      "The machine was shared (see Machine), so the proving ratio uses each circuit's fastest run, the one least disturbed by other work; setup is a single run per circuit, so its ratio is the noisier one.",
  );
  out.push("");
  const rows = pairs.map((p) => {
    const lora = byName.get(p.lora);
    const full = byName.get(p.full);
    const shape = lora !== undefined ? lora.params : full?.params;
    const shapeCell = shape === undefined ? DASH : `${shape.dIn}×${shape.dOut}, n=${shape.batch}, depth ${shape.depth}, r=${p.parameterRatio.rank}`;
    const cells = (r: CircuitRecord | undefined): string[] => {
      if (r === undefined) return ["not run", DASH, DASH, DASH];
      return [
        count(r.circuit.constraints),
        r.setup === null ? DASH : timed(r.setup),
        r.prove === null ? (r.note ?? "compile only") : `${seconds(r.prove.proving.medianSeconds)} / ${seconds(Math.min(...r.prove.proving.runs))}`,
        r.prove === null ? DASH : memory(r.prove.proving.peakMemory),
      ];
    };
    const ratioOf = (f: (r: CircuitRecord) => number | undefined): string => {
      if (lora === undefined || full === undefined) return DASH;
      const a = f(lora);
      const b = f(full);
      return a === undefined || b === undefined || a === 0 ? DASH : ratio(Math.round((b / a) * 100) / 100);
    };
    return [
      shapeCell,
      ...cells(lora),
      ...cells(full),
      ratioOf((r) => r.circuit.constraints),
      ratioOf((r) => r.setup?.seconds),
      ratioOf((r) => (r.prove === null ? undefined : Math.min(...r.prove.proving.runs))),
      ratioOf((r) => r.prove?.proving.peakMemory.peakKiB),
      `**${ratio(p.parameterRatio.ratio)}** (${count(p.parameterRatio.full)} / ${count(p.parameterRatio.lora)})`,
    ];
  });
  out.push(
    table(
      [
        "layer",
        "LoRA constraints",
        "LoRA setup",
        "LoRA prove (median / fastest)",
        "LoRA peak mem",
        "full constraints",
        "full setup",
        "full prove (median / fastest)",
        "full peak mem",
        "constraints full/LoRA",
        "setup full/LoRA",
        "prove full/LoRA (fastest)",
        "memory full/LoRA",
        "parameters full/LoRA",
      ],
      rows,
      ["l", "r", "r", "r", "r", "r", "r", "r", "r", "r", "r", "r", "r", "r"],
    ),
  );
  out.push("");
  // Per-weight costs, from the breakdowns.
  const notes: string[] = [];
  let limit: { text: string; value: number } | undefined;
  for (const p of pairs) {
    const lora = byName.get(p.lora);
    const full = byName.get(p.full);
    if (lora === undefined || full === undefined) continue;
    const weights = (full.params.dIn ?? 0) * (full.params.dOut ?? 0);
    const perWeightFull =
      (item(full, "W and W' entries") + item(full, "W·x") + item(full, "gradient (lr E)·xᵀ") + item(full, "update remainders < D = n·d_out·2^3F")) / weights;
    const perWeightLora = (item(lora, "W0 entries") + item(lora, "W0·x")) / weights;
    const adapterShare = lora.circuit.constraints - item(lora, "W0 entries") - item(lora, "W0·x") - item(lora, "baseRoot PackHash chain (W0)");
    limit = { text: `${full.params.dIn}×${full.params.dOut}, n = ${full.params.batch}`, value: perWeightFull / perWeightLora };
    notes.push(
      `${full.params.dIn}×${full.params.dOut}: full fine-tuning pays ${perWeightFull.toFixed(0)} constraints per weight (W and W′ range checks ${2 * (full.params.wBits ?? 0)}, ` +
        `update remainder ${(item(full, "update remainders < D = n·d_out·2^3F") / weights).toFixed(0)}, forward and gradient products ${2 * (full.params.batch ?? 0)}), ` +
        `${count(perWeightFull * weights)} in all (${percent(perWeightFull * weights, full.circuit.constraints)}); LoRA pays ${perWeightLora.toFixed(0)} per frozen base weight ` +
        `(int8 range check ${lora.params.wBits}, forward products ${lora.params.batch}), and ${count(adapterShare)} for everything else (adapters, their updates, hashing, dataset)`,
    );
  }
  if (notes.length > 0) {
    out.push("Where the difference comes from (bench/lib/constraints.ts, exact against the compiled r1cs):");
    out.push("");
    for (const note of notes) out.push(`- ${note}.`);
    out.push("");
    out.push(
      "So the constraint ratio starts near 1 (at 8×8 the adapters, with their long update remainders, cost about what training the 64 weights does) and grows with the layer, " +
        `towards the per-weight ratio for large layers (${limit === undefined ? "" : `${limit.value.toFixed(1)}× at ${limit.text}: `}the adapter part grows as \`r·(d_in + d_out)\`, the weight part as \`d_in·d_out\`), while the parameter ratio grows as \`d / 2r\` without bound. ` +
        "Proving and setup time follow the constraint count (see the closing note), so the measured cost ratios track the constraint ratio, not the parameter ratio: " +
        "a LoRA proof still pays for the whole frozen `d_out × d_in` layer (committed, range-checked and multiplied every step).",
    );
    out.push("");
  }
}

function mergeSection(results: BenchResults, out: string[]): void {
  const byName = new Map(results.circuits.map((r) => [r.instance, r]));
  const pairs = results.mergePairs.filter((p) => byName.has(p.merge) || byName.has(p.freivalds));
  if (pairs.length === 0) return;
  out.push("## Merge: LoraMerge (every product) vs the Freivalds variant");
  out.push("");
  out.push(
    "`LoraMerge` (circuits/lora_merge.circom, PROTOCOL §9) computes every product `B[i][k]·A[k][l]` and packs the exact merged weights without range checks (they are bounded by construction); " +
      "`LoraMergeFreivalds` (circuits/lora_merge_freivalds.circom) replaces the products by one randomized check, but its merged weights are a witness and must be range-checked before packing. The Freivalds circuits are compiled only.",
  );
  out.push("");
  const rows = pairs.map((p) => {
    const merge = byName.get(p.merge);
    const fr = byName.get(p.freivalds);
    const shape = merge?.params ?? fr?.params;
    const diff =
      merge !== undefined && fr !== undefined
        ? `+${count(item(fr, "merged weights (a witness here)"))} range checks, −${count(family(merge, "products") - family(fr, "products"))} products, +${count(
            item(fr, "challenge c = Poseidon(mergedRoot, adapter, baseRoot)"),
          )} challenge hash`
        : DASH;
    return [
      shape === undefined ? DASH : `${shape.dIn}×${shape.dOut}, r=${shape.rank}`,
      merge === undefined ? "not run" : count(merge.circuit.constraints),
      merge === undefined ? DASH : timed(merge.compile),
      merge?.prove === undefined || merge.prove === null ? DASH : seconds(merge.prove.proving.medianSeconds),
      fr === undefined ? "not run" : count(fr.circuit.constraints),
      fr === undefined ? DASH : timed(fr.compile),
      fr === undefined ? DASH : `2^${fr.circuit.power}`,
      merge !== undefined && fr !== undefined ? ratio(Math.round((fr.circuit.constraints / merge.circuit.constraints) * 100) / 100) : DASH,
      diff,
    ];
  });
  out.push(
    table(
      ["shape", "LoraMerge constraints", "LoraMerge compile", "LoraMerge prove", "Freivalds constraints", "Freivalds compile", "Freivalds needs", "Freivalds / LoraMerge", "difference"],
      rows,
      ["l", "r", "r", "r", "r", "r", "r", "r", "l"],
    ),
  );
  out.push("");
}

function allCircuitsTable(records: readonly CircuitRecord[]): string {
  return table(
    ["circuit", "origin", "constraints", "2^k", "compile", "setup", "witness", "prove", "verify", "peak mem compile / setup / prove", "zkey"],
    records.map((r) => [
      code(r.instance),
      r.origin === "instances.json" ? "instance" : "comparison",
      count(r.circuit.constraints),
      String(r.circuit.power),
      timed(r.compile),
      r.setup === null ? (r.note ?? DASH) : timed(r.setup),
      r.prove === null ? DASH : seconds(r.prove.witness.medianSeconds),
      r.prove === null ? DASH : seconds(r.prove.proving.medianSeconds),
      r.prove === null ? DASH : seconds(r.prove.verification.medianSeconds),
      `${memory(r.compile.peakMemory)} / ${r.setup === null ? DASH : memory(r.setup.peakMemory)} / ${r.prove === null ? DASH : memory(r.prove.proving.peakMemory)}`,
      bytes(r.files.zkey),
    ]),
    ["l", "l", "r", "r", "r", "r", "r", "r", "r", "r", "r"],
  );
}

/** The closing summary, from the measured records: the reference LoRA step, the full-vs-LoRA pair at its shape, gas. */
function summaryBullets(results: BenchResults, out: string[]): void {
  const records = results.circuits;
  const loraSteps = records.filter((r) => r.template === "LoraStep").sort((a, b) => b.circuit.constraints - a.circuit.constraints);
  const ref = loraSteps.find((r) => r.origin === "instances.json") ?? loraSteps[0];
  if (ref === undefined) return;
  const total = ref.circuit.constraints;
  const families = [...CONSTRAINT_FAMILIES].sort((a, b) => family(ref, b) - family(ref, a)).filter((f) => family(ref, f) > 0);
  const bullets: string[] = [];
  bullets.push(
    `- **Constraints** (${code(ref.instance)}, ${count(total)}): ` +
      families.map((f) => `${f} ${percent(family(ref, f), total)}`).join(", ") +
      `. The single largest items are the frozen base weights' int8 range checks (${percent(item(ref, "W0 entries"), total)}), the update remainders (${percent(
        item(ref, "update remainders < D_B (B), < D_A (A)"),
        total,
      )}) and W0·x (${percent(item(ref, "W0·x"), total)}): the frozen layer (its range checks, hash and products) is ${percent(
        item(ref, "W0 entries") + item(ref, "baseRoot PackHash chain (W0)") + item(ref, "W0·x"),
        total,
      )} of the circuit.`,
  );
  if (ref.prove !== null) {
    const p = ref.prove;
    const stepTime = p.referenceSeconds + p.witness.medianSeconds + p.proving.medianSeconds + p.verification.medianSeconds;
    bullets.push(
      `- **Time**: a step is ${seconds(stepTime)} of CPU time here, ${percent(p.proving.medianSeconds, stepTime)} of it proving, which is linear in the constraints (table below), so the time goes where the constraints go; ` +
        `the one-off setup (${ref.setup === null ? DASH : timed(ref.setup)}) and compile (${timed(ref.compile)}) are per circuit version.`,
    );
  }
  const pair = results.comparisonPairs.find((c) => c.lora === ref.instance);
  const full = pair === undefined ? undefined : records.find((r) => r.instance === pair.full);
  if (pair !== undefined && full !== undefined) {
    bullets.push(
      `- **LoRA vs full** at ${pair.parameterRatio.dIn}×${pair.parameterRatio.dOut}: ${ratio(Math.round((full.circuit.constraints / total) * 100) / 100)} the constraints for ${ratio(
        pair.parameterRatio.ratio,
      )} the trainable parameters${full.prove === null ? ` (full fine-tuning ${full.note ?? "does not fit"})` : ""}: full fine-tuning range-checks W and W′ (16-bit), and a long update remainder, for every weight.`,
    );
  }
  const gas = isGasResult(results.gas) ? results.gas.pairs[0] : undefined;
  if (gas !== undefined) {
    bullets.push(
      `- **Gas**: ${count(gas.submitStep)} per \`submitStep\`, of which ${count(gas.bareStepVerifier)} (${percent(gas.bareStepVerifier, gas.submitStep)}) is the bare Groth16 verifier transaction; ` +
        `${count(gas.submitSteps4.perStep)} per step in batches of 4${gas.recordMerge === null ? "" : `; ${count(gas.recordMerge)} per \`recordMerge\``}.`,
    );
  }
  bullets.push(
    "- **What would cut it**, detailed below: proving k steps per proof (the frozen layer's checks and hash once per k steps, each adapter checked once, one verification per k steps on-chain); " +
      "committing W0·x with the dataset (removes the frozen layer from every step); lower fixed-point precision F (shorter update remainders); a 4-ary dataset tree (half the Merkle levels); " +
      "lookup-based range checks or a native prover (outside circom + snarkjs Groth16).",
  );
  out.push(bullets.join("\n"));
  out.push("");
}

function analysisSection(results: BenchResults, out: string[]): void {
  const records = results.circuits;
  out.push("## Closing note: where the time and the constraints go, and what would cut each");
  out.push("");
  summaryBullets(results, out);
  out.push("### Constraints by family");
  out.push("");
  out.push(
    "Every circuit's compiled count split by the formulas of bench/lib/constraints.ts (exact: the residual column is compiled − formula). " +
      "Range checks are booleanity constraints of bit decompositions (PackHash range-checks every value it packs); products are the arithmetic; remainder checks are the range checks of rounding remainders.",
  );
  out.push("");
  out.push(
    table(
      ["circuit", "constraints", ...CONSTRAINT_FAMILIES, "residual"],
      records.map((r) => [
        code(r.instance),
        count(r.circuit.constraints),
        ...CONSTRAINT_FAMILIES.map((f) => (family(r, f) === 0 ? DASH : `${count(family(r, f))} (${percent(family(r, f), r.constraintBreakdown.compiled)})`)),
        count(r.constraintBreakdown.residual),
      ]),
      ["l", "r", "r", "r", "r", "r", "r", "r"],
    ),
  );
  out.push("");

  const proved = records.filter((r) => r.prove !== null && r.setup !== null);
  out.push("### Time");
  out.push("");
  if (proved.length > 0) {
    out.push(
      table(
        ["circuit", "constraints", "2^k", "compile", "setup (new zkey share)", "setup per constraint", "witness", "prove (median / fastest)", "fastest prove per 1k constraints", "prove share of a step's CPU time"],
        proved.map((r) => {
          const p = r.prove as ProveRecord;
          const setup = r.setup as TimedPhase;
          const newZkey = setup.detail?.newZkeySeconds;
          const stepTime = p.referenceSeconds + p.witness.medianSeconds + p.proving.medianSeconds + p.verification.medianSeconds;
          return [
            code(r.instance),
            count(r.circuit.constraints),
            String(r.circuit.power),
            timed(r.compile),
            `${timed(setup)}${newZkey === undefined ? "" : ` (${percent(newZkey, setup.seconds)})`}`,
            `${((setup.seconds / r.circuit.constraints) * 1000).toFixed(2)} ms`,
            seconds(p.witness.medianSeconds),
            `${seconds(p.proving.medianSeconds)} / ${seconds(Math.min(...p.proving.runs))}`,
            `${((Math.min(...p.proving.runs) / r.circuit.constraints) * 1000 * 1000).toFixed(0)} ms`,
            percent(p.proving.medianSeconds, stepTime),
          ];
        }),
        ["l", "r", "r", "r", "r", "r", "r", "r", "r", "r"],
      ),
    );
    out.push("");
    const big = proved.filter((r) => r.circuit.constraints >= 20_000);
    const perK = (big.length > 0 ? big : proved).map((r) => (Math.min(...(r.prove as ProveRecord).proving.runs) / r.circuit.constraints) * 1e6);
    const across = big.length > 0 ? "across the circuits of 20k constraints and more" : "across these (small) circuits";
    out.push(
      `A step's time is almost all proving: the witness (WASM) and the TypeScript reference that makes the input are a few per cent, JavaScript verification tens of milliseconds. ` +
        `The fastest proving run costs ${Math.min(...perK).toFixed(0)}-${Math.max(...perK).toFixed(0)} ms per 1,000 constraints ${across} ` +
        "(roughly constant within the noise: snarkjs's multi-scalar multiplications are linear in the wires, its FFTs in the 2^k domain; small circuits pay a fixed start-up on top), so **the time goes where the constraints go**: " +
        "every constraint cut below is proving time cut in proportion. Setup is one-off per circuit version, dominated by the new zkey; compile is circom2's WASM build.",
    );
    out.push("");
  }

  // The reference LoRA step: the largest LoraStep instance benchmarked.
  const loraSteps = records.filter((r) => r.template === "LoraStep").sort((a, b) => b.circuit.constraints - a.circuit.constraints);
  const ref = loraSteps.find((r) => r.origin === "instances.json") ?? loraSteps[0];
  if (ref === undefined) return;
  const total = ref.circuit.constraints;
  const p = ref.params;
  const n = p.batch ?? 1;
  const w0Range = item(ref, "W0 entries");
  const w0Hash = item(ref, "baseRoot PackHash chain (W0)");
  const w0x = item(ref, "W0·x");
  const adapterRange = item(ref, "adapter entries A, B, A', B'");
  const adapterHash = item(ref, "adapter PackHash chains (before, after)");
  const remainders = item(ref, "update remainders < D_B (B), < D_A (A)");
  const merkle = item(ref, "Merkle paths (Poseidon(2) + swap per level)");
  const leaves = item(ref, "example leaves PackHash");
  const batchRange = item(ref, "batch inputs x and targets t");
  const k = 4;
  // k steps per proof: W0's range checks and hash and the hparams/dataset hashes are paid once per proof;
  // the k + 1 adapters of the chain are range-checked once each (not twice) and only the first and last are hashed.
  const perProofFixed = w0Range + w0Hash + item(ref, "hparamsHash, datasetRoot");
  const kSaving = ((k - 1) / k) * (perProofFixed + adapterRange / 2 + adapterHash);
  const stepShape = ref.params as unknown as StepShape;
  const { dB, dA } = updateDivisors(stepShape);
  const lowerF = { ...stepShape, F: stepShape.F - 2 };
  const widths = (s: StepShape): number => {
    const d = updateDivisors(s);
    return s.dOut * s.rank * belowConstantConstraints(d.dB) + s.rank * s.dIn * belowConstantConstraints(d.dA);
  };
  const fSaving = widths(stepShape) - widths(lowerF);
  // y0 = W0·x committed in the leaves: the outputs (at scale 2^(F+FW)) are range-checked when packed.
  const y0Bits = stepShape.wBits + stepShape.xBits + bitLength(stepShape.dIn - 1);
  const y0Extra = n * stepShape.dOut * y0Bits;
  const depth = p.depth ?? 1;
  const quaternaryLevels = Math.ceil(depth / 2);
  // Poseidon(4) with 4 live inputs (t = 5): 3·(8·5 + 60) − 3 = 297, plus ~6 for the 4-way selection.
  const quaternary = n * quaternaryLevels * (297 + 6);
  out.push(`### What would cut each (for ${code(ref.instance)}, ${count(total)} constraints)`);
  out.push("");
  out.push(
    [
      `- **Range checks, ${count(family(ref, "range checks"))} (${percent(family(ref, "range checks"), total)})**: the frozen base weights' int8 checks alone are ${count(w0Range)} (${percent(w0Range, total)}), ` +
        `the adapters before and after ${count(adapterRange)} (${percent(adapterRange, total)}), the batch ${count(batchRange)} (${percent(batchRange, total)}). ` +
        `W0 never changes, yet every step re-checks and re-hashes it, and re-checks the adapters the previous step already checked. ` +
        `Proving k steps per proof (the adapters passed from step to step inside the circuit) pays W0's checks and hash and the hyperparameter hashes once per proof, checks each adapter of the chain once instead of twice and hashes only the first and the last: ` +
        `about −${count(kSaving)} per step at k = ${k} (${percent(kSaving, total)}), and one on-chain verification per k steps; the cost is that the registry would see every k-th adapter only. ` +
        "A proof system with lookup arguments (PLONKish) would make an 8- or 16-bit range check one lookup instead of 8 or 16 constraints; circom's Groth16 has none.",
      `- **Remainder checks, ${count(family(ref, "remainder / rescale checks"))} (${percent(family(ref, "remainder / rescale checks"), total)})**: almost all of it (${count(remainders)}) is the update remainders, ` +
        `one range check per adapter entry below D_B = n·d_out·2^5F (${bitLength(dB - 1n)} bits) and D_A = n·d_out·2^6F (${bitLength(dA - 1n)} bits): the gradients are kept exact, at scales 2^5F and 2^6F, until the single rounding of the update (PROTOCOL §4). ` +
        "Rescaling an intermediate earlier (rounding the error to 2^F before the gradient products, say) takes F bits off every update remainder but adds a remainder and a quotient check per rescaled value: about break-even at these shapes. " +
        `The lever is precision: the widths grow by 5 and 6 bits per unit of F, so F = ${(p.F ?? 8) - 2} instead of ${p.F ?? 8} would save ${count(fSaving)} (${percent(fSaving, total)}) here, with coarser fixed point.`,
      `- **Products, ${count(family(ref, "products"))} (${percent(family(ref, "products"), total)})**: W0·x is ${count(w0x)} of them (n·d_out·d_in), the rest the adapters' forward and backward passes (${count(
        family(ref, "products") - w0x,
      )}). ` +
        "They are the arithmetic itself; the only large cut is not to recompute the frozen layer: committing y0 = W0·x with each dataset example (proved once per dataset) would remove W0's products, range checks and hash from every step " +
        `(${count(w0x + w0Range + w0Hash)}, ${percent(w0x + w0Range + w0Hash, total)}) and add the range checks of the n·d_out outputs in the larger leaves (about ${count(y0Extra)}): ` +
        "a protocol change that moves the frozen layer's work to dataset registration.",
      `- **Poseidon hashing, ${count(family(ref, "Poseidon hashing"))} (${percent(family(ref, "Poseidon hashing"), total)})**: Merkle paths ${count(merkle)} (n·depth·241), example leaves ${count(leaves)}, ` +
        `W0's commitment ${count(w0Hash)}, the adapters' ${count(adapterHash)}. A 4-ary dataset tree (Poseidon(4) per level, half the levels) would bring the paths to about ${count(quaternary)}; ` +
        "k steps per proof amortize W0's hash. Hashing dominates only the small instances (Poseidon's cost does not shrink with the layer).",
      `- **Time**: proving is about linear in the constraints (above), so each cut above cuts proving time in proportion; beyond that, snarkjs is JavaScript/WASM on ${results.machine.cores} cores: a native prover (rapidsnark) ` +
        "and the native circom binary would cut proving and compile time (not measured here); setup is paid once per circuit version and grows with the circuit like proving does (its new-zkey part is most of it).",
      "- **Gas**: a step's gas is the Groth16 verification (the bare verifier row of the gas table) plus the registry's bookkeeping; batching with `submitSteps` amortizes the transaction base cost (measured above), " +
        "k steps per proof would divide the verification by k, and docs/REGISTRY.md lists the storage and public-input cuts.",
    ].join("\n"),
  );
  out.push("");
}

// ---------------------------------------------------------------------------------------------------
// The document
// ---------------------------------------------------------------------------------------------------

export function renderMarkdown(results: BenchResults): string {
  const { machine, circuits } = results;
  const declared = circuits.filter((r) => r.origin === "instances.json");
  const maxLoad = Math.max(results.loadAverage.max1min, ...results.loadAverage.start, ...results.loadAverage.end, ...circuits.flatMap(phaseLoads));
  const out: string[] = [];

  out.push("# Benchmarks");
  out.push("");
  out.push(
    "Generated by `npm run bench` (bench/run.ts); the numbers below are from one run on the machine described under Machine. " +
      "Benchmarks are not tests: nothing here runs in `npm test`. Machine-readable results: `bench/results.json`.",
  );
  out.push("");
  out.push("Reproduce with:");
  out.push("");
  out.push("```sh");
  out.push(results.command);
  out.push("```");
  out.push("");
  out.push(
    `Date: ${results.generatedAt}${results.durationSeconds === undefined ? "" : `; the run took ${(results.durationSeconds / 60).toFixed(0)} min`}. Median of ${results.options.runs} run(s) for witness, proving and verification. ` +
      (results.options.fresh
        ? "`--fresh`: every circuit was compiled and set up from scratch, in a scratch copy (build/bench-scratch/), so the shared build/circuits/ artifacts were never touched; proving and verification used the scratch artifacts."
        : "Without `--fresh`, instances' compile and setup times are the ones recorded in their build manifests, marked \"(manifest)\" (comparison circuits are always built from scratch).") +
      (results.options.skipLarge ? " `--skip-large`: the circuits that need 2^17 or more were left out." : "") +
      ` The machine (${machine.cores} cores) is shared with other engineers' test runs; the 1-minute load average reached ${maxLoad.toFixed(2)} during the run, the benchmark itself accounting for 1 to ${machine.cores} of it: see Machine.`,
  );
  out.push("");
  if (results.options.skipped.length > 0) {
    out.push(`Skipped: ${results.options.skipped.map((s) => `${code(s.name)} (${s.reason})`).join(", ")}.`);
    out.push("");
  }
  for (const failure of results.failures) {
    out.push(`**${code(failure.name)} failed**: ${failure.error}`);
    out.push("");
  }

  out.push(
    "Sections: declared instances; gas per verified step and per merge; LoRA vs full fine-tuning of the same layer; LoraMerge vs the Freivalds merge; every circuit; trainable parameters; phase details; machine; method; " +
      "the constraint breakdown item by item; and, to close, where the time and the constraints go and what would cut each.",
  );
  out.push("");
  out.push("## Declared instances (circuits/instances.json)");
  out.push("");
  if (declared.length > 0) {
    out.push(metricsTable(results, declared));
    out.push("");
  }
  out.push(
    "Proof size: a BN254 Groth16 proof is 2 G1 points and 1 G2 point, 8 field elements of 32 bytes = 256 bytes as the verifier's calldata " +
      "(uncompressed affine coordinates); with point compression it would be 128 bytes (32 + 64 + 32), which the EVM verifier does not use.",
  );
  out.push("");
  out.push(
    "Peak memory is the maximum resident set size of the phase's process tree, measured by running each phase in its own process " +
      (machine.gnuTime
        ? "under `/usr/bin/time -v` (Linux reports the largest single process of the tree, so for compile it is the circom2 process, which WASM-compiles the circuit in its own node process)"
        : "and reading `process.resourceUsage().maxRSS` at its exit (GNU time was not available, so the circom2 child of the compile phase is not included)") +
      "; it includes worker threads and the node + tsx runtime of the phase process. Proving memory covers the witness calculation, the proof and its verification, in one process.",
  );
  out.push("");
  const checked = declared.filter((r) => r.build.matchesSharedBuild !== null);
  if (checked.length > 0) {
    out.push(
      "Fresh builds reproduce the shared keys: " +
        checked
          .map((r) => `${code(r.instance)} ${r.build.matchesSharedBuild === true ? "yes (same verification key as build/circuits/)" : "NO (verification key differs from build/circuits/: sources changed since it was built?)"}`)
          .join("; ") +
        ".",
    );
    out.push("");
  }

  gasSection(results, out);
  comparisonSection(results, out);
  mergeSection(results, out);

  out.push("## Every circuit");
  out.push("");
  out.push(allCircuitsTable(circuits));
  out.push("");

  out.push("## LoRA vs full fine-tuning: trainable parameters");
  out.push("");
  out.push(
    "For one `d_out × d_in` layer, full fine-tuning trains `d_out·d_in` parameters and LoRA of rank `r` trains `r·(d_in + d_out)`; " +
      "the ratio is `d_out·d_in / (r·(d_in + d_out))`, which for a square layer is `d / 2r` (bench/lib/params.ts). For the benchmarked LoRA shapes:",
  );
  out.push("");
  out.push(
    table(
      ["d_in × d_out", "r", "full", "LoRA", "ratio"],
      results.comparisonPairs.map(({ parameterRatio: pr }) => [`${pr.dIn} × ${pr.dOut}`, String(pr.rank), count(pr.full), count(pr.lora), ratio(pr.ratio)]),
      ["l", "r", "r", "r", "r"],
    ),
  );
  out.push("");
  out.push("and for square layers of common transformer widths (rows `d`, columns `r`):");
  out.push("");
  const grid = results.parameterRatios.grid;
  const widths = [...new Set(grid.map((point) => point.dIn))];
  const ranks = [...new Set(grid.map((point) => point.rank))];
  out.push(
    table(
      ["d \\ r", ...ranks.map(String)],
      widths.map((d) => [
        String(d),
        ...ranks.map((rank) => {
          const point = grid.find((g) => g.dIn === d && g.rank === rank);
          if (point === undefined) return "";
          const text = ratio(point.ratio);
          return point.ratio === 24 || point.ratio === 96 ? `**${text}**` : text;
        }),
      ]),
      ["l", ...ranks.map((): "r" => "r")],
    ),
  );
  out.push("");
  const list = (points: readonly ParameterRatio[]): string => points.map((point) => `d = ${point.dIn}, r = ${point.rank}`).join("; ");
  out.push(
    `The research prototype's "24-96× fewer parameters": exactly 24× at ${list(results.parameterRatios.ratio24) || "no grid point"}; ` +
      `exactly 96× at ${list(results.parameterRatios.ratio96) || "no grid point"}. ` +
      `Between them the ratio is d / 2r: ${inRange(grid)} of the ${grid.length} grid points fall within 24-96×. ` +
      "The benchmarked circuits are far smaller (2× to 8×), and the measured cost ratios above are smaller still: a proof's cost is dominated by the frozen `d_out·d_in` base weights, which the circuit commits to, range-checks and multiplies whatever r is.",
  );
  out.push("");

  out.push("## Phase details");
  out.push("");
  out.push(
    table(
      ["circuit", "phase", "runs / detail", "peak RSS", "load avg (1 min) start → end"],
      circuits.flatMap((r) => {
        const rows: string[][] = [
          [
            code(r.instance),
            "compile",
            r.compile.source === "manifest" ? `${seconds(r.compile.seconds)} from the build manifest` : seconds(r.compile.seconds),
            peakDetail(r.compile.peakMemory),
            loadDetail(r.compile.peakMemory),
          ],
        ];
        if (r.setup !== null) {
          rows.push([
            "",
            "setup",
            r.setup.detail === undefined
              ? `${seconds(r.setup.seconds)}${r.setup.source === "manifest" ? " from the build manifest" : ""}`
              : `new zkey ${seconds(r.setup.detail.newZkeySeconds ?? 0)}, beacon ${seconds(r.setup.detail.beaconSeconds ?? 0)}, export vkey + verifier ${seconds(r.setup.detail.exportSeconds ?? 0)}`,
            peakDetail(r.setup.peakMemory),
            loadDetail(r.setup.peakMemory),
          ]);
        }
        if (r.prove !== null) {
          rows.push(
            ["", `reference (TS): ${r.prove.reference}`, seconds(r.prove.referenceSeconds), "", ""],
            ["", "witness", r.prove.witness.runs.map(seconds).join(", "), "", ""],
            ["", "proving", r.prove.proving.runs.map(seconds).join(", "), peakDetail(r.prove.proving.peakMemory), loadDetail(r.prove.proving.peakMemory)],
            ["", "verification", `${r.prove.verification.runs.map(seconds).join(", ")} (${r.prove.verification.valid ? "all valid" : "INVALID"})`, "", ""],
          );
        } else rows.push(["", "setup, proving", r.note ?? "compile only", "", ""]);
        return rows;
      }),
    ),
  );
  out.push("");
  out.push("The first proving run of each circuit also pays snarkjs's curve and worker-thread initialisation; the median discounts it.");
  out.push("");

  out.push("## Machine");
  out.push("");
  out.push(
    table(
      ["", ""],
      [
        ["CPU", machine.cpuModel],
        ["cores (os.cpus)", String(machine.cores)],
        ["memory", `${(machine.totalMemoryBytes / 2 ** 30).toFixed(1)} GiB`],
        ["OS", `${machine.platform}, kernel ${machine.kernel}`],
        ["Node", machine.node],
        ["snarkjs", machine.snarkjs],
        ["circom", `${machine.circom} (circom2 npm package ${machine.circom2Package}, WASM build), flags ${machine.circomFlags.join(" ")}`],
        ["powers of tau", [...new Set(circuits.flatMap((r) => (r.circuit.ptau === null ? [] : [r.circuit.ptau])))].join(", ") || DASH],
        ["load average (1, 5, 15 min) at start / end", `${results.loadAverage.start.map((v) => v.toFixed(2)).join(", ")} / ${results.loadAverage.end.map((v) => v.toFixed(2)).join(", ")}`],
        ["largest 1-minute load average seen", maxLoad.toFixed(2)],
      ],
    ),
  );
  out.push("");
  out.push(
    maxLoad > machine.cores + 0.5
      ? `Machine load: the 1-minute load average reached ${maxLoad.toFixed(2)} on ${machine.cores} cores. The benchmark itself keeps it between 1 and ${machine.cores} (a phase process and its worker threads), so the excess is other engineers' concurrent work (test suites: circom compiles, Groth16 proofs, Hardhat). ` +
          "Timings are therefore upper bounds: the spread of the repeated runs in Phase details shows the noise, and ratios between circuits measured minutes apart carry it too. Constraint counts, proof sizes and gas are exact and unaffected."
      : `Machine load: the 1-minute load average peaked at ${maxLoad.toFixed(2)} on ${machine.cores} cores, which is about what the benchmark itself produces (a phase process and its worker threads keep it between 1 and ${machine.cores}), so little else ran during this run. ` +
          "The machine is shared with other engineers' test runs, so some noise remains possible: the spread of the repeated runs in Phase details shows it. Constraint counts, proof sizes and gas are exact and unaffected by load.",
  );
  out.push("");

  out.push("## Method");
  out.push("");
  out.push(
    [
      "- `npm run bench [-- NAME ...] [--quick] [--skip-large] [--no-comparisons] [--no-gas] [--fresh] [--runs N] [--keep-scratch] [--render]`: every declared instance and every comparison circuit, or those named, or with `--quick` only the test instances (the first LoraStep and its LoraMerge); " +
        "`--skip-large` leaves out the circuits that need 2^17 or more (predicted by the formulas: the 64x64 instances, full fine-tuning at 32x32 and 64x64, the 64x64 Freivalds merge), which take most of a full run's time" +
        (results.durationSeconds === undefined ? "" : ` (${(results.durationSeconds / 60).toFixed(0)} minutes for the run recorded here)`) +
        "; `--render` only rewrites this file from bench/results.json; progress goes to stderr.",
      "- Circuits: the instances of circuits/instances.json (LoraStep, LoraMerge) and the comparison circuits of bench/lib/circuits.ts: LoRA at 16x16 and 32x32 (r = 4, n = 4, depth 8), FullStep at 8x8, 16x16, 32x32 (set up and proven) and 64x64 (compiled only: it needs 2^19), LoraMergeFreivalds at the merge instances' shapes (compiled only).",
      "- Each phase runs in its own process (`node --import tsx bench/phase.ts <phase> <circuit> ...`), under `/usr/bin/time -v` when present, so that its peak memory is its own.",
      "- `--fresh`: compile with circom2 (same flags as the build) and run the Groth16 development setup (new zkey from the ptau in `PTAU`, phase-2 beacon, export of the verification key and Solidity verifier) into build/bench-scratch/<circuit>/, removed afterwards. Without it, instances are built with `buildInstance` (reused when up to date) and their manifests' recorded times are reported; comparison circuits are always built in the scratch copy.",
      "- Inputs (bench/lib/inputs.ts): a LoRA step is `makeStep` on `syntheticTask(params, { seed: 3 })` at step 5; a merge is `makeMerge` of the adapter after 3 trained steps of that task; a full step is `makeFullStep` on the same kind of task (W = its base layer at scale 2^F, 16-bit). The witness with the circuit's WASM calculator, the proof with `snarkjs.groth16.prove`, the verification with `snarkjs.groth16.verify` (JavaScript), N times in one process; medians reported (and the fastest run, which the LoRA/full proving ratio uses). Circuits run by layer size and, at each size, LoRA step, full step, merge, Freivalds merge, so that the two circuits of a comparison run back to back under about the same load.",
      "- Gas: `npx hardhat run bench/gas.ts` on the in-process network (bench/lib/gas.ts spawns it after the circuits, passing a request and reading a result through files): Ignition deployment, then real proofs submitted as described under Gas. " +
        "Instances built by default are proven with build/circuits/ (whose verifiers the module deploys); the others with the scratch artifacts of this run, their verifier compiled with solc-js at the project's settings and registered by the script.",
    ].join("\n"),
  );
  out.push("");

  out.push("## Constraint breakdown, item by item");
  out.push("");
  out.push(
    "By formula from the templates (bench/lib/constraints.ts). The circuits compile with `--O2`, which substitutes away every linear constraint, " +
      "so only quadratic constraints count: a `b`-bit range check costs `b` (booleanity of each bit; the recomposition is linear), a product of two signals 1, " +
      "a circomlib `Poseidon` with `t = inputs + 1` lanes `3·(8t + P(t))` (3 per S-box; P = partial rounds) minus 3 for each first-round lane that is a compile-time constant " +
      "(the zero initial state, the tag/length word of a PackHash chain, the tag and shape parameters of hparamsHash). " +
      "`npx tsx bench/breakdown-check.ts` compiles each template at shapes other than the benchmarked ones and compares them with the formulas.",
  );
  out.push("");
  for (const r of circuits) {
    out.push(`### ${code(r.instance)} (${r.template}, ${count(r.circuit.constraints)} constraints)`);
    out.push("");
    out.push(
      table(
        ["family", "item", "formula", "constraints", "share"],
        [
          ...r.constraintBreakdown.rows.map((b) => [b.family, b.item, b.formula, count(b.constraints), percent(b.constraints, r.constraintBreakdown.compiled)]),
          ["", "**formula total** (compiled: residual)", "", `**${count(r.constraintBreakdown.formulaTotal)}**`, `${count(r.constraintBreakdown.compiled)}: ${count(r.constraintBreakdown.residual)}`],
        ],
        ["l", "l", "l", "r", "r"],
      ),
    );
    out.push("");
  }

  analysisSection(results, out);
  return out.join("\n");
}
