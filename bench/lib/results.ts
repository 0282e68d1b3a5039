/** The benchmark's machine-readable record, bench/results.json (bench/render/ renders it as BENCHMARKS.md). */
import type { BenchTemplate } from "./circuits.js";
import type { BreakdownRow, ConstraintFamily } from "./constraints.js";
import type { GasResult } from "./gas.js";
import type { MachineInfo } from "./machine.js";
import type { ParameterRatio } from "./params.js";
import type { PeakMemory } from "./phases.js";
import type { V2Roles } from "./v2.js";

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
  proofSize: {
    calldataBytes: number;
    compressedBytes: number;
    publicInputs: number;
    publicInputsCalldataBytes: number;
  };
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
  circuit: {
    constraints: number;
    wires: number;
    publicInputs: number;
    privateInputs: number;
    outputs: number;
    power: number;
    ptau: string | null;
  };
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
  /**
   * Version 2's gas on LoraLedgerRegistryV2 (bench/gasV2.ts), with when and by which command it was measured
   * (`--only gas` merges it into an earlier record). null: not measured (--no-gas); { error }: the measurement
   * failed; absent in results written before version 2's gas was benchmarked.
   */
  v2Gas?: V2GasRecord | { error: string } | null;
  /**
   * Version 1's gas on LoraLedgerRegistry, retired with that registry: measured by the last run that had it,
   * kept (and carried into later runs' records) as a historical record; absent when none was measured.
   */
  v1Gas?: RetiredV1GasRecord;
  parameterRatios: { grid: ParameterRatio[]; ratio24: ParameterRatio[]; ratio96: ParameterRatio[] };
  /**
   * Protocol version 2 (absent in results written before it was benchmarked): the circuits of each role
   * (bench/lib/v2.ts), and the run that measured them when it was `--only v2`, merged into an earlier record.
   */
  v2?: V2Roles & {
    run: { generatedAt: string; command: string; durationSeconds: number; maxLoad1min: number } | null;
  };
  /** proving at scale (bench/queue.ts, `--only queue`): absent until measured */
  queue?: QueueBenchRecord;
}

/** One run of bench/queue.ts: the same 32-step run with one way of proving. */
export interface QueueRunRecord {
  /** "in-process pool of 1", "2 workers over Redis" */
  prover: string;
  /** pool: proofs in the submitter's process; processes: in child processes of it; redis: `npm run worker`s */
  kind: "pool" | "processes" | "redis";
  /** proofs at once in the pool, or worker processes */
  parallel: number;
  /** prove-and-submit's own wall time (deployment on the in-process network included) */
  wallSeconds: number;
  proofs: number;
  checkpointProofs: number;
  /** witness + proof seconds of every proof, as each prover measured it */
  provingSecondsSum: number;
  checkpointProofSecondsMean: number;
  transactions: number;
  /** the submitter's wall time from sending each transaction to its receipt, summed */
  submitSeconds: number;
}

export interface QueueBenchRecord extends MeasuredBy {
  steps: number;
  checkpointInstance: string;
  cores: number;
  loadAverage: { start: number[]; end: number[] };
  runs: QueueRunRecord[];
  overhead: {
    jobs: number;
    instance: string;
    /** from enqueueing a job to its answer at the submitter, one job at a time to an idle worker */
    queueRoundTripSeconds: number;
    /** the worker's witness + proof time of those jobs */
    workerProofSeconds: number;
    /** the same proofs made in the bench's own process */
    inProcessSeconds: number;
    overheadPerJobSeconds: number;
  };
}

/** When and by which command a gas record was measured. */
export interface MeasuredBy {
  measuredAt: string;
  command: string;
}

export type V2GasRecord = MeasuredBy & GasResult;

/** One step instance's figures on version 1's registry (the measurement, bench/gas.ts, is deleted with it). */
export interface V1GasPair {
  step: string;
  merge: string | null;
  verifierDeployment: "ignition" | "solc";
  mergeVerifierDeployment: "ignition" | "solc" | null;
  /** a transaction calling the step verifier's verifyProof directly (estimateGas) */
  bareStepVerifier: number;
  /** submitStep of step 0 */
  submitStep: number;
  /** submitStep of step 7, after the batches */
  submitStepLater: number;
  submitSteps2: { total: number; perStep: number; steps: number };
  submitSteps4: { total: number; perStep: number; steps: number };
  recordMerge: number | null;
  bareMergeVerifier: number | null;
  mergeNote: string | null;
  proofs: { steps: number; merges: number; provingSeconds: number };
}

/** Version 1's gas as its last run recorded it (then under `gas`, measured at that record's generatedAt). */
export interface V1GasResult {
  network: string;
  solidity: string;
  registryHasRecordMerge: boolean;
  pairs: V1GasPair[];
  errors: { step: string; error: string }[];
  seconds: number;
}

export type RetiredV1GasRecord = MeasuredBy & V1GasResult;
