/**
 * Proving jobs as data: what to prove (kind, circuit instance, the `prove` document), the artifacts it
 * must be proven with, and the run it belongs to. A job's result is the `prove` command's answer, so any
 * engine that can carry JSON can carry the work, and a job can be replayed with `npm run prove`.
 */
import { createHash } from "node:crypto";
import { ERROR_CODES, LoraLedgerError, type ErrorCode, type Groth16Proof } from "../protocol/index.js";
import type { Progress } from "../node/index.js";
import type { ArtifactHashes } from "./artifacts.js";

/** What a job proves: a checkpoint (or a single step), a run's start, or a block of the projection or the merge. */
export const PROVING_JOB_KINDS = ["step", "checkpoint", "run-start", "projection-block", "merge-block"] as const;
export type ProvingJobKind = (typeof PROVING_JOB_KINDS)[number];

export interface ProvingJob {
  kind: ProvingJobKind;
  /** the circuit instance (circuits/instances.json) */
  instance: string;
  /** the JSON document `prove` reads */
  document: Record<string, unknown>;
  /** the submitter's artifacts: a worker whose files differ refuses the job */
  artifacts: ArtifactHashes;
  /** the run (or projection) the job belongs to, as the status command groups jobs */
  run: string;
  /** what the job proves, for progress lines ("steps 4..5", "projection block 1/2") */
  label: string;
}

/** The `prove` answer (src/cli's RunProveAnswer): what the submitter reads of it. */
export interface ProvingResult {
  proof: Groth16Proof;
  public_signals: string[];
  metadata: { witness_seconds: number; proving_seconds: number };
}

/**
 * Proves one job where it runs: checks the artifacts' hashes, then the `prove` command's checks and proof
 * (src/cli's proveJob; the queue and the pool take it as a parameter, being below the commands).
 */
export type ProvingExecutor = (job: ProvingJob, where: string, progress: Progress) => Promise<ProvingResult>;

/** Runs jobs somewhere: in this process, or on workers behind a queue. */
export interface Prover {
  /** a short description for progress lines ("in-process pool of 1", "redis://host:6379, 2 workers") */
  readonly description: string;
  prove(job: ProvingJob): Promise<ProvingResult>;
  close(): Promise<void>;
}

/**
 * A job's identity: its instance and document. The same statement proven twice is the same job, so a
 * restarted submitter finds the job (and its result) it enqueued before it was killed instead of adding another.
 */
export function provingJobId(job: Pick<ProvingJob, "instance" | "document">): string {
  const digest = createHash("sha256").update(JSON.stringify(job.document)).digest("hex").slice(0, 24);
  return `${job.instance}.${digest}`;
}

/** How a failed job's reason carries the `prove` error class across the queue: "[code] message". */
export function failureReason(error: LoraLedgerError): string {
  return `[${error.code}] ${error.message}`;
}

/** The error a failed job's reason stands for: the `prove` error class when it has one. */
export function errorFromReason(reason: string, label: string): Error {
  const match = /^\[(\w+)\] ([\s\S]*)$/.exec(reason);
  const code = match?.[1];
  if (match !== null && code !== undefined && (ERROR_CODES as readonly string[]).includes(code)) {
    return new LoraLedgerError(code as ErrorCode, `${label}: ${match[2] ?? ""}`);
  }
  return new Error(`${label}: the proving job failed: ${reason}`);
}
