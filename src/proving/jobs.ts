/**
 * Proving jobs as data: what to prove (kind, circuit instance, the `prove` document), the artifacts it
 * must be proven with, and the run it belongs to. A job's result is the `prove` command's answer, so any
 * engine that can carry JSON can carry the work, and a job can be replayed with `npm run prove`.
 */
import { createHash } from "node:crypto";
import { ERROR_CODES, LoraLedgerError, type ErrorCode } from "../protocol/index.js";
import { noProgress, type Progress } from "../node/index.js";
import { proveDocument, type RunProveAnswer } from "../cli/commands/prove/index.js";
import { checkArtifacts, type ArtifactHashes } from "./artifacts.js";

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

/** The `prove` answer of a version-2 statement (a single step's answer has the same proof fields). */
export type ProvingResult = RunProveAnswer;

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

/** Proves a job here: the artifacts' hashes first, then the `prove` command's checks and proof. */
export async function runProvingJob(
  job: ProvingJob,
  where: string,
  progress: Progress = noProgress,
): Promise<ProvingResult> {
  if (job.document.instance !== job.instance) {
    throw new LoraLedgerError(
      "statement_mismatch",
      `the job names instance ${job.instance} but its document names ${String(job.document.instance)}`,
      "instance",
    );
  }
  checkArtifacts(job.instance, job.artifacts, where);
  return (await proveDocument(job.document, progress)) as ProvingResult;
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
